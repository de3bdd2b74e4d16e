#include "checks/families.h"

namespace hsmbackup::conformance {

const char* CheckStatusName(CheckStatus s) {
  switch (s) {
    case CheckStatus::kPass: return "pass";
    case CheckStatus::kFail: return "fail";
    case CheckStatus::kNotApplicable: return "n/a";
    case CheckStatus::kError: return "error";
  }
  return "?";
}

std::vector<Check> AllChecks() {
  std::vector<Check> all;
  for (auto family : {AuthenticationChecks, DomainChecks, CloningChecks, FirmwareChecks,
                      SizingChecks, OptionChecks, OutputChecks, RestoreFamilyChecks,
                      StatefulChecks, VectorChecks, RegressionChecks}) {
    std::vector<Check> some = family();
    all.insert(all.end(), std::make_move_iterator(some.begin()),
               std::make_move_iterator(some.end()));
  }
  return all;
}

}  // namespace hsmbackup::conformance
