#include "checks/families.h"

namespace hsmbackup::conformance {

std::vector<Check> FirmwareChecks() { return {}; }

}  // namespace hsmbackup::conformance
