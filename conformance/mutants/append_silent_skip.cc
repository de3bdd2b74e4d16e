// append-silent-skip breaks OPT-APPEND: -append skips a same-OUID object
// without a word, so "N objects will be backed up" is followed by a smaller
// count that nothing explains. A real implementation gets this wrong by
// reporting only what it cloned and failed.
#include <algorithm>

#include "helpers.h"
#include "mutant.h"

namespace hsmbackup::mutants {

std::unique_ptr<ProtocolHook> MakeAppendSilentSkip() {
  return EditAfter(Verb::kArchiveBackup, [](Result&, std::vector<std::string>& transcript) {
    std::erase_if(transcript,
                  [](const std::string& l) { return l.rfind("Skipped object ", 0) == 0; });
  });
}

}  // namespace hsmbackup::mutants
