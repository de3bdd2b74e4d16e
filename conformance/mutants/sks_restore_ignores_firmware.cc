// sks-restore-ignores-firmware breaks OPT-SMKONLY-SKS: a V1 backup (or its
// SMK) is restored from a backup HSM whose firmware takes no SKS. A real
// implementation gets this wrong by keeping SKS as a property of the device
// it checks on backup alone, instead of deriving it from the firmware for
// backup and restore alike.
//
// Built by presenting the backup HSM at the SKS firmware for the one restore.
#include "hsmbackup/luna_facts.h"
#include "helpers.h"
#include "mutant.h"

namespace hsmbackup::mutants {
namespace {

class SksRestoreIgnoresFirmware final : public ProtocolHook {
 public:
  void Before(World& world, Session&, std::string& line, std::vector<std::string>&) override {
    raised_ = nullptr;
    std::optional<Command> c = Parse(line);
    if (!Is(c, Verb::kArchiveRestore) || !c->partition) return;
    BackupHsm* hsm = TargetHsm(world, *c);
    if (hsm == nullptr || TakesSks(*hsm)) return;
    const BackupPartition* p = FindPartition(*hsm, *c->partition);
    if (!c->smkonly && (p == nullptr || p->origin != PartitionKind::kV1)) return;  // no SKS
    old_ = hsm->firmware;
    hsm->firmware = hsm->model == BackupModel::kBackupHsm7 ? kBackupHsm7Sks : kBackupHsmG5Sks;
    raised_ = hsm;
  }
  // A restore never adds or removes slots, so the pointer holds.
  void After(World&, Session&, const std::string&, Result&, std::vector<std::string>&) override {
    if (raised_ != nullptr) raised_->firmware = old_;
    raised_ = nullptr;
  }

 private:
  BackupHsm* raised_ = nullptr;
  Version old_;
};

}  // namespace

std::unique_ptr<ProtocolHook> MakeSksRestoreIgnoresFirmware() {
  return std::make_unique<SksRestoreIgnoresFirmware>();
}

}  // namespace hsmbackup::mutants
