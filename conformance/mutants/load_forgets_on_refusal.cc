// load-forgets-on-refusal breaks PROJ-WORLD-UNCHANGED-ON-BAD-INPUT: `load`
// discards the world it has before it reads the new one, so a refused load
// leaves the target with no world at all. A real implementation gets this
// wrong by resetting its state first and validating after.
#include "mutant.h"

namespace hsmbackup::mutants {
namespace {

class LoadForgetsOnRefusal final : public ProtocolHook {
 public:
  bool DiscardsBeforeLoad() const override { return true; }
};

}  // namespace

std::unique_ptr<ProtocolHook> MakeLoadForgetsOnRefusal() {
  return std::make_unique<LoadForgetsOnRefusal>();
}

}  // namespace hsmbackup::mutants
