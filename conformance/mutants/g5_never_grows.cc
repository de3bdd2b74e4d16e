// g5-never-grows breaks RESIZE-GRAB-ALL: a Backup HSM G5 partition keeps
// the allocation the precheck computed and never grows into free space, so
// every backup whose objects take more room on the backup HSM than their
// source sizes (PROJ-SIZE-MODEL) fills and reverts. A real implementation
// gets this wrong by sizing the partition once from the precheck's figure.
//
// Built by hiding, for the one backup, the free space beyond what the
// precheck asks: the engine allocates exactly that and has none to grow into.
// Only backups that would otherwise succeed are touched, so the fault shows
// under its own clause alone.
#include <algorithm>

#include "helpers.h"
#include "mutant.h"

namespace hsmbackup::mutants {
namespace {

class G5NeverGrows final : public ProtocolHook {
 public:
  void Before(World& world, Session& session, std::string& line,
              std::vector<std::string>&) override {
    hidden_ = 0;
    hsm_ = nullptr;
    std::optional<Command> c = Parse(line);
    if (!Is(c, Verb::kArchiveBackup) || c->smkonly || c->append || c->replace) return;
    UserPartition* source = CurrentUser(world, session);
    BackupHsm* hsm = TargetHsm(world, *c);
    if (source == nullptr || hsm == nullptr || hsm->model != BackupModel::kBackupHsmG5) return;
    // Only where the backup would otherwise go through: a failing one (a
    // fault, another domain) ends as its own clause says, not as a fill.
    if (!world.faults.empty()) return;
    const Secret& domain = hsm->auth == AuthMode::kPed ? hsm->ped_domain
                           : c->domain                 ? *c->domain
                                                       : world.default_domain;
    if (!(domain == source->domain)) return;
    uint64_t need = kPartitionOverheadBytes;
    for (const Object& o : source->objects) {
      const bool all = !c->objects || c->objects->all;
      const auto& asked = all ? std::vector<uint32_t>{} : c->objects->handles;
      if (all || std::find(asked.begin(), asked.end(), o.handle) != asked.end()) {
        need += o.value.size();
      }
    }
    const uint64_t free = hsm->free_bytes();
    if (need > free) return;
    hidden_ = free - need;
    hsm->capacity -= hidden_;
    hsm_ = hsm;
  }
  // A backup never adds or removes slots, so the pointer holds.
  void After(World&, Session&, const std::string&, Result&, std::vector<std::string>&) override {
    if (hsm_ != nullptr) hsm_->capacity += hidden_;
    hsm_ = nullptr;
    hidden_ = 0;
  }

 private:
  BackupHsm* hsm_ = nullptr;
  uint64_t hidden_ = 0;
};

}  // namespace

std::unique_ptr<ProtocolHook> MakeG5NeverGrows() { return std::make_unique<G5NeverGrows>(); }

}  // namespace hsmbackup::mutants
