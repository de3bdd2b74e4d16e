// The hsmbackup-conformance command line (CLI11), in the style of
// reference/cli: usage errors are one line on stderr and a fixed exit code.
#include <CLI/CLI.hpp>
#include <exception>
#include <ostream>

#include "conformance/data_dir.h"
#include "conformance/runner.h"

#ifndef HSMB_PROJECT_VERSION
#define HSMB_PROJECT_VERSION "0.1.0"
#endif

namespace hsmbackup::conformance {

int RunCli(int argc, const char* const* argv, const CheckTable& checks, const RunnerIo& io) {
  StopTargetsOnInterrupt("hsmbackup-conformance");
  try {
    CLI::App app(
        "hsmbackup-conformance: runs the clause-by-clause conformance suite of HSM partition\n"
        "backup ('partition archive' in lunacm) against an implementation, and reports one\n"
        "verdict per clause of conformance/clauses.json.",
        "hsmbackup-conformance");
    app.set_version_flag("--version", std::string("hsmbackup-conformance ") + HSMB_PROJECT_VERSION +
                                          " (protocol hsmbackup-target/1, catalogue format "
                                          "hsmbackup-clauses/1)");
    RunOptions options;
    std::string data_dir;
    std::string clauses;
    std::optional<int> cases;
    app.add_option("--target-cmd", options.target_command,
                   "Command speaking conformance/PROTOCOL.md on stdin/stdout, run with /bin/sh -c "
                   "(plain words: started directly); one fresh process per check (a copy of one, "
                   "when its hello lists 'fork'). Default: the reference, in process")
        ->option_text("CMD");
    std::optional<int> timeout;
    app.add_option("--target-timeout", timeout,
                   "Seconds a target may take to answer one request before it is stopped and "
                   "the check ends in error (default " +
                       std::to_string(kDefaultAnswerTimeout.count()) + ")")
        ->option_text("S")
        ->check(CLI::Range(1, 86400));
    app.add_option("--clauses", clauses, "Comma-separated clause ids: run only checks naming one")
        ->option_text("IDS");
    app.add_option("--seed", options.seed,
                   "Run seed (default " + std::to_string(kDefaultSeed) +
                       "); each check mixes it with its id")
        ->option_text("N")
        ->check(CLI::NonNegativeNumber);
    app.add_option("--cases", cases, "Cases per property check (examples always run once)")
        ->option_text("N")
        ->check(CLI::Range(1, 1000000));
    app.add_option("--config", options.config_path, "Vendor config with expected failures")
        ->option_text("vendor.json");
    app.add_option("--data-dir", data_dir,
                   "The kit's data: clauses.json, fixtures/ (default: $" +
                       std::string(kDataDirEnv) +
                       ", else ../share/hsmbackup beside this program, else the build tree's)")
        ->option_text("DIR");
    app.add_option("--catalogue", options.catalogue_path,
                   "Clause catalogue (default: clauses.json in the data directory)")
        ->option_text("FILE");
    app.add_option("--junit", options.junit_path, "Write a JUnit XML report")->option_text("FILE");
    app.add_option("--report", options.report_path, "Write the JSON report")
        ->option_text("FILE.json");
    app.add_option("--markdown", options.markdown_path, "Write a Markdown report")
        ->option_text("FILE");
    app.add_flag("--reuse-target", options.reuse_target,
                 "One target process for the whole run, reset by 'load' before each check "
                 "(for adapters that start slowly; a hung or dead one is started again)");
    std::string next_process = "auto";
    app.add_option("--next-process", next_process,
                   "How each check's process is started: at-check (when its check begins: "
                   "never two at once), after-bye (once the previous one has answered bye, "
                   "while it exits), one-ahead (while the previous check runs), fork (a copy "
                   "of one process started for the run: a target whose hello lists 'fork'), "
                   "or auto (the default: at-check for a fixed-world target, else fork if "
                   "the target lists it, else one-ahead). Needs --target-cmd")
        ->option_text("MODE")
        ->check(CLI::IsMember({"auto", "at-check", "after-bye", "one-ahead", "fork"}))
        ->excludes("--reuse-target");
    app.add_flag("--no-pipeline", options.no_pipeline,
                 "Send one request at a time even to a target whose hello lists 'pipeline' "
                 "(PROTOCOL.md, Pipelining): to rule pipelining out while debugging an adapter");
    bool check_protocol = false;
    app.add_flag("--check-protocol", check_protocol,
                 "Probe only the target's envelope and lifecycle (PROTOCOL.md) and say what it "
                 "does wrong, then exit; judges no clause");
    std::vector<std::string> merge;
    app.add_option("--merge", merge,
                   "Merge the JSON reports (--report) of every shard of one run into the "
                   "verdicts and exit code the unsharded run has; --report, --junit and "
                   "--markdown write the merged reports, --config is the shards' vendor config")
        ->option_text("SHARD.json...")
        ->expected(1, -1)
        ->excludes("--target-cmd")
        ->excludes("--clauses")
        ->excludes("--check-protocol")
        ->excludes("--reuse-target");
    app.add_flag("--list", options.list, "List the selected checks and exit");
    app.add_flag("--quiet", options.quiet, "No progress lines on stderr");
    app.add_flag("--verbose", options.verbose, "Keep GoogleTest's own output too");
    BenchOptions bench_options;
    CLI::App* bench = app.add_subcommand(
        "bench", "Time a target's clone path, the loop inside the target (the protocol's "
                 "optional \"bench\" op), and print objects/s per kind and size");
    bench->add_option("--target-cmd", bench_options.target_command,
                      "Command speaking conformance/PROTOCOL.md; default: the reference, in process")
        ->option_text("CMD");
    std::optional<int> bench_timeout;
    bench->add_option("--target-timeout", bench_timeout,
                      "Seconds a target may take to answer one request, a whole row of backups "
                      "(default " +
                          std::to_string(kDefaultBenchAnswerTimeout.count()) + ")")
        ->option_text("S")
        ->check(CLI::Range(1, 86400));
    bench->add_option("--kinds", bench_options.kinds, "Source kinds (default pre77 v0 v1)")
        ->check(CLI::IsMember({"pre77", "v0", "v1"}))
        ->delimiter(',');
    bench->add_option("--sizes", bench_options.sizes, "Object sizes in bytes (default 256,4096)")
        ->check(CLI::Range(1, 65536))
        ->delimiter(',');
    bench->add_option("--count", bench_options.count, "Objects per backup (default 1000)")
        ->check(CLI::Range(1, 1000000));
    bench->add_option("--repetitions", bench_options.repetitions, "Backups per row (default 5)")
        ->check(CLI::Range(1, 50));
    app.allow_extras();
    app.footer(
        "GoogleTest flags pass through: --gtest_filter=Cloning.* selects checks by id,\n"
        "GTEST_TOTAL_SHARDS / GTEST_SHARD_INDEX split a run across processes.\n\n"
        "Examples:\n"
        "  hsmbackup-conformance --report out.json --junit out.xml\n"
        "  hsmbackup-conformance --target-cmd 'build/default/reference/hsmbackup serve'"
        " --clauses AUTH-CO,AUTH-SO\n\n"
        "The kit's data directory (clauses.json, fixtures/) is --data-dir, else $HSMB_DATA_DIR,\n"
        "else ../share/hsmbackup beside this program. See conformance/REPORTS.md (in the\n"
        "sources, or under share/doc/hsmbackup/ installed).\n\n" +
        ExitCodesHelp());
    try {
      app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
      return app.exit(e, io.out, io.err) == 0 ? kExitConformant : kExitUsage;
    }
    for (const std::string& extra : app.remaining()) {
      if (extra.rfind("--gtest_", 0) != 0) {
        io.err << "hsmbackup-conformance: unknown argument '" << extra << "' (run with --help)\n";
        return kExitUsage;
      }
      // Repeats would run each check twice into one set of verdicts.
      if (extra.rfind("--gtest_repeat", 0) == 0) {
        io.err << "hsmbackup-conformance: --gtest_repeat is not supported; rerun instead\n";
        return kExitUsage;
      }
      options.gtest_args.push_back(extra);
    }
    if (bench_timeout) bench_options.target_timeout = std::chrono::seconds(*bench_timeout);
    if (bench->parsed()) return RunBench(bench_options, io);
    if (timeout) options.target_timeout = std::chrono::seconds(*timeout);
    if (options.reuse_target && options.target_command.empty()) {
      io.err << "hsmbackup-conformance: --reuse-target applies to a --target-cmd target; the "
                "in-process reference has no processes to start\n";
      return kExitUsage;
    }
    if (next_process != "auto") {
      if (options.target_command.empty()) {
        io.err << "hsmbackup-conformance: --next-process applies to a --target-cmd target; the "
                  "in-process reference has no processes to start\n";
        return kExitUsage;
      }
      options.next_process = ParseNextProcess(next_process);
    }
    if (check_protocol) return CheckProtocol(options.target_command, options.target_timeout, io);
    options.cases = cases;
    std::string error;
    const std::optional<DataDir> data = FindDataDir(data_dir, &error);
    if (data) error = MissingData(data->path);
    if (!error.empty()) {
      io.err << "hsmbackup-conformance: " << error << "\n";
      return kExitUsage;
    }
    options.data_dir = data->path;
    if (options.catalogue_path.empty()) options.catalogue_path = CataloguePath(data->path).string();
    if (!clauses.empty() || app.count("--clauses") > 0) {
      auto catalogue = LoadCatalogue(options.catalogue_path, &error);
      if (!catalogue) {
        io.err << "hsmbackup-conformance: " << error << "\n";
        return kExitUsage;
      }
      auto ids = ParseClauseList(clauses, *catalogue, &error);
      if (!ids) {
        io.err << "hsmbackup-conformance: " << error << "\n";
        return kExitUsage;
      }
      options.clauses = std::move(*ids);
    }
    if (!merge.empty()) return RunMerge(checks(options.data_dir), merge, options, io);
    return RunSuite(checks(options.data_dir), options, io);
  } catch (const std::exception& e) {
    io.err << "hsmbackup-conformance: internal error: " << e.what() << "\n";
    return kExitUnknown;
  }
}

}  // namespace hsmbackup::conformance
