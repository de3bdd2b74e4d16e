// Printing lunacm sessions: the echo, the indented transcript, saving.
#include <cctype>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>

#include "hsmbackup/command.h"
#include "hsmbackup/world_io.h"
#include "run.h"
#include "tool.h"

namespace hsmbackup::cli {
namespace {

constexpr std::string_view kResultPrefix = "Command Result :";
constexpr std::string_view kIndent = "        ";

std::string_view TrimRight(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) {
    s.remove_suffix(1);
  }
  return s;
}

std::string_view Trim(std::string_view s) {
  s = TrimRight(s);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) {
    s.remove_prefix(1);
  }
  return s;
}

bool IsHelp(std::string_view line) {
  if (line.size() != 4) return false;
  std::string lower;
  for (char c : line) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower == "help";
}

}  // namespace

void IndentingSink::Line(std::string_view line) {
  // A multi-line string from the engine still prints one indented line each.
  while (true) {
    const size_t nl = line.find('\n');
    const std::string_view one = TrimRight(line.substr(0, nl));
    if (!one.empty()) {
      if (one.substr(0, kResultPrefix.size()) != kResultPrefix) out_ << kIndent;
      out_ << one;
    }
    out_ << '\n';
    if (nl == std::string_view::npos) break;
    line.remove_prefix(nl + 1);
  }
  out_.flush();
}

void IndentingSink::Answered(std::string_view prompt, std::string_view answer) {
  if (show_answers_) TranscriptSink::Answered(prompt, answer);
}

std::vector<std::string> ScriptLines(std::string_view text) {
  std::vector<std::string> lines;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    const std::string_view line = Trim(text.substr(0, nl));
    if (!line.empty() && line.front() != '#') lines.emplace_back(line);
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return lines;
}

bool RunLine(Session& session, std::string_view line, bool echo,
             TranscriptSink& sink, Prompter& prompter, std::ostream& out) {
  line = Trim(line);
  if (echo) {
    const std::string shown = RedactCommandLine(line);
    out << "lunacm:>" << (shown.empty() ? "" : " ") << shown << '\n';
  }
  out << '\n';
  bool ok = true;
  if (IsHelp(line)) {
    sink.Line(TrimRight(CommandHelp()));
  } else {
    ok = session.Execute(line, sink, prompter).status.ok();
  }
  out << '\n';
  out.flush();
  return ok;
}

int OpenWorld(const std::string& path, bool save, int timeout_ms, std::ostream& err,
              WorldLock* lock, World* world) {
  if (save) {
    StatusOr<WorldLock> taken = LockWorld(path, timeout_ms);
    if (!taken.ok()) {
      err << "hsmbackup: " << taken.status().ToString() << '\n';
      return taken.status().code() == Ckr::kFunctionCanceled ? kExitLocked : kExitWorld;
    }
    *lock = std::move(*taken);
  }
  auto loaded = LoadWorld(path);
  if (!loaded.ok()) {
    err << "hsmbackup: " << loaded.status().ToString() << '\n';
    return kExitWorld;
  }
  *world = std::move(*loaded);
  return kExitOk;
}

bool SaveIfChanged(const World& world, World& baseline, const std::string& path,
                   std::ostream& err) {
  if (world == baseline) return true;
  const Status saved = SaveWorld(world, path);
  if (!saved.ok()) {
    err << "hsmbackup: " << saved.ToString() << '\n';
    return false;
  }
  baseline = world;
  return true;
}

}  // namespace hsmbackup::cli
