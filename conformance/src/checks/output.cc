#include "checks/families.h"

namespace hsmbackup::conformance {

std::vector<Check> OutputChecks() { return {}; }

}  // namespace hsmbackup::conformance
