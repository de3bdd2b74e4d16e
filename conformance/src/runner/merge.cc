// --merge: the shards' JSON reports read back into check outcomes, and the
// clause verdicts computed again over all of them, by the rules of a run.
#include <algorithm>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include "conformance/runner.h"
#include "report_util.h"

#ifndef HSMB_PROJECT_VERSION
#define HSMB_PROJECT_VERSION "0.1.0"
#endif

namespace hsmbackup::conformance {
namespace {

std::optional<CheckStatus> StatusNamed(const std::string& name) {
  for (CheckStatus s :
       {CheckStatus::kPass, CheckStatus::kFail, CheckStatus::kNotApplicable, CheckStatus::kError}) {
    if (name == CheckStatusName(s)) return s;
  }
  return std::nullopt;
}

std::optional<Processes> ProcessesFrom(const Json& p) {
  if (!p.is_object()) return std::nullopt;
  Processes out;
  const std::string mode = p.value("mode", "");
  if (mode == "reused") {
    out.kind = Processes::Kind::kReused;
  } else if (std::optional<NextProcess> next = ParseNextProcess(mode)) {
    out.kind = Processes::Kind::kPerCheck;
    out.next = *next;
  }
  out.pinned = p.value("pinned", false);
  out.pipelined = p.value("pipelined", false);
  if (p.contains("preflight_hello_ms") && p["preflight_hello_ms"].is_number()) {
    out.preflight_hello_seconds = p["preflight_hello_ms"].get<double>() / 1000;
  }
  return out;
}

std::optional<Counterexample> CounterexampleFrom(const Json& c, std::string* error) {
  const std::optional<Scenario> scenario =
      ParseScenario(c.at("world").dump(), c.at("script").get<std::string>(), error);
  if (!scenario) return std::nullopt;
  Counterexample out;
  out.scenario = *scenario;
  out.scenario.answers = c.at("answers").get<std::vector<std::string>>();
  out.failing_step = c.at("failing_step").get<size_t>();
  out.expected = c.at("expected").get<std::string>();
  out.observed = c.at("observed").get<std::string>();
  out.target_transcript = c.at("target_transcript").get<std::vector<std::string>>();
  out.reference_transcript = c.at("reference_transcript").get<std::vector<std::string>>();
  out.seed = c.at("seed").get<uint64_t>();
  return out;
}

// Shard is one report given to --merge, with what the merge compares.
struct ShardReport {
  std::string path;
  RunReport report;
  std::vector<std::string> clause_ids;
  std::map<std::string, std::vector<std::string>> not_run;  // clause -> checks_not_run
  std::map<std::string, std::string> verdicts;              // clause -> verdict name
  std::map<std::string, std::string> reasons;               // clause -> reason
};

std::optional<ShardReport> ReadShard(const std::string& path, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = "cannot read " + path;
    return std::nullopt;
  }
  std::stringstream text;
  text << in.rdbuf();
  const Json doc = Json::parse(text.str(), nullptr, false);
  if (!doc.is_object() || doc.value("format", "") != "hsmbackup-conformance-report/1") {
    *error = path + " is not a hsmbackup-conformance-report/1 JSON report";
    return std::nullopt;
  }
  ShardReport s;
  s.path = path;
  RunReport& r = s.report;
  try {
    r.tool_version = doc.at("tool").at("version").get<std::string>();
    if (doc.contains("catalogue")) {
      r.catalogue_sha256 = doc["catalogue"].at("sha256").get<std::string>();
    }
    r.implementation = doc.at("implementation").get<std::string>();
    if (doc.contains("capabilities")) {
      r.capabilities = doc["capabilities"].get<std::vector<std::string>>();
    }
    if (doc.contains("rerun_options")) r.rerun_options = doc["rerun_options"].get<std::string>();
    r.implementation_notes = doc.at("implementation_notes").get<std::string>();
    r.target = doc.at("target").get<std::string>();
    if (doc.contains("processes")) r.processes = ProcessesFrom(doc["processes"]);
    r.seed = doc.at("seed").get<uint64_t>();
    if (doc.at("cases").is_number()) r.cases = doc["cases"].get<int>();
    if (doc.at("shard").is_object()) {
      r.shard = Shard{doc["shard"].at("index").get<int>(), doc["shard"].at("total").get<int>()};
    }
    r.started = doc.at("started").get<std::string>();
    r.seconds = doc.at("duration_seconds").get<double>();
    for (const Json& c : doc.at("clauses")) {
      const std::string id = c.at("id").get<std::string>();
      s.clause_ids.push_back(id);
      s.verdicts[id] = c.at("verdict").get<std::string>();
      s.reasons[id] = c.at("reason").get<std::string>();
      s.not_run[id] = c.value("checks_not_run", std::vector<std::string>{});
    }
    for (const Json& c : doc.at("checks")) {
      CheckOutcome o;
      o.family = c.at("family").get<std::string>();
      o.name = c.at("name").get<std::string>();
      o.clauses = c.at("clauses").get<std::vector<std::string>>();
      const std::optional<CheckStatus> status = StatusNamed(c.at("status").get<std::string>());
      if (!status) {
        *error = path + ": check " + o.id() + " has an unknown status";
        return std::nullopt;
      }
      o.status = *status;
      o.message = c.at("message").get<std::string>();
      o.failed_clauses = c.at("failed_clauses").get<std::vector<std::string>>();
      o.seed = c.at("seed").get<uint64_t>();
      o.cases = c.at("cases").get<int>();
      o.cases_run = c.at("cases_run").get<int>();
      o.seconds = c.at("seconds").get<double>();
      o.judged_through = c.value("judged_through", false);
      if (c.contains("unjudged")) {
        o.unjudged = c["unjudged"].get<std::map<std::string, std::string>>();
      }
      if (c.contains("counterexample")) {
        std::string why;
        o.counterexample = CounterexampleFrom(c["counterexample"], &why);
        if (!o.counterexample) {
          *error = path + ": check " + o.id() + ": " + why;
          return std::nullopt;
        }
      }
      r.checks.push_back(std::move(o));
    }
  } catch (const Json::exception& e) {
    *error = path + ": not a complete report (" + e.what() + ")";
    return std::nullopt;
  }
  if (!r.shard) {
    *error = path +
             " is not a shard's report (its \"shard\" is null): --merge takes the reports "
             "of every shard of one run";
    return std::nullopt;
  }
  return s;
}

// Belong is "" when `b` comes from the same run as `a`, else why not.
std::string Belong(const ShardReport& a, const ShardReport& b) {
  const RunReport &x = a.report, &y = b.report;
  auto differ = [&](const std::string& what, const std::string& one, const std::string& other) {
    return b.path + " has " + what + " \"" + other + "\", " + a.path + " \"" + one +
           "\": they are not shards of one run";
  };
  if (x.tool_version != y.tool_version)
    return differ("tool version", x.tool_version, y.tool_version);
  if (x.catalogue_sha256 != y.catalogue_sha256) {
    return differ("catalogue", x.catalogue_sha256, y.catalogue_sha256);
  }
  if (x.seed != y.seed) return differ("seed", std::to_string(x.seed), std::to_string(y.seed));
  auto cases = [](const RunReport& r) { return r.cases ? std::to_string(*r.cases) : "default"; };
  if (x.cases != y.cases) return differ("cases", cases(x), cases(y));
  if (x.shard->total != y.shard->total) {
    return differ("shard total", std::to_string(x.shard->total), std::to_string(y.shard->total));
  }
  if (x.implementation != y.implementation) {
    return differ("implementation", x.implementation, y.implementation);
  }
  if (x.rerun_options != y.rerun_options) {
    return differ("options (--config, --target-timeout, ...)", x.rerun_options, y.rerun_options);
  }
  if (x.capabilities != y.capabilities) {
    return differ("capabilities", report_internal::Join(x.capabilities, ", "),
                  report_internal::Join(y.capabilities, ", "));
  }
  if (x.implementation_notes != y.implementation_notes) {
    return differ("implementation notes (vendor config)", x.implementation_notes,
                  y.implementation_notes);
  }
  if (a.clause_ids != b.clause_ids) {
    return b.path + " and " + a.path + " judge other clauses (--clauses): not shards of one run";
  }
  return "";
}

// ConfigAgrees is "" when `config` lists every clause the shards judged
// through a vendor config, else why the merge would judge differently.
std::string ConfigAgrees(const ShardReport& s, const VendorConfig& config) {
  for (const auto& [id, verdict] : s.verdicts) {
    const std::string& reason = s.reasons.at(id);
    const bool owned = verdict == "expected-failure" || verdict == "unexpected-pass" ||
                       reason.rfind("listed as an expected failure", 0) == 0;
    const bool listed =
        std::any_of(config.expected_failures.begin(), config.expected_failures.end(),
                    [&](const ExpectedFailure& xf) { return xf.clause == id; });
    if (owned && !listed) {
      return s.path + " judged " + id + " by a vendor config that lists it (" + verdict +
             "), and the merge's config does not: give --merge the --config the shards ran with";
    }
  }
  return "";
}

}  // namespace

std::optional<RunReport> MergeShardReports(const std::vector<std::string>& paths,
                                           const std::vector<Check>& checks,
                                           const std::vector<CatalogueClause>& catalogue,
                                           const std::string& catalogue_sha256,
                                           const VendorConfig& config, std::string* error) {
  std::vector<ShardReport> shards;
  for (const std::string& path : paths) {
    std::optional<ShardReport> s = ReadShard(path, error);
    if (!s) return std::nullopt;
    shards.push_back(std::move(*s));
  }
  if (shards.empty()) {
    *error = "--merge needs the JSON reports of a run's shards";
    return std::nullopt;
  }
  const ShardReport& first = shards.front();
  if (first.report.catalogue_sha256 != catalogue_sha256) {
    *error = first.path + " was judged against the catalogue with sha256 " +
             (first.report.catalogue_sha256.empty() ? "(none recorded)"
                                                    : first.report.catalogue_sha256) +
             ", this kit's is " + catalogue_sha256 + " (give --catalogue or --data-dir)";
    return std::nullopt;
  }
  const int total = first.report.shard->total;
  std::vector<const ShardReport*> by_index(total, nullptr);
  for (const ShardReport& s : shards) {
    if (std::string why = Belong(first, s); !why.empty()) {
      *error = why;
      return std::nullopt;
    }
    if (std::string why = ConfigAgrees(s, config); !why.empty()) {
      *error = why;
      return std::nullopt;
    }
    if (s.report.shard->index < 0 || s.report.shard->index >= total) {
      *error = s.path + " says shard " + std::to_string(s.report.shard->index) + " of " +
               std::to_string(total) + ", which no run has";
      return std::nullopt;
    }
    const ShardReport*& slot = by_index[s.report.shard->index];
    if (slot != nullptr) {
      *error = "shard " + std::to_string(s.report.shard->index) + " of " + std::to_string(total) +
               " is given twice: " + slot->path + " and " + s.path;
      return std::nullopt;
    }
    slot = &s;
  }
  for (int i = 0; i < total; ++i) {
    if (by_index[i] == nullptr) {
      *error = "shard " + std::to_string(i) + " of " + std::to_string(total) +
               " (GTEST_SHARD_INDEX=" + std::to_string(i) + ") is missing";
      return std::nullopt;
    }
  }
  if (config.implementation_notes != first.report.implementation_notes) {
    *error = "the shards ran with implementation notes \"" + first.report.implementation_notes +
             "\" and --config gives \"" + config.implementation_notes +
             "\": give --merge the --config the shards ran with";
    return std::nullopt;
  }
  // The order an unsharded run has: gtest runs the checks family by family,
  // each family where its first check is in the table.
  std::map<std::string, size_t> table_index, family_rank;
  for (size_t i = 0; i < checks.size(); ++i) {
    table_index[checks[i].id()] = i;
    family_rank.emplace(checks[i].family, family_rank.size());
  }
  RunReport merged = first.report;
  merged.shard.reset();
  merged.merged_shards = total;
  merged.checks.clear();
  merged.seconds = 0;
  std::map<std::string, std::string> ran_in;
  std::set<std::string> in_suite;
  for (const ShardReport* s : by_index) {
    merged.seconds += s->report.seconds;
    merged.started = std::min(merged.started, s->report.started);
    for (const CheckOutcome& o : s->report.checks) {
      if (!table_index.count(o.id())) {
        *error = s->path + ": check " + o.id() + " is not in this kit's suite";
        return std::nullopt;
      }
      if (auto [at, fresh] = ran_in.emplace(o.id(), s->path); !fresh) {
        *error = "check " + o.id() + " ran in two shards: " + at->second + " and " + s->path;
        return std::nullopt;
      }
      in_suite.insert(o.id());
      merged.checks.push_back(o);
    }
    for (const auto& [clause, ids] : s->not_run) in_suite.insert(ids.begin(), ids.end());
  }
  auto rank = [&](const CheckOutcome& o) {
    return std::make_pair(family_rank[o.family], table_index[o.id()]);
  };
  std::sort(merged.checks.begin(), merged.checks.end(),
            [&](const CheckOutcome& a, const CheckOutcome& b) { return rank(a) < rank(b); });
  std::vector<SuiteCheck> suite;
  for (const Check& c : checks) {
    if (in_suite.count(c.id())) suite.push_back({c.id(), c.clauses});
  }
  std::vector<CatalogueClause> shown;
  for (const CatalogueClause& c : catalogue) {
    if (std::find(first.clause_ids.begin(), first.clause_ids.end(), c.id) !=
        first.clause_ids.end()) {
      shown.push_back(c);
    }
  }
  Hello claims;
  claims.capabilities.insert(first.report.capabilities.begin(), first.report.capabilities.end());
  merged.clauses = ComputeVerdicts(shown, merged.checks, config, suite, &claims);
  merged.exit_code = ExitCodeFor(merged.clauses, merged.checks.size());
  return merged;
}

int RunMerge(const std::vector<Check>& checks, const std::vector<std::string>& paths,
             const RunOptions& options, const RunnerIo& io) {
  std::string error;
  std::string catalogue_sha256;
  const auto catalogue = LoadCatalogue(options.catalogue_path, &error, &catalogue_sha256);
  if (!catalogue) {
    io.err << "hsmbackup-conformance: " << error << "\n";
    return kExitUsage;
  }
  const std::optional<VendorConfig> config =
      LoadVendorConfig(options.config_path, *catalogue, &error);
  if (!config) {
    io.err << "hsmbackup-conformance: " << error << "\n";
    return kExitUsage;
  }
  std::optional<RunReport> merged =
      MergeShardReports(paths, checks, *catalogue, catalogue_sha256, *config, &error);
  if (!merged) {
    io.err << "hsmbackup-conformance: --merge: " << error << "\n";
    return kExitUsage;
  }
  io.out << ClauseTable(*merged) << std::flush;
  if (!report_internal::WriteReportFiles(*merged, options, io.err)) return kExitUsage;
  return merged->exit_code;
}

namespace report_internal {

bool WriteReportFiles(const RunReport& report, const RunOptions& options, std::ostream& err) {
  auto write = [&](const std::string& path, const std::function<std::string()>& text) {
    if (path.empty()) return true;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text();
    out.close();
    if (!out) err << "hsmbackup-conformance: cannot write " << path << "\n";
    return static_cast<bool>(out);
  };
  bool written = write(options.junit_path, [&] { return JunitXml(report); });
  written &= write(options.report_path, [&] {
    return ReportJson(report).dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
  });
  written &= write(options.markdown_path, [&] { return MarkdownReport(report); });
  return written;
}

}  // namespace report_internal
}  // namespace hsmbackup::conformance
