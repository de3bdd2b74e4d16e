// drops-failure-line breaks CLONE-DISCARD: the target HSM discards the blob
// that failed but never reports which object it was. A real implementation
// gets this wrong by logging per-object failures only with -debug.
#include "helpers.h"
#include "mutant.h"

namespace hsmbackup::mutants {

std::unique_ptr<ProtocolHook> MakeDropsFailureLine() {
  return EditAfter(Verb::kArchiveBackup, [](Result&, std::vector<std::string>& transcript) {
    std::erase_if(transcript, [](const std::string& l) {
      return l.rfind("Failed to clone object", 0) == 0;
    });
  });
}

}  // namespace hsmbackup::mutants
