// A target that hangs, dies or writes a stray line mid-check: the error
// names the request that failed (not a later one), quotes a stray line
// without secrets, carries the scenario as its counterexample, and costs
// one check even when the process is reused. A run interrupted by CI
// leaves no target process behind.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "conformance/report.h"
#include "conformance/target.h"
#include "scratch_dir.h"
#include "shell_support.h"
#include <signal.h>
#include <unistd.h>

namespace hsmbackup::conformance {
namespace {

using shell_testing::ProcessGone;
using shell_testing::RelayCommand;
using shell_testing::RunMerged;
using shell_testing::RunResult;
using shell_testing::ShellQuote;

Json ReadFaultReport(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return Json::parse(s.str(), nullptr, false);
}

const Json* CheckIn(const Json& report, const std::string& id) {
  for (const Json& c : report["checks"]) {
    if (c.value("id", std::string()) == id) return &c;
  }
  return nullptr;
}

// A property check whose case hangs on `partition archive list` was shrunk
// on the dead target and reported as "load and observe: did not answer".
// 10 s: every request of the relay has that long, its start-up included,
// and beside six CPU-bound processes a start took over 3 s.
TEST(TargetFaults, AHangNamesTheLineThatHungWithItsScenario) {
  ScratchDir scratch("hsmb-faults");
  const std::string report = scratch.path() + "/r.json";
  const RunResult ran =
      RunMerged(ShellQuote(HSMB_CONFORMANCE_PATH) + " --quiet --reuse-target --target-timeout 10" +
                " --gtest_filter=Authentication.LeftOffCredentialsAreAsked --report " + report +
                " --target-cmd " + ShellQuote(RelayCommand("hang-list")));
  EXPECT_EQ(ran.exit_code, kExitUnknown) << ran.out;
  const Json doc = ReadFaultReport(report);
  ASSERT_TRUE(doc.is_object()) << ran.out;
  const Json* check = CheckIn(doc, "Authentication.LeftOffCredentialsAreAsked");
  ASSERT_NE(check, nullptr) << doc.dump(1);
  EXPECT_EQ((*check)["status"], "error");
  const std::string message = (*check)["message"].get<std::string>();
  EXPECT_NE(message.find("(partition archive list -slot "), std::string::npos) << message;
  EXPECT_NE(message.find("did not answer within 10 s"), std::string::npos) << message;
  EXPECT_EQ(message.find("load"), std::string::npos) << message;
  ASSERT_TRUE(check->contains("counterexample")) << check->dump(1);
  const std::string script = (*check)["counterexample"]["script"].get<std::string>();
  EXPECT_NE(script.find("partition archive list"), std::string::npos) << script;
  // The text report shows it with the error, as with a failure.
  EXPECT_NE(ran.out.find("Counterexample (seed"), std::string::npos) << ran.out;
}

// A log line on stdout is quoted as what it is, its secrets redacted; with
// --reuse-target the process is replaced, so the next checks pass.
TEST(TargetFaults, AStrayLineIsQuotedAndCostsOneCheckOfAReusedProcess) {
  ScratchDir scratch("hsmb-faults");
  const std::string report = scratch.path() + "/r.json";
  const RunResult ran = RunMerged(
      "RELAY_ONCE=" + ShellQuote(scratch.path() + "/once") + " " +
      ShellQuote(HSMB_CONFORMANCE_PATH) + " --quiet --reuse-target --report " + report +
      " --gtest_filter=Authentication.BackupNeedsTheCryptoOfficer:"
      "Authentication.PasswordAndPedNeverMix:Authentication.WrongSoPasswordCreatesNothing" +
      " --target-cmd " + ShellQuote(RelayCommand("noise-once")));
  EXPECT_EQ(ran.exit_code, kExitUnknown) << ran.out;
  const Json doc = ReadFaultReport(report);
  ASSERT_TRUE(doc.is_object()) << ran.out;
  int errors = 0, passes = 0;
  for (const Json& c : doc["checks"]) {
    const std::string status = c["status"].get<std::string>();
    errors += status == "error";
    passes += status == "pass";
    if (status != "error") continue;
    const std::string message = c["message"].get<std::string>();
    const size_t quote = message.find("is not JSON: 'LOG ");
    ASSERT_NE(quote, std::string::npos) << message;
    const std::string quoted = message.substr(quote);
    // The line it logged typed a password: that is not repeated.
    EXPECT_NE(quoted.find("<redacted>"), std::string::npos) << message;
    EXPECT_EQ(message.find("another id"), std::string::npos) << message;
  }
  EXPECT_EQ(errors, 1) << doc.dump(1);
  EXPECT_EQ(passes, 2) << doc.dump(1);
}

// CI cancels a job with SIGTERM (or SIGINT): the targets, each in its own
// process group, were left running, hung ones for ever.
TEST(TargetFaults, AnInterruptedRunStopsItsTargetsAndSaysSo) {
  for (const auto& [signal_name, code] : {std::pair{"TERM", 143}, std::pair{"INT", 130}}) {
    ScratchDir scratch("hsmb-interrupt");
    const std::string pids = scratch.path() + "/pids";
    const std::string report = scratch.path() + "/r.json";
    // The runner's output goes to a file: a target that outlived it would
    // hold a pipe open, and this test would wait for it.
    const std::string out = ShellQuote(scratch.path() + "/out");
    const RunResult ran =
        RunMerged("RELAY_PIDS=" + ShellQuote(pids) + " " + ShellQuote(HSMB_CONFORMANCE_PATH) +
                  " --quiet --report " + report +
                  " --gtest_filter=Authentication.LeftOffCredentialsAreAsked --target-cmd " +
                  ShellQuote(RelayCommand("hang-list")) + " > " + out + " 2>&1 & runner=$!; i=0; " +
                  "until grep -q hung " + ShellQuote(pids) + " 2>/dev/null || [ $i -ge 600 ]; do " +
                  "sleep 0.05; i=$((i+1)); done; kill -" + signal_name +
                  " $runner; wait $runner; " + "echo \"exit $?\"; cat " + out);
    EXPECT_NE(ran.out.find("exit " + std::to_string(code)), std::string::npos) << ran.out;
    EXPECT_NE(ran.out.find(std::string("hsmbackup-conformance: interrupted by SIG") + signal_name +
                           ": target processes stopped, no report written"),
              std::string::npos)
        << ran.out;
    EXPECT_FALSE(std::ifstream(report).good()) << "no half report";
    std::ifstream in(pids);
    std::vector<long> started;
    for (std::string word; in >> word;) {
      if (word != "hung") started.push_back(std::stol(word));
    }
    // The preflight's relay and server, the check's, and the spare's.
    EXPECT_GE(started.size(), 4u) << ran.out;
    for (long pid : started) {
      EXPECT_TRUE(ProcessGone(pid)) << "target process " << pid << " outlived the runner";
      // Left behind (before the fix): stop its group, each target's own.
      const pid_t group = ProcessGone(pid) ? -1 : getpgid(static_cast<pid_t>(pid));
      if (group > 1 && group != getpgrp()) kill(-group, SIGKILL);
    }
  }
}

}  // namespace
}  // namespace hsmbackup::conformance
