// drops-mismatch-advice breaks DOM-MISMATCH-EMPTY: the empty backup
// partition stays, as the seed says, but the user is never told to delete
// it by hand, so it sits there holding its overhead.
#include "helpers.h"
#include "mutant.h"

namespace hsmbackup::mutants {

std::unique_ptr<ProtocolHook> MakeDropsMismatchAdvice() {
  return EditAfter(Verb::kArchiveBackup, [](Result& result, std::vector<std::string>& transcript) {
    DropFromMessage(result, transcript, " The empty backup partition");
  });
}

}  // namespace hsmbackup::mutants
