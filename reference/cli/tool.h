// The hsmbackup command-line tool (CLI11).
#ifndef HSMBACKUP_CLI_TOOL_H_
#define HSMBACKUP_CLI_TOOL_H_

namespace hsmbackup::cli {

// Exit codes a script can rely on.
inline constexpr int kExitOk = 0;            // every command succeeded
inline constexpr int kExitCommandFailed = 1; // a lunacm command failed
inline constexpr int kExitUsage = 2;         // bad tool arguments
inline constexpr int kExitWorld = 3;         // world file unreadable/invalid/unsaved
inline constexpr int kExitInternal = 4;

int Main(int argc, char** argv);

}  // namespace hsmbackup::cli

#endif  // HSMBACKUP_CLI_TOOL_H_
