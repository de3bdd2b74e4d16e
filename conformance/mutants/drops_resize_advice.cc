// drops-resize-advice breaks RESIZE-FAIL: the re-size fails and all free
// space stays taken, but the transcript never says that the backup must be
// deleted before another backup can be made.
#include "helpers.h"
#include "mutant.h"

namespace hsmbackup::mutants {
namespace {

class DropsResizeAdvice final : public ProtocolHook {
 public:
  void After(World&, Session&, const std::string& line, Result& /*result*/,
             std::vector<std::string>& transcript) override {
    if (!Is(Parse(line), Verb::kArchiveBackup)) return;
    EditLines(transcript, "Re-sizing the backup partition", [](const std::string& l) {
      return l.substr(0, l.find(" failed")) + " failed.";
    });
  }
};

}  // namespace

std::unique_ptr<ProtocolHook> MakeDropsResizeAdvice() { return std::make_unique<DropsResizeAdvice>(); }

}  // namespace hsmbackup::mutants
