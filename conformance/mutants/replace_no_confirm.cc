// replace-no-confirm breaks OPT-REPLACE-CONFIRM: a backup with -replace
// deletes the existing backup partition (or -append -replace overwrites
// same-OUID objects) without asking proceed/quit, so an operator's 'quit' is
// never heard. A real implementation gets this wrong by treating -force as
// the only thing a backup reads about prompting, and asking only in delete.
//
// Built by adding -force to every -replace backup.
#include "helpers.h"
#include "mutant.h"

namespace hsmbackup::mutants {
namespace {

class ReplaceNoConfirm final : public ProtocolHook {
 public:
  void Before(World&, Session&, std::string& line, std::vector<std::string>&) override {
    std::optional<Command> c = Parse(line);
    if (Is(c, Verb::kArchiveBackup) && c->replace && !c->force) line += " -force";
  }
};

}  // namespace

std::unique_ptr<ProtocolHook> MakeReplaceNoConfirm() {
  return std::make_unique<ReplaceNoConfirm>();
}

}  // namespace hsmbackup::mutants
