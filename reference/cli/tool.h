// The hsmbackup command-line tool (CLI11).
//
// Subcommands live one per file (run.cc, shell.cc, blob_inspect.cc); each
// registers itself on the app through an Add...Command function (app.h), so
// a new subcommand is a new file plus one line in tool.cc.
#ifndef HSMBACKUP_CLI_TOOL_H_
#define HSMBACKUP_CLI_TOOL_H_

#include <iosfwd>

namespace hsmbackup::cli {

// Exit codes a script can rely on.
inline constexpr int kExitOk = 0;            // every command succeeded
inline constexpr int kExitCommandFailed = 1; // a lunacm command failed
inline constexpr int kExitUsage = 2;         // bad tool arguments or input over a limit
inline constexpr int kExitWorld = 3;         // world file unreadable/invalid/unsaved
inline constexpr int kExitInternal = 4;
inline constexpr int kExitLocked = 5;        // --save: world locked past --lock-timeout

// Io is where the tool reads and writes; `interactive` says whether `in` is
// a terminal (which echoes what the user types).
struct Io {
  std::istream& in;
  std::ostream& out;
  std::ostream& err;
  bool interactive = false;
};

// RunTool parses `argv` and runs the chosen subcommand; it returns one of
// the exit codes above and never throws.
int RunTool(int argc, const char* const* argv, const Io& io);

// Main is RunTool on the process's standard streams.
int Main(int argc, char** argv);

}  // namespace hsmbackup::cli

#endif  // HSMBACKUP_CLI_TOOL_H_
