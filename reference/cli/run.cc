// hsmbackup run: a lunacm script over a world file.
#include <memory>
#include <ostream>
#include <string>

#include "app.h"
#include "hsmbackup/env.h"
#include "hsmbackup/world_io.h"
#include "run.h"

namespace hsmbackup::cli {
namespace {

constexpr char kNowFormat[] = "YYYY-MM-DDTHH:MM:SSZ";

// CheckNow is the --now validator: CLI11 reports its message as a usage
// error.
std::string CheckNow(const std::string& text) {
  if (ParseIso8601(text).has_value()) return "";
  return "'" + text + "' is not a UTC time like " + kNowFormat;
}

}  // namespace

int RunCommands(const RunOptions& options, std::ostream& out, std::ostream& err) {
  std::optional<int64_t> now;
  if (options.now) {
    now = ParseIso8601(*options.now);
    if (!now) {
      err << "hsmbackup: --now: " << CheckNow(*options.now) << '\n';
      return kExitUsage;
    }
  }
  if (options.script_path && !options.commands.empty()) {
    err << "hsmbackup: -c and SCRIPT exclude each other\n";
    return kExitUsage;
  }
  if (!options.script_path && options.commands.empty()) {
    err << "hsmbackup: no commands: give -c COMMAND or a SCRIPT file\n";
    return kExitUsage;
  }
  std::vector<std::string> lines = options.commands;
  if (options.script_path) {
    std::string text;
    std::string error;
    if (!ReadWholeFile(*options.script_path, &text, &error)) {
      err << "hsmbackup: cannot read script " << *options.script_path << ": " << error
          << '\n';
      return kExitUsage;
    }
    lines = ScriptLines(text);
  }

  auto loaded = LoadWorld(options.world_path);
  if (!loaded.ok()) {
    err << "hsmbackup: " << loaded.status().ToString() << '\n';
    return kExitWorld;
  }
  World baseline = *loaded;
  World world = std::move(*loaded);
  if (now) world.clock.now = *now;
  if (options.seed) world.rng = RngState{*options.seed, 0};

  // The engine moves world.clock by clock.step_seconds after each command
  // that succeeds; the tool adds nothing, so a failed command leaves the
  // world (and with --save the file) exactly as it was.
  Session session(&world);
  ScriptedPrompter prompter(options.answers);
  IndentingSink sink(out);
  bool failed = false;
  for (const std::string& line : lines) {
    if (!RunLine(session, line, /*echo=*/true, sink, prompter, out)) failed = true;
  }
  if (options.save && !SaveIfChanged(world, baseline, options.world_path, err)) {
    return kExitWorld;
  }
  return failed ? kExitCommandFailed : kExitOk;
}

Subcommand AddRunCommand(CLI::App& app, const Io& io) {
  auto options = std::make_shared<RunOptions>();
  auto now = std::make_shared<std::string>();
  auto seed = std::make_shared<uint64_t>(0);
  auto script = std::make_shared<std::string>();
  CLI::App* run = app.add_subcommand(
      "run", "Run lunacm commands against a world file and print the session.");
  run->add_option("--world", options->world_path, "World file (JSON, see WORLD-FORMAT.md)")
      ->required()
      ->type_name("FILE");
  run->add_flag("--save", options->save,
                "Save the world back to FILE (atomically) if the commands changed it");
  CLI::Option* now_opt =
      run->add_option("--now", *now, "Set the world clock first (UTC)")
          ->type_name(kNowFormat)
          ->check(CLI::Validator(CheckNow, "", "UTC time"));
  CLI::Option* seed_opt =
      run->add_option("--seed", *seed, "Restart the world's random generator from seed N")
          ->type_name("N");
  run->add_option("--answer", options->answers,
                  "Answer to the next proceed/quit prompt; repeat in order (then 'quit')")
      ->type_name("WORD")
      ->allow_extra_args(false);
  CLI::Option* commands =
      run->add_option("-c,--command", options->commands,
                      "A lunacm command line; repeat for several, run in order")
          ->type_name("COMMAND")
          ->allow_extra_args(false);
  CLI::Option* script_opt =
      run->add_option("script", *script,
                      "File with one lunacm command per line ('#' comments, blank lines skipped)")
          ->type_name("SCRIPT");
  commands->excludes(script_opt);
  run->footer(
      "Every command runs, even after one fails. Each is echoed as 'lunacm:> ...' with\n"
      "the values of -password, -sopassword and -domain shown as ********.\n\n"
      "Examples:\n"
      "  hsmbackup run --world fixtures/worlds/seed-example.json \\\n"
      "    -c 'role login -name co -password <co-password>' \\\n"
      "    -c 'partition archive backup -slot 2 -partition sa78backup -domain <domain>"
      " -password <new-password> -sopassword <so-password>'\n"
      "  hsmbackup run --world my-world.json --save --now 2019-03-09T16:52:47Z "
      "--answer proceed backup.lunacm\n\n" +
      ExitCodesHelp());
  std::ostream* out = &io.out;
  std::ostream* err = &io.err;
  return {run, [=]() {
            if (now_opt->count() > 0) options->now = *now;
            if (seed_opt->count() > 0) options->seed = *seed;
            if (script_opt->count() > 0) options->script_path = *script;
            return RunCommands(*options, *out, *err);
          }};
}

}  // namespace hsmbackup::cli
