#include "conformance/check.h"

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

}  // namespace hsmbackup::conformance
