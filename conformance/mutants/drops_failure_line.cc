// drops-failure-line breaks CLONE-DISCARD: the target HSM discards the blob
// that failed but never reports which object it was. A real implementation
// gets this wrong by logging per-object failures only with -debug.
#include "helpers.h"
#include "mutant.h"

namespace hsmbackup::mutants {
namespace {

class DropsFailureLine final : public ProtocolHook {
 public:
  void After(World&, Session&, const std::string& line, Result& /*result*/,
             std::vector<std::string>& transcript) override {
    if (!Is(Parse(line), Verb::kArchiveBackup)) return;
    std::erase_if(transcript, [](const std::string& l) {
      return l.rfind("Failed to clone object", 0) == 0;
    });
  }
};

}  // namespace

std::unique_ptr<ProtocolHook> MakeDropsFailureLine() { return std::make_unique<DropsFailureLine>(); }

}  // namespace hsmbackup::mutants
