// refuses-longest-name breaks OPT-PARTITION-MAXLEN: a backup partition name
// of 32 characters, the most the seed allows, is refused. A real
// implementation gets this wrong with a length check off by one (a buffer
// of 32 bytes holding a terminating NUL).
//
// Built by making such a line unparsable before the engine sees it.
#include "helpers.h"
#include "mutant.h"

namespace hsmbackup::mutants {
namespace {

class RefusesLongestName final : public ProtocolHook {
 public:
  void Before(World&, Session&, std::string& line, std::vector<std::string>&) override {
    const std::optional<Command> c = Parse(line);
    if (c && c->partition && c->partition->size() == 32) line += " -name-too-long";
  }
};

}  // namespace

std::unique_ptr<ProtocolHook> MakeRefusesLongestName() {
  return std::make_unique<RefusesLongestName>();
}

}  // namespace hsmbackup::mutants
