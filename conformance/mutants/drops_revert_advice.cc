// drops-revert-advice breaks FULL-REVERT: the backup HSM is reverted, but
// the error does not tell the user to free space or use another backup HSM,
// as the seed asks.
#include "helpers.h"
#include "mutant.h"

namespace hsmbackup::mutants {
namespace {

class DropsRevertAdvice final : public ProtocolHook {
 public:
  void After(World&, Session&, const std::string& line, Result& result,
             std::vector<std::string>& transcript) override {
    if (!Is(Parse(line), Verb::kArchiveBackup) ||
        result.code() != Ckr::kContainerObjectStorageFull) {
      return;
    }
    SetOutcome(result, transcript, result.code(),
               "The backup partition filled before every object was cloned; the backup was "
               "cancelled.");
  }
};

}  // namespace

std::unique_ptr<ProtocolHook> MakeDropsRevertAdvice() { return std::make_unique<DropsRevertAdvice>(); }

}  // namespace hsmbackup::mutants
