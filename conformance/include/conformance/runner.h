// The conformance runner: picks checks, runs each against a fresh target
// under GoogleTest, and hands the outcomes to report.h.
//
// Everything takes the check table as a parameter; only the
// hsmbackup-conformance executable passes AllChecks. Errors are values:
// functions that can fail return nullopt (or false) and set `*error` to a
// message naming what was wrong, never a secret.
#ifndef HSMBACKUP_CONFORMANCE_RUNNER_H_
#define HSMBACKUP_CONFORMANCE_RUNNER_H_

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "conformance/check.h"
#include "conformance/report.h"
#include "conformance/target.h"

namespace hsmbackup::conformance {

inline constexpr uint64_t kDefaultSeed = 1;

// ParseCatalogue reads a hsmbackup-clauses/1 document (clauses.json).
std::optional<std::vector<CatalogueClause>> ParseCatalogue(const std::string& text,
                                                           std::string* error);
// LoadCatalogue reads and parses the catalogue at `path`; with `sha256`, it
// also sets it to the SHA-256 (lower-case hex) of the file's bytes, which
// the reports carry so two runs can be compared.
std::optional<std::vector<CatalogueClause>> LoadCatalogue(const std::string& path,
                                                          std::string* error,
                                                          std::string* sha256 = nullptr);

// Sha256Hex is the SHA-256 of `bytes` in lower-case hex.
std::string Sha256Hex(const std::string& bytes);

// ParseVendorConfig reads vendor.json: {"implementation_notes": string,
// "expected_failures": [{"clause": id, "reason": non-empty}], "fixed_world":
// {…} (fixed_world.h)}. Every key is optional; any other key, an unknown clause id, a duplicate clause or an
// empty reason is an error naming it.
std::optional<VendorConfig> ParseVendorConfig(const std::string& text,
                                              const std::vector<CatalogueClause>& catalogue,
                                              std::string* error);

// LoadVendorConfig reads and parses --config `path`; an empty path is the
// empty config. nullopt with `error` naming the file and the problem.
std::optional<VendorConfig> LoadVendorConfig(const std::string& path,
                                             const std::vector<CatalogueClause>& catalogue,
                                             std::string* error);

// ParseClauseList splits "A,B" and checks every id against the catalogue;
// an unknown or empty id is an error naming it.
std::optional<std::set<std::string>> ParseClauseList(const std::string& text,
                                                     const std::vector<CatalogueClause>& catalogue,
                                                     std::string* error);

// CheckSeed mixes the run seed with the check id (FNV-1a, then splitmix64):
// stable across runs and independent of which other checks run.
uint64_t CheckSeed(uint64_t run_seed, const std::string& check_id);

// CasesFor is how many cases a check runs: `override` for a property
// (default_cases > 1), always 1 for an example.
int CasesFor(const Check& check, std::optional<int> override);

// SelectChecks keeps the checks naming at least one of `clauses` (all of
// them if `clauses` is empty), in table order.
std::vector<const Check*> SelectChecks(const std::vector<Check>& checks,
                                       const std::set<std::string>& clauses);

// TargetFactory starts a fresh target, or returns nullptr with `error` set.
using TargetFactory = std::function<std::unique_ptr<Target>(TargetError* error)>;

// MakeTargetFactory: the in-process reference if `command` is empty, else
// `command` (as MakeSubprocessTarget runs it), stopped if it takes longer
// than `answer_timeout` to answer one request. Without `reuse`, each target
// is its own process, started as `next` says; the one started last serves
// no check and gets `bye` alone when the factory is destroyed. With
// `reuse`, every target it returns speaks to one process started on first
// use (and started again if it hung or died); each check still begins with
// `load`, so no state crosses checks (--reuse-target).
TargetFactory MakeTargetFactory(const std::string& command,
                                std::chrono::milliseconds answer_timeout = kDefaultAnswerTimeout,
                                bool reuse = false, NextProcess next = NextProcess::kOneAhead);

// ChooseNextProcess is what --next-process auto picks: kWhenAsked for a
// fixed-world target (`fixed_world`: a lab device, which may hold one
// session); kFork for one that `forks` (its hello lists kForkCapability):
// a copy costs a fraction of a start; else kOneAhead, which hides a
// target's start-up best even for one that starts in 3 ms (README, "Speed").
NextProcess ChooseNextProcess(bool fixed_world, bool forks = false);

// kSlowStartHint: from this start-up on (the preflight's, to its hello
// answer) a run with a process per check suggests --reuse-target.
inline constexpr std::chrono::milliseconds kSlowStartHint{50};

// WithoutPipelining wraps `factory` so that the targets it makes wait for
// each answer even when their hello lists kPipelineCapability (--no-pipeline).
TargetFactory WithoutPipelining(TargetFactory factory);

// Preflight starts a target and handshakes (then says bye). nullopt with
// `error` naming `target_name` if it cannot (a factory that cannot start
// one names its command itself). `startup`, if given, is set to
// the time from asking `factory` for the target to its hello answer.
std::optional<Hello> Preflight(const TargetFactory& factory, const std::string& target_name,
                               TargetError* error, std::chrono::nanoseconds* startup = nullptr);

// RunCheck runs one check on a fresh target: n/a (naming the capability) if
// the hello lacks one it needs; n/a (saying why) for a check that loads on
// a fixed-world target (hello lists kFixedWorldCapability), and for a
// fixed-world check on any other target; an error if the target cannot be
// started or handshaken, or if the check throws. `fixed_world` (the vendor
// config's section, may be null) goes to the check's context. It never
// throws itself.
CheckOutcome RunCheck(const Check& check, const TargetFactory& factory, uint64_t run_seed,
                      std::optional<int> cases_override,
                      const FixedWorldConfig* fixed_world = nullptr);

// NotApplicableOutcome is `check`'s outcome when it is not run at all:
// n/a, `why` its message (a fixed-world run gives the loading checks this
// without starting a target process for each).
CheckOutcome NotApplicableOutcome(const Check& check, uint64_t run_seed,
                                  std::optional<int> cases_override, std::string why);

// FixedWorldNotApplicable is why `check` cannot run on a target whose hello
// says `fixed` (or not) about its world; "" when it can.
std::string FixedWorldNotApplicable(const Check& check, bool fixed);

struct RunOptions {
  std::string target_command;     // "" = the in-process reference
  bool reuse_target = false;      // one target process for the whole run
  // --next-process: how each check's process starts (without reuse_target);
  // nullopt = "auto", chosen from the preflight's start-up time.
  std::optional<NextProcess> next_process;
  bool no_pipeline = false;  // --no-pipeline: one request at a time, whatever hello says
  std::chrono::milliseconds target_timeout = kDefaultAnswerTimeout;  // per request
  std::set<std::string> clauses;  // "" = all
  uint64_t seed = kDefaultSeed;
  std::optional<int> cases;
  std::filesystem::path data_dir;  // the kit's data (data_dir.h): clauses.json and fixtures/
  std::string catalogue_path;      // "" = <data_dir>/clauses.json
  std::string config_path;     // "" = no vendor config
  std::string junit_path, report_path, markdown_path;
  bool list = false;
  bool quiet = false;
  bool verbose = false;                 // keep gtest's own printer
  std::vector<std::string> gtest_args;  // --gtest_* flags passed through
};

// Io is where the runner writes: the clause table to `out`, progress and
// messages to `err`.
struct RunnerIo {
  std::ostream& out;
  std::ostream& err;
};

// RunSuite is a whole run: load the catalogue and config, select, preflight,
// register each selected check as a GoogleTest test (suite = family, name =
// check name) and RUN_ALL_TESTS (so gtest filters and sharding apply), then
// compute verdicts, print the table, write the reports and return the exit
// code. It initialises GoogleTest, so call it at most once per process and
// never from inside a test.
int RunSuite(const std::vector<Check>& checks, const RunOptions& options, const RunnerIo& io);

// MergeShardReports reads the JSON reports of every shard of one run
// (`paths`) and judges their checks together as one unsharded run would:
// the same verdicts (ComputeVerdicts over all the shards' outcomes, in the
// order the unsharded run has, with `config`) and exit code. nullopt with
// `error` saying why when a report cannot be read or the reports do not
// belong together: another tool version, catalogue (`catalogue_sha256`),
// seed, cases, shard total, implementation or set of clauses; a shard
// missing or given twice; a check in two shards or not in `checks`; or a
// vendor config (implementation notes, owned clauses) other than `config`.
std::optional<RunReport> MergeShardReports(const std::vector<std::string>& paths,
                                           const std::vector<Check>& checks,
                                           const std::vector<CatalogueClause>& catalogue,
                                           const std::string& catalogue_sha256,
                                           const VendorConfig& config, std::string* error);

// RunMerge is --merge: MergeShardReports with the catalogue and config of
// `options`, the clause table on `io.out`, the report files `options`
// names; the merged run's exit code, or kExitUsage when it refuses.
int RunMerge(const std::vector<Check>& checks, const std::vector<std::string>& paths,
             const RunOptions& options, const RunnerIo& io);

// kDefaultBenchAnswerTimeout bounds one bench request: a row of backups.
inline constexpr std::chrono::seconds kDefaultBenchAnswerTimeout{600};

// BenchOptions are those of `hsmbackup-conformance bench`.
struct BenchOptions {
  std::string target_command;  // "" = the reference, in process
  // Per request; a bench request times a whole loop of backups.
  std::chrono::milliseconds target_timeout = kDefaultBenchAnswerTimeout;
  std::vector<std::string> kinds = {"pre77", "v0", "v1"};
  std::vector<uint64_t> sizes = {256, 4096};
  uint64_t count = 1000;
  uint64_t repetitions = 5;
};

// RunBench asks the target (which must list the "bench" capability) to time
// one backup of `count` generated objects per kind and size, the loop
// running inside the target, and prints objects/s. 0, or kExitTargetDown.
int RunBench(const BenchOptions& options, const RunnerIo& io);

// CheckProtocol probes only the envelope and lifecycle of PROTOCOL.md
// (hello, an unparseable line, requests before load, an unknown op, an
// invalid and a valid world, execute without answers, observe, the pairs a
// target listing "pipeline" gets written together, bye and exit; then, for a
// command, a second process that gets only bye, as the last one a run starts
// does, and a third that gets its hello in two writes) and says in words
// each rule the target breaks. Each process ends before the next starts. 0
// if none, kExitUnknown if some, kExitTargetDown if it cannot be started.
int CheckProtocol(const std::string& command, std::chrono::milliseconds timeout,
                  const RunnerIo& io);

// CheckTable builds the checks of a run from the kit's data directory
// (AllChecks for hsmbackup-conformance).
using CheckTable = std::function<std::vector<Check>(const std::filesystem::path& data_dir)>;

// RunCli parses the hsmbackup-conformance command line, finds the data
// directory (--data-dir, then HSMB_DATA_DIR, then beside the executable:
// data_dir.h), builds the checks from it and runs RunSuite; main() is this
// with AllChecks. --check-protocol and bench need no data directory.
int RunCli(int argc, const char* const* argv, const CheckTable& checks, const RunnerIo& io);

}  // namespace hsmbackup::conformance

#endif  // HSMBACKUP_CONFORMANCE_RUNNER_H_
