// The suite against every mutant (each must fail its own clause) and every
// reading (each must pass): the measure of the suite's teeth and fairness.
#include <algorithm>
#include <atomic>
#include <thread>

#include "mutant_support.h"
#include "scratch_dir.h"

namespace hsmbackup::conformance {
namespace {

using namespace mutant_testing;  // NOLINT(build/namespaces)

// ---------------------------------------------------------------------------
// The kill rate: needs the suite's checks. Until every clause below has a
// check that covers the scenario named in conformance/mutants/README.md,
// this test fails, listing the mutants that survive.

// RunSuiteOn runs the whole suite (or the checks `filter` selects), `cases`
// per property, against the mutant or reading `name` and returns its exit
// code; the clause report goes to `report`.
int RunSuiteOn(const std::string& name, int cases, const std::string& report,
               const std::string& filter = "") {
  std::remove(report.c_str());
  const std::string target = ShellQuote(kMutant) + " " + ShellQuote(name);
  const std::string only = filter.empty() ? "" : " --gtest_filter=" + ShellQuote(filter);
  return RunShell(ShellQuote(HSMB_CONFORMANCE_PATH) + " --target-cmd " + ShellQuote(target) +
                  " --reuse-target --cases " + std::to_string(cases) + only + " --quiet --report " +
                  ShellQuote(report) + " >/dev/null 2>&1")
      .exit_code;
}

TEST(MutantsKillRate, EveryMutantIsKilledByItsClause) {
  const std::vector<ListedMutant> listed = ListMutants();
  ASSERT_FALSE(listed.empty());
  // The runs are independent processes: as many at once as there are cores.
  // Reports in a directory of this run's own: another run of the suite on
  // the same machine writes the same names.
  ScratchDir scratch("hsmb-killrate");
  std::vector<std::string> reports;
  for (const ListedMutant& m : listed) {
    reports.push_back(scratch.path() + "/mutant-" + m.name + ".json");
  }
  std::vector<int> exit_codes(listed.size(), -1);
  std::atomic<size_t> next{0};
  std::vector<std::thread> workers;
  for (unsigned w = 0; w < std::max(1u, std::thread::hardware_concurrency()); ++w) {
    workers.emplace_back([&] {
      for (size_t i = next++; i < listed.size(); i = next++) {
        exit_codes[i] = RunSuiteOn(listed[i].name, 20, reports[i]);
      }
    });
  }
  for (std::thread& t : workers) t.join();
  size_t killed = 0;
  std::ostringstream table;
  for (size_t i = 0; i < listed.size(); ++i) {
    const ListedMutant& m = listed[i];
    const int exit_code = exit_codes[i];
    std::vector<std::string> failing;
    std::string own_verdict = "missing";
    Json parsed = Json::parse(ReadFile(reports[i]), nullptr, false);
    if (!parsed.is_discarded() && parsed.contains("clauses") && parsed["clauses"].is_array()) {
      for (const Json& c : parsed["clauses"]) {
        const std::string id = c.value("id", "");
        const std::string verdict = c.value("verdict", "");
        if (verdict == "fail") failing.push_back(id);
        if (id == m.clause) own_verdict = verdict;
      }
    }
    const bool is_killed = exit_code == 1 && own_verdict == "fail";
    killed += is_killed ? 1 : 0;
    std::string failing_text;
    for (const std::string& id : failing) failing_text += (failing_text.empty() ? "" : ",") + id;
    table << "  " << m.name << "  " << m.clause << "  " << (is_killed ? "killed" : "SURVIVED")
          << "  (exit " << exit_code << ", own clause " << own_verdict
          << ", failing: " << (failing_text.empty() ? "none" : failing_text) << ")\n";
    RecordProperty("mutant_" + m.name, failing_text.empty() ? "none" : failing_text);
    EXPECT_EQ(exit_code, 1) << m.name;
    EXPECT_EQ(own_verdict, "fail") << m.name << " is not killed by " << m.clause;
    // Precise blame (issue 10): one fault fails its own clause alone, so a
    // vendor's expected failure hides nothing else. The one exception is
    // ambiguous by observation: a backup count off by one when -append
    // skipped exactly one object reads as a wrong skip too (OPT-APPEND).
    const size_t allowed = m.name == "wrong-backed-up-count" ? 2u : 1u;
    EXPECT_LE(failing.size(), allowed) << m.name << " fails " << failing_text;
  }
  RecordProperty("kill_rate", std::to_string(killed) + "/" + std::to_string(listed.size()));
  std::cout << "mutants killed by the right clause: " << killed << "/" << listed.size() << "\n"
            << table.str();
}

// A fault only in what a target prints leaves its world as the model's, so
// the suite judges on past it: its own clause fails, and every other clause
// gets its verdict (none is left "no verdict" behind it).
TEST(MutantsKillRate, APrintedFaultLeavesEveryOtherClauseJudged) {
  ScratchDir scratch("hsmb-killrate");
  for (const char* name : {"drops-failure-line", "list-wrong-count", "list-omits-origin"}) {
    const std::string report = scratch.path() + "/printed-" + name + ".json";
    EXPECT_EQ(RunSuiteOn(name, 5, report), 1) << name;
    Json parsed = Json::parse(ReadFile(report), nullptr, false);
    ASSERT_FALSE(parsed.is_discarded()) << name << ": no report";
    std::vector<std::string> failed, unjudged;
    for (const Json& c : parsed["clauses"]) {
      const std::string verdict = c.value("verdict", "");
      if (verdict == "fail") failed.push_back(c.value("id", ""));
      if (verdict == "error" || verdict == "not-run") unjudged.push_back(c.value("id", ""));
    }
    EXPECT_EQ(failed.size(), 1u) << name;
    EXPECT_TRUE(unjudged.empty()) << name << " left without a verdict: " << unjudged.size();
  }
}

// The stateful checks judge each step outside RunScenario, and a vector file
// is one check of many scenarios: a printed fault must stop neither, or the
// clauses they judge are left without a verdict behind it.
TEST(MutantsKillRate, StatefulAndVectorChecksJudgeOnPastAPrintedFault) {
  ScratchDir scratch("hsmb-killrate");
  struct Case {
    const char* filter;
    const char* mutant;
    const char* clause;
    size_t passing;  // at least: the clauses those checks judge, but the one
  };
  const Case cases[] = {{"Stateful.*", "list-wrong-count", "ARCHIVE-LIST", 10},
                        {"Stateful.*", "drops-failure-line", "CLONE-DISCARD", 10},
                        {"Vectors.*", "drops-failure-line", "CLONE-DISCARD", 50}};
  for (const Case& c : cases) {
    const std::string what = std::string(c.filter) + " on " + c.mutant;
    const std::string report = scratch.path() + "/printed-checks-" + c.mutant + ".json";
    EXPECT_EQ(RunSuiteOn(c.mutant, 20, report, c.filter), 1) << what;
    Json parsed = Json::parse(ReadFile(report), nullptr, false);
    ASSERT_FALSE(parsed.is_discarded()) << what << ": no report";
    std::vector<std::string> failed, unjudged;
    size_t passed = 0;
    for (const Json& clause : parsed["clauses"]) {
      const std::string verdict = clause.value("verdict", "");
      if (verdict == "fail") failed.push_back(clause.value("id", ""));
      if (verdict == "error") unjudged.push_back(clause.value("id", ""));
      if (verdict == "pass") ++passed;
    }
    EXPECT_EQ(failed, std::vector<std::string>{c.clause}) << what;
    EXPECT_TRUE(unjudged.empty()) << what << " left without a verdict: " << unjudged.size();
    EXPECT_GE(passed, c.passing) << what;
  }
}

// A property goes on past a printed fault, so RapidCheck does not shrink
// it as it shrinks a fault that stops the property: the suite runs the
// property again to shrink it. Generated objects shrink to size 1
// (gen::Objects), and a command sequence to the lines the fault needs.
TEST(MutantsKillRate, APrintedFaultIsShrunkLikeAnyOther) {
  ScratchDir scratch("hsmb-killrate");
  const std::string report = scratch.path() + "/printed-shrunk.json";
  const std::string checks =
      "Domains.MismatchLeavesAnEmptyPartition:Options.DebugOnlyAddsLines:Stateful.CommandSequences";
  EXPECT_EQ(RunSuiteOn("drops-failure-line", 20, report, checks), 1);
  Json parsed = Json::parse(ReadFile(report), nullptr, false);
  ASSERT_FALSE(parsed.is_discarded()) << "no report";
  size_t failed = 0;
  for (const Json& check : parsed["checks"]) {
    if (check.value("status", "") != "fail") continue;
    ++failed;
    const std::string id = check.value("id", "");
    const Json& example = check["counterexample"];
    for (const Json& slot : example["world"]["slots"]) {
      if (!slot.contains("user_partition")) continue;
      for (const Json& o : slot["user_partition"]["objects"]) {
        EXPECT_EQ(o.value("size", 0), 1) << id << ": object " << o.dump() << " not shrunk";
      }
    }
    std::istringstream script(example.value("script", ""));
    size_t lines = 0;
    for (std::string line; std::getline(script, line);)
      lines += line.empty() || line[0] == '#' ? 0 : 1;
    EXPECT_LE(lines, 3u) << id << ":\n" << example.value("script", "");
  }
  EXPECT_EQ(failed, 3u);
}

// ---------------------------------------------------------------------------
// The readings: other readings of the seed's open choices. The suite must
// pass each, which shows it judges only what the seed fixes.

TEST(MutantsReadings, EveryReadingPasses) {
  ScratchDir scratch("hsmb-killrate");
  std::istringstream lines(RunShell(ShellQuote(kMutant) + " --list-readings").out);
  std::vector<std::string> names;
  for (std::string line; std::getline(lines, line);) {
    names.push_back(line.substr(0, line.find(' ')));
  }
  ASSERT_GE(names.size(), 4u);
  for (const std::string& name : names) {
    const std::string report = scratch.path() + "/reading-" + name + ".json";
    const int exit_code = RunSuiteOn(name, 10, report);
    std::string failing;
    Json parsed = Json::parse(ReadFile(report), nullptr, false);
    ASSERT_FALSE(parsed.is_discarded()) << name << ": no report";
    for (const Json& c : parsed["clauses"]) {
      if (c.value("verdict", "") != "pass" && c.value("verdict", "") != "n/a") {
        failing += " " + c.value("id", "") + " (" + c.value("reason", "").substr(0, 300) + ")";
      }
    }
    EXPECT_EQ(exit_code, 0) << name << " should pass; not passing:" << failing;
  }
}

}  // namespace
}  // namespace hsmbackup::conformance
