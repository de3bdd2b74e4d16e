// pre77-stops-at-failure breaks CLONE-CONTINUE-PRE77: a pre-7.7 source
// stops at the first object that fails instead of going on to the end. A
// real implementation gets this wrong by writing the 7.7 clone loop once and
// using it for every firmware generation.
//
// Built by letting the engine treat the pre-7.7 source as V0 for the one
// command (KindSwap). Left alone where V0 would differ for other reasons:
// -smkonly, -append (OPT-APPEND-FINGERPRINT is pre-7.7 only) and backup
// HSMs too old for V0 sources.
#include "helpers.h"
#include "mutant.h"

namespace hsmbackup::mutants {
namespace {

class Pre77StopsAtFailure final : public ProtocolHook {
 public:
  void Before(World& world, Session& session, std::string& line,
              std::vector<std::string>&) override {
    std::optional<Command> c = Parse(line);
    if (!Is(c, Verb::kArchiveBackup) || c->smkonly || c->append) return;
    UserPartition* src = CurrentUser(world, session);
    BackupHsm* hsm = TargetHsm(world, *c);
    if (src == nullptr || src->kind != PartitionKind::kPre77 || hsm == nullptr ||
        hsm->firmware < MinBackupFirmware(*hsm)) {
      return;
    }
    swap_.Apply(world, session.current_slot(), *TargetSlot(world, *c), PartitionKind::kV0);
  }
  void After(World& world, Session&, const std::string&, Result&,
             std::vector<std::string>&) override {
    swap_.Undo(world);
  }

 private:
  KindSwap swap_;
};

}  // namespace

std::unique_ptr<ProtocolHook> MakePre77StopsAtFailure() {
  return std::make_unique<Pre77StopsAtFailure>();
}

}  // namespace hsmbackup::mutants
