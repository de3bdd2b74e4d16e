// refuses-objects-all breaks OPT-OBJECTS-FORMS: a backup or restore whose
// -objects is `all` or `0` (every object) is refused. A real implementation
// gets this wrong by parsing -objects as a handle list only.
//
// Built by making such a line unparsable before the engine sees it.
#include "helpers.h"
#include "mutant.h"

namespace hsmbackup::mutants {
namespace {

class RefusesObjectsAll final : public ProtocolHook {
 public:
  void Before(World&, Session&, std::string& line, std::vector<std::string>&) override {
    const std::optional<Command> c = Parse(line);
    if (c && c->objects && c->objects->all) line += " -objects-all-is-not-a-list";
  }
};

}  // namespace

std::unique_ptr<ProtocolHook> MakeRefusesObjectsAll() {
  return std::make_unique<RefusesObjectsAll>();
}

}  // namespace hsmbackup::mutants
