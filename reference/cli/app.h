// Registration of the hsmbackup subcommands on the CLI11 app.
#ifndef HSMBACKUP_CLI_APP_H_
#define HSMBACKUP_CLI_APP_H_

#include <CLI/CLI.hpp>

#include <functional>
#include <string>

#include "tool.h"

namespace hsmbackup::cli {

// Subcommand is one registered subcommand: its CLI11 app, and what to do
// when the command line selected it (after a successful parse).
struct Subcommand {
  CLI::App* app = nullptr;
  std::function<int()> run;
};

// Each Add...Command adds its subcommand (options, help, example footer) to
// `app`. The options are bound to storage owned by the returned `run`.
Subcommand AddRunCommand(CLI::App& app, const Io& io);
Subcommand AddShellCommand(CLI::App& app, const Io& io);
Subcommand AddBlobCommand(CLI::App& app, const Io& io);
Subcommand AddServeCommand(CLI::App& app, const Io& io);

// AddLockTimeoutOption adds --lock-timeout SECONDS (default 30, 0..86400,
// fractions allowed) storing milliseconds in *timeout_ms.
void AddLockTimeoutOption(CLI::App* app, int* timeout_ms);

// ExitCodesHelp is the exit-code table every --help footer ends with.
std::string ExitCodesHelp();

}  // namespace hsmbackup::cli

#endif  // HSMBACKUP_CLI_APP_H_
