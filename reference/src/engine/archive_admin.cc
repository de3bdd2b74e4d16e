// partition archive list / contents / delete: looking after backups.
#include "engine/internal.h"

namespace hsmbackup::engine {
namespace {

std::string Padded(std::string_view key, const std::string& value) {
  std::string line(key);
  line.resize(std::max<size_t>(line.size(), 17), ' ');
  return line + value;
}

struct Target {
  uint32_t slot_id = 0;
  BackupHsm* hsm = nullptr;
  BackupPartition* part = nullptr;
};

// Resolve checks the options and finds the HSM; with `find_partition` it
// also finds the named partition (delete finds it only after the SO login).

StatusOr<Target> Resolve(Ctx& ctx, bool needs_partition, bool find_partition = true) {
  Target t;
  HSMB_ASSIGN_OR_RETURN(t.slot_id, ResolveBackupSlot(ctx.world, *ctx.cmd.slot));
  HSMB_ASSIGN_OR_RETURN(t.hsm, BackupHsmAt(ctx.world, t.slot_id));
  if (needs_partition) {
    if (!ctx.cmd.partition) {
      return Status(Ckr::kArgumentsBad, "-partition is required: name the backup partition.");
    }
  }
  HSMB_RETURN_IF_ERROR(CheckCredentialOptions(ctx.cmd, t.hsm->auth));
  if (needs_partition && find_partition) {
    t.part = FindBackupPartition(*t.hsm, *ctx.cmd.partition);
    if (t.part == nullptr) {
      return Status(Ckr::kTokenNotPresent, "There is no backup partition " +
                                               *ctx.cmd.partition + " on slot " +
                                               std::to_string(t.slot_id) + ".");
    }
  }
  return t;
}

// AskSo completes `full` (a copy of the line's command) with
// the SO password a password device needs and the line left off (AUTH-PROMPT).
Status AskSo(Ctx& ctx, const Target& t, Command* full) {
  if (t.hsm->auth == AuthMode::kPed) return OkStatus();
  return AskMissing(ctx, Credential::kSoPassword,
                    "Enter the SO password for the backup HSM on slot " +
                        std::to_string(t.slot_id) + ": ",
                    &full->sopassword);
}

}  // namespace

// ARCHIVE-LIST: the SMK of a V1 backup is not an object and is not listed.
Status RunArchiveList(Ctx& ctx) {
  HSMB_ASSIGN_OR_RETURN(Target t, Resolve(ctx, false));
  Command full = ctx.cmd;
  HSMB_RETURN_IF_ERROR(AskSo(ctx, t, &full));
  Ctx asked{ctx.session, ctx.world, full, ctx.out, ctx.prompter};
  HSMB_RETURN_IF_ERROR(LoginSo(asked, *t.hsm, t.slot_id));
  for (const BackupPartition& p : t.hsm->partitions) {
    ctx.out.Para(Padded("Partition Name:", p.name));
    ctx.out.Line(Padded("Origin:", std::string(KindName(p.origin)) + " partition " +
                                       p.source_label));
    ctx.out.Line(Padded("Objects:", std::to_string(p.objects.size())));
    ctx.out.Line(Padded("Used / Size:", std::to_string(p.used(t.hsm->model)) + " / " +
                                            std::to_string(p.allocated) + " bytes"));
    ctx.out.Line(Padded("Created:", p.created));
  }
  ctx.out.Para(Plural(t.hsm->partitions.size(), "backup partition") + " on slot " +
               std::to_string(t.slot_id) + "; " + std::to_string(t.hsm->free_bytes()) + " of " +
               std::to_string(t.hsm->capacity) + " bytes free.");
  return OkStatus();
}

// ARCHIVE-CONTENTS: V1 objects show only OUID and label.
Status RunArchiveContents(Ctx& ctx) {
  HSMB_ASSIGN_OR_RETURN(Target t, Resolve(ctx, true));
  Command full = ctx.cmd;
  HSMB_RETURN_IF_ERROR(AskPartitionPassword(ctx, *t.hsm, *t.part, &full));
  Ctx asked{ctx.session, ctx.world, full, ctx.out, ctx.prompter};
  HSMB_RETURN_IF_ERROR(LoginContainer(asked, *t.hsm, *t.part, t.slot_id));
  for (const BackupObject& o : t.part->objects) {
    ctx.out.Para(Padded("Label:", o.object.label));
    ctx.out.Line(Padded("Handle:", std::to_string(o.object.handle)));
    ctx.out.Line(Padded("Object UID:", o.object.ouid.ToHex()));
    if (o.opaque()) {
      ctx.out.Line(Padded("Object Type:", "SKS blob (opaque, sealed under the SMK)"));
    } else {
      ctx.out.Line(Padded("Object Type:", ClassName(o.object.object_class)));
      ctx.out.Line(Padded("Size:", std::to_string(o.size)));
    }
  }
  ctx.out.Para("Number of objects: " + std::to_string(t.part->objects.size()));
  return OkStatus();
}

// ARCHIVE-DELETE frees the partition's whole allocation, which is also how
// a failed re-size is recovered from (RESIZE-FAIL). Whether the partition
// exists is told only after the SO password is checked (and the attempt
// counted), so the command cannot be used to probe names without the SO;
// the question comes before the login so that "quit" changes nothing.
Status RunArchiveDelete(Ctx& ctx) {
  HSMB_ASSIGN_OR_RETURN(Target t, Resolve(ctx, true, /*find_partition=*/false));
  const std::string name = *ctx.cmd.partition;
  HSMB_RETURN_IF_ERROR(Confirm(ctx, {"You are about to delete the backup partition " + name +
                                         " on slot " + std::to_string(t.slot_id) +
                                         " and every object in it.",
                                     "", "Are you sure you wish to continue?"}));
  Command full = ctx.cmd;
  HSMB_RETURN_IF_ERROR(AskSo(ctx, t, &full));
  Ctx asked{ctx.session, ctx.world, full, ctx.out, ctx.prompter};
  HSMB_RETURN_IF_ERROR(LoginSo(asked, *t.hsm, t.slot_id));
  if (FindBackupPartition(*t.hsm, name) == nullptr) {
    return Status(Ckr::kTokenNotPresent, "There is no backup partition " + name + " on slot " +
                                             std::to_string(t.slot_id) + ".");
  }
  std::erase_if(t.hsm->partitions, [&](const BackupPartition& p) { return p.name == name; });
  ctx.out.Para("Deleted the backup partition " + name + " on slot " + std::to_string(t.slot_id) +
               "; " + std::to_string(t.hsm->free_bytes()) + " bytes are free.");
  return OkStatus();
}

}  // namespace hsmbackup::engine
