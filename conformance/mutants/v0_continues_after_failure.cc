// v0-continues-after-failure breaks CLONE-STOP-V0V1: a V0 source goes on
// cloning after an object fails, to the end of the list. A real
// implementation gets this wrong by keeping the pre-7.7 clone loop when it
// adds V0 support, so the firmware generation never reaches the loop.
//
// Built by letting the engine treat the V0 source as pre-7.7 for the one
// command (KindSwap), then putting every kind and origin back. Not with
// -append: there pre-7.7 also compares fingerprints (OPT-APPEND-FINGERPRINT),
// a second rule the fault is not about.
#include "helpers.h"
#include "mutant.h"

namespace hsmbackup::mutants {
namespace {

class V0ContinuesAfterFailure final : public ProtocolHook {
 public:
  void Before(World& world, Session& session, std::string& line,
              std::vector<std::string>&) override {
    std::optional<Command> c = Parse(line);
    if (!Is(c, Verb::kArchiveBackup) || c->smkonly || c->append) return;
    UserPartition* src = CurrentUser(world, session);
    BackupHsm* hsm = TargetHsm(world, *c);
    // Pre-7.7 sources skip FW-MIN-BACKUP; only swap where V0 passes it too.
    if (src == nullptr || src->kind != PartitionKind::kV0 || hsm == nullptr ||
        hsm->firmware < MinBackupFirmware(*hsm)) {
      return;
    }
    swap_.Apply(world, session.current_slot(), *TargetSlot(world, *c), PartitionKind::kPre77);
  }
  void After(World& world, Session&, const std::string&, Result&,
             std::vector<std::string>&) override {
    swap_.Undo(world);
  }

 private:
  KindSwap swap_;
};

}  // namespace

std::unique_ptr<ProtocolHook> MakeV0ContinuesAfterFailure() {
  return std::make_unique<V0ContinuesAfterFailure>();
}

}  // namespace hsmbackup::mutants
