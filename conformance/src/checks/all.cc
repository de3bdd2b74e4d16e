#include <iterator>

#include "checks/families.h"

namespace hsmbackup::conformance {

std::vector<Check> AllChecks(const std::filesystem::path& data_dir) {
  std::vector<Check> all;
  const auto add = [&all](std::vector<Check> some) {
    all.insert(all.end(), std::make_move_iterator(some.begin()),
               std::make_move_iterator(some.end()));
  };
  add(AuthenticationChecks());
  add(DomainChecks());
  add(CloningChecks());
  add(FirmwareChecks());
  add(SizingChecks());
  add(OptionChecks(data_dir));
  add(OptionPartitionChecks());
  add(OptionSyntaxChecks());
  add(OutputChecks(data_dir));
  add(SourceChecks());
  add(RestoreChecks());
  add(ArchiveAdminChecks());
  add(ProjectRuleChecks());
  add(StoredV1Checks());
  add(WorldLoadChecks());
  add(StatefulChecks());
  add(VectorChecks(data_dir));
  add(RegressionChecks(data_dir));
  return all;
}

}  // namespace hsmbackup::conformance
