// skips-shrink breaks RESIZE-SHRINK: on a Luna Backup HSM 7 the backup
// partition keeps all the free space it took when it was opened, so the
// next backup finds the device full. A real implementation gets this wrong
// by leaving out the re-size step after cloning (or ignoring its failure
// silently).
//
// Built after the fact: whatever partition the backup logged in to gets the
// device's free space back, unless the backup was reverted or never opened
// it.
#include "helpers.h"
#include "mutant.h"

namespace hsmbackup::mutants {
namespace {

class SkipsShrink final : public ProtocolHook {
 public:
  void After(World& world, Session&, const std::string& line, Result& result,
             std::vector<std::string>& transcript) override {
    std::optional<Command> c = Parse(line);
    if (!Is(c, Verb::kArchiveBackup)) return;
    const Ckr code = result.code();
    if (code == Ckr::kContainerObjectStorageFull || code == Ckr::kPinIncorrect ||
        code == Ckr::kPinLocked) {
      return;
    }
    BackupHsm* hsm = TargetHsm(world, *c);
    const std::string name = ContainerName(transcript);
    if (hsm == nullptr || hsm->model != BackupModel::kBackupHsm7 || name.empty()) return;
    const uint64_t free = hsm->free_bytes();
    for (BackupPartition& p : hsm->partitions) {
      if (p.name == name) p.allocated += free;
    }
  }
};

}  // namespace

std::unique_ptr<ProtocolHook> MakeSkipsShrink() { return std::make_unique<SkipsShrink>(); }

}  // namespace hsmbackup::mutants
