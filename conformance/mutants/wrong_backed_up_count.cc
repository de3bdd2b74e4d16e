// wrong-backed-up-count breaks OUT-TRANSCRIPT: "N objects have been backed
// up to partition P" reports one more than were cloned. A real
// implementation gets this wrong by counting the objects it meant to clone.
#include "helpers.h"
#include "mutant.h"

namespace hsmbackup::mutants {
namespace {

class WrongBackedUpCount final : public ProtocolHook {
 public:
  void After(World&, Session&, const std::string& line, Result& /*result*/,
             std::vector<std::string>& transcript) override {
    if (!Is(Parse(line), Verb::kArchiveBackup)) return;
    for (std::string& l : transcript) {
      if (l.find(" been backed up to partition ") != std::string::npos) l = BumpNumber(l, "", 1);
    }
  }
};

}  // namespace

std::unique_ptr<ProtocolHook> MakeWrongBackedUpCount() { return std::make_unique<WrongBackedUpCount>(); }

}  // namespace hsmbackup::mutants
