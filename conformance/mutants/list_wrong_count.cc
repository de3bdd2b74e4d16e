// list-wrong-count breaks ARCHIVE-LIST: the object count of every listed
// backup partition is one too high (the SMK counted as an object).
#include "helpers.h"
#include "mutant.h"

namespace hsmbackup::mutants {

std::unique_ptr<ProtocolHook> MakeListWrongCount() {
  return EditAfter(Verb::kArchiveList, [](Result&, std::vector<std::string>& transcript) {
    EditLines(transcript, "Objects:",
              [](const std::string& l) { return BumpNumber(l, "Objects:", 1); });
  });
}

}  // namespace hsmbackup::mutants
