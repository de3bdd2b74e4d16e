#include "checks/families.h"

namespace hsmbackup::conformance {

std::vector<Check> RegressionChecks() { return {}; }

}  // namespace hsmbackup::conformance
