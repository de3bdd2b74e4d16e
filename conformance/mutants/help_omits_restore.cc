// help-omits-restore breaks PROJ-COMMAND-WORDS: a help listing leaves out
// the line naming 'restore', so 'help partition archive' (or 'help') does
// not list every command under the group. A real implementation gets this
// wrong by keeping its help text by hand beside a command table that grew.
//
// Built by dropping, from a help command's transcript, every line that
// holds the word 'restore', in any case.
#include <algorithm>
#include <cctype>

#include "helpers.h"
#include "mutant.h"

namespace hsmbackup::mutants {
namespace {

class HelpOmitsRestore final : public ProtocolHook {
 public:
  void After(World&, Session&, const std::string& line, Result& result,
             std::vector<std::string>& transcript) override {
    const std::optional<Command> c = Parse(line);
    if (!c || c->verb != Verb::kHelp || !result.status.ok()) return;
    std::erase_if(transcript, [](std::string l) {
      std::transform(l.begin(), l.end(), l.begin(),
                     [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
      return l.find("restore") != std::string::npos;
    });
  }
};

}  // namespace

std::unique_ptr<ProtocolHook> MakeHelpOmitsRestore() {
  return std::make_unique<HelpOmitsRestore>();
}

}  // namespace hsmbackup::mutants
