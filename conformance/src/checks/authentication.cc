#include "checks/families.h"

namespace hsmbackup::conformance {

std::vector<Check> AuthenticationChecks() { return {}; }

}  // namespace hsmbackup::conformance
