#include "checks/families.h"

namespace hsmbackup::conformance {

std::vector<Check> StatefulChecks() { return {}; }

}  // namespace hsmbackup::conformance
