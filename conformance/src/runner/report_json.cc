// The machine-readable report; conformance/report.schema.json is its
// contract, so a field added here is a field added there.
#include <cmath>

#include "report_util.h"

namespace hsmbackup::conformance {
namespace {

using OJson = nlohmann::ordered_json;

// Millis rounds a duration so reports do not carry clock noise.
double Millis(double seconds) { return std::round(seconds * 1000) / 1000; }

OJson CounterexampleJson(const Counterexample& c) {
  return {{"failing_step", c.failing_step},
          {"expected", c.expected},
          {"observed", c.observed},
          {"world", OJson(c.scenario.world)},
          {"script", ScenarioScript(c.scenario)},
          {"answers", c.scenario.answers},
          {"target_transcript", c.target_transcript},
          {"reference_transcript", c.reference_transcript},
          {"seed", c.seed},
          {"replay", ReplayCommand(c.scenario, "world.json", "script.lunacm")}};
}

OJson ProcessesJson(const Processes& p) {
  return {{"mode", p.Mode()},
          {"pinned", p.pinned},
          {"pipelined", p.pipelined},
          {"preflight_hello_ms", p.preflight_hello_seconds
                                     ? OJson(std::round(*p.preflight_hello_seconds * 1e6) / 1e3)
                                     : OJson(nullptr)}};
}

}  // namespace

OJson ReportJson(const RunReport& report) {
  OJson totals = OJson::object();
  for (const auto& [verdict, count] : report.Totals()) totals[VerdictName(verdict)] = count;
  OJson checks_by_status = {{"pass", 0}, {"fail", 0}, {"n/a", 0}, {"error", 0}};
  OJson clauses = OJson::array();
  for (const ClauseVerdict& v : report.clauses) {
    OJson c = {{"id", v.id},
               {"family", v.family},
               {"verdict", VerdictName(v.verdict)},
               {"reason", v.reason},
               {"checks", v.checks},
               {"checks_not_run", v.checks_not_run},
               {"seconds", Millis(v.seconds)}};
    if (!v.first_failing_check.empty()) c["first_failing_check"] = v.first_failing_check;
    for (const Quote& q : v.quotes) {
      c["quotes"].push_back({{"from", q.from}, {"sentence", q.sentence}});
    }
    clauses.push_back(std::move(c));
  }
  OJson checks = OJson::array();
  for (const CheckOutcome& o : report.checks) {
    OJson& count = checks_by_status[CheckStatusName(o.status)];
    count = count.get<int>() + 1;
    OJson c = {{"id", o.id()},
               {"family", o.family},
               {"name", o.name},
               {"clauses", o.clauses},
               {"status", CheckStatusName(o.status)},
               {"message", o.message},
               {"seed", o.seed},
               {"cases", o.cases},
               {"cases_run", o.cases_run},
               {"seconds", Millis(o.seconds)},
               {"failed_clauses", o.failed_clauses},
               {"judged_through", o.judged_through}};
    if (!o.unjudged.empty()) c["unjudged"] = o.unjudged;
    if (o.counterexample) c["counterexample"] = CounterexampleJson(*o.counterexample);
    checks.push_back(std::move(c));
  }
  OJson doc = {{"format", "hsmbackup-conformance-report/1"},
               {"tool", {{"name", "hsmbackup-conformance"}, {"version", report.tool_version}}}};
  // Optional in the schema: a report built without the catalogue's hash
  // (a unit test's) carries no "catalogue" rather than an empty one.
  if (!report.catalogue_sha256.empty()) {
    doc["catalogue"] = {{"format", "hsmbackup-clauses/1"}, {"sha256", report.catalogue_sha256}};
  }
  OJson rest = {{"implementation", report.implementation},
                {"capabilities", report.capabilities},
                {"rerun_options", report.rerun_options},
                {"implementation_notes", report.implementation_notes},
                {"target", report.target},
                {"processes", report.processes ? ProcessesJson(*report.processes) : OJson()},
                {"seed", report.seed},
                {"cases", report.cases ? OJson(*report.cases) : OJson(nullptr)},
                {"shard", report.shard ? OJson({{"index", report.shard->index},
                                                {"total", report.shard->total}})
                                       : OJson(nullptr)},
                {"merged_shards", report.merged_shards},
                {"started", report.started},
                {"duration_seconds", Millis(report.seconds)},
                {"exit_code", report.exit_code},
                {"exit_meaning", ExitMeaning(report.exit_code)},
                {"totals", totals},
                {"check_totals", checks_by_status},
                {"clauses", std::move(clauses)},
                {"checks", std::move(checks)}};
  // Optional in the schema: reports written before it have no "processes".
  if (!report.processes) rest.erase("processes");
  if (report.merged_shards == 0) rest.erase("merged_shards");  // only --merge writes it
  for (auto it = rest.begin(); it != rest.end(); ++it) doc[it.key()] = std::move(it.value());
  return doc;
}

}  // namespace hsmbackup::conformance
