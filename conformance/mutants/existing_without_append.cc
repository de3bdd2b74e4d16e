// existing-without-append breaks OPT-EXISTS: backing up to a backup
// partition that already exists, without -append or -replace, quietly adds
// to it instead of being refused. A real implementation gets this wrong by
// using "open or create" for the backup partition.
//
// Built by adding -append to such backups (which creates a partition that
// does not exist, as the reference's -append does).
#include "helpers.h"
#include "mutant.h"

namespace hsmbackup::mutants {
namespace {

class ExistingWithoutAppend final : public ProtocolHook {
 public:
  void Before(World&, Session&, std::string& line, std::vector<std::string>&) override {
    std::optional<Command> c = Parse(line);
    if (Is(c, Verb::kArchiveBackup) && !c->append && !c->replace && !c->smkonly) {
      line += " -append";
    }
  }
};

}  // namespace

std::unique_ptr<ProtocolHook> MakeExistingWithoutAppend() {
  return std::make_unique<ExistingWithoutAppend>();
}

}  // namespace hsmbackup::mutants
