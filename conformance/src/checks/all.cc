#include "checks/families.h"

namespace hsmbackup::conformance {

std::vector<Check> AllChecks() {
  std::vector<Check> all;
  for (auto family : {AuthenticationChecks, DomainChecks, CloningChecks, FirmwareChecks,
                      SizingChecks, OptionChecks, OptionPartitionChecks, OptionSyntaxChecks,
                      OutputChecks, SourceChecks, RestoreChecks, ArchiveAdminChecks,
                      ProjectRuleChecks, StoredV1Checks, WorldLoadChecks,
                      StatefulChecks, VectorChecks, RegressionChecks}) {
    std::vector<Check> some = family();
    all.insert(all.end(), std::make_move_iterator(some.begin()),
               std::make_move_iterator(some.end()));
  }
  return all;
}

}  // namespace hsmbackup::conformance
