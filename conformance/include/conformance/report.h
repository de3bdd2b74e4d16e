// Clause verdicts and the reports of a conformance run.
//
// A run produces one CheckOutcome per check that ran (runner.h). This header
// turns them into one verdict per clause of the catalogue, applies the vendor
// configuration (expected failures, strict: an expected failure that passes
// is a failure), maps the verdicts to the process exit code, and writes the
// reports: the clause table for the terminal, JUnit XML, the JSON report
// (schema: conformance/report.schema.json) and Markdown. Every function here
// is pure: no process, no gtest, no clock.
#ifndef HSMBACKUP_CONFORMANCE_REPORT_H_
#define HSMBACKUP_CONFORMANCE_REPORT_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "conformance/check.h"
#include "conformance/fixed_world.h"
#include "conformance/target.h"

namespace hsmbackup::conformance {

// Exit codes of hsmbackup-conformance; REPORTS.md explains each.
inline constexpr int kExitConformant = 0;     // no fail, unexpected-pass or error; a check ran
inline constexpr int kExitNotConformant = 1;  // some clause fails or passes unexpectedly
inline constexpr int kExitUnknown = 2;        // no failure, but some clause ended in error
inline constexpr int kExitUsage = 3;          // bad arguments, catalogue or vendor config
inline constexpr int kExitTargetDown = 4;     // the target could not be started or handshaken
inline constexpr int kExitNothingRan = 5;     // zero checks ran
// ExitMeaning is the one-line meaning of an exit code ("conformant", ...).
const char* ExitMeaning(int exit_code);
// ExitCodesHelp is the exit-code table for --help.
std::string ExitCodesHelp();

// Quote is a sentence a clause rests on, copied from the seed page (`from`
// "seed", clauses.json `seed`) or LUNA-FACTS.md ("facts", `facts`), its
// whitespace runs read as one space.
struct Quote {
  std::string from;
  std::string sentence;
};

// One clause of conformance/clauses.json.
struct CatalogueClause {
  std::string id;
  std::string family;  // the catalogue's family ("Source and restore", ...)
  std::string text;
  std::string source;  // where the requirement comes from: "seed", "facts", "project", ...
  std::vector<Quote> quotes = {};  // the seed's first, then the facts'; none for our own readings
  // The `hello` capabilities (Hello::Has) without which the clause concerns
  // nothing the target has: "kind.pre77" for CLONE-CONTINUE-PRE77.
  std::vector<std::string> needs = {};
};

// An expected failure from the vendor config: `reason` is never empty.
// ExpectedFailure accepts a failure of `clause`: in every check, or only in
// check `check` (an id, "Sizing.GrabAllThenShrink"), and only a failure whose
// message contains `match` (one expectation, e.g. "bytes free") when set.
struct ExpectedFailure {
  std::string clause;
  std::string reason;
  std::string check;  // "" = any check
  std::string match;  // "" = any failure of the clause
  bool Covers(const std::string& clause_id, const std::string& check_id,
              const std::string& message) const {
    return clause == clause_id && (check.empty() || check == check_id) &&
           (match.empty() || message.find(match) != std::string::npos);
  }
};

// VendorConfig is --config vendor.json.
struct VendorConfig {
  std::string implementation_notes;
  std::vector<ExpectedFailure> expected_failures;
  // "fixed_world": what a fixed-world target's observe cannot show (its
  // secrets among it) and what the vendor allows (FIXED-WORLD.md).
  std::optional<FixedWorldConfig> fixed_world = std::nullopt;
};

// CheckOutcome is what one check did, as the reports show it.
struct CheckOutcome {
  std::string family;
  std::string name;
  std::vector<std::string> clauses;
  CheckStatus status = CheckStatus::kPass;
  std::string message;
  std::vector<std::string> failed_clauses;
  std::optional<Counterexample> counterexample;
  uint64_t seed = 0;  // the check's own seed (run seed mixed with the id)
  int cases = 0;      // cases asked for
  int cases_run = 0;
  double seconds = 0;
  // CheckResult::judged_through: the clauses it names but does not blame held.
  bool judged_through = false;
  std::map<std::string, std::string> unjudged;  // CheckResult::unjudged

  std::string id() const { return family + "." + name; }
  // Blamed is what a failure of this check is attributed to: the clauses
  // it names in failed_clauses, or all its clauses if none (whatever its
  // status); Blames(clause) is whether a failure of it blames `clause`.
  const std::vector<std::string>& Blamed() const {
    return failed_clauses.empty() ? clauses : failed_clauses;
  }
  bool Blames(const std::string& clause) const;
};

enum class Verdict {
  kPass,
  kFail,
  kError,
  kNotApplicable,
  kNotRun,
  kExpectedFailure,
  kUnexpectedPass,
};
const char* VerdictName(Verdict v);  // "pass", "fail", "error", "n/a", "not-run", ...
inline constexpr Verdict kAllVerdicts[] = {Verdict::kPass,          Verdict::kFail,
                                           Verdict::kError,         Verdict::kNotApplicable,
                                           Verdict::kNotRun,        Verdict::kExpectedFailure,
                                           Verdict::kUnexpectedPass};

struct ClauseVerdict {
  std::string id;
  std::string family;
  Verdict verdict = Verdict::kNotRun;
  std::string reason;               // why, for anything but pass
  std::vector<std::string> checks;  // ids of the checks that ran and name it, in run order
  std::string first_failing_check;  // for fail and unexpected-pass: the check to look at
  double seconds = 0;               // time of the checks naming it
  // What the clause requires (its catalogue text) and where that comes
  // from ("seed", "facts", "project"), so a failure names the sentence it
  // breaks, not only an id.
  std::string requirement;
  std::string requirement_source;
  // The checks of the suite that name it but did not run in this run
  // (left out by --gtest_filter, or in another shard), in suite order.
  std::vector<std::string> checks_not_run;
  std::vector<Quote> quotes = {};  // the sentences it rests on (CatalogueClause::quotes)
};

// SuiteCheck is a check a run could have run: its id and the clauses it
// names. A run's suite is the check table for the target's kind, before
// --clauses, --gtest_filter and sharding pick what runs.
struct SuiteCheck {
  std::string id;
  std::vector<std::string> clauses;
};

// ComputeVerdicts gives one verdict per clause of `clauses` (in that order):
//  fail     some check's failure is attributed to it (CheckOutcome::Blames);
//  error    no failure, but a check naming it ended in error, or the only
//           checks naming it stopped at another clause's failure, one the
//           vendor config does not expect;
//  pass     a check naming it passed, none failed or errored;
//  n/a      every check naming it was not applicable (reason: theirs);
//  not-run  no check that ran names it, or every one stopped at failures
//           `config` expects (reason "not judged: ...").
// Then `config`: a failing clause listed as expected becomes
// expected-failure (reason: the vendor's); a listed clause that passes
// becomes unexpected-pass, but only when every check of `suite` naming it
// ran (or the entry names one check, and it ran): otherwise it stays pass,
// its reason saying which checks did not run. Each verdict's
// checks_not_run lists those of `suite` naming it that are not among
// `outcomes`; an empty `suite` means every check ran.
// Before `config`, with `claims` (the target's hello) given: a clause that
// needs (CatalogueClause::needs) what the target lacks and would be pass,
// n/a or not-run is n/a, its reason naming what: it concerns nothing the
// target has (a pass there would be vacuous).
std::vector<ClauseVerdict> ComputeVerdicts(const std::vector<CatalogueClause>& clauses,
                                           const std::vector<CheckOutcome>& outcomes,
                                           const VendorConfig& config,
                                           const std::vector<SuiteCheck>& suite = {},
                                           const Hello* claims = nullptr);

// ExitCodeFor maps verdicts to kExitConformant, kExitNotConformant,
// kExitUnknown or kExitNothingRan (`checks_run` == 0). not-run, n/a and
// expected-failure never fail a run.
int ExitCodeFor(const std::vector<ClauseVerdict>& verdicts, size_t checks_run);

// Shard is this process's part of a sharded run (GTEST_TOTAL_SHARDS).
struct Shard {
  int index = 0;
  int total = 1;
};

// Processes is how a run's target processes were started (REPORTS.md,
// "processes"): none (the reference in process), one reused for the whole
// run (--reuse-target), or one per check started as `next` says. `pinned`
// when --next-process named `next` rather than the preflight choosing;
// `preflight_hello_seconds` is how long the preflight's process took from
// being started to answering hello (nullopt in process).
struct Processes {
  enum class Kind { kInProcess, kReused, kPerCheck };
  Kind kind = Kind::kInProcess;
  NextProcess next = NextProcess::kWhenAsked;  // kPerCheck only
  bool pinned = false;
  std::optional<double> preflight_hello_seconds;
  // The target listed "pipeline" and the run used it (not --no-pipeline;
  // never in process, where there is no transport to overlap).
  bool pipelined = false;

  // Mode is the report's name for it: "in-process", "reused", or
  // NextProcessName(next).
  std::string_view Mode() const;
};

// RunReport is everything the reports show.
struct RunReport {
  std::string tool_version;      // the kit's version (project(VERSION))
  std::string catalogue_sha256;  // SHA-256 of the clauses.json the run used, lower-case hex
  std::string implementation;  // from the target's hello
  std::vector<std::string> capabilities;  // the hello's, as listed (sorted)
  std::string target;          // "in-process reference" or the --target-cmd
  std::optional<Processes> processes;  // nullopt: a report not built by a run
  std::string implementation_notes;
  uint64_t seed = 0;
  std::optional<int> cases;  // --cases, if given
  std::optional<Shard> shard;
  int merged_shards = 0;  // a report --merge made of that many shards' (0: a run's own)
  std::string started;  // UTC, ISO 8601
  // The run's other options that can change a verdict, as shell words each
  // after a space (" --config vendor.json --target-timeout 20"): every
  // rerun command repeats them.
  std::string rerun_options;
  double seconds = 0;
  int exit_code = 0;
  std::vector<ClauseVerdict> clauses;
  std::vector<CheckOutcome> checks;

  std::map<Verdict, int> Totals() const;
};

// ClauseTable is the terminal summary: header, one row per clause, totals,
// the exit code and its meaning, then every failure's counterexample.
std::string ClauseTable(const RunReport& report);
// JunitXml: testsuites > testsuite per clause family > testcase per clause.
std::string JunitXml(const RunReport& report);
// ReportJson follows conformance/report.schema.json
// ("format": "hsmbackup-conformance-report/1"), keys in schema order.
nlohmann::ordered_json ReportJson(const RunReport& report);
// MarkdownReport: header, clause table, a section per failing clause.
std::string MarkdownReport(const RunReport& report);

// XmlEscape makes text safe in XML content and attributes; characters XML
// 1.0 cannot carry become U+FFFD.
std::string XmlEscape(const std::string& text);

}  // namespace hsmbackup::conformance

#endif  // HSMBACKUP_CONFORMANCE_REPORT_H_
