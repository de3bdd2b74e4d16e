// Helpers the report writers share (not part of the public API).
#ifndef HSMBACKUP_CONFORMANCE_RUNNER_REPORT_UTIL_H_
#define HSMBACKUP_CONFORMANCE_RUNNER_REPORT_UTIL_H_

#include <string>
#include <vector>

#include "conformance/report.h"
#include "conformance/runner.h"

namespace hsmbackup::conformance::report_internal {

// ShellQuote makes a word safe for /bin/sh.
std::string ShellQuote(const std::string& word);
// RerunCommand reruns one check with the run's seed and target.
std::string RerunCommand(const RunReport& report, const CheckOutcome& check);
// ProcessesText says how the target's processes were started and why:
// "one per check, each started one check ahead (the default; the
// preflight answered hello in 3 ms)".
std::string ProcessesText(const Processes& processes);
// Seconds renders a duration as "0.4".
std::string Seconds(double seconds);
// ShardText is "1/4" for GTEST_SHARD_INDEX=1 of GTEST_TOTAL_SHARDS=4 (the
// index counted from 0, as in the JSON), or "" when not sharded.
std::string ShardText(const RunReport& report);
std::string Join(const std::vector<std::string>& items, const std::string& sep);
// Requirement is what a failure of `v` breaks: "OPT-SLOT requires (seed):
// TEXT", then a line per sentence it rests on, `  the seed says: "..."`
// (or `  LUNA-FACTS.md says: "..."`); empty when the catalogue has no text.
std::string Requirement(const ClauseVerdict& v);
// Requirements is Requirement of every clause `check` is blamed under.
std::string Requirements(const RunReport& report, const CheckOutcome& check);
// Failing checks of the run, in run order (status fail).
std::vector<const CheckOutcome*> FailedChecks(const RunReport& report);
// CheckById finds a check of the run, or nullptr.
const CheckOutcome* CheckById(const RunReport& report, const std::string& id);
// WriteReportFiles writes the --junit, --report and --markdown files
// `options` names; false (each failure said on `err`) if one cannot be.
bool WriteReportFiles(const RunReport& report, const RunOptions& options, std::ostream& err);

}  // namespace hsmbackup::conformance::report_internal

#endif  // HSMBACKUP_CONFORMANCE_RUNNER_REPORT_UTIL_H_
