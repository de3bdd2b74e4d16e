// restore-stops-by-target breaks RESTORE-RULES: a restore stops at the first
// failed object when the partition it restores into is V0/V1, though the
// objects came from a pre-7.7 partition, whose restore goes on to the end
// of the list (the restore page speaks of the objects' source). A real
// implementation gets this wrong by asking the target partition's firmware.
//
// Built by presenting a pre-7.7 backup as V0 in origin for the one restore,
// only where RESTORE-PRE77-TO-V0 lets it through anyway.
#include "hsmbackup/luna_facts.h"
#include "helpers.h"
#include "mutant.h"

namespace hsmbackup::mutants {
namespace {

class RestoreStopsByTarget final : public ProtocolHook {
 public:
  void Before(World& world, Session& session, std::string& line,
              std::vector<std::string>&) override {
    swap_.Undo();
    std::optional<Command> c = Parse(line);
    if (!Is(c, Verb::kArchiveRestore) || c->smkonly || !c->partition) return;
    UserPartition* t = CurrentUser(world, session);
    BackupHsm* hsm = TargetHsm(world, *c);
    if (t == nullptr || hsm == nullptr || t->kind == PartitionKind::kPre77) return;
    BackupPartition* p = FindPartition(*hsm, *c->partition);
    if (p == nullptr || p->origin != PartitionKind::kPre77) return;
    const bool gated =
        hsm->model == BackupModel::kBackupHsm7 && hsm->firmware >= kBackupHsm7RestrictedRestore;
    const bool passes =
        !gated || (hsm->restricted_restore &&
                   (t->kind == PartitionKind::kV1 ||
                    (hsm->firmware >= kBackupHsm7CpV1Restore && t->policies.allow_cpv1)));
    if (!passes) return;
    swap_.Swap(*p, PartitionKind::kV0);
  }
  void After(World&, Session&, const std::string&, Result&, std::vector<std::string>&) override {
    swap_.Undo();
  }

 private:
  OriginSwap swap_;
};

}  // namespace

std::unique_ptr<ProtocolHook> MakeRestoreStopsByTarget() {
  return std::make_unique<RestoreStopsByTarget>();
}

}  // namespace hsmbackup::mutants
