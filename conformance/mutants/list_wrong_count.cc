// list-wrong-count breaks ARCHIVE-LIST: the object count of every listed
// backup partition is one too high (the SMK counted as an object).
#include "helpers.h"
#include "mutant.h"

namespace hsmbackup::mutants {
namespace {

class ListWrongCount final : public ProtocolHook {
 public:
  void After(World&, Session&, const std::string& line, Result& /*result*/,
             std::vector<std::string>& transcript) override {
    if (!Is(Parse(line), Verb::kArchiveList)) return;
    EditLines(transcript, "Objects:", [](const std::string& l) { return BumpNumber(l, "Objects:", 1); });
  }
};

}  // namespace

std::unique_ptr<ProtocolHook> MakeListWrongCount() { return std::make_unique<ListWrongCount>(); }

}  // namespace hsmbackup::mutants
