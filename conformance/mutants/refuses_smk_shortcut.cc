// refuses-smk-shortcut breaks OPT-SHORTCUTS: a backup or restore that spells
// -smkonly as the seed's shortcut -smk is refused. A real implementation
// gets this wrong with an option table that lists the other shortcuts and
// forgets the one an option added later needs.
//
// Built by making such a line unparsable before the engine sees it.
#include <sstream>

#include "helpers.h"
#include "mutant.h"

namespace hsmbackup::mutants {
namespace {

bool SpellsSmk(const std::string& line) {
  std::istringstream in(line);
  for (std::string w; in >> w;) {
    if (w == "-smk") return true;
  }
  return false;
}

class RefusesSmkShortcut final : public ProtocolHook {
 public:
  void Before(World&, Session&, std::string& line, std::vector<std::string>&) override {
    if (SpellsSmk(line)) line += " -smk-is-not-an-option";
  }
};

}  // namespace

std::unique_ptr<ProtocolHook> MakeRefusesSmkShortcut() {
  return std::make_unique<RefusesSmkShortcut>();
}

}  // namespace hsmbackup::mutants
