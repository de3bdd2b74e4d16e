// The reading "full-words-only" (PROJ-COMMAND-WORDS `accepts`): a command
// word given as a prefix of itself ("par arch backup") is an unknown
// command, and so is help on abbreviated words. This was the mutant
// no-command-prefix; it is retired as a fault because the seed never
// abbreviates a command word (it writes "partition archive backup" and
// "lunacm:> partition archive delete" whole): abbreviation is the project's
// lunacm fidelity, which a target may decline.
//
// Built by making such a line unparsable before the engine sees it.
#include <array>
#include <cctype>
#include <sstream>

#include "helpers.h"
#include "mutant.h"

namespace hsmbackup::mutants {
namespace {

bool Abbreviates(const std::string& line) {
  static constexpr std::array<std::string_view, 13> kWords = {
      "slot", "list", "set", "role", "login", "logout", "partition", "contents", "archive",
      "backup", "restore", "delete", "help"};
  std::istringstream in(line);
  for (std::string w; in >> w && w[0] != '-';) {
    for (char& c : w) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    bool whole = false, prefix = false;
    for (std::string_view k : kWords) {
      whole |= k == w;
      prefix |= k.size() > w.size() && k.substr(0, w.size()) == w;
    }
    if (!whole && prefix) return true;
  }
  return false;
}

class NoCommandPrefix final : public ProtocolHook {
 public:
  void Before(World&, Session&, std::string& line, std::vector<std::string>&) override {
    if (Abbreviates(line)) line = "unknown-command " + line;
  }
};

}  // namespace

std::unique_ptr<ProtocolHook> MakeFullWordsOnly() { return std::make_unique<NoCommandPrefix>(); }

}  // namespace hsmbackup::mutants
