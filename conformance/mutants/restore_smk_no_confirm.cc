// restore-smk-no-confirm breaks RESTORE-SMK: restore -smkonly overwrites the
// partition's SMK without asking proceed/quit first. A real implementation
// gets this wrong by sharing the object-restore path, which asks nothing.
//
// Built by adding -force to every -smkonly restore.
#include "helpers.h"
#include "mutant.h"

namespace hsmbackup::mutants {
namespace {

class RestoreSmkNoConfirm final : public ProtocolHook {
 public:
  void Before(World&, Session&, std::string& line, std::vector<std::string>&) override {
    std::optional<Command> c = Parse(line);
    if (Is(c, Verb::kArchiveRestore) && c->smkonly && !c->force) line += " -force";
  }
};

}  // namespace

std::unique_ptr<ProtocolHook> MakeRestoreSmkNoConfirm() {
  return std::make_unique<RestoreSmkNoConfirm>();
}

}  // namespace hsmbackup::mutants
