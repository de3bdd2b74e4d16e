// A conformance check: one test of one or more clauses, run against a Target.
//
// Checks are plain data (a table, no static registration): the runner picks
// the ones whose clauses were asked for, registers each as a GoogleTest test
// (so filters and GTEST_TOTAL_SHARDS/GTEST_SHARD_INDEX split a run), and
// turns every CheckResult into clause verdicts and reports (report.h).
#ifndef HSMBACKUP_CONFORMANCE_CHECK_H_
#define HSMBACKUP_CONFORMANCE_CHECK_H_

#include <cstdint>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "conformance/fixed_world.h"
#include "conformance/scenario.h"
#include "conformance/target.h"

namespace hsmbackup::conformance {

// CheckContext is what a check may use: a fresh, handshaken target, the
// deterministic seed for this check and how many generated cases to run.
struct CheckContext {
  Target* target = nullptr;
  Hello hello;
  uint64_t seed = 0;  // the run's --seed mixed with the check's name
  int cases = 0;      // generated cases for a property (--cases, or the check's default)
  // For a fixed-world target (hello lists kFixedWorldCapability): the vendor
  // config's "fixed_world" section; null otherwise.
  const FixedWorldConfig* fixed_world = nullptr;
};

enum class CheckStatus {
  kPass,
  kFail,           // the target broke a clause: `failed_clauses` says which
  kNotApplicable,  // the target lacks a capability: `message` names it
  kError,          // the harness or the protocol failed: no verdict possible
};
const char* CheckStatusName(CheckStatus s);  // "pass", "fail", "n/a", "error"

struct CheckResult {
  CheckStatus status = CheckStatus::kPass;
  std::string message;  // what failed, or why not applicable; "" on pass
  // The clauses a failure is attributed to (a subset of the check's
  // clauses, or clauses the model named for the failing step).
  std::vector<std::string> failed_clauses;
  std::optional<Counterexample> counterexample;  // shrunk, replayable
  int cases_run = 0;
  // A failure that judged every line of every case to the end (each failure
  // was only in what the target printed): every clause the check names but
  // failed_clauses held, and has that verdict.
  bool judged_through = false;
  // Clauses the check names that this run judged nothing of, each with why
  // (every vector naming it needs a kind the target lacks): the check's
  // pass or fail says nothing of them.
  std::map<std::string, std::string> unjudged = {};

  static CheckResult Pass(int cases = 1) { return {CheckStatus::kPass, "", {}, {}, cases, false}; }
  static CheckResult NotApplicable(std::string why) {
    return {CheckStatus::kNotApplicable, std::move(why), {}, {}, 0, false};
  }
  static CheckResult Error(std::string why) {
    return {CheckStatus::kError, std::move(why), {}, {}, 0, false};
  }
};

struct Check {
  std::string family;  // the clause family: "Cloning", "Sizing", ...
  std::string name;    // CamelCase, unique in its family
  std::vector<std::string> clauses;       // every clause this check judges
  std::vector<std::string> capabilities;  // all must be in the target's hello
  int default_cases = 1;                  // 1 for an example, more for a property
  std::function<CheckResult(CheckContext&)> run;
  // A fixed-world check never loads: it runs only against a target whose
  // hello lists kFixedWorldCapability, on the world it observes there, and
  // leaves the device as it found it. Every other check loads generated
  // worlds and is n/a on such a target (FIXED-WORLD.md).
  bool fixed_world = false;

  std::string id() const { return family + "." + name; }
};

// PrintTo (found by gtest through argument-dependent lookup) prints a check
// by its id, so parameterized tests name it rather than dump its bytes.
void PrintTo(const Check& check, std::ostream* os);

// AllChecks is every check of the suite, in report order. Each family lives
// in its own file under conformance/src/checks/. `data_dir` is the kit's
// data directory (data_dir.h): the vectors and regressions found there
// become checks, and the checks that quote a shipped world read it there.
std::vector<Check> AllChecks(const std::filesystem::path& data_dir);

// FixedWorldChecks are the checks with `fixed_world` set (AllChecks ends
// with them; checks/fixed_world.cc).
std::vector<Check> FixedWorldChecks();

}  // namespace hsmbackup::conformance

#endif  // HSMBACKUP_CONFORMANCE_CHECK_H_
