// list-omits-origin breaks ARCHIVE-LIST: the origin of each backup (the
// kind of partition it came from, which decides where it may be restored)
// is not shown.
#include "helpers.h"
#include "mutant.h"

namespace hsmbackup::mutants {
namespace {

class ListOmitsOrigin final : public ProtocolHook {
 public:
  void After(World&, Session&, const std::string& line, Result& /*result*/,
             std::vector<std::string>& transcript) override {
    if (!Is(Parse(line), Verb::kArchiveList)) return;
    std::erase_if(transcript, [](const std::string& l) { return l.rfind("Origin:", 0) == 0; });
  }
};

}  // namespace

std::unique_ptr<ProtocolHook> MakeListOmitsOrigin() { return std::make_unique<ListOmitsOrigin>(); }

}  // namespace hsmbackup::mutants
