// contents-wrong-handle breaks ARCHIVE-CONTENTS: the handles shown are not
// the ones the objects have on the backup HSM, so -objects on a restore
// picks the wrong ones.
#include "helpers.h"
#include "mutant.h"

namespace hsmbackup::mutants {

std::unique_ptr<ProtocolHook> MakeContentsWrongHandle() {
  return EditAfter(Verb::kArchiveContents, [](Result&, std::vector<std::string>& transcript) {
    EditLines(transcript, "Handle:",
              [](const std::string& l) { return BumpNumber(l, "Handle:", 1000); });
  });
}

}  // namespace hsmbackup::mutants
