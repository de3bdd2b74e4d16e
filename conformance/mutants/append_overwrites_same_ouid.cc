// append-overwrites-same-ouid breaks OPT-APPEND: -append without -replace
// overwrites a backup object that has the same OUID as a source object. A
// real implementation gets this wrong by storing each incoming object with
// "create or update by OUID" instead of "create if absent".
//
// Built by adding -replace to every -append backup, which is the reference's
// documented overwrite (OPT-APPEND-REPLACE), with -force so it overwrites
// silently, as such an implementation would (no OPT-REPLACE-CONFIRM question).
#include "helpers.h"
#include "mutant.h"

namespace hsmbackup::mutants {
namespace {

class AppendOverwritesSameOuid final : public ProtocolHook {
 public:
  void Before(World&, Session&, std::string& line, std::vector<std::string>&) override {
    std::optional<Command> c = Parse(line);
    if (Is(c, Verb::kArchiveBackup) && c->append && !c->replace && !c->smkonly) {
      line += c->force ? " -replace" : " -replace -force";
    }
  }
};

}  // namespace

std::unique_ptr<ProtocolHook> MakeAppendOverwritesSameOuid() {
  return std::make_unique<AppendOverwritesSameOuid>();
}

}  // namespace hsmbackup::mutants
