#include "tool.h"

#include <unistd.h>

#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "app.h"
#include "hsmbackup/protocol.h"
#include "hsmbackup/world_io.h"

// The project version from CMake; the fallback keeps a build without the
// definition working.
#ifndef HSMB_PROJECT_VERSION
#define HSMB_PROJECT_VERSION "0.1.0"
#endif

namespace hsmbackup::cli {

std::string ExitCodesHelp() {
  return "Exit codes:\n"
         "  0  every command succeeded\n"
         "  1  a lunacm command failed (blob inspect: the blob is invalid)\n"
         "  2  bad arguments to hsmbackup itself, or a script, command line or\n"
         "     shell/serve input line over its limit (see README.md, Limits)\n"
         "  3  the world file (or blob file) could not be read, parsed or saved\n"
         "  4  internal error\n"
         "  5  --save: another process held the world's lock past --lock-timeout\n";
}

void AddLockTimeoutOption(CLI::App* app, int* timeout_ms) {
  app->add_option_function<double>(
         "--lock-timeout",
         [timeout_ms](const double& seconds) {
           // Written so NaN fails too (CLI::Range lets it through).
           if (!(seconds >= 0.0 && seconds <= 86400.0)) {
             throw CLI::ValidationError("--lock-timeout", "want seconds in 0..86400");
           }
           *timeout_ms = static_cast<int>(seconds * 1000.0 + 0.5);
         },
         "Seconds to wait while another process holds the world file's lock "
         "(default 30; 0 = do not wait). Expiry exits with code 5.")
      ->type_name("SECONDS")
      ->check(CLI::Range(0.0, 86400.0));
}

int RunTool(int argc, const char* const* argv, const Io& io) {
  try {
    CLI::App app(
        "hsmbackup: an emulator of Thales Luna HSM partition backup ('partition archive\n"
        "backup' in lunacm) over a world file describing partitions and backup HSMs.",
        "hsmbackup");
    app.set_version_flag("--version", std::string("hsmbackup ") + HSMB_PROJECT_VERSION +
                                          " (protocol " + std::string(kProtocolVersion) +
                                          ", world format " + std::string(kWorldFormat) + ")");
    app.require_subcommand(1);
    app.footer("Run 'hsmbackup SUBCOMMAND --help' for its options and an example.\n\n" +
               ExitCodesHelp());
    // One line per subcommand; each lives in its own file.
    std::vector<Subcommand> subcommands;
    subcommands.push_back(AddRunCommand(app, io));
    subcommands.push_back(AddShellCommand(app, io));
    subcommands.push_back(AddBlobCommand(app, io));
    subcommands.push_back(AddServeCommand(app, io));
    try {
      app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
      // --help and --version end here with code 0; every real error is a
      // usage error, whatever CLI11's own code for it.
      return app.exit(e, io.out, io.err) == 0 ? kExitOk : kExitUsage;
    }
    for (const Subcommand& sub : subcommands) {
      if (sub.app->parsed()) return sub.run();
    }
    io.err << "hsmbackup: no subcommand ran\n";
    return kExitInternal;
  } catch (const std::exception& e) {
    io.err << "hsmbackup: internal error: " << e.what() << '\n';
    return kExitInternal;
  }
}

int Main(int argc, char** argv) {
  Io io{std::cin, std::cout, std::cerr, ::isatty(STDIN_FILENO) == 1};
  const int code = RunTool(argc, argv, io);
  std::cout.flush();
  return code;
}

}  // namespace hsmbackup::cli
