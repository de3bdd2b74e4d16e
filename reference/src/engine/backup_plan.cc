#include "engine/backup_plan.h"
#include "hsmbackup/luna_facts.h"

#include <algorithm>
#include <set>
#include <unordered_map>

#include "hsmbackup/blob.h"
#include "hsmbackup/crypto.h"
#include "hsmbackup/env.h"

namespace hsmbackup::engine {
namespace {

std::string Slot(uint32_t id) { return "slot " + std::to_string(id); }

Status CheckDevices(const Ctx& ctx, const BackupPlan& plan) {
  const UserPartition& src = *plan.source;
  const BackupHsm& hsm = *plan.hsm;
  if (src.auth != hsm.auth) {  // AUTH-SAME-MODE
    return Status(Ckr::kOperationNotAllowed,
                  std::string("The partition is ") +
                      (src.auth == AuthMode::kPed ? "PED" : "password") +
                      "-authenticated and the backup HSM on " + Slot(plan.slot_id) + " is not: "
                      "password and PED devices never clone to each other.");
  }
  if (src.kind != PartitionKind::kPre77) {  // FW-MIN-BACKUP
    const Version min = hsm.model == BackupModel::kBackupHsm7 ? kBackupHsm7MinForV0V1
                                                              : kBackupHsmG5MinForV0V1;
    if (hsm.firmware < min) {
      return Status(Ckr::kOperationNotAllowed,
                    std::string("Backing up a ") + KindName(src.kind) + " partition needs " +
                        ModelName(hsm.model) + " firmware " + min.ToString() +
                        " or newer; the backup HSM on " + Slot(plan.slot_id) + " has " +
                        hsm.firmware.ToString() + ".");
    }
  }
  if (hsm.connection == Connection::kAppliance && src.kind == PartitionKind::kV1 &&
      !ctx.cmd.smkonly) {  // DIRECT-SMK-ONLY
    return Status(Ckr::kOperationNotAllowed,
                  "The backup HSM on " + Slot(plan.slot_id) +
                      " is attached directly to the appliance: only the SMK of a V1 "
                      "partition can be backed up (use -smkonly).");
  }
  if (ctx.cmd.smkonly) {  // OPT-SMKONLY, OPT-SMKONLY-SKS
    if (src.kind == PartitionKind::kPre77) {
      return Status(Ckr::kOperationNotAllowed,
                    "-smkonly applies to Luna HSM Firmware 7.7.0 and newer; this partition "
                    "has firmware " + src.firmware.ToString() + ".");
    }
    if (src.kind != PartitionKind::kV1 || !src.smk) {
      return Status(Ckr::kOperationNotAllowed,
                    "-smkonly needs a V1 partition: a V0 partition has no SKS master key.");
    }
    if (!TakesSks(hsm)) {
      const Version min =
          hsm.model == BackupModel::kBackupHsm7 ? kBackupHsm7Sks : kBackupHsmG5Sks;
      return Status(Ckr::kOperationNotAllowed,
                    "-smkonly needs a backup HSM that takes SKS: " + std::string(ModelName(hsm.model)) +
                        " firmware " + min.ToString() + " or newer; the one on " +
                        Slot(plan.slot_id) + " has " + hsm.firmware.ToString() + ".");
    }
  }
  return OkStatus();
}

Status CheckOptionCombinations(const Ctx& ctx) {
  const Command& c = ctx.cmd;
  if (c.smkonly) {
    if (c.partition) {
      return Status(Ckr::kArgumentsBad,
                    "-smkonly names the backup partition itself: do not give -partition.");
    }
    if (c.objects || c.append || c.replace) {
      return Status(Ckr::kArgumentsBad,
                    "-smkonly backs up the SMK alone: it takes no -objects, -append or -replace.");
    }
  }
  return CheckObjectsOption(ctx);
}

Status SelectObjects(const Ctx& ctx, BackupPlan& plan) {
  if (ctx.cmd.smkonly) return OkStatus();
  const std::vector<Object>& all = plan.source->objects;
  if (!ctx.cmd.objects || ctx.cmd.objects->all) {
    plan.objects.reserve(all.size());
    for (const Object& o : all) plan.objects.push_back(&o);
    return OkStatus();
  }
  // One pass over the partition against an index of the k handles asked
  // for: n + k steps, and memory for k, rather than n * k.
  const std::vector<uint32_t>& asked = ctx.cmd.objects->handles;
  std::unordered_map<uint32_t, const Object*> wanted;
  wanted.reserve(asked.size());
  for (uint32_t h : asked) wanted.emplace(h, nullptr);
  for (const Object& o : all) {
    const auto it = wanted.find(o.handle);
    if (it != wanted.end()) it->second = &o;
  }
  plan.objects.reserve(asked.size());
  for (uint32_t h : asked) {
    const Object* found = wanted.at(h);
    if (found == nullptr) {  // OPT-OBJECTS-INVALID
      return Status(Ckr::kObjectHandleInvalid,
                    "-objects: there is no object with handle " + std::to_string(h) +
                        " on the partition.");
    }
    plan.objects.push_back(found);
  }
  return OkStatus();
}

Status ChooseName(const Ctx& ctx, BackupPlan& plan) {
  const int64_t now = ctx.world.clock.now;
  if (ctx.cmd.smkonly) {
    plan.name = SmkBackupName(plan.source->label, now);
  } else if (ctx.cmd.partition) {
    plan.name = *ctx.cmd.partition;
  } else if (plan.hsm->model == BackupModel::kBackupHsm7) {
    plan.name = DefaultBackupName(plan.source->label, now);
  } else {  // OPT-PARTITION-REQUIRED
    return Status(Ckr::kArgumentsBad,
                  "-partition is required on a Luna Backup HSM G5 (only the Backup HSM 7 "
                  "names a backup by default).");
  }
  return OkStatus();
}

Status CheckExisting(const Ctx& ctx, BackupPlan& plan, const BackupPartition* part) {
  plan.exists = part != nullptr;
  if (!plan.exists) return OkStatus();
  if (ctx.cmd.smkonly || (!ctx.cmd.append && !ctx.cmd.replace)) {  // OPT-EXISTS
    return Status(Ckr::kObjectAlreadyExists,
                  "The backup partition " + plan.name + " already exists on " +
                      Slot(plan.slot_id) +
                      ": use -append to add to it, -replace to replace it, or another name.");
  }
  plan.recreate = ctx.cmd.replace && !ctx.cmd.append;
  plan.overwrite = ctx.cmd.replace && ctx.cmd.append;
  if (plan.recreate) return OkStatus();
  if (part->origin != plan.source->kind) {
    return Status(Ckr::kOperationNotAllowed,
                  "The backup partition " + plan.name + " holds a " + KindName(part->origin) +
                      " backup; a " + KindName(plan.source->kind) +
                      " partition cannot append to it.");
  }
  if (plan.source->kind == PartitionKind::kV1 && !part->smk_blob.empty()) {
    StatusOr<CloneBlob> smk = ParseBlob(part->smk_blob);
    if (!smk.ok() || smk->key_id != SessionAccess::keys(ctx.session).SmkIdOf(*plan.source->smk)) {
      return Status(Ckr::kOperationNotAllowed,
                    "The backup partition " + plan.name +
                        " holds the objects of another SMK; a V1 partition appends only to "
                        "its own backup.");
    }
  }
  return OkStatus();
}

// CheckNewCredentials takes the domain of a partition the backup creates and
// checks its password: on the line's command before any question (what is
// missing is asked for later), and again on the completed one.
Status CheckNewCredentials(const Command& cmd, const World& world, BackupPlan& plan) {
  const BackupHsm& hsm = *plan.hsm;
  if (!plan.creates()) return OkStatus();
  if (hsm.auth == AuthMode::kPed) {
    plan.domain = hsm.ped_domain;
    return OkStatus();
  }
  if (cmd.domain) {
    // A domain typed at the prompt has not been through the parser's limit.
    if (cmd.domain->size() > kMaxDomainBytes) {
      return Status(Ckr::kArgumentsBad, "The domain is longer than " +
                                            std::to_string(kMaxDomainBytes) + " bytes.");
    }
    plan.domain = *cmd.domain;
  } else if (cmd.defaultdomain) {
    plan.domain = world.default_domain;
  }
  if (!cmd.password) return OkStatus();
  // The password is stored in the world; one the world file cannot hold
  // would make the backup succeed and its save fail.
  if (cmd.password->size() > kMaxPasswordBytes) {
    return Status(Ckr::kPinLenRange,
                  "The new backup partition's -password is too long: at most " +
                      std::to_string(kMaxPasswordBytes) + " characters.");
  }
  // Backup HSM 7 firmware 7.7.2 raised the minimum password length to 8.
  if (hsm.model == BackupModel::kBackupHsm7 && hsm.firmware >= kBackupHsm7PinLength &&
      cmd.password->size() < kMinPinLength) {
    return Status(Ckr::kPinLenRange,
                  "The new backup partition's -password is too short: this firmware needs "
                  "at least 8 characters.");
  }
  return OkStatus();
}

void Size(BackupPlan& plan, const BackupPartition* part) {
  const uint64_t free = plan.hsm->free_bytes();
  if (plan.creates()) {
    plan.need = kPartitionOverheadBytes;
    for (const Object* o : plan.objects) plan.need += o->value.size();
    plan.available = free + (plan.recreate ? part->allocated : 0);
    return;
  }
  std::map<Ouid, uint64_t> present;
  for (const BackupObject& b : part->objects) present[b.object.ouid] = b.size;
  for (const Object* o : plan.objects) {
    auto it = present.find(o->ouid);
    if (it == present.end()) {
      plan.need += o->value.size();
      continue;
    }
    if (plan.overwrite) ++plan.overwrites;
    if (plan.overwrite && o->value.size() > it->second) plan.need += o->value.size() - it->second;
  }
  plan.available = free + (part->allocated - std::min(part->allocated, part->used(plan.hsm->model)));
}

}  // namespace

namespace {
// NamePart cuts a label to `n` characters and turns spaces into '_', since
// -partition takes no spaces and a name that cannot be typed could never be
// restored or deleted.
std::string NamePart(const std::string& label, size_t n) {
  std::string part = label.substr(0, n);
  std::replace(part.begin(), part.end(), ' ', '_');
  return part;
}
}  // namespace

std::string DefaultBackupName(const std::string& label, int64_t now) {
  return NamePart(label, kMaxLabelLength - 9) + "_" + FormatUtc(now, "%Y%m%d");
}

std::string SmkBackupName(const std::string& label, int64_t now) {
  return NamePart(label, kMaxLabelLength - 20) + "_" + FormatUtc(now, "%Y:%m:%d-%H:%M:%S");
}

StatusOr<BackupPlan> PlanBackup(Ctx& ctx) {
  BackupPlan plan;
  HSMB_ASSIGN_OR_RETURN(plan.source, CurrentUserPartition(ctx));
  HSMB_RETURN_IF_ERROR(RequireCo(ctx, "back it up"));  // AUTH-CO
  HSMB_ASSIGN_OR_RETURN(plan.slot_id, ResolveBackupSlot(ctx.world, *ctx.cmd.slot));
  HSMB_ASSIGN_OR_RETURN(plan.hsm, BackupHsmAt(ctx.world, plan.slot_id));
  HSMB_RETURN_IF_ERROR(CheckOptionCombinations(ctx));
  HSMB_RETURN_IF_ERROR(CheckCredentialOptions(ctx.cmd, plan.hsm->auth));
  HSMB_RETURN_IF_ERROR(CheckDevices(ctx, plan));
  HSMB_RETURN_IF_ERROR(SelectObjects(ctx, plan));
  HSMB_RETURN_IF_ERROR(ChooseName(ctx, plan));
  const BackupPartition* part = FindBackupPartition(*plan.hsm, plan.name);
  HSMB_RETURN_IF_ERROR(CheckExisting(ctx, plan, part));
  HSMB_RETURN_IF_ERROR(CheckNewCredentials(ctx.cmd, ctx.world, plan));
  Size(plan, part);
  if (plan.need > plan.available) {  // SIZE-PRECHECK
    ctx.out.Debug("Sizing: " + std::to_string(plan.objects.size()) + " objects of " +
                  std::to_string(plan.need - (plan.creates() ? kPartitionOverheadBytes : 0)) +
                  " bytes" + (plan.creates() ? " plus 9648 bytes of partition overhead" : "") +
                  "; backup HSM capacity " + std::to_string(plan.hsm->capacity) + " bytes.");
    return Status(Ckr::kHsmStorageFull,
                  "Not enough free space on the backup HSM on " + Slot(plan.slot_id) +
                      ": the backup needs " + std::to_string(plan.need) + " bytes and " +
                      std::to_string(plan.available) + " are free. The backup was cancelled.");
  }
  return plan;
}

Status AskBackupCredentials(Ctx& ctx, BackupPlan& plan, Command* full) {
  if (plan.hsm->auth == AuthMode::kPed) return OkStatus();
  const std::string on_slot = " on slot " + std::to_string(plan.slot_id);
  HSMB_RETURN_IF_ERROR(AskMissing(ctx, Credential::kSoPassword,
                                  "Enter the SO password for the backup HSM" + on_slot + ": ",
                                  &full->sopassword));
  HSMB_RETURN_IF_ERROR(AskMissing(ctx, Credential::kPassword,
                                  (plan.creates() ? "Enter a password for the new backup "
                                                    "partition "
                                                  : "Enter the password for the backup "
                                                    "partition ") +
                                      plan.name + ": ",
                                  &full->password));
  if (plan.creates() && !full->domain && !full->defaultdomain) {
    HSMB_RETURN_IF_ERROR(AskMissing(
        ctx, Credential::kDomain,
        "Enter the cloning domain for the backup partition " + plan.name + ": ", &full->domain));
  }
  return CheckNewCredentials(*full, ctx.world, plan);
}

}  // namespace hsmbackup::engine
