#include "checks/families.h"

namespace hsmbackup::conformance {

std::vector<Check> SizingChecks() { return {}; }

}  // namespace hsmbackup::conformance
