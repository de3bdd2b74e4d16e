#include "support/matchers.h"

namespace hsmbackup {

void PrintTo(Ckr code, std::ostream* os) { *os << FormatCkr(code); }

void PrintTo(const Status& status, std::ostream* os) { *os << status.ToString(); }

void PrintTo(const Result& result, std::ostream* os) { PrintTo(result.status, os); }

// Never the bytes: a failing comparison of two Secrets must not print them.
void PrintTo(const Secret& secret, std::ostream* os) {
  *os << "<secret, " << secret.size() << " bytes>";
}

}  // namespace hsmbackup
