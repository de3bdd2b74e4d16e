#include "tool.h"

#include <unistd.h>

#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "app.h"

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
         "  2  bad arguments to hsmbackup itself\n"
         "  3  the world file (or blob file) could not be read, parsed or saved\n"
         "  4  internal error\n";
}

int RunTool(int argc, const char* const* argv, const Io& io) {
  try {
    CLI::App app(
        "hsmbackup: an emulator of Thales Luna HSM partition backup ('partition archive\n"
        "backup' in lunacm) over a world file describing partitions and backup HSMs.",
        "hsmbackup");
    app.set_version_flag("--version", std::string("hsmbackup ") + HSMB_PROJECT_VERSION);
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
