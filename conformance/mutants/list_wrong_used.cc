// list-wrong-used breaks ARCHIVE-LIST: the used bytes shown leave out the
// partition's own overhead, so they disagree with the device's accounting.
#include "helpers.h"
#include "mutant.h"

namespace hsmbackup::mutants {
namespace {

class ListWrongUsed final : public ProtocolHook {
 public:
  void After(World&, Session&, const std::string& line, Result& /*result*/,
             std::vector<std::string>& transcript) override {
    if (!Is(Parse(line), Verb::kArchiveList)) return;
    EditLines(transcript, "Used / Size:", [](const std::string& l) {
      return BumpNumber(l, "Used / Size:", -9648);
    });
  }
};

}  // namespace

std::unique_ptr<ProtocolHook> MakeListWrongUsed() { return std::make_unique<ListWrongUsed>(); }

}  // namespace hsmbackup::mutants
