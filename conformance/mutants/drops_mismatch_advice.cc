// drops-mismatch-advice breaks DOM-MISMATCH-EMPTY: the empty backup
// partition stays, as the seed says, but the user is never told to delete
// it by hand, so it sits there holding its overhead.
#include "helpers.h"
#include "mutant.h"

namespace hsmbackup::mutants {
namespace {

class DropsMismatchAdvice final : public ProtocolHook {
 public:
  void After(World&, Session&, const std::string& line, Result& result,
             std::vector<std::string>& transcript) override {
    if (!Is(Parse(line), Verb::kArchiveBackup)) return;
    DropFromMessage(result, transcript, " The empty backup partition");
  }
};

}  // namespace

std::unique_ptr<ProtocolHook> MakeDropsMismatchAdvice() { return std::make_unique<DropsMismatchAdvice>(); }

}  // namespace hsmbackup::mutants
