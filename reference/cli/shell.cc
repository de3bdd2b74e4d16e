// hsmbackup shell: an interactive lunacm over a world file.
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <istream>
#include <memory>
#include <ostream>
#include <string>

#include "app.h"
#include "hsmbackup/command.h"
#include "hsmbackup/world_io.h"
#include "run.h"

namespace hsmbackup::cli {
namespace {

// ShellSink prints the transcript; after a prompt it completes the prompt
// line with the answer unless a terminal already echoed what was typed.
// (The engine writes the blank line before it asks, so a prompt shown as it
// is asked already sits in its own paragraph.)
class ShellSink final : public TranscriptSink {
 public:
  ShellSink(std::ostream& out, bool interactive)
      : lines_(out), out_(out), interactive_(interactive) {}

  void Line(std::string_view line) override { lines_.Line(line); }
  void Answered(std::string_view, std::string_view answer) override {
    if (!interactive_) out_ << answer << '\n';
  }

 private:
  IndentingSink lines_;
  std::ostream& out_;
  bool interactive_;
};

// EchoOff turns the terminal's echo off on stdin for its lifetime, when
// `on` and stdin is a terminal; otherwise it does nothing.
class EchoOff {
 public:
  explicit EchoOff(bool on) {
    if (!on || ::isatty(STDIN_FILENO) == 0 || ::tcgetattr(STDIN_FILENO, &saved_) != 0) return;
    termios quiet = saved_;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    active_ = ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
  }
  ~EchoOff() {
    if (active_) ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_);
  }
  EchoOff(const EchoOff&) = delete;
  EchoOff& operator=(const EchoOff&) = delete;

 private:
  termios saved_{};
  bool active_ = false;
};

// StreamPrompter shows the prompt (indented like the transcript) and reads
// the answer from the same input as the commands; at end of input the
// answer is "quit", which changes nothing.
class StreamPrompter final : public Prompter {
 public:
  StreamPrompter(std::istream& in, std::ostream& out, bool interactive)
      : in_(in), out_(out), interactive_(interactive) {}
  // too_long says an answer passed kMaxCommandLineBytes (it was taken as
  // "quit"); the shell stops reading after it.
  bool too_long() const { return too_long_; }
  std::string Ask(std::string_view prompt) override {
    out_ << "        " << prompt << std::flush;
    std::string answer;
    const LineOutcome got = ReadBoundedLine(in_, kMaxCommandLineBytes, &answer);
    if (got == LineOutcome::kTooLong) {
      too_long_ = true;
      out_ << '\n';
      return "quit";
    }
    if (got == LineOutcome::kEnd) {
      if (interactive_) out_ << '\n';  // the user's Ctrl-D left the line open
      return "quit";
    }
    while (!answer.empty() && std::isspace(static_cast<unsigned char>(answer.back()))) {
      answer.pop_back();
    }
    return answer;
  }

  // AskSecret reads a credential from the same input (AUTH-PROMPT); on a
  // terminal with echo off, then shows kSecretEcho in its place. End of
  // input is no answer.
  std::optional<Secret> AskSecret(Credential, std::string_view prompt) override {
    out_ << "        " << prompt << std::flush;
    std::string typed;
    LineOutcome got;
    {
      const EchoOff quiet(interactive_);
      got = ReadBoundedLine(in_, kMaxCommandLineBytes, &typed);
    }
    Secret secret(typed);
    std::fill(typed.begin(), typed.end(), '\0');  // the Secret keeps the one copy
    if (got == LineOutcome::kTooLong) {
      too_long_ = true;
      out_ << '\n';
      return std::nullopt;
    }
    if (interactive_) out_ << (got == LineOutcome::kEnd ? "" : kSecretEcho) << '\n';
    if (got == LineOutcome::kEnd) return std::nullopt;
    return secret;
  }

 private:
  std::istream& in_;
  std::ostream& out_;
  bool interactive_;
  bool too_long_ = false;
};

bool IsWord(std::string line, std::string_view word) {
  while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) line.pop_back();
  size_t start = 0;
  while (start < line.size() && std::isspace(static_cast<unsigned char>(line[start]))) ++start;
  line.erase(0, start);
  for (char& c : line) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return line == word;
}

bool IsBlank(const std::string& line) {
  for (char c : line) {
    if (!std::isspace(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

int RunShell(const ShellOptions& options, std::istream& in, std::ostream& out,
             std::ostream& err, bool interactive) {
  // The lock is held for the whole session: every save of it starts from
  // what the previous one wrote, and no other process's changes are lost.
  WorldLock lock;
  World world;
  const int opened = OpenWorld(options.world_path, options.save, options.lock_timeout_ms, err,
                               &lock, &world);
  if (opened != kExitOk) return opened;
  World saved = world;
  Session session(&world);
  ShellSink sink(out, interactive);
  StreamPrompter prompter(in, out, interactive);
  bool failed = false;
  std::string line;
  while (true) {
    if (interactive) out << "lunacm:> " << std::flush;
    const LineOutcome got = ReadBoundedLine(in, kMaxCommandLineBytes, &line);
    if (got == LineOutcome::kTooLong) {
      if (interactive) out << '\n';
      err << "hsmbackup: input line longer than " << kMaxCommandLineBytes
          << " bytes (the limit of a command line); stopping\n";
      return kExitUsage;
    }
    if (got == LineOutcome::kEnd) {
      if (interactive) out << '\n';
      break;
    }
    if (IsBlank(line)) continue;
    if (IsWord(line, "exit") || IsWord(line, "quit")) break;
    // A terminal shows what was typed; a log needs the (redacted) line.
    if (!RunLine(session, line, /*echo=*/!interactive, sink, prompter, out)) failed = true;
    if (IsWord(line, "help")) out << "exit or quit leaves the shell.\n\n";
    if (options.save && !SaveIfChanged(world, saved, options.world_path, err)) {
      return kExitWorld;
    }
    if (prompter.too_long()) {
      err << "hsmbackup: answer longer than " << kMaxCommandLineBytes
          << " bytes (the limit of a command line); stopping\n";
      return kExitUsage;
    }
  }
  return failed ? kExitCommandFailed : kExitOk;
}

Subcommand AddShellCommand(CLI::App& app, const Io& io) {
  auto options = std::make_shared<ShellOptions>();
  CLI::App* shell = app.add_subcommand(
      "shell", "Interactive lunacm session over a world file (commands from stdin).");
  shell->add_option("--world", options->world_path, "World file (JSON, see WORLD-FORMAT.md)")
      ->required()
      ->type_name("FILE");
  shell->add_flag("--save", options->save,
                  "Save the world (atomically) after every command that changed it; the "
                  "world stays locked against other savers until the shell ends");
  AddLockTimeoutOption(shell, &options->lock_timeout_ms);
  shell->footer(
      "Type lunacm commands at the 'lunacm:> ' prompt; 'help' lists them, 'exit' or\n"
      "'quit' (or end of input) leaves. Prompts such as \"Type 'proceed' to continue,\n"
      "or 'quit' to quit now ->\" are answered from the same input, and so is a\n"
      "credential a command left off its line (read without echo on a terminal,\n"
      "shown as ********).\n\n"
      "Example:\n"
      "  hsmbackup shell --world fixtures/worlds/seed-example.json --save\n"
      "  lunacm:> role login -name co -password <co-password>\n"
      "  lunacm:> partition archive backup -slot 2 -partition sa78backup -domain <domain>"
      " -password <new-password> -sopassword <so-password>\n\n" +
      ExitCodesHelp());
  const Io* shared = &io;
  return {shell, [=]() {
            return RunShell(*options, shared->in, shared->out, shared->err, shared->interactive);
          }};
}

}  // namespace hsmbackup::cli
