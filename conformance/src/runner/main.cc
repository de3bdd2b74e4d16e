// hsmbackup-conformance: the suite's checks (AllChecks) through the runner.
#include <iostream>

#include "conformance/check.h"
#include "conformance/runner.h"

int main(int argc, char** argv) {
  namespace hc = hsmbackup::conformance;
  return hc::RunCli(argc, argv, hc::AllChecks(), hc::RunnerIo{std::cout, std::cerr});
}
