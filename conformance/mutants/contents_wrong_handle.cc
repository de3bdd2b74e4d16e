// contents-wrong-handle breaks ARCHIVE-CONTENTS: the handles shown are not
// the ones the objects have on the backup HSM, so -objects on a restore
// picks the wrong ones.
#include "helpers.h"
#include "mutant.h"

namespace hsmbackup::mutants {
namespace {

class ContentsWrongHandle final : public ProtocolHook {
 public:
  void After(World&, Session&, const std::string& line, Result& /*result*/,
             std::vector<std::string>& transcript) override {
    if (!Is(Parse(line), Verb::kArchiveContents)) return;
    EditLines(transcript, "Handle:", [](const std::string& l) { return BumpNumber(l, "Handle:", 1000); });
  }
};

}  // namespace

std::unique_ptr<ProtocolHook> MakeContentsWrongHandle() { return std::make_unique<ContentsWrongHandle>(); }

}  // namespace hsmbackup::mutants
