// smkonly-no-confirm breaks OPT-SMKONLY-CONFIRM: backup -smkonly goes ahead
// without asking "Type 'proceed' to continue, or 'quit' to quit now ->", so
// an operator's 'quit' is never heard. A real implementation gets this
// wrong by asking only for the destructive commands (delete, restore) and
// treating a backup as harmless.
//
// Built by adding -force to every -smkonly backup.
#include "helpers.h"
#include "mutant.h"

namespace hsmbackup::mutants {
namespace {

class SmkonlyNoConfirm final : public ProtocolHook {
 public:
  void Before(World&, Session&, std::string& line, std::vector<std::string>&) override {
    std::optional<Command> c = Parse(line);
    if (Is(c, Verb::kArchiveBackup) && c->smkonly && !c->force) line += " -force";
  }
};

}  // namespace

std::unique_ptr<ProtocolHook> MakeSmkonlyNoConfirm() {
  return std::make_unique<SmkonlyNoConfirm>();
}

}  // namespace hsmbackup::mutants
