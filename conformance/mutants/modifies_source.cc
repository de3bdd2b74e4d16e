// modifies-source breaks SRC-UNCHANGED: a backup rewrites the label of
// every source object it cloned, tagging it as backed up. A real
// implementation gets this wrong by keeping its bookkeeping ("last backed
// up") in the source objects' attributes instead of on the client.
//
// Built after the fact from the transcript's "Cloned object H" lines; the
// backup copies keep the label they were cloned with.
#include "helpers.h"
#include "mutant.h"

namespace hsmbackup::mutants {
namespace {

constexpr std::string_view kTag = " [backed up]";

class ModifiesSource final : public ProtocolHook {
 public:
  void After(World& world, Session& session, const std::string& line, Result&,
             std::vector<std::string>& transcript) override {
    if (!Is(Parse(line), Verb::kArchiveBackup)) return;
    UserPartition* src = CurrentUser(world, session);
    if (src == nullptr) return;
    for (uint32_t handle : ClonedHandles(transcript)) {
      for (Object& o : src->objects) {
        if (o.handle != handle) continue;
        o.label = o.label.substr(0, kMaxObjectLabelLength - kTag.size()) + std::string(kTag);
      }
    }
  }
};

}  // namespace

std::unique_ptr<ProtocolHook> MakeModifiesSource() { return std::make_unique<ModifiesSource>(); }

}  // namespace hsmbackup::mutants
