// keeps-objects-after-fill breaks FULL-REVERT: when the backup partition
// fills before every object is cloned, the command still fails, but the
// partition and the objects cloned so far stay on the backup HSM. A real
// implementation gets this wrong by treating "partition full" like any
// other per-object failure and never rolling back what it created.
//
// Built after the fact: the reference has already reverted, so the mutant
// runs the same backup again, unseen, with only the objects the transcript
// shows as cloned, and then reports the fill as the reference did.
#include <algorithm>

#include "helpers.h"
#include "mutant.h"

namespace hsmbackup::mutants {
namespace {

class KeepsObjectsAfterFill final : public ProtocolHook {
 public:
  void After(World& world, Session& session, const std::string& line, Result& result,
             std::vector<std::string>& transcript) override {
    std::optional<Command> c = Parse(line);
    if (!Is(c, Verb::kArchiveBackup) || result.code() != Ckr::kContainerObjectStorageFull) {
      return;
    }
    const std::vector<uint32_t> kept = ClonedHandles(transcript);
    Command again = *c;
    again.objects = ObjectSelection{false, kept};
    // -objects is this mutant's own means; an old client must not refuse it.
    const Version client = world.client;
    world.client = std::max(client, Version{10, 3, 0});
    Result redo = RunQuietly(world, session, again);
    world.client = client;
    // A failed re-size (RESIZE-FAIL) still keeps the partition; anything else
    // means nothing was kept, and the reference's revert stands.
    if (!redo.status.ok() && redo.code() != Ckr::kDeviceError) return;
    const std::string name = ContainerName(transcript);
    SetOutcome(result, transcript, Ckr::kContainerObjectStorageFull,
               "The backup partition " + name + " filled before every object was cloned: " +
                   std::to_string(kept.size()) + " objects were backed up and stay in it.");
  }
};

}  // namespace

std::unique_ptr<ProtocolHook> MakeKeepsObjectsAfterFill() {
  return std::make_unique<KeepsObjectsAfterFill>();
}

}  // namespace hsmbackup::mutants
