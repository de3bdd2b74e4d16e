// The runner: seeds, selection, one check on a fresh target, clause
// verdicts, exit codes, the vendor config, and the executables end to end
// (hsmbackup-conformance itself, and conformance_runner_fake, the same
// engine over a fixed table of fake checks).
#include "conformance/runner.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "conformance/report.h"
#include "shell_support.h"
#include "scratch_dir.h"

namespace hsmbackup::conformance {
namespace {

// ---- fakes ----------------------------------------------------------------

Check FakeCheck(std::string name, std::vector<std::string> clauses,
                std::function<CheckResult(CheckContext&)> run, int default_cases = 1,
                std::vector<std::string> capabilities = {}) {
  return Check{"Fake",        std::move(name), std::move(clauses), std::move(capabilities),
               default_cases, std::move(run)};
}

CheckResult Failure(std::vector<std::string> blamed) {
  CheckResult r{CheckStatus::kFail, "observed the wrong code", std::move(blamed), {}, 1};
  Counterexample c;
  c.scenario.world = {{"format", "hsmbackup-world/1"}};
  c.scenario.lines = {"slot list"};
  c.expected = "CKR_OK";
  c.observed = "CKR_GENERAL_ERROR";
  r.counterexample = c;
  return r;
}

// ---- seeds, cases, selection ------------------------------------------------

TEST(Runner, CheckSeedIsStableAndDependsOnRunSeedAndId) {
  EXPECT_EQ(CheckSeed(1, "Cloning.A"), CheckSeed(1, "Cloning.A"));
  EXPECT_NE(CheckSeed(1, "Cloning.A"), CheckSeed(1, "Cloning.B"));
  EXPECT_NE(CheckSeed(1, "Cloning.A"), CheckSeed(2, "Cloning.A"));
  // Independent of the rest of the run: RunCheck gives the same seed alone.
  Check c = FakeCheck("Seeded", {"AUTH-CO"}, [](CheckContext&) { return CheckResult::Pass(); });
  EXPECT_EQ(RunCheck(c, MakeTargetFactory(""), 7, std::nullopt).seed, CheckSeed(7, "Fake.Seeded"));
}

TEST(Runner, CasesOverrideOnlyProperties) {
  Check example = FakeCheck("E", {"AUTH-CO"}, nullptr, 1);
  Check property = FakeCheck("P", {"AUTH-CO"}, nullptr, 100);
  EXPECT_EQ(CasesFor(example, 500), 1);
  EXPECT_EQ(CasesFor(property, 500), 500);
  EXPECT_EQ(CasesFor(property, std::nullopt), 100);
  EXPECT_EQ(CasesFor(example, std::nullopt), 1);
}

TEST(Runner, SelectKeepsChecksNamingAnAskedClause) {
  std::vector<Check> table = {FakeCheck("A", {"AUTH-CO"}, nullptr),
                              FakeCheck("B", {"AUTH-SO", "AUTH-PO"}, nullptr),
                              FakeCheck("C", {"DOM-OPTION"}, nullptr)};
  auto picked = SelectChecks(table, {"AUTH-PO", "DOM-OPTION"});
  ASSERT_EQ(picked.size(), 2u);
  EXPECT_EQ(picked[0]->name, "B");
  EXPECT_EQ(picked[1]->name, "C");
  EXPECT_EQ(SelectChecks(table, {}).size(), 3u);
}

// ---- one check --------------------------------------------------------------

TEST(Runner, RunCheckGivesTheCheckAHandshakenTargetSeedAndCases) {
  CheckContext seen;
  Check c = FakeCheck(
      "Ctx", {"AUTH-CO"},
      [&seen](CheckContext& ctx) {
        seen = ctx;
        return ctx.target != nullptr ? CheckResult::Pass(ctx.cases)
                                     : CheckResult::Error("no target");
      },
      20);
  CheckOutcome o = RunCheck(c, MakeTargetFactory(""), 3, 5);
  EXPECT_EQ(o.status, CheckStatus::kPass) << o.message;
  EXPECT_EQ(o.cases, 5);
  EXPECT_EQ(o.cases_run, 5);
  EXPECT_EQ(seen.seed, CheckSeed(3, "Fake.Ctx"));
  EXPECT_FALSE(seen.hello.implementation.empty());
  EXPECT_GE(o.seconds, 0.0);
}

TEST(Runner, RunCheckMapsEveryOutcome) {
  auto factory = MakeTargetFactory("");
  CheckOutcome fail =
      RunCheck(FakeCheck("F", {"AUTH-SO"}, [](CheckContext&) { return Failure({"AUTH-SO"}); }),
               factory, 9, std::nullopt);
  EXPECT_EQ(fail.status, CheckStatus::kFail);
  ASSERT_TRUE(fail.counterexample.has_value());
  EXPECT_EQ(fail.counterexample->seed, fail.seed) << "an unset counterexample seed is filled in";
  EXPECT_EQ(fail.failed_clauses, std::vector<std::string>{"AUTH-SO"});

  CheckOutcome na =
      RunCheck(FakeCheck("N", {"AUTH-CO"}, [](CheckContext&) { return CheckResult::Pass(); }, 1,
                         {"usb", "no-such-capability"}),
               factory, 9, std::nullopt);
  EXPECT_EQ(na.status, CheckStatus::kNotApplicable);
  EXPECT_NE(na.message.find("'no-such-capability'"), std::string::npos) << na.message;
  EXPECT_EQ(na.message.find("'usb'"), std::string::npos) << "the reference has usb";

  CheckOutcome thrown =
      RunCheck(FakeCheck("T", {"AUTH-CO"},
                         [](CheckContext&) -> CheckResult { throw std::runtime_error("boom"); }),
               factory, 9, std::nullopt);
  EXPECT_EQ(thrown.status, CheckStatus::kError);
  EXPECT_NE(thrown.message.find("boom"), std::string::npos) << thrown.message;

  CheckOutcome no_target = RunCheck(
      FakeCheck("D", {"AUTH-CO"}, [](CheckContext&) { return CheckResult::Pass(); }),
      [](TargetError* e) -> std::unique_ptr<Target> {
        e->message = "no such device";
        return nullptr;
      },
      9, std::nullopt);
  EXPECT_EQ(no_target.status, CheckStatus::kError);
  EXPECT_NE(no_target.message.find("no such device"), std::string::npos) << no_target.message;
}

TEST(Runner, PreflightNamesATargetThatDoesNotHandshake) {
  TargetError error;
  EXPECT_TRUE(Preflight(MakeTargetFactory(""), "in-process reference", &error).has_value())
      << error.message;
  EXPECT_FALSE(Preflight(MakeTargetFactory("exit 0"), "exit 0", &error).has_value());
  EXPECT_NE(error.message.find("'exit 0'"), std::string::npos) << error.message;
}

TEST(Runner, PreflightTimesTheTargetsStartUp) {  // for the report
  const std::string serve = std::string(HSMB_TOOL_PATH) + " serve";
  TargetError error;
  std::chrono::nanoseconds slow{}, fast{};
  ASSERT_TRUE(Preflight(MakeTargetFactory("sleep 0.1; exec " + serve, kDefaultAnswerTimeout, false,
                                          NextProcess::kWhenAsked),
                        "slow", &error, &slow))
      << error.message;
  EXPECT_GE(slow, std::chrono::milliseconds(100));
  ASSERT_TRUE(
      Preflight(MakeTargetFactory(serve, kDefaultAnswerTimeout, false, NextProcess::kWhenAsked),
                "serve", &error, &fast))
      << error.message;
  EXPECT_GT(fast, std::chrono::nanoseconds(0));
}

// ---- inputs -----------------------------------------------------------------

std::vector<CatalogueClause> RealCatalogue() {
  std::string error;
  auto c = LoadCatalogue(HSMB_BUILD_DATA_DIR "/clauses.json", &error);
  if (!c) throw std::runtime_error(error);
  return *c;
}

TEST(Inputs, TheCatalogueLoads) {
  std::vector<CatalogueClause> c = RealCatalogue();
  ASSERT_FALSE(c.empty());
  for (const CatalogueClause& clause : c) {
    EXPECT_FALSE(clause.id.empty());
    EXPECT_FALSE(clause.family.empty()) << clause.id;
  }
  std::string error;
  EXPECT_FALSE(ParseCatalogue("{\"format\":\"other\"}", &error).has_value());
}

TEST(Inputs, VendorConfigAcceptsExpectedFailures) {
  std::string error;
  auto config = ParseVendorConfig(
      R"({"implementation_notes":"v2 firmware","expected_failures":[{"clause":"AUTH-CO","reason":"bug 7"}]})",
      RealCatalogue(), &error);
  ASSERT_TRUE(config.has_value()) << error;
  EXPECT_EQ(config->implementation_notes, "v2 firmware");
  ASSERT_EQ(config->expected_failures.size(), 1u);
  EXPECT_EQ(config->expected_failures[0].reason, "bug 7");
}

TEST(Inputs, VendorConfigErrorsNameTheProblem) {
  const std::vector<std::pair<const char*, const char*>> bad = {
      {R"({"expected_failures":[{"clause":"AUTH-CO"}]})", "reason"},
      {R"({"expected_failures":[{"clause":"AUTH-CO","reason":"  "}]})", "reason"},
      {R"({"expected_failures":[{"clause":"NOPE-1","reason":"x"}]})", "NOPE-1"},
      {R"({"skip_capabilities":["ped"]})", "skip_capabilities"},
      {R"({"expected_failures":[{"clause":"AUTH-CO","reason":"x","why":"y"}]})", "why"},
      {R"({"expected_failures":[{"clause":"AUTH-CO","reason":"x"},{"clause":"AUTH-CO","reason":"y"}]})",
       "second time"},
      {"[1,2]", "not a JSON object"},
  };
  for (const auto& [text, named] : bad) {
    std::string error;
    EXPECT_FALSE(ParseVendorConfig(text, RealCatalogue(), &error).has_value()) << text;
    EXPECT_NE(error.find(named), std::string::npos) << text << " -> " << error;
  }
}

TEST(Inputs, ClauseListIsValidated) {
  std::string error;
  auto ids = ParseClauseList("AUTH-CO, AUTH-SO", RealCatalogue(), &error);
  ASSERT_TRUE(ids.has_value()) << error;
  EXPECT_EQ(ids->size(), 2u);
  EXPECT_FALSE(ParseClauseList("AUTH-CO,NOT-A-CLAUSE", RealCatalogue(), &error).has_value());
  EXPECT_NE(error.find("NOT-A-CLAUSE"), std::string::npos) << error;
  EXPECT_FALSE(ParseClauseList("AUTH-CO,,AUTH-SO", RealCatalogue(), &error).has_value());
}

// ---- the executables --------------------------------------------------------

using Ran = shell_testing::RunResult;

Ran Shell(const std::string& command) { return shell_testing::RunMerged(command); }

std::string Conformance() { return HSMB_CONFORMANCE_PATH; }
std::string Fake() {
  const std::string tool = HSMB_CONFORMANCE_PATH;
  return tool.substr(0, tool.rfind('/') + 1) + "conformance_runner_fake";
}

Json ReadJson(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return Json::parse(s.str(), nullptr, false);
}

#define SKIP_WITHOUT_FAKE()          \
  if (!std::ifstream(Fake()).good()) \
  GTEST_SKIP() << "conformance_runner_fake not built at " << Fake()

TEST(Executable, ListExitsZeroWithoutRunning) {
  Ran ran = Shell(Conformance() + " --list --target-cmd 'exit 9'");
  EXPECT_EQ(ran.exit_code, kExitConformant) << ran.out;
  EXPECT_NE(ran.out.find(" checks"), std::string::npos) << ran.out;
}

// On the real suite too, whose fixed-world checks --list shows (it starts
// no target) and a run against the reference leaves out.
TEST(Executable, AShardListsTheChecksItRuns) {
  ScratchDir scratch("hsmb-runner");
  const std::string env = "GTEST_TOTAL_SHARDS=3 GTEST_SHARD_INDEX=2 " + Conformance();
  Shell(env + " --quiet --cases 1 --report " + scratch.path() + "/r.json");
  const Json report = ReadJson(scratch.path() + "/r.json");
  std::set<std::string> ran, listed;
  for (const Json& c : report["checks"]) ran.insert(c["id"].get<std::string>());
  std::istringstream lines(Shell(env + " --list").out);
  for (std::string line; std::getline(lines, line);) {
    if (line.find("  clauses: ") == std::string::npos) continue;
    if (line.find("(fixed-world targets only)") != std::string::npos) continue;
    listed.insert(line.substr(0, line.find(' ')));
  }
  EXPECT_FALSE(ran.empty());
  EXPECT_EQ(listed, ran);
}

TEST(Executable, UnknownClauseIsAUsageError) {
  Ran ran = Shell(Conformance() + " --clauses AUTH-CO,NO-SUCH-CLAUSE");
  EXPECT_EQ(ran.exit_code, kExitUsage) << ran.out;
  EXPECT_NE(ran.out.find("NO-SUCH-CLAUSE"), std::string::npos) << ran.out;
}

TEST(Executable, UnknownArgumentIsAUsageError) {
  Ran ran = Shell(Conformance() + " --no-such-flag");
  EXPECT_EQ(ran.exit_code, kExitUsage) << ran.out;
}

// A process per check: the preflight's, one per check, and the last started
// (ahead); all have exited when the runner has.
TEST(Executable, EachCheckGetsItsOwnProcessStartedAhead) {
  // Started one check ahead (a spare), however fast it starts.
  for (const std::string delay : {"sleep 0.05; ", ""}) {
    ScratchDir scratch("hsmb-runner");
    const std::string pids = scratch.path() + "/pids";
    Ran ran = Shell(
        Conformance() + " --gtest_filter=" +
        "Authentication.BackupNeedsTheCryptoOfficer:Authentication.PasswordAndPedNeverMix" +
        " --target-cmd '" + delay + "echo $$ >> " + pids + "; exec " + HSMB_TOOL_PATH +
        " serve --no-fork'");
    EXPECT_EQ(ran.exit_code, kExitConformant) << ran.out;
    EXPECT_NE(ran.out.find("started one check ahead"), std::string::npos) << ran.out;
    std::ifstream in(pids);
    std::vector<long> started;
    for (long pid; in >> pid;) started.push_back(pid);
    EXPECT_EQ(started.size(), 4u) << "preflight + 2 checks + 1 started last";
    for (long pid : started) EXPECT_NE(kill(static_cast<pid_t>(pid), 0), 0) << pid << " still runs";
  }
}

TEST(Executable, AHungTargetIsExitFourNamingTheTimeout) {
  Ran ran = Shell(Conformance() + " --clauses AUTH-CO --target-cmd 'sleep 30' --target-timeout 1");
  EXPECT_EQ(ran.exit_code, kExitTargetDown) << ran.out;
  EXPECT_NE(ran.out.find("did not answer within 1 s"), std::string::npos) << ran.out;
}

TEST(Executable, AZeroTargetTimeoutIsAUsageError) {
  Ran ran = Shell(Conformance() + " --target-timeout 0");
  EXPECT_EQ(ran.exit_code, kExitUsage) << ran.out;
  EXPECT_NE(ran.out.find("--target-timeout"), std::string::npos) << ran.out;
}

TEST(Executable, MissingTargetCommandIsExitFour) {
  const std::string command = "/nonexistent/hsmb-vendor-adapter --serve";
  Ran ran = Shell(Conformance() + " --target-cmd '" + command + "'");
  EXPECT_EQ(ran.exit_code, kExitTargetDown) << ran.out;
  // Said once: "cannot start target 'X': No such file or directory".
  const std::string said = "cannot start target '" + command + "': ";
  const size_t at = ran.out.find(said);
  ASSERT_NE(at, std::string::npos) << ran.out;
  EXPECT_EQ(ran.out.find("cannot start", at + said.size()), std::string::npos) << ran.out;
}

TEST(Executable, HelpListsTheExitCodes) {
  Ran ran = Shell(Conformance() + " --help");
  EXPECT_EQ(ran.exit_code, 0) << ran.out;
  for (int code = 0; code <= 5; ++code) {
    EXPECT_NE(ran.out.find(std::to_string(code) + "  " + ExitMeaning(code)), std::string::npos)
        << code;
  }
}

TEST(FakeRun, ExitCodesFollowTheVerdicts) {
  SKIP_WITHOUT_FAKE();
  const std::string q = Fake() + " --quiet";
  EXPECT_EQ(Shell(q).exit_code, kExitNotConformant);
  EXPECT_EQ(Shell(q + " --clauses AUTH-CO").exit_code, kExitConformant);
  EXPECT_EQ(Shell(q + " --clauses AUTH-LOCKOUT").exit_code, kExitConformant) << "n/a only";
  EXPECT_EQ(Shell(q + " --clauses AUTH-SAME-MODE").exit_code, kExitUnknown);
  EXPECT_EQ(Shell(q + " --clauses DOM-OPTION").exit_code, kExitUnknown) << "a thrown exception";
  EXPECT_EQ(Shell(q + " --gtest_filter=Nothing.Matches").exit_code, kExitNothingRan);
  EXPECT_EQ(Shell(q + " --target-cmd 'exit 0'").exit_code, kExitTargetDown);
  EXPECT_EQ(
      Shell(q + " --target-cmd '" + std::string(HSMB_TOOL_PATH) + " serve' --clauses AUTH-CO").exit_code,
      kExitConformant);
}

TEST(FakeRun, VendorConfigTurnsFailuresIntoExpectedOnesStrictly) {
  SKIP_WITHOUT_FAKE();
  ScratchDir scratch("hsmb-runner");
  const std::string dir = scratch.path();
  auto config = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir + "/" + name) << text;
    return " --config " + dir + "/" + name;
  };
  const std::string q = Fake() + " --quiet";
  const std::string xfail =
      config("x.json", R"({"expected_failures":[{"clause":"AUTH-SO","reason":"bug 1"}]})");
  const std::string xpass =
      config("p.json", R"({"expected_failures":[{"clause":"AUTH-CO","reason":"bug 2"}]})");
  Ran expected = Shell(q + xfail + " --clauses AUTH-SO");
  EXPECT_EQ(expected.exit_code, kExitConformant) << expected.out;
  EXPECT_NE(expected.out.find("expected-failure"), std::string::npos) << expected.out;
  EXPECT_NE(expected.out.find("=== EXPECTED FAIL Fake.Fails"), std::string::npos)
      << "an owned failure is still listed";
  EXPECT_NE(expected.out.find("the counterexample is in the --report"), std::string::npos)
      << expected.out;
  EXPECT_EQ(expected.out.find("--- world.json ---"), std::string::npos)
      << "briefly: the reports hold it\n"
      << expected.out;
  Ran unexpected = Shell(q + xpass + " --clauses AUTH-CO");
  EXPECT_EQ(unexpected.exit_code, kExitNotConformant) << unexpected.out;
  EXPECT_NE(unexpected.out.find("unexpected-pass"), std::string::npos) << unexpected.out;
  // AUTH-PO is named by Fake.Passes and Fake.Fails: with one filtered out,
  // its pass in the other is no unexpected pass (a CI config, one check).
  const std::string owns_po =
      config("po.json", R"({"expected_failures":[{"clause":"AUTH-PO","reason":"bug 3"}]})");
  Ran partial = Shell(q + owns_po + " --gtest_filter=Fake.Passes");
  EXPECT_EQ(partial.exit_code, kExitConformant) << partial.out;
  EXPECT_NE(partial.out.find("not run here: Fake.Fails"), std::string::npos) << partial.out;
  for (const char* bad :
       {R"({"expected_failures":[{"clause":"AUTH-SO"}]})",
        R"({"expected_failures":[{"clause":"NOPE","reason":"x"}]})", R"({"extra":1})"}) {
    Ran ran = Shell(q + config("bad.json", bad));
    EXPECT_EQ(ran.exit_code, kExitUsage) << bad << "\n" << ran.out;
  }
  EXPECT_EQ(Shell(q + " --config " + dir + "/missing.json").exit_code, kExitUsage);
}

// A rerun must judge as the run did: with the vendor config (an owned
// failure stays owned) and the timeout (a hang stops as soon).
TEST(FakeRun, RerunLinesRepeatTheOptionsThatChangeAVerdict) {
  SKIP_WITHOUT_FAKE();
  ScratchDir scratch("hsmb-runner");
  const std::string config = scratch.path() + "/x.json";
  std::ofstream(config) << R"({"expected_failures":[{"clause":"AUTH-SO","reason":"bug 1"}]})";
  Ran ran = Shell(Fake() + " --quiet --seed 3 --target-timeout 7 --no-pipeline --config " + config +
                  " --clauses AUTH-SO,AUTH-SAME-MODE");
  const std::string options =
      " --config " + config + " --target-timeout 7 --no-pipeline --gtest_filter=";
  EXPECT_NE(ran.out.find("rerun: hsmbackup-conformance --seed 3" + options + "Fake.Fails"),
            std::string::npos)
      << ran.out;
  EXPECT_NE(ran.out.find("rerun: hsmbackup-conformance --seed 3" + options + "Fake.Errors"),
            std::string::npos)
      << ran.out;
  Ran plain = Shell(Fake() + " --quiet --clauses AUTH-SO");
  EXPECT_NE(plain.out.find("rerun: hsmbackup-conformance --seed 1 --gtest_filter=Fake.Fails"),
            std::string::npos)
      << "the defaults are not repeated\n"
      << plain.out;
}

TEST(FakeRun, ProgressLinesAndClauseTable) {
  SKIP_WITHOUT_FAKE();
  Ran ran = Shell(Fake() + " --seed 42 2>&1 >/dev/null");
  EXPECT_NE(ran.out.find("[  1/6] Fake.Passes ... pass ("), std::string::npos) << ran.out;
  EXPECT_NE(ran.out.find("Fake.NotApplicable ... n/a"), std::string::npos) << ran.out;
  EXPECT_NE(ran.out.find("Fake.Fails ... fail"), std::string::npos) << ran.out;
  Ran table = Shell(Fake() + " --seed 42 2>/dev/null");
  EXPECT_EQ(table.exit_code, kExitNotConformant);
  EXPECT_NE(table.out.find("seed:           42"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("=== FAIL Fake.Fails"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("run seed 42"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("--- world.json ---"), std::string::npos) << "Describe() printed";
  EXPECT_EQ(table.out.find("[  1/6]"), std::string::npos) << "progress is not on stdout";
  Ran quiet = Shell(Fake() + " --quiet 2>&1 >/dev/null");
  EXPECT_EQ(quiet.out.find("[  1/6]"), std::string::npos) << quiet.out;
}

TEST(FakeRun, ShardsSplitTheChecksAndSaySo) {
  SKIP_WITHOUT_FAKE();
  ScratchDir scratch("hsmb-runner");
  const std::string dir = scratch.path();
  std::set<std::string> seen;
  size_t total = 0;
  for (int shard = 0; shard < 2; ++shard) {
    const std::string path = dir + "/shard" + std::to_string(shard) + ".json";
    Shell("GTEST_TOTAL_SHARDS=2 GTEST_SHARD_INDEX=" + std::to_string(shard) + " " + Fake() +
          " --quiet --report " + path);
    Json report = ReadJson(path);
    ASSERT_TRUE(report.is_object()) << path;
    EXPECT_EQ(report["shard"]["index"], shard);
    EXPECT_EQ(report["shard"]["total"], 2);
    ASSERT_FALSE(report["checks"].empty()) << "each shard gets some of the 6 checks";
    for (const Json& c : report["checks"]) {
      EXPECT_TRUE(seen.insert(c["id"].get<std::string>()).second) << c["id"] << " ran twice";
      ++total;
    }
  }
  EXPECT_EQ(total, 6u);
}

// --merge judges the shards' checks together: the unsharded run's clause
// verdicts and exit code; and it refuses reports that are not every shard
// of one run, saying why.
TEST(FakeRun, MergeGivesTheUnshardedRunAndRefusesStrayReports) {
  SKIP_WITHOUT_FAKE();
  ScratchDir scratch("hsmb-runner");
  const std::string dir = scratch.path();
  auto shard = [&](int index, int total) {
    const std::string path =
        dir + "/s" + std::to_string(index) + "of" + std::to_string(total) + ".json";
    Shell("GTEST_TOTAL_SHARDS=" + std::to_string(total) + " GTEST_SHARD_INDEX=" +
          std::to_string(index) + " " + Fake() + " --quiet --report " + path);
    return " " + path;
  };
  const Ran all = Shell(Fake() + " --quiet --report " + dir + "/all.json");
  const std::string s0 = shard(0, 2), s1 = shard(1, 2);
  const Ran merged = Shell(Fake() + " --merge" + s0 + s1 + " --report " + dir + "/m.json");
  EXPECT_EQ(merged.exit_code, all.exit_code) << merged.out;
  EXPECT_NE(merged.out.find("merged: 2 shards"), std::string::npos) << merged.out;
  const Json want = ReadJson(dir + "/all.json"), got = ReadJson(dir + "/m.json");
  ASSERT_TRUE(want.is_object() && got.is_object());
  ASSERT_EQ(got["clauses"].size(), want["clauses"].size());
  for (size_t i = 0; i < want["clauses"].size(); ++i) {
    Json w = want["clauses"][i], g = got["clauses"][i];
    w.erase("seconds");  // the clock's, not the verdict's
    g.erase("seconds");
    EXPECT_EQ(g, w);
  }
  EXPECT_EQ(got["merged_shards"], 2);
  for (const auto& [args, why] : std::vector<std::pair<std::string, std::string>>{
           {s0, "shard 1 of 2 (GTEST_SHARD_INDEX=1) is missing"},
           {s0 + s0 + s1, "shard 0 of 2 is given twice"},
           {s0 + s1 + " " + dir + "/all.json", "is not a shard's report"},
           {s0 + shard(1, 3), "shard total"},
           {s0 + " " + dir + "/missing.json", "cannot read"}}) {
    const Ran refused = Shell(Fake() + " --merge" + args);
    EXPECT_EQ(refused.exit_code, kExitUsage) << args << "\n" << refused.out;
    EXPECT_NE(refused.out.find(why), std::string::npos) << refused.out;
  }
  Shell("GTEST_TOTAL_SHARDS=2 GTEST_SHARD_INDEX=1 " + Fake() + " --quiet --seed 9 --report " + dir +
        "/seed9.json");
  const Ran seeds = Shell(Fake() + " --merge" + s0 + " " + dir + "/seed9.json");
  EXPECT_EQ(seeds.exit_code, kExitUsage) << seeds.out;
  EXPECT_NE(seeds.out.find("has seed \"9\""), std::string::npos) << seeds.out;
  // Shards run with a timeout: the merged report's reruns repeat it, and a
  // shard run without it does not belong.
  auto timed = [&](int index) {
    const std::string path = dir + "/t" + std::to_string(index) + ".json";
    Shell("GTEST_TOTAL_SHARDS=2 GTEST_SHARD_INDEX=" + std::to_string(index) + " " + Fake() +
          " --quiet --target-timeout 7 --report " + path);
    return " " + path;
  };
  const std::string t0 = timed(0), t1 = timed(1);
  const Ran merged_timed = Shell(Fake() + " --merge" + t0 + t1);
  EXPECT_NE(merged_timed.out.find("--target-timeout 7 --gtest_filter="), std::string::npos)
      << merged_timed.out;
  const Ran mixed = Shell(Fake() + " --merge" + t0 + s1);
  EXPECT_EQ(mixed.exit_code, kExitUsage) << mixed.out;
  EXPECT_NE(mixed.out.find("--target-timeout"), std::string::npos) << mixed.out;
}

// --list is what this process would run: the filter and the shard apply,
// so a shard lists exactly the checks its run reports.
TEST(FakeRun, ListShowsThisShardsChecks) {
  SKIP_WITHOUT_FAKE();
  ScratchDir scratch("hsmb-runner");
  std::set<std::string> listed_anywhere;
  for (int shard = 0; shard < 2; ++shard) {
    const std::string env =
        "GTEST_TOTAL_SHARDS=2 GTEST_SHARD_INDEX=" + std::to_string(shard) + " " + Fake();
    const std::string path = scratch.path() + "/r.json";
    Shell(env + " --quiet --report " + path);
    std::set<std::string> ran;
    const Json report = ReadJson(path);
    for (const Json& c : report["checks"]) ran.insert(c["id"].get<std::string>());
    const Ran list = Shell(env + " --list");
    EXPECT_EQ(list.exit_code, kExitConformant) << list.out;
    std::set<std::string> listed;
    std::istringstream lines(list.out);
    for (std::string line; std::getline(lines, line);) {
      if (line.rfind("Fake.", 0) == 0) listed.insert(line.substr(0, line.find(' ')));
    }
    EXPECT_EQ(listed, ran) << list.out;
    EXPECT_NE(list.out.find(std::to_string(ran.size()) + " checks (of 6;"), std::string::npos)
        << list.out;
    listed_anywhere.insert(listed.begin(), listed.end());
  }
  EXPECT_EQ(listed_anywhere.size(), 6u);
  const Ran one = Shell(Fake() + " --list --gtest_filter=Fake.Passes");
  EXPECT_NE(one.out.find("Fake.Passes  clauses: AUTH-CO,AUTH-PO\n1 checks (of 6;"),
            std::string::npos)
      << one.out;
}

// The header counts the checks this process runs, not those selected.
TEST(FakeRun, HeaderCountsTheChecksToRun) {
  SKIP_WITHOUT_FAKE();
  const Ran one = Shell(Fake() + " --gtest_filter=Fake.Passes 2>&1 >/dev/null");
  EXPECT_NE(one.out.find(", 1 checks to run (of 6 selected;"), std::string::npos) << one.out;
  const Ran all = Shell(Fake() + " 2>&1 >/dev/null");
  EXPECT_NE(all.out.find(", 6 checks to run, catalogue"), std::string::npos) << all.out;
}

TEST(FakeRun, CasesAndSeedsReachTheChecks) {
  SKIP_WITHOUT_FAKE();
  ScratchDir scratch("hsmb-runner");
  const std::string dir = scratch.path();
  Shell(Fake() + " --quiet --seed 5 --cases 7 --report " + dir + "/r.json");
  Json report = ReadJson(dir + "/r.json");
  ASSERT_TRUE(report.is_object());
  EXPECT_EQ(report["seed"], 5);
  EXPECT_EQ(report["cases"], 7);
  for (const Json& c : report["checks"]) {
    EXPECT_EQ(c["seed"].get<uint64_t>(), CheckSeed(5, c["id"].get<std::string>())) << c["id"];
    if (c["id"] == "Fake.Property") {
      EXPECT_EQ(c["cases_run"], 7);
    }
    if (c["id"] == "Fake.Passes") {
      EXPECT_EQ(c["cases"], 1) << "examples stay at one case";
    }
  }
}

TEST(FakeRun, GtestFilterSelectsChecks) {
  SKIP_WITHOUT_FAKE();
  ScratchDir scratch("hsmb-runner");
  const std::string dir = scratch.path();
  Ran ran = Shell(Fake() + " --quiet --gtest_filter=Fake.Passes:Fake.Property --report " + dir +
                  "/r.json");
  EXPECT_EQ(ran.exit_code, kExitConformant) << ran.out;
  Json report = ReadJson(dir + "/r.json");
  ASSERT_TRUE(report.is_object());
  EXPECT_EQ(report["checks"].size(), 2u);
  EXPECT_EQ(report["totals"]["not-run"].get<int>() + 3, static_cast<int>(report["clauses"].size()))
      << "AUTH-CO, AUTH-PO and DOM-ERROR-CODE ran";
}

}  // namespace
}  // namespace hsmbackup::conformance
