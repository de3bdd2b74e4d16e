// conformance_runner_fake: hsmbackup-conformance over a fixed table of fake
// checks (one per outcome), so the runner's tests can drive the real engine
// (gtest registration, filters, sharding, exit codes, report files) in a
// process without depending on the suite's real checks.
#include <filesystem>
#include <iostream>
#include <stdexcept>

#include "conformance/check.h"
#include "conformance/runner.h"

namespace hsmbackup::conformance {
namespace {

// The counterexample carries what hostile text a target could print:
// markup characters, a control character, invalid UTF-8, backtick fences.
Counterexample HostileCounterexample() {
  Counterexample c;
  c.scenario.world = {{"format", "hsmbackup-world/1"}, {"note", "<&>\"' ]]>"}};
  c.scenario.lines = {"role login -name co -password <not&secret>",
                      "partition archive backup -slot 2 -partition p ```"};
  c.scenario.answers = {"proceed"};
  c.failing_step = 1;
  c.expected = "CKR_OK";
  c.observed = std::string("CKR_PIN_INCORRECT \"quoted\" & <tagged> \x01 \xff");
  c.target_transcript = {"Command Result : 0x000000a0 (CKR_PIN_INCORRECT)"};
  c.reference_transcript = {"Command Result : No Error"};
  return c;
}

std::vector<Check> FakeChecks() {
  std::vector<Check> checks;
  checks.push_back({"Fake", "Passes", {"AUTH-CO", "AUTH-PO"}, {}, 1, [](CheckContext& ctx) {
                      if (ctx.target == nullptr || ctx.hello.implementation.empty()) {
                        return CheckResult::Error("no handshaken target in the context");
                      }
                      return CheckResult::Pass();
                    }});
  checks.push_back({"Fake", "Fails", {"AUTH-SO", "AUTH-PO"}, {}, 1, [](CheckContext&) {
                      CheckResult r{CheckStatus::kFail,
                                    "the SO login was refused",
                                    {"AUTH-SO"},
                                    HostileCounterexample(),
                                    1};
                      return r;
                    }});
  checks.push_back(
      {"Fake", "NotApplicable", {"AUTH-LOCKOUT"}, {"fake.absent"}, 1, [](CheckContext&) {
         return CheckResult::Pass();
       }});
  checks.push_back({"Fake", "Errors", {"AUTH-SAME-MODE"}, {}, 1, [](CheckContext&) {
                      return CheckResult::Error("the target broke the protocol");
                    }});
  checks.push_back({"Fake", "Throws", {"DOM-OPTION"}, {}, 1, [](CheckContext&) -> CheckResult {
                      throw std::runtime_error("fake check threw");
                    }});
  checks.push_back({"Fake", "Property", {"DOM-ERROR-CODE"}, {}, 40, [](CheckContext& ctx) {
                      return CheckResult::Pass(ctx.cases);
                    }});
  return checks;
}

}  // namespace
}  // namespace hsmbackup::conformance

int main(int argc, char** argv) {
  namespace hc = hsmbackup::conformance;
  return hc::RunCli(
      argc, argv, [](const std::filesystem::path&) { return hc::FakeChecks(); },
      hc::RunnerIo{std::cout, std::cerr});
}
