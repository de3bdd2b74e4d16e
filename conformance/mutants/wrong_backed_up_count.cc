// wrong-backed-up-count breaks OUT-TRANSCRIPT: "N objects have been backed
// up to partition P" reports one more than were cloned. A real
// implementation gets this wrong by counting the objects it meant to clone.
#include "helpers.h"
#include "mutant.h"

namespace hsmbackup::mutants {

std::unique_ptr<ProtocolHook> MakeWrongBackedUpCount() {
  return EditAfter(Verb::kArchiveBackup, [](Result&, std::vector<std::string>& transcript) {
    for (std::string& l : transcript) {
      if (l.find(" been backed up to partition ") != std::string::npos) l = BumpNumber(l, "", 1);
    }
  });
}

}  // namespace hsmbackup::mutants
