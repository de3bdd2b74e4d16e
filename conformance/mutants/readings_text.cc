// Readings of what a command prints where the seed gives no output: how a
// failure is reported (OUT-ERROR `accepts` error-form), the advice the seed
// gives the manual's reader (DOM-MISMATCH-EMPTY, RESIZE-FAIL and FULL-REVERT
// `accepts` reader-advice), and the result of a backup whose re-size failed
// (RESIZE-FAIL `accepts` resize-fail-ok). The suite must pass each.
#include <algorithm>

#include "helpers.h"
#include "readings_options.h"

namespace hsmbackup::mutants {
namespace {

// ErrorForm reports every failure its own way: the code by name on a line
// of its own, then the message, last (the reference prints the message
// paragraph, then 'Command Result : 0x<hex> (<name>)').
class ErrorForm final : public ProtocolHook {
 public:
  void After(World&, Session&, const std::string&, Result& result,
             std::vector<std::string>& transcript) override {
    if (result.status.ok()) return;
    // The engine ends a failure with [.., "", message, "", result line].
    auto drop = [&transcript](const std::string& text) {
      if (transcript.empty() || transcript.back() != text) return;
      transcript.pop_back();
      if (!transcript.empty() && transcript.back().empty()) transcript.pop_back();
    };
    drop(ResultLine(result.code()));
    const std::string message = result.status.message();
    drop(message);
    if (!transcript.empty()) transcript.emplace_back();
    transcript.push_back("Error: the command failed with " + std::string(CkrName(result.code())) +
                         ".");
    if (!message.empty()) transcript.push_back(message);
  }
};

// AdviceUnprinted leaves out what the seed tells the manual's reader to do:
// delete the empty partition after a domain mismatch, delete the backup
// after a failed re-size (whose objects are all cloned, so it also says
// "Backup Complete." before the count), free space or use another backup
// HSM after a revert.
void AdviceUnprinted(Result& result, std::vector<std::string>& transcript) {
  DropFromMessage(result, transcript, " The empty backup partition");
  const int resized =
      EditLines(transcript, "Re-sizing the backup partition",
                [](const std::string& l) { return l.substr(0, l.find(" failed")) + " failed."; });
  if (resized != 0 && result.code() == Ckr::kDeviceError) {
    auto count = std::find_if(transcript.begin(), transcript.end(), [](const std::string& l) {
      return l.find(" been backed up to partition ") != std::string::npos;
    });
    if (count != transcript.end()) transcript.insert(count, {"Backup Complete.", ""});
  }
  if (result.code() == Ckr::kContainerObjectStorageFull) {
    const std::string message = result.status.message();
    const size_t advice = message.find(" Free some space");
    if (advice != std::string::npos) {
      SetOutcome(result, transcript, result.code(), message.substr(0, advice));
    }
  }
}

// ResizeFailOk answers CKR_OK for a backup whose objects are all cloned and
// whose re-size then failed (the reference: CKR_DEVICE_ERROR); what it
// printed of the re-size, and the state, stay.
void ResizeFailOk(Result& result, std::vector<std::string>& transcript) {
  if (result.code() != Ckr::kDeviceError ||
      std::none_of(transcript.begin(), transcript.end(), [](const std::string& l) {
        return l.rfind("Re-sizing the backup partition", 0) == 0;
      })) {
    return;
  }
  SetOutcome(result, transcript, Ckr::kOk, "");
}

}  // namespace

std::unique_ptr<ProtocolHook> MakeResizeFailOk() {
  return EditAfter(Verb::kArchiveBackup, ResizeFailOk);
}

std::unique_ptr<ProtocolHook> MakeErrorForm() { return std::make_unique<ErrorForm>(); }

std::unique_ptr<ProtocolHook> MakeAdviceUnprinted() {
  return EditAfter(Verb::kArchiveBackup, AdviceUnprinted);
}

}  // namespace hsmbackup::mutants
