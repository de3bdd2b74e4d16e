// restores-pre77-ungated breaks RESTORE-PRE77-TO-V0: a Backup HSM 7 from
// 7.7.1 restores its pre-7.7 backups wherever asked, whatever HSM policy 55
// "Enable Restricted Restore" and partition policy 42 "Allow CPv1" say. A
// real implementation gets this wrong by checking only that the target can
// open the blobs (any V0/V1 firmware opens a pre-7.7 blob).
//
// Built by presenting, for the one restore, the policies (and the 7.7.2
// firmware) that let it through.
#include "hsmbackup/luna_facts.h"
#include "helpers.h"
#include "mutant.h"

namespace hsmbackup::mutants {
namespace {

class RestoresPre77Ungated final : public ProtocolHook {
 public:
  void Before(World& world, Session& session, std::string& line,
              std::vector<std::string>&) override {
    hsm_ = nullptr;
    target_ = nullptr;
    std::optional<Command> c = Parse(line);
    if (!Is(c, Verb::kArchiveRestore) || !c->partition) return;
    UserPartition* target = CurrentUser(world, session);
    BackupHsm* hsm = TargetHsm(world, *c);
    if (target == nullptr || hsm == nullptr || hsm->model != BackupModel::kBackupHsm7 ||
        hsm->firmware < kBackupHsm7RestrictedRestore) {
      return;
    }
    const BackupPartition* p = FindPartition(*hsm, *c->partition);
    if (p == nullptr || p->origin != PartitionKind::kPre77) return;
    hsm_ = hsm;
    target_ = target;
    saved_ = {hsm->restricted_restore, target->policies.allow_cpv1, hsm->firmware};
    hsm->restricted_restore = target->kind != PartitionKind::kPre77;
    target->policies.allow_cpv1 = true;
    if (hsm->firmware < kBackupHsm7CpV1Restore) hsm->firmware = kBackupHsm7CpV1Restore;
  }
  // A restore never adds or removes slots, so the pointers hold.
  void After(World&, Session&, const std::string&, Result&, std::vector<std::string>&) override {
    if (hsm_ != nullptr) {
      hsm_->restricted_restore = saved_.restricted;
      target_->policies.allow_cpv1 = saved_.cpv1;
      hsm_->firmware = saved_.firmware;
    }
    hsm_ = nullptr;
    target_ = nullptr;
  }

 private:
  struct Saved {
    bool restricted = false, cpv1 = false;
    Version firmware;
  };
  BackupHsm* hsm_ = nullptr;
  UserPartition* target_ = nullptr;
  Saved saved_;
};

}  // namespace

std::unique_ptr<ProtocolHook> MakeRestoresPre77Ungated() {
  return std::make_unique<RestoresPre77Ungated>();
}

}  // namespace hsmbackup::mutants
