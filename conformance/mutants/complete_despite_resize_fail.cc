// complete-despite-resize-fail breaks RESIZE-FAIL: after a failed re-size
// the transcript still says "Backup Complete." and then ends in
// CKR_DEVICE_ERROR, a contradiction a lunacm user cannot read. A real
// implementation gets this wrong by printing the clone loop's summary before
// it tries the re-size.
#include <algorithm>

#include "helpers.h"
#include "mutant.h"

namespace hsmbackup::mutants {

std::unique_ptr<ProtocolHook> MakeCompleteDespiteResizeFail() {
  return EditAfter(Verb::kArchiveBackup, [](Result& result, std::vector<std::string>& transcript) {
    if (result.code() != Ckr::kDeviceError) return;
    auto count = std::find_if(transcript.begin(), transcript.end(), [](const std::string& l) {
      return l.find(" been backed up to partition ") != std::string::npos;
    });
    if (count == transcript.end()) return;
    transcript.insert(count, {"Backup Complete.", ""});
  });
}

}  // namespace hsmbackup::mutants
