// list-wrong-used breaks ARCHIVE-LIST: the used bytes shown leave out the
// partition's own overhead, so they disagree with the device's accounting.
#include "helpers.h"
#include "mutant.h"

namespace hsmbackup::mutants {

std::unique_ptr<ProtocolHook> MakeListWrongUsed() {
  return EditAfter(Verb::kArchiveList, [](Result&, std::vector<std::string>& transcript) {
    EditLines(transcript, "Used / Size:", [](const std::string& l) {
      return BumpNumber(l, "Used / Size:", -9648);
    });
  });
}

}  // namespace hsmbackup::mutants
