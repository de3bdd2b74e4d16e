// drops-resize-advice breaks RESIZE-FAIL: the re-size fails and all free
// space stays taken, but the transcript never says that the backup must be
// deleted before another backup can be made.
#include "helpers.h"
#include "mutant.h"

namespace hsmbackup::mutants {

std::unique_ptr<ProtocolHook> MakeDropsResizeAdvice() {
  return EditAfter(Verb::kArchiveBackup, [](Result&, std::vector<std::string>& transcript) {
    EditLines(transcript, "Re-sizing the backup partition", [](const std::string& l) {
      return l.substr(0, l.find(" failed")) + " failed.";
    });
  });
}

}  // namespace hsmbackup::mutants
