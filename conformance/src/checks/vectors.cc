#include "checks/families.h"

namespace hsmbackup::conformance {

std::vector<Check> VectorChecks() { return {}; }

}  // namespace hsmbackup::conformance
