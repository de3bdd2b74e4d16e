// hsmbackup run: a lunacm script over a world file.
#include <cstdint>
#include <memory>
#include <optional>
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

// ParseSeed reads a u64 in decimal, no sign: CLI11's own conversion takes
// "-1" and wraps it, and clamps 2^64, so a typo would silently pick a
// different random stream.
std::optional<uint64_t> ParseSeed(const std::string& text) {
  if (text.empty() || text.size() > 20) return std::nullopt;
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    const auto digit = static_cast<uint64_t>(c - '0');
    if (value > (UINT64_MAX - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  return value;
}

std::string CheckSeed(const std::string& text) {
  if (ParseSeed(text).has_value()) return "";
  return "'" + text + "' is not a seed: want a decimal integer 0..18446744073709551615";
}

}  // namespace

bool ParseCredentials(const std::vector<std::string>& args, std::map<Credential, Secret>* out,
                      std::string* error) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    const size_t eq = arg.find('=');
    const std::string at = "--credential " + std::to_string(i + 1);
    if (eq == std::string::npos) {
      *error = at + ": want NAME=VALUE (NAME: sopassword, password or domain)";
      return false;
    }
    const std::string name = arg.substr(0, eq);
    std::optional<Credential> what;
    for (Credential c : {Credential::kSoPassword, Credential::kPassword, Credential::kDomain}) {
      if (name == CredentialName(c)) what = c;
    }
    if (!what) {
      // The name is not shown: a value typed without its NAME= would be.
      *error = at + ": unknown credential name (want sopassword, password or domain)";
      return false;
    }
    if (eq + 1 == arg.size()) {
      *error = at + ": " + name + " needs a non-empty value";
      return false;
    }
    if (!out->emplace(*what, Secret(std::string_view(arg).substr(eq + 1))).second) {
      *error = at + ": " + name + " given twice";
      return false;
    }
  }
  return true;
}

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
  std::map<Credential, Secret> credentials;
  std::string credential_error;
  if (!ParseCredentials(options.credentials, &credentials, &credential_error)) {
    err << "hsmbackup: " << credential_error << '\n';
    return kExitUsage;
  }
  std::vector<std::string> lines = options.commands;
  if (options.script_path) {
    std::string text;
    std::string error;
    switch (ReadFileBounded(*options.script_path, kMaxScriptBytes, &text, &error)) {
      case ReadOutcome::kOk:
        break;
      case ReadOutcome::kUnreadable:
        err << "hsmbackup: cannot read script " << *options.script_path << ": " << error
            << '\n';
        return kExitUsage;
      case ReadOutcome::kTooLarge:
        err << "hsmbackup: script " << *options.script_path << " is larger than "
            << kMaxScriptBytes << " bytes (the limit of a script)\n";
        return kExitUsage;
    }
    lines = ScriptLines(text);
  }
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].size() > kMaxCommandLineBytes) {
      // Never quoted: a command line may hold secrets.
      err << "hsmbackup: command " << i + 1 << " is longer than " << kMaxCommandLineBytes
          << " bytes (the limit of a command line)\n";
      return kExitUsage;
    }
  }

  WorldLock lock;  // held from before the load to after the save
  World world;
  const int opened = OpenWorld(options.world_path, options.save, options.lock_timeout_ms, err,
                               &lock, &world);
  if (opened != kExitOk) return opened;
  World baseline = world;
  if (now) world.clock.now = *now;
  if (options.seed) world.rng = RngState{*options.seed, 0};

  // The engine moves world.clock by clock.step_seconds after each command
  // that succeeds; the tool adds nothing, so a failed command leaves the
  // world (and with --save the file) exactly as it was.
  Session session(&world);
  ScriptedPrompter prompter(options.answers, "quit", std::move(credentials));
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
  auto seed = std::make_shared<std::string>();
  auto script = std::make_shared<std::string>();
  CLI::App* run = app.add_subcommand(
      "run", "Run lunacm commands against a world file and print the session.");
  run->add_option("--world", options->world_path, "World file (JSON, see WORLD-FORMAT.md)")
      ->required()
      ->type_name("FILE");
  run->add_flag("--save", options->save,
                "Save the world back to FILE (atomically) if the commands changed it");
  AddLockTimeoutOption(run, &options->lock_timeout_ms);
  CLI::Option* now_opt =
      run->add_option("--now", *now, "Set the world clock first (UTC)")
          ->type_name(kNowFormat)
          ->check(CLI::Validator(CheckNow, "", "UTC time"));
  CLI::Option* seed_opt =
      run->add_option("--seed", *seed, "Restart the world's random generator from seed N")
          ->type_name("N")
          ->check(CLI::Validator(CheckSeed, "", "seed"));
  run->add_option("--answer", options->answers,
                  "Answer to the next proceed/quit prompt; repeat in order (then 'quit')")
      ->type_name("WORD")
      ->allow_extra_args(false);
  run->add_option("--credential", options->credentials,
                  "NAME=VALUE: the answer to the prompt for a credential a command left off "
                  "its line (NAME: sopassword, password or domain); shown as ********")
      ->type_name("NAME=VALUE")
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
      "the values of -password, -sopassword and -domain shown as ********.\n"
      "A credential left off a line (on a password device) is asked for; the answer\n"
      "comes from --credential and shows as ********; without one the command fails\n"
      "with CKR_ARGUMENTS_BAD and changes nothing.\n\n"
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
            if (seed_opt->count() > 0) options->seed = ParseSeed(*seed);
            if (script_opt->count() > 0) options->script_path = *script;
            return RunCommands(*options, *out, *err);
          }};
}

}  // namespace hsmbackup::cli
