// restores-to-lower-security breaks FW-NO-DOWNGRADE: a backup taken from a
// V0 partition restores into a pre-7.7 partition, lowering the objects'
// security. A real implementation gets this wrong by checking only that the
// target can decrypt the blobs (a V0 backup holds plain domain blobs, which
// pre-7.7 firmware opens), not where they came from.
//
// Built by presenting the backup as pre-7.7 in origin for the one command.
#include "helpers.h"
#include "mutant.h"

namespace hsmbackup::mutants {
namespace {

class RestoresToLowerSecurity final : public ProtocolHook {
 public:
  void Before(World& world, Session& session, std::string& line,
              std::vector<std::string>&) override {
    swap_.Undo();
    std::optional<Command> c = Parse(line);
    if (!Is(c, Verb::kArchiveRestore) || c->smkonly || !c->partition) return;
    UserPartition* target = CurrentUser(world, session);
    BackupHsm* hsm = TargetHsm(world, *c);
    if (target == nullptr || target->kind != PartitionKind::kPre77 || hsm == nullptr) return;
    for (BackupPartition& p : hsm->partitions) {
      if (p.name == *c->partition && p.origin == PartitionKind::kV0) {
        swap_.Swap(p, PartitionKind::kPre77);
      }
    }
  }
  void After(World&, Session&, const std::string&, Result&, std::vector<std::string>&) override {
    swap_.Undo();
  }

 private:
  OriginSwap swap_;
};

}  // namespace

std::unique_ptr<ProtocolHook> MakeRestoresToLowerSecurity() {
  return std::make_unique<RestoresToLowerSecurity>();
}

}  // namespace hsmbackup::mutants
