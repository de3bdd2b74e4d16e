// contents-wrong-type breaks ARCHIVE-CONTENTS: every object's type is shown
// as Data, so a reader of the contents cannot tell a key from a certificate
// before restoring it.
#include "helpers.h"
#include "mutant.h"

namespace hsmbackup::mutants {

std::unique_ptr<ProtocolHook> MakeContentsWrongType() {
  return EditAfter(Verb::kArchiveContents, [](Result&, std::vector<std::string>& transcript) {
    EditLines(transcript, "Object Type:", [](const std::string& l) {
      return l.substr(0, l.find(':') + 1) + "     Data";
    });
  });
}

}  // namespace hsmbackup::mutants
