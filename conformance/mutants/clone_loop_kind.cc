// Two mutants that run one firmware generation's clone loop for another, the
// fault a real implementation makes by writing the loop once:
//
// - pre77-stops-at-failure breaks CLONE-CONTINUE-PRE77: a pre-7.7 source
//   stops at the first object that fails instead of going on to the end
//   (the 7.7 loop used for every generation). Built by treating the pre-7.7
//   source as V0 for the one command.
// - v0-continues-after-failure breaks CLONE-STOP-V0V1: a V0 source goes on
//   after an object fails, to the end of the list (the pre-7.7 loop kept
//   when V0 support was added). Built by treating the V0 source as pre-7.7.
//
// Both swap the kind for the one command (KindSwap) and put every kind and
// origin back after it. Left alone where the other kind differs for other
// reasons: -smkonly, -append (OPT-APPEND-FINGERPRINT is pre-7.7 only) and
// backup HSMs too old for V0 sources (pre-7.7 sources skip FW-MIN-BACKUP).
#include "helpers.h"
#include "mutant.h"

namespace hsmbackup::mutants {
namespace {

class CloneLoopOfAnotherKind final : public ProtocolHook {
 public:
  CloneLoopOfAnotherKind(PartitionKind source, PartitionKind loop) : source_(source), loop_(loop) {}

  void Before(World& world, Session& session, std::string& line,
              std::vector<std::string>&) override {
    std::optional<Command> c = Parse(line);
    if (!Is(c, Verb::kArchiveBackup) || c->smkonly || c->append) return;
    UserPartition* src = CurrentUser(world, session);
    BackupHsm* hsm = TargetHsm(world, *c);
    if (src == nullptr || src->kind != source_ || hsm == nullptr ||
        hsm->firmware < MinBackupFirmware(*hsm)) {
      return;
    }
    swap_.Apply(world, session.current_slot(), *TargetSlot(world, *c), loop_);
  }
  void After(World& world, Session&, const std::string&, Result&,
             std::vector<std::string>&) override {
    swap_.Undo(world);
  }

 private:
  PartitionKind source_, loop_;
  KindSwap swap_;
};

}  // namespace

std::unique_ptr<ProtocolHook> MakePre77StopsAtFailure() {
  return std::make_unique<CloneLoopOfAnotherKind>(PartitionKind::kPre77, PartitionKind::kV0);
}

std::unique_ptr<ProtocolHook> MakeV0ContinuesAfterFailure() {
  return std::make_unique<CloneLoopOfAnotherKind>(PartitionKind::kV0, PartitionKind::kPre77);
}

}  // namespace hsmbackup::mutants
