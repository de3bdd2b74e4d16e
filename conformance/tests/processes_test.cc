// How a run starts its target's processes: the --next-process names, the
// choice auto makes, a pinned mode obeyed, and the mode in every report.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "conformance/report.h"
#include "conformance/runner.h"
#include "scratch_dir.h"
#include "shell_support.h"

namespace hsmbackup::conformance {
namespace {

using ProcessesRan = shell_testing::RunResult;

ProcessesRan RunConformanceMerged(const std::string& args) {
  return shell_testing::RunMerged(std::string(HSMB_CONFORMANCE_PATH) + " " + args);
}

std::vector<std::string> ReadLines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

Json ReadReport(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return Json::parse(s.str(), nullptr, false);
}

const char* const kTwoChecks =
    "--gtest_filter=Authentication.BackupNeedsTheCryptoOfficer:"
    "Authentication.PasswordAndPedNeverMix";

TEST(NextProcess, EveryModeHasOneNameAndAutoForksOrStartsOneAheadButForAFixedWorld) {
  for (NextProcess next : {NextProcess::kWhenAsked, NextProcess::kAfterBye, NextProcess::kOneAhead,
                           NextProcess::kFork}) {
    EXPECT_EQ(ParseNextProcess(NextProcessName(next)), next) << NextProcessName(next);
  }
  EXPECT_EQ(NextProcessName(NextProcess::kWhenAsked), "at-check");
  EXPECT_FALSE(ParseNextProcess("auto").has_value()) << "auto is the run's choice, not a mode";
  EXPECT_FALSE(ParseNextProcess("One-Ahead").has_value());
  EXPECT_EQ(ChooseNextProcess(/*fixed_world=*/false), NextProcess::kOneAhead);
  EXPECT_EQ(ChooseNextProcess(/*fixed_world=*/false, /*forks=*/true), NextProcess::kFork);
  EXPECT_EQ(ChooseNextProcess(/*fixed_world=*/true), NextProcess::kWhenAsked)
      << "a lab device may hold one session";
  EXPECT_EQ(ChooseNextProcess(/*fixed_world=*/true, /*forks=*/true), NextProcess::kWhenAsked);
}

// at-check is for an adapter that cannot run twice at once (one device
// session): each process has exited before the next one starts.
TEST(NextProcess, AtCheckNeverRunsTwoProcessesAtOnce) {
  ScratchDir scratch("hsmb-processes");
  const std::string log = scratch.path() + "/log";
  const std::string report = scratch.path() + "/r.json";
  ProcessesRan ran =
      RunConformanceMerged(std::string(kTwoChecks) + " --next-process at-check --report " + report +
                           " --target-cmd 'echo start >> " + log + "; " + HSMB_TOOL_PATH +
                           " serve; echo end >> " + log + "'");
  EXPECT_EQ(ran.exit_code, kExitConformant) << ran.out;
  EXPECT_NE(ran.out.find("target processes: one per check, each started when its check begins "
                         "(--next-process at-check)"),
            std::string::npos)
      << ran.out;
  const std::vector<std::string> events = ReadLines(log);
  ASSERT_EQ(events.size(), 6u) << "preflight + 2 checks, each started and ended";
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i], i % 2 == 0 ? "start" : "end") << "event " << i;
  }
  const Json doc = ReadReport(report);
  ASSERT_TRUE(doc.contains("processes")) << doc.dump();
  EXPECT_EQ(doc["processes"]["mode"], "at-check");
  EXPECT_EQ(doc["processes"]["pinned"], true);
  EXPECT_TRUE(doc["processes"]["preflight_hello_ms"].is_number());
}

// one-ahead pinned for a target that starts fast (auto would not choose it):
// the spare is started, and the one started last still gets its bye.
TEST(NextProcess, APinnedModeIsObeyedWhateverTheStartUp) {
  ScratchDir scratch("hsmb-processes");
  const std::string pids = scratch.path() + "/pids";
  ProcessesRan ran = RunConformanceMerged(std::string(kTwoChecks) +
                                          " --next-process one-ahead --target-cmd 'echo $$ >> " +
                                          pids + "; exec " + HSMB_TOOL_PATH + " serve'");
  EXPECT_EQ(ran.exit_code, kExitConformant) << ran.out;
  EXPECT_NE(ran.out.find("each started one check ahead (--next-process one-ahead)"),
            std::string::npos)
      << ran.out;
  EXPECT_EQ(ReadLines(pids).size(), 4u) << "preflight + 2 checks + 1 started last";
}

TEST(NextProcess, AnAutoRunReportsWhatItChoseAndWhy) {
  ScratchDir scratch("hsmb-processes");
  const std::string report = scratch.path() + "/r.json";
  ProcessesRan ran = RunConformanceMerged(std::string(kTwoChecks) + " --report " + report +
                                          " --target-cmd 'sleep 0.05; exec " + HSMB_TOOL_PATH +
                                          " serve --no-fork'");
  EXPECT_EQ(ran.exit_code, kExitConformant) << ran.out;
  EXPECT_NE(
      ran.out.find("each started one check ahead (the default; the preflight answered hello in "),
      std::string::npos)
      << ran.out;
  // A start-up that long is more than most checks take: the run says so.
  EXPECT_NE(ran.out.find("ms to answer hello; with a process per check"), std::string::npos)
      << ran.out;
  const Json doc = ReadReport(report);
  EXPECT_EQ(doc["processes"]["mode"], "one-ahead") << doc.dump();
  EXPECT_EQ(doc["processes"]["pinned"], false);
  EXPECT_GE(doc["processes"]["preflight_hello_ms"].get<double>(), 50.0);
  EXPECT_EQ(doc["processes"]["pipelined"], true) << "serve lists pipeline";
}

// A target that forks (serve does) is forked by default; its start-up is
// paid once, so the run does not suggest --reuse-target however slow it is.
TEST(NextProcess, AnAutoRunForksATargetThatListsForkAndSaysSo) {
  ScratchDir scratch("hsmb-processes");
  const std::string report = scratch.path() + "/r.json";
  const std::string pids = scratch.path() + "/pids";
  ProcessesRan ran = RunConformanceMerged(std::string(kTwoChecks) + " --report " + report +
                                          " --target-cmd 'sleep 0.05; echo $$ >> " + pids +
                                          "; exec " + HSMB_TOOL_PATH + " serve'");
  EXPECT_EQ(ran.exit_code, kExitConformant) << ran.out;
  EXPECT_NE(ran.out.find("each a copy (fork) of one process started for the run (the default; "
                         "the preflight answered hello in "),
            std::string::npos)
      << ran.out;
  EXPECT_EQ(ran.out.find("ms to answer hello; with a process per check"), std::string::npos)
      << ran.out;
  EXPECT_EQ(ReadLines(pids).size(), 2u) << "the preflight's and the one each check is copied from";
  const Json doc = ReadReport(report);
  EXPECT_EQ(doc["processes"]["mode"], "fork") << doc.dump();
  EXPECT_EQ(doc["processes"]["pinned"], false);
}

// --next-process fork on a target that does not list it is refused before
// any check runs, naming the capability.
TEST(NextProcess, ForkPinnedOnATargetThatCannotIsAUsageError) {
  ProcessesRan ran = RunConformanceMerged(std::string(kTwoChecks) +
                                          " --next-process fork --target-cmd '" + HSMB_TOOL_PATH +
                                          " serve --no-fork'");
  EXPECT_EQ(ran.exit_code, kExitUsage) << ran.out;
  EXPECT_NE(ran.out.find("--next-process fork needs a target whose hello lists 'fork'"),
            std::string::npos)
      << ran.out;
}

// --no-pipeline: one request at a time, and the report says so.
TEST(NextProcess, NoPipelineIsObeyedAndReported) {
  ScratchDir scratch("hsmb-processes");
  const std::string report = scratch.path() + "/r.json";
  ProcessesRan ran = RunConformanceMerged(std::string(kTwoChecks) + " --no-pipeline --report " +
                                          report + " --target-cmd '" + HSMB_TOOL_PATH + " serve'");
  EXPECT_EQ(ran.exit_code, kExitConformant) << ran.out;
  EXPECT_EQ(ReadReport(report)["processes"]["pipelined"], false);
  // A target that answers an execute only once the next request has come
  // would hang were anything written ahead of its answer (the timeout is
  // also the handshake's: a python3 start on a loaded machine took over 3 s).
  TargetError error;
  TargetFactory factory = WithoutPipelining(
      MakeTargetFactory("python3 " + std::string(HSMB_SOURCE_ROOT) +
                            "/conformance/tests/pipeline_target.py hold " + kPipelineCapability,
                        std::chrono::seconds(10), false, NextProcess::kWhenAsked));
  std::unique_ptr<Target> t = factory(&error);
  ASSERT_NE(t, nullptr) << error.message;
  ASSERT_TRUE(t->Handshake(&error).has_value()) << error.message;
  EXPECT_FALSE(t->Pipelining());
  EXPECT_FALSE(t->ExecuteAndObserve("slot list", {}, {}, nullptr, &error).has_value());
  EXPECT_NE(error.message.find("did not answer"), std::string::npos) << error.message;
}

TEST(NextProcess, MisusesAreUsageErrorsNamingTheFlag) {
  for (const auto& [args, flag] : std::vector<std::pair<std::string, std::string>>{
           {"--next-process at-check", "--next-process"},
           {"--next-process sometimes --target-cmd 'x'", "--next-process"},
           {"--next-process after-bye --reuse-target --target-cmd 'x'", "--next-process"},
           {"--reuse-target", "--reuse-target"}}) {
    ProcessesRan ran = RunConformanceMerged(args);
    EXPECT_EQ(ran.exit_code, kExitUsage) << args << "\n" << ran.out;
    EXPECT_NE(ran.out.find(flag), std::string::npos) << args << "\n" << ran.out;
  }
}

}  // namespace
}  // namespace hsmbackup::conformance
