// GoogleTest as the engine: each selected check is one registered test, so
// gtest's filter and sharding decide what runs in this process; a listener
// prints the progress lines and the outcomes are collected for the reports.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <iostream>

#include "conformance/data_dir.h"
#include "conformance/runner.h"
#include "report_util.h"

#ifndef HSMB_PROJECT_VERSION
#define HSMB_PROJECT_VERSION "0.1.0"
#endif

namespace hsmbackup::conformance {
namespace {

// Engine is the state one run shares between the registered tests and the
// listener; it lives on RunSuite's stack for the whole RUN_ALL_TESTS.
struct Engine {
  TargetFactory factory;
  uint64_t seed = 0;
  std::optional<int> cases;
  std::vector<CheckOutcome> outcomes;
  const FixedWorldConfig* fixed_world = nullptr;
  bool fixed_target = false;  // the preflight hello listed kFixedWorldCapability
};

class CheckTest : public ::testing::Test {
 public:
  CheckTest(const Check* check, Engine* engine) : check_(check), engine_(engine) {}

  void TestBody() override {
    // On a fixed-world target a loading check is n/a before it starts a
    // process: a lab adapter may take long to connect.
    const std::string fixed_why =
        engine_->fixed_target ? FixedWorldNotApplicable(*check_, true) : std::string();
    if (!fixed_why.empty()) {
      engine_->outcomes.push_back(
          NotApplicableOutcome(*check_, engine_->seed, engine_->cases, fixed_why));
      GTEST_SKIP() << fixed_why;
    }
    engine_->outcomes.push_back(RunCheck(*check_, engine_->factory, engine_->seed, engine_->cases,
                                          engine_->fixed_world));
    const CheckOutcome& o = engine_->outcomes.back();
    switch (o.status) {
      case CheckStatus::kPass: break;
      case CheckStatus::kFail:
        ADD_FAILURE() << o.message << "\n"
                      << (o.counterexample ? Describe(*o.counterexample) : std::string());
        break;
      case CheckStatus::kError: ADD_FAILURE() << "harness error: " << o.message; break;
      case CheckStatus::kNotApplicable: GTEST_SKIP() << o.message;
    }
  }

 private:
  const Check* check_;
  Engine* engine_;
};

// Listed is a check that --list prints: it records itself and runs nothing.
class Listed : public ::testing::Test {
 public:
  Listed(const Check* check, std::vector<const Check*>* listed) : check_(check), listed_(listed) {}
  void TestBody() override { listed_->push_back(check_); }

 private:
  const Check* check_;
  std::vector<const Check*>* listed_;
};

// Progress prints the run's header, once gtest knows how many checks its
// filter and shard leave, then one line per finished check, on stderr.
class Progress : public ::testing::EmptyTestEventListener {
 public:
  using Header = std::function<void(std::ostream& err, int to_run)>;
  Progress(const Engine* engine, std::ostream& err, Header header)
      : engine_(engine), err_(err), header_(std::move(header)) {}

  void OnTestIterationStart(const ::testing::UnitTest& unit, int) override {
    total_ = unit.test_to_run_count();
    header_(err_, total_);
  }
  void OnTestEnd(const ::testing::TestInfo& info) override {
    if (engine_->outcomes.empty()) return;
    const CheckOutcome& o = engine_->outcomes.back();
    char head[32];
    std::snprintf(head, sizeof head, "[%3d/%d] ", ++done_, total_);
    char secs[32];
    std::snprintf(secs, sizeof secs, " (%.1f s)", o.seconds);
    err_ << head << info.test_suite_name() << "." << info.name() << " ... "
         << CheckStatusName(o.status) << secs << "\n"
         << std::flush;
  }

 private:
  const Engine* engine_;
  std::ostream& err_;
  Header header_;
  int total_ = 0;
  int done_ = 0;
};

std::string UtcNow() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

// ShardFromEnv reads gtest's sharding variables the way gtest does: both
// set, 0 <= index < total.
std::optional<Shard> ShardFromEnv() {
  const char* total = std::getenv("GTEST_TOTAL_SHARDS");
  const char* index = std::getenv("GTEST_SHARD_INDEX");
  if (total == nullptr || index == nullptr) return std::nullopt;
  Shard s{std::atoi(index), std::atoi(total)};
  if (s.total < 1 || s.index < 0 || s.index >= s.total) return std::nullopt;
  return s;
}

// InitGtest gives gtest the passed-through flags (filter, ...); sharding
// it reads from the environment, exactly as any gtest binary does.
void InitGtest(const RunOptions& options) {
  std::vector<std::string> args = {"hsmbackup-conformance"};
  args.insert(args.end(), options.gtest_args.begin(), options.gtest_args.end());
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  int argc = static_cast<int>(argv.size());
  argv.push_back(nullptr);  // gtest reads argv[argc], as main()'s argv allows
  ::testing::InitGoogleTest(&argc, argv.data());
}

// RerunOptions are the options of `options` that can change a check's
// verdict and that RerunCommand does not take from the report: without
// them a rerun of an owned failure would fail and one of a hang would wait
// the default timeout.
std::string RerunOptions(const RunOptions& options) {
  using report_internal::ShellQuote;
  std::string words;
  if (!options.config_path.empty()) words += " --config " + ShellQuote(options.config_path);
  if (options.target_timeout != kDefaultAnswerTimeout) {
    words += " --target-timeout " +
             std::to_string(
                 std::chrono::duration_cast<std::chrono::seconds>(options.target_timeout).count());
  }
  if (options.no_pipeline) words += " --no-pipeline";
  if (!options.catalogue_path.empty() &&
      options.catalogue_path != CataloguePath(options.data_dir).string()) {
    words += " --catalogue " + ShellQuote(options.catalogue_path);
  }
  return words;
}

std::string Joined(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : ",") + s;
  return out;
}

}  // namespace

int RunSuite(const std::vector<Check>& checks, const RunOptions& options, const RunnerIo& io) {
  const auto start = std::chrono::steady_clock::now();
  const std::string started = UtcNow();
  std::string error;
  const std::string catalogue_path = options.catalogue_path.empty()
                                         ? CataloguePath(options.data_dir).string()
                                         : options.catalogue_path;
  std::string catalogue_sha256;
  auto catalogue = LoadCatalogue(catalogue_path, &error, &catalogue_sha256);
  if (!catalogue) {
    io.err << "hsmbackup-conformance: " << error << "\n";
    return kExitUsage;
  }
  // Every check must judge catalogue clauses, or its verdicts go nowhere.
  for (const Check& c : checks) {
    for (const std::string& id : c.clauses) {
      if (!std::any_of(catalogue->begin(), catalogue->end(),
                       [&](const CatalogueClause& k) { return k.id == id; })) {
        io.err << "hsmbackup-conformance: check " << c.id() << " names unknown clause " << id
               << "\n";
        return kExitUsage;
      }
    }
  }
  std::optional<VendorConfig> loaded = LoadVendorConfig(options.config_path, *catalogue, &error);
  if (!loaded) {
    io.err << "hsmbackup-conformance: " << error << "\n";
    return kExitUsage;
  }
  const VendorConfig config = std::move(*loaded);
  std::vector<const Check*> selected = SelectChecks(checks, options.clauses);
  if (options.list) {
    // What this process would run: gtest applies the filter and the shard.
    InitGtest(options);
    std::vector<const Check*> listed;
    for (const Check* c : selected) {
      ::testing::RegisterTest(
          c->family.c_str(), c->name.c_str(), nullptr, nullptr, __FILE__, __LINE__,
          [c, &listed]() -> ::testing::Test* { return new Listed(c, &listed); });
    }
    ::testing::TestEventListeners& listeners = ::testing::UnitTest::GetInstance()->listeners();
    delete listeners.Release(listeners.default_result_printer());
    [[maybe_unused]] const int listed_result = RUN_ALL_TESTS();
    for (const Check* c : listed) {
      io.out << c->id() << "  clauses: " << Joined(c->clauses);
      if (!c->capabilities.empty()) io.out << "  needs: " << Joined(c->capabilities);
      // --list starts no target: a run against any other leaves these out.
      if (c->fixed_world) io.out << "  (fixed-world targets only)";
      io.out << "\n";
    }
    io.out << listed.size() << " checks";
    if (listed.size() != selected.size()) {
      io.out << " (of " << selected.size() << "; --gtest_filter and sharding left out the others)";
    }
    io.out << "\n";
    return kExitConformant;
  }

  const std::string target_name =
      options.target_command.empty() ? "in-process reference" : options.target_command;
  // A process per check: the preflight's target is started on its own (and
  // timed, for the report); then, unless --next-process said, each check's
  // process is started one check ahead (ChooseNextProcess).
  const bool per_check = !options.target_command.empty() && !options.reuse_target;
  Engine engine{MakeTargetFactory(options.target_command, options.target_timeout,
                                  options.reuse_target, NextProcess::kWhenAsked),
                options.seed,
                options.cases,
                {}};
  TargetError target_error;
  std::chrono::nanoseconds startup{};
  std::optional<Hello> hello = Preflight(engine.factory, target_name, &target_error, &startup);
  if (!hello) {
    io.err << "hsmbackup-conformance: " << target_error.message << "\n";
    return kExitTargetDown;
  }
  Processes processes;
  if (!options.target_command.empty()) {
    processes.kind = per_check ? Processes::Kind::kPerCheck : Processes::Kind::kReused;
    processes.preflight_hello_seconds = std::chrono::duration<double>(startup).count();
  }
  if (per_check) {
    processes.next =
        options.next_process.value_or(ChooseNextProcess(hello->Has(kFixedWorldCapability),
                                                        hello->Has(kForkCapability)));
    processes.pinned = options.next_process.has_value();
    if (processes.next == NextProcess::kFork && !hello->Has(kForkCapability)) {
      io.err << "hsmbackup-conformance: --next-process fork needs a target whose hello lists '"
             << kForkCapability << "' (PROTOCOL.md, fork); '" << target_name
             << "' does not\n";
      return kExitUsage;
    }
    // kWhenAsked is what the preflight's factory already does.
    if (processes.next != NextProcess::kWhenAsked) {
      engine.factory = MakeTargetFactory(options.target_command, options.target_timeout,
                                         /*reuse=*/false, processes.next);
    }
  }
  // After the preflight (hello and bye only: nothing to pipeline), around
  // whichever factory serves the checks.
  if (options.no_pipeline) engine.factory = WithoutPipelining(std::move(engine.factory));
  processes.pipelined =
      !options.target_command.empty() && !options.no_pipeline && hello->Has(kPipelineCapability);
  // A fixed-world target (FIXED-WORLD.md) is judged only by the checks that
  // never load, on the world read from it and the vendor config; on any
  // other target those checks are left out, so a run is what it always was.
  const bool fixed = hello->Has(kFixedWorldCapability);
  if (fixed && !config.fixed_world) {
    io.err << "hsmbackup-conformance: the target's world is fixed (its hello lists '"
           << kFixedWorldCapability
           << "'): give --config with a \"fixed_world\" section saying what observe cannot "
              "show (see FIXED-WORLD.md)\n";
    return kExitUsage;
  }
  if (!fixed) {
    std::erase_if(selected, [](const Check* c) { return c->fixed_world; });
  }
  engine.fixed_world = config.fixed_world ? &*config.fixed_world : nullptr;
  engine.fixed_target = fixed;
  // Printed when gtest has counted what its filter and shard leave to run.
  auto header = [&, selected_count = selected.size()](std::ostream& err, int to_run) {
    if (fixed) {
      err << "hsmbackup-conformance: fixed-world target: only checks that leave the device "
             "as found run; the others are n/a\n";
    }
    err << "hsmbackup-conformance " << HSMB_PROJECT_VERSION << ": " << hello->implementation << " ("
        << target_name << "), seed " << options.seed << ", " << to_run << " checks to run";
    if (static_cast<size_t>(to_run) != selected_count) {
      err << " (of " << selected_count << " selected; --gtest_filter and sharding left out the "
          << "others)";
    }
    err << ", catalogue " << catalogue_path << " (sha256 " << catalogue_sha256.substr(0, 12)
        << ")\n";
    if (!options.target_command.empty()) {
      err << "hsmbackup-conformance: target processes: "
          << report_internal::ProcessesText(processes) << "\n";
    }
    // Most checks take well under a second: a process that takes this long
    // to start costs more than the check (one ahead hides one check's worth).
    if (per_check && !fixed && processes.next != NextProcess::kFork &&
        startup >= kSlowStartHint) {
      err << "hsmbackup-conformance: note: the target took "
          << std::chrono::duration_cast<std::chrono::milliseconds>(startup).count()
          << " ms to answer hello; with a process per check that start-up is most of the "
             "run: an adapter that lists 'fork' is started once and copied for each check "
             "(PROTOCOL.md, fork), and --reuse-target (one process, reset by load) is "
             "usually several times faster\n";
    }
  };

  InitGtest(options);
  for (const Check* c : selected) {
    ::testing::RegisterTest(
        c->family.c_str(), c->name.c_str(), nullptr, nullptr, __FILE__, __LINE__,
        [c, &engine]() -> ::testing::Test* { return new CheckTest(c, &engine); });
  }
  ::testing::TestEventListeners& listeners = ::testing::UnitTest::GetInstance()->listeners();
  if (!options.verbose) delete listeners.Release(listeners.default_result_printer());
  if (!options.quiet) listeners.Append(new Progress(&engine, io.err, header));
  // The verdicts, not gtest's result, decide the exit code.
  [[maybe_unused]] const int gtest_result = RUN_ALL_TESTS();

  std::vector<CatalogueClause> shown;
  for (const CatalogueClause& c : *catalogue) {
    if (options.clauses.empty() || options.clauses.count(c.id)) shown.push_back(c);
  }
  RunReport report;
  report.tool_version = HSMB_PROJECT_VERSION;
  report.catalogue_sha256 = catalogue_sha256;
  report.implementation = hello->implementation;
  report.capabilities.assign(hello->capabilities.begin(), hello->capabilities.end());
  report.target = target_name;
  report.processes = processes;
  report.implementation_notes = config.implementation_notes;
  report.seed = options.seed;
  report.cases = options.cases;
  report.shard = ShardFromEnv();
  report.started = started;
  // The suite a listed clause's unexpected pass needs all of: every check
  // this kind of target runs, whatever --clauses, the filter or the shard.
  std::vector<SuiteCheck> suite;
  for (const Check& c : checks) {
    if (fixed || !c.fixed_world) suite.push_back({c.id(), c.clauses});
  }
  report.rerun_options = RerunOptions(options);
  report.clauses = ComputeVerdicts(shown, engine.outcomes, config, suite, &*hello);
  report.exit_code = ExitCodeFor(report.clauses, engine.outcomes.size());
  report.checks = std::move(engine.outcomes);
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  io.out << ClauseTable(report) << std::flush;
  if (!report_internal::WriteReportFiles(report, options, io.err)) return kExitUsage;
  return report.exit_code;
}

}  // namespace hsmbackup::conformance
