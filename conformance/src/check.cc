#include "conformance/check.h"

#include <ostream>

namespace hsmbackup::conformance {

const char* CheckStatusName(CheckStatus s) {
  switch (s) {
    case CheckStatus::kPass: return "pass";
    case CheckStatus::kFail: return "fail";
    case CheckStatus::kNotApplicable: return "n/a";
    case CheckStatus::kError: return "error";
  }
  return "?";
}

void PrintTo(const Check& check, std::ostream* os) { *os << check.id(); }

}  // namespace hsmbackup::conformance
