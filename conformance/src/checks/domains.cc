#include "checks/families.h"

namespace hsmbackup::conformance {

std::vector<Check> DomainChecks() { return {}; }

}  // namespace hsmbackup::conformance
