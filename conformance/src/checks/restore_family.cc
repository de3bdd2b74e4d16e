#include "checks/families.h"

namespace hsmbackup::conformance {

std::vector<Check> RestoreFamilyChecks() { return {}; }

}  // namespace hsmbackup::conformance
