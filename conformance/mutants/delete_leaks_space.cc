// delete-leaks-space breaks ARCHIVE-DELETE: deleting a backup partition
// removes it but never returns its space to the backup HSM. A real
// implementation gets this wrong by deleting the partition's objects and
// entry without releasing its allocation.
//
// Built by taking the deleted partition's allocation out of the device's
// capacity, so the free space stays what it was before the delete (and the
// transcript says so).
#include <algorithm>

#include "helpers.h"
#include "mutant.h"

namespace hsmbackup::mutants {
namespace {

class DeleteLeaksSpace final : public ProtocolHook {
 public:
  void Before(World& world, Session&, std::string& line, std::vector<std::string>&) override {
    leaked_ = 0;
    std::optional<Command> c = Parse(line);
    if (!Is(c, Verb::kArchiveDelete) || !c->partition) return;
    BackupHsm* hsm = TargetHsm(world, *c);
    if (hsm == nullptr) return;
    for (const BackupPartition& p : hsm->partitions) {
      if (p.name == *c->partition) leaked_ = p.allocated;
    }
  }
  void After(World& world, Session&, const std::string& line, Result& result,
             std::vector<std::string>& transcript) override {
    std::optional<Command> c = Parse(line);
    if (!result.status.ok() || leaked_ == 0 || !Is(c, Verb::kArchiveDelete)) return;
    BackupHsm* hsm = TargetHsm(world, *c);
    if (hsm == nullptr) return;
    const std::string freed = "; " + std::to_string(hsm->free_bytes()) + " bytes are free.";
    hsm->capacity -= std::min(leaked_, hsm->capacity);
    const std::string left = "; " + std::to_string(hsm->free_bytes()) + " bytes are free.";
    for (std::string& l : transcript) {
      if (l.rfind("Deleted the backup partition ", 0) == 0) l = ReplaceAll(l, freed, left);
    }
  }

 private:
  uint64_t leaked_ = 0;
};

}  // namespace

std::unique_ptr<ProtocolHook> MakeDeleteLeaksSpace() {
  return std::make_unique<DeleteLeaksSpace>();
}

}  // namespace hsmbackup::mutants
