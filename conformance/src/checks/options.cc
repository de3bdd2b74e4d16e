#include "checks/families.h"

namespace hsmbackup::conformance {

std::vector<Check> OptionChecks() { return {}; }

}  // namespace hsmbackup::conformance
