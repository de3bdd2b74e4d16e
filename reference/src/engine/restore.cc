// partition archive restore: a backup partition back into the current
// user partition, by the same per-object rules as backup (RESTORE-RULES).
#include <map>

#include "engine/internal.h"
#include "engine/object_index.h"
#include "hsmbackup/crypto.h"
#include "hsmbackup/env.h"
#include "hsmbackup/luna_facts.h"
#include "hsmbackup/transfer.h"

namespace hsmbackup::engine {
namespace {

struct RestorePlan {
  UserPartition* target = nullptr;
  uint32_t slot_id = 0;
  BackupHsm* hsm = nullptr;
  BackupPartition* part = nullptr;
  std::vector<const BackupObject*> objects;
};

// CheckPre77Restore: RESTORE-PRE77-TO-V0. A Backup HSM 7 from 7.7.1 holds
// pre-7.7 backups back by HSM policy 55: with it on they restore into V0/V1
// partitions only, with it off into pre-7.7 partitions only; a V0 target
// also needs firmware 7.7.2 and the partition's policy 42 "Allow CPv1".
// Older backup HSMs and the G5 are not gated (FW-OLD-RESTORE).
Status CheckPre77Restore(const UserPartition& t, const BackupHsm& hsm, const BackupPartition& p) {
  if (p.origin != PartitionKind::kPre77 || hsm.model != BackupModel::kBackupHsm7 ||
      hsm.firmware < kBackupHsm7RestrictedRestore) {
    return OkStatus();
  }
  const std::string policy55 =
      "HSM policy " + std::to_string(kHsmPolicyRestrictedRestore) + " \"Enable Restricted Restore\"";
  const std::string unchanged = " The partition is unchanged.";
  if (t.kind == PartitionKind::kPre77 && hsm.restricted_restore) {
    return Status(Ckr::kOperationNotAllowed, policy55 + " is on: the pre-7.7 backup " + p.name +
                                                 " restores into V0/V1 partitions only." +
                                                 unchanged);
  }
  if (t.kind != PartitionKind::kPre77 && !hsm.restricted_restore) {
    return Status(Ckr::kOperationNotAllowed, "Restoring the pre-7.7 backup " + p.name + " into a " +
                                                 KindName(t.kind) + " partition needs " + policy55 +
                                                 " on." + unchanged);
  }
  if (t.kind == PartitionKind::kV0 &&
      (hsm.firmware < kBackupHsm7CpV1Restore || !t.policies.allow_cpv1)) {
    return Status(Ckr::kOperationNotAllowed,
                  "Restoring the pre-7.7 backup " + p.name + " into a V0 partition needs Backup "
                  "HSM 7 firmware " + kBackupHsm7CpV1Restore.ToString() + " or newer and the "
                  "partition's policy " + std::to_string(kPartitionPolicyAllowCpV1) +
                      " \"Allow CPv1\" on." + unchanged);
  }
  return OkStatus();
}

Status CheckKinds(const Ctx& ctx, const RestorePlan& plan) {
  const UserPartition& t = *plan.target;
  const BackupPartition& p = *plan.part;
  if (t.auth != plan.hsm->auth) {  // AUTH-SAME-MODE
    return Status(Ckr::kOperationNotAllowed,
                  "Password and PED devices never clone to each other.");
  }
  if (p.origin != PartitionKind::kPre77 && t.kind == PartitionKind::kPre77) {  // FW-NO-DOWNGRADE
    return Status(Ckr::kOperationNotAllowed,
                  std::string("The backup ") + p.name + " comes from a " + KindName(p.origin) +
                      " partition; restoring it to a pre-7.7 partition would lower its "
                      "security, so it is refused. The partition is unchanged.");
  }
  if (p.origin == PartitionKind::kV1 && t.kind != PartitionKind::kV1) {
    return Status(Ckr::kOperationNotAllowed,
                  "The backup " + p.name + " holds SKS blobs of a V1 partition; only a V1 "
                  "partition can restore them. The partition is unchanged.");
  }
  HSMB_RETURN_IF_ERROR(CheckPre77Restore(t, *plan.hsm, p));
  if ((p.origin == PartitionKind::kV1 || ctx.cmd.smkonly) && !TakesSks(*plan.hsm)) {
    // OPT-SMKONLY-SKS: SKS restore, like SKS backup, follows the firmware.
    return Status(Ckr::kOperationNotAllowed,
                  "The backup " + p.name + " is an SKS backup; restoring it needs a backup HSM " +
                      "that takes SKS (Backup HSM 7 firmware " + kBackupHsm7Sks.ToString() +
                      ", Backup HSM G5 " + kBackupHsmG5Sks.ToString() + " or newer); the one on "
                      "slot " + std::to_string(plan.slot_id) + " has " +
                      plan.hsm->firmware.ToString() + ". The partition is unchanged.");
  }
  if (plan.hsm->connection == Connection::kAppliance && t.kind == PartitionKind::kV1 &&
      !ctx.cmd.smkonly) {  // DIRECT-SMK-ONLY
    return Status(Ckr::kOperationNotAllowed,
                  "The backup HSM is attached directly to the appliance: only the SMK can be "
                  "restored to a V1 partition (use -smkonly).");
  }
  if (ctx.cmd.smkonly && (p.smk_blob.empty() || t.kind != PartitionKind::kV1)) {
    return Status(Ckr::kOperationNotAllowed,
                  "-smkonly restores the SMK of a V1 backup to a V1 partition.");
  }
  return OkStatus();
}

StatusOr<RestorePlan> PlanRestore(Ctx& ctx) {
  RestorePlan plan;
  HSMB_ASSIGN_OR_RETURN(plan.target, CurrentUserPartition(ctx));
  HSMB_RETURN_IF_ERROR(RequireCo(ctx, "restore to it"));
  HSMB_ASSIGN_OR_RETURN(plan.slot_id, ResolveBackupSlot(ctx.world, *ctx.cmd.slot));
  HSMB_ASSIGN_OR_RETURN(plan.hsm, BackupHsmAt(ctx.world, plan.slot_id));
  HSMB_RETURN_IF_ERROR(CheckObjectsOption(ctx));
  if (ctx.cmd.smkonly && (ctx.cmd.objects || ctx.cmd.replace)) {
    return Status(Ckr::kArgumentsBad, "-smkonly restores the SMK alone: no -objects or -replace.");
  }
  if (!ctx.cmd.partition) {
    return Status(Ckr::kArgumentsBad, "-partition is required: name the backup to restore.");
  }
  HSMB_RETURN_IF_ERROR(CheckCredentialOptions(ctx.cmd, plan.hsm->auth));
  plan.part = FindBackupPartition(*plan.hsm, *ctx.cmd.partition);
  if (plan.part == nullptr) {
    return Status(Ckr::kTokenNotPresent, "There is no backup partition " + *ctx.cmd.partition +
                                             " on slot " + std::to_string(plan.slot_id) + ".");
  }
  HSMB_RETURN_IF_ERROR(CheckKinds(ctx, plan));
  if (!ctx.cmd.smkonly) {
    for (const BackupObject& o : plan.part->objects) {
      if (!ctx.cmd.objects || ctx.cmd.objects->all) plan.objects.push_back(&o);
    }
    if (ctx.cmd.objects && !ctx.cmd.objects->all) {
      for (uint32_t h : ctx.cmd.objects->handles) {
        const BackupObject* found = nullptr;
        for (const BackupObject& o : plan.part->objects) {
          if (o.object.handle == h) found = &o;
        }
        if (found == nullptr) {
          return Status(Ckr::kObjectHandleInvalid, "-objects: the backup has no object with "
                                                   "handle " + std::to_string(h) + ".");
        }
        plan.objects.push_back(found);
      }
    }
  }
  uint64_t used = 0;
  std::map<Ouid, uint64_t> present;
  for (const Object& o : plan.target->objects) {
    used += o.value.size();
    present[o.ouid] = o.value.size();
  }
  uint64_t need = 0;
  for (const BackupObject* o : plan.objects) {
    auto it = present.find(o->object.ouid);
    if (it == present.end()) {
      need += o->size;
    } else if (ctx.cmd.replace && o->size > it->second) {
      need += o->size - it->second;
    }
  }
  if (used + need > plan.target->capacity) {
    return Status(Ckr::kDeviceMemory,
                  "Not enough space on the partition: the restore needs " + std::to_string(need) +
                      " bytes and " + std::to_string(plan.target->capacity - used) +
                      " are free. Nothing was restored.");
  }
  return plan;
}

Status RestoreSmk(Ctx& ctx, RestorePlan& plan) {
  HSMB_ASSIGN_OR_RETURN(Receiver receiver, ReceiverFor(ctx, plan.target->domain));
  StatusOr<Secret> smk = receiver.ReceiveSmk(plan.part->smk_blob);
  if (!smk.ok()) {
    return Status(smk.status().code(), "The SMK did not verify under the partition's domain: "
                                       "the domains do not match. Nothing was restored.");
  }
  plan.target->smk = std::move(*smk);  // RESTORE-SMK: overwrites the target's SMK
  ctx.out.Para("The SMK was restored successfully.");
  return OkStatus();
}

Status RestoreObjects(Ctx& ctx, RestorePlan& plan) {
  UserPartition& t = *plan.target;
  const BackupPartition& p = *plan.part;
  // RESTORE-RULES: continue or stop follows the kind of partition the
  // objects came from (the backup's origin), as the restore page says.
  const bool stop_at_first = p.origin != PartitionKind::kPre77;
  DeterministicRng rng(&ctx.world.rng);
  HSMB_ASSIGN_OR_RETURN(Receiver receiver, ReceiverFor(ctx, t.domain));
  std::optional<Sender> sender;
  if (p.origin == PartitionKind::kV1) {
    // The SMK blob carries the domain check for SKS blobs.
    StatusOr<Secret> smk = receiver.ReceiveSmk(p.smk_blob);
    if (!smk.ok()) {
      return Status(smk.status().code(), "The backup's SMK did not verify under the "
                                         "partition's domain: the domains do not match.");
    }
    KeyCache& keys = SessionAccess::keys(ctx.session);
    if (!t.smk || keys.SmkIdOf(*t.smk) != keys.SmkIdOf(*smk)) {
      return Status(Ckr::kSmkIdNotFound, "The partition's SMK is not the one these objects are "
                                         "sealed under; restore the SMK first with -smkonly.");
    }
    HSMB_RETURN_IF_ERROR(receiver.WithSmk(*t.smk));
  } else {
    HSMB_ASSIGN_OR_RETURN(Sender s, SenderFor(ctx, p.domain, p.origin));
    sender.emplace(std::move(s));
  }
  ctx.out.Para(Plural(plan.objects.size(), "object") + " will be restored.");
  ctx.out.Para("Restoring objects...");
  const size_t most = t.objects.size() + plan.objects.size();
  HandleSet in_use(DenseLimitFor(t.handles, most));
  for (const Object& o : t.objects) in_use.insert(o.handle);
  t.objects.reserve(most);
  OuidIndex<Object> by_ouid(&t.objects, most);
  size_t restored = 0, failed = 0;
  Status first_failure;
  for (const BackupObject* b : plan.objects) {
    const std::string src = std::to_string(b->object.handle);
    const std::optional<size_t> same = by_ouid.Find(b->object.ouid);
    if (same && !ctx.cmd.replace) {
      ctx.out.Line("Object " + src + " has the same OUID as object " +
                   std::to_string(t.objects[*same].handle) +
                   " on the partition: not restored.");
      continue;
    }
    Status s;
    StatusOr<Received> got = Status(Ckr::kGeneralError, "not sent");
    if (sender) {
      StatusOr<Bytes> wire = sender->SendObject(b->object, rng);
      got = wire.ok() ? receiver.ReceiveObject(*wire) : StatusOr<Received>(wire.status());
    } else {
      got = receiver.ReceiveObject(b->sealed);
    }
    s = got.status();
    if (s.ok() && HasFault(ctx.world, FaultType::kVerifyFail, plan.slot_id, b->object.handle)) {
      s = Status(Ckr::kFailedToCloneAnObject, "rejected by the partition");
    }
    if (!s.ok()) {
      ctx.out.Line("Failed to restore object " + src + " (" + std::string(CkrName(s.code())) +
                   ").");
      if (ctx.cmd.debug) ctx.out.Line("Debug: " + s.message() + ".");
      ++failed;
      if (first_failure.ok()) first_failure = s;
      if (stop_at_first) break;
      continue;
    }
    HSMB_ASSIGN_OR_RETURN(uint32_t handle, AllocateHandle(t.handles, [&](uint32_t h) {
                            return in_use.contains(h);
                          }));
    in_use.insert(handle);
    Object object = std::move(*got->object);
    object.handle = handle;
    if (same) {
      in_use.erase(t.objects[*same].handle);
      t.objects[*same] = std::move(object);
    } else {
      t.objects.push_back(std::move(object));
      by_ouid.Add(t.objects.size() - 1);
    }
    ++restored;
    ctx.out.Line("Restored object " + src + " to slot " + std::to_string(ctx.current_slot()) +
                 " (new handle " + std::to_string(handle) + ").");
  }
  if (first_failure.ok()) {
    ctx.out.Para("Restore Complete.");
  } else if (stop_at_first) {
    ctx.out.Para("Restore stopped at the first object that failed.");
  }
  ctx.out.Para(Plural(restored, "object") + (restored == 1 ? " has" : " have") +
               " been restored to slot " + std::to_string(ctx.current_slot()) + ".");
  if (first_failure.ok()) return first_failure;
  return Status(first_failure.code(), Plural(failed, "object") +
                                          " could not be restored; the first failure was " +
                                          std::string(CkrName(first_failure.code())) + ".");
}

}  // namespace

Status RunRestore(Ctx& ctx) {
  HSMB_ASSIGN_OR_RETURN(RestorePlan plan, PlanRestore(ctx));
  if (ctx.cmd.smkonly) {
    HSMB_RETURN_IF_ERROR(Confirm(
        ctx, {"You are restoring the SKS master key (SMK).",
              "It overwrites the SMK of the partition on slot " +
                  std::to_string(ctx.current_slot()) + ".",
              "Objects sealed under the current SMK can never be decrypted without a backup of it.",
              "", "Are you sure you wish to continue?"}));
  }
  Command full = ctx.cmd;  // AUTH-PROMPT: what the line left off, asked for
  HSMB_RETURN_IF_ERROR(AskPartitionPassword(ctx, *plan.hsm, *plan.part, &full));
  Ctx asked{ctx.session, ctx.world, full, ctx.out, ctx.prompter};
  // OUT-PED: a PED restore takes the backup HSM's SO key, the partition's
  // PO/CO keys and its domain key, each at the PED, as Thales' procedure for
  // restoring from a client-connected Backup HSM 7 lists them.
  const bool ped = plan.hsm->auth == AuthMode::kPed;
  if (ped) HSMB_RETURN_IF_ERROR(LoginSo(asked, *plan.hsm, plan.slot_id));
  HSMB_RETURN_IF_ERROR(LoginContainer(asked, *plan.hsm, *plan.part, plan.slot_id));
  if (ped) {
    asked.out.Para("Presenting the domain PED key for the partition " + plan.part->name +
                   " on slot " + std::to_string(plan.slot_id) + ".");
    asked.out.Ped(plan.hsm->auth);
  }
  if (full.smkonly) return RestoreSmk(asked, plan);
  return RestoreObjects(asked, plan);
}

}  // namespace hsmbackup::engine
