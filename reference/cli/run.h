// What the hsmbackup subcommands do, callable without a process or CLI11,
// so tests can drive them with string streams.
#ifndef HSMBACKUP_CLI_RUN_H_
#define HSMBACKUP_CLI_RUN_H_

#include <cstdint>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hsmbackup/engine.h"
#include "hsmbackup/model.h"
#include "hsmbackup/world_io.h"

namespace hsmbackup::cli {

// Input limits (README.md, "Limits"). Anything longer is refused with a
// message naming the limit, before it is buffered.
inline constexpr size_t kMaxCommandLineBytes = size_t{1} << 20;  // one lunacm line
inline constexpr size_t kMaxScriptBytes = size_t{16} << 20;      // a script file
// How long --save waits for another process's lock on the world.
inline constexpr int kDefaultLockTimeoutMs = 30000;

// RunOptions are the options of `hsmbackup run`.
struct RunOptions {
  std::string world_path;
  bool save = false;                 // save the world if the run changed it
  int lock_timeout_ms = kDefaultLockTimeoutMs;  // with save: wait for the lock
  std::optional<std::string> now;    // "YYYY-MM-DDTHH:MM:SSZ": world.clock.now
  std::optional<uint64_t> seed;      // world.rng = {seed, 0}
  std::vector<std::string> answers;  // to proceed/quit prompts, then "quit"
  // --credential NAME=VALUE: the answer to every prompt for that credential
  // (NAME: sopassword, password or domain; AUTH-PROMPT).
  std::vector<std::string> credentials;
  std::vector<std::string> commands;       // -c, in order
  std::optional<std::string> script_path;  // or one command per line
};

// RunCommands loads the world, runs every command in one lunacm session
// (all of them, even after a failure), prints each as
//   lunacm:> <line, secrets redacted>
//   <blank>
//           <transcript, indented 8; "Command Result :" lines flush-left>
//   <blank>
// and saves with `save` only if the world changed. With `save` it holds
// the world's lock (LockWorld) from before the load until after the save.
// Returns kExitOk, kExitCommandFailed (a command failed), kExitUsage (bad
// --now, unreadable script, both or neither of commands and script, a
// script over kMaxScriptBytes or a command over kMaxCommandLineBytes),
// kExitWorld (load, lock or save failed) or kExitLocked (the lock stayed
// taken for lock_timeout_ms); problems go to `err` as "hsmbackup: ...".
int RunCommands(const RunOptions& options, std::ostream& out, std::ostream& err);

// ParseCredentials reads `run --credential` values, NAME=VALUE each, into
// the answers of a ScriptedPrompter. False, with `error` naming the bad
// argument by its position and NAME only (never the value), on a missing
// '=', an unknown NAME, an empty VALUE or a NAME given twice.
bool ParseCredentials(const std::vector<std::string>& args,
                      std::map<Credential, Secret>* out, std::string* error);

// ScriptLines splits a script: one command per line; blank lines and lines
// whose first non-blank character is '#' are skipped; "\r\n" is accepted.
std::vector<std::string> ScriptLines(std::string_view text);

// ShellOptions are the options of `hsmbackup shell`.
struct ShellOptions {
  std::string world_path;
  bool save = false;  // save after every command that changed the world
  int lock_timeout_ms = kDefaultLockTimeoutMs;  // with save: wait for the lock
};

// RunShell reads lunacm lines from `in` until EOF, `exit` or `quit`; `help`
// lists the commands. Prompts are answered from `in`. With `interactive`
// false (input is not a terminal) it echoes each line and answer so the
// output reads like a session log. Returns kExitCommandFailed if any
// command failed, kExitWorld if the world could not be loaded or saved.
// With `save` the world's lock is held for the whole session (kExitLocked
// if it cannot be had in time). A line (or prompt answer) longer than
// kMaxCommandLineBytes ends the shell with kExitUsage; what was saved
// before it stays saved.
int RunShell(const ShellOptions& options, std::istream& in, std::ostream& out,
             std::ostream& err, bool interactive);

// InspectBlob prints DescribeBlob of the clone blob in file `path`.
// kExitCommandFailed if it is not a valid blob (a file longer than
// kMaxBlobSize is not one, and is not read past that), kExitWorld if
// unreadable.
int InspectBlob(const std::string& path, std::ostream& out, std::ostream& err);

// IndentingSink prints transcript lines the way lunacm shows them: indented
// by 8 spaces, "Command Result :" lines flush-left, blank lines empty, no
// trailing whitespace. With `show_answers` false, answered prompts print
// nothing (a terminal already shows the prompt and what was typed).
class IndentingSink final : public TranscriptSink {
 public:
  explicit IndentingSink(std::ostream& out, bool show_answers = true)
      : out_(out), show_answers_(show_answers) {}
  void Line(std::string_view line) override;
  void Answered(std::string_view prompt, std::string_view answer) override;

 private:
  std::ostream& out_;
  bool show_answers_;
};

// RunLine executes one line in `session` with its echo and blank lines
// around the transcript (`help` prints the command list); returns whether
// it succeeded.
bool RunLine(Session& session, std::string_view line, bool echo,
             TranscriptSink& sink, Prompter& prompter, std::ostream& out);

// ReadFileBounded reads a file's bytes into *text, at most `max_bytes`: a
// regular file is measured first, anything else is read until it passes
// the limit. kUnreadable sets *error to the reason (strerror).
enum class ReadOutcome { kOk, kUnreadable, kTooLarge };
ReadOutcome ReadFileBounded(const std::string& path, size_t max_bytes, std::string* text,
                            std::string* error);

// ReadBoundedLine reads one line from `in` without its '\n', buffering at
// most `max_bytes`: kTooLong stops at the first byte past the limit (the
// rest of the line is left unread). kEnd: nothing was left to read.
enum class LineOutcome { kLine, kEnd, kTooLong };
LineOutcome ReadBoundedLine(std::istream& in, size_t max_bytes, std::string* line);

// OpenWorld loads the world at `path` into *world. With `save` it first
// takes the world's lock (LockWorld) into *lock, waiting up to `timeout_ms`,
// so the caller holds it from before the load to after its last save and a
// concurrent --save run can neither load the same world and overwrite this
// one's changes nor spend the same failed-login counters twice. On failure
// it reports on `err` and returns kExitLocked (timed out) or kExitWorld,
// else kExitOk.
int OpenWorld(const std::string& path, bool save, int timeout_ms, std::ostream& err,
              WorldLock* lock, World* world);

// SaveIfChanged saves `world` to `path` when it differs from `baseline`,
// then makes `baseline` equal to it. Failure is reported on `err`.
bool SaveIfChanged(const World& world, World& baseline, const std::string& path,
                   std::ostream& err);

}  // namespace hsmbackup::cli

#endif  // HSMBACKUP_CLI_RUN_H_
