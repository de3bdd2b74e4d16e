#include "checks/families.h"

namespace hsmbackup::conformance {

std::vector<Check> CloningChecks() { return {}; }

}  // namespace hsmbackup::conformance
