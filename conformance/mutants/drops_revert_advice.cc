// drops-revert-advice breaks FULL-REVERT: the backup HSM is reverted, but
// the error does not tell the user to free space or use another backup HSM,
// as the seed asks.
#include "helpers.h"
#include "mutant.h"

namespace hsmbackup::mutants {

std::unique_ptr<ProtocolHook> MakeDropsRevertAdvice() {
  return EditAfter(Verb::kArchiveBackup, [](Result& result, std::vector<std::string>& transcript) {
    if (result.code() != Ckr::kContainerObjectStorageFull) return;
    SetOutcome(result, transcript, result.code(),
               "The backup partition filled before every object was cloned; the backup was "
               "cancelled.");
  });
}

}  // namespace hsmbackup::mutants
