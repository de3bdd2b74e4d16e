// --check-protocol: the reference passes every rule of the protocol's own
// check, and a target that answers ok to everything is told each rule it
// breaks.
#include <gtest/gtest.h>

#include <chrono>
#include <sstream>
#include <string>

#include "conformance/runner.h"

namespace hsmbackup::conformance {
namespace {

TEST(CheckProtocol, TheReferenceSpeaksItAndABrokenAdapterIsToldWhatItGetsWrong) {
  std::ostringstream out, err;
  EXPECT_EQ(CheckProtocol("", std::chrono::seconds(10), RunnerIo{out, err}), kExitConformant)
      << out.str() << err.str();
  EXPECT_EQ(out.str().find("FAIL"), std::string::npos) << out.str();
  // Answers ok to everything (even a line that is not JSON), then never
  // exits after bye.
  const std::string yes_man =
      "while IFS= read -r l; do id=$(printf '%s' \"$l\" | sed -n 's/.*\"id\":\\([0-9]*\\).*/\\1/p'); "
      "printf '{\"id\":%s,\"ok\":true}\\n' \"${id:-null}\"; done; sleep 30";
  std::ostringstream out2, err2;
  EXPECT_EQ(CheckProtocol(yes_man, std::chrono::seconds(10), RunnerIo{out2, err2}), kExitUnknown);
  const std::string said = out2.str();
  for (const char* rule :
       {"FAIL  hello names the protocol", "FAIL  unparseable request", "FAIL  observe before load",
        "FAIL  unknown op", "FAIL  load refuses an invalid world", "FAIL  exit after bye",
        "FAIL  execute before load", "FAIL  request without op",
        "FAIL  bench without the capability", "FAIL  hello for an unknown protocol",
        "FAIL  exit after bye without hello"}) {
    EXPECT_NE(said.find(rule), std::string::npos) << rule << "\n" << said;
  }
}

}  // namespace
}  // namespace hsmbackup::conformance
