// stores-v1-plaintext breaks CLONE-OPAQUE-V1: the backup HSM holds V1
// objects decrypted (class, attributes and value readable) instead of as
// blobs sealed under the partition's SMK. A real implementation gets this
// wrong by unwrapping V1 objects to plaintext on the way, as it does for V0,
// and keeping the sealed blob only for restore.
//
// Built after every backup: each opaque object on a V1-origin backup
// partition gets the plaintext of the source object with its OUID, beside
// the sealed blob (which restore still uses).
#include "helpers.h"
#include "mutant.h"

namespace hsmbackup::mutants {
namespace {

const Object* FindByOuid(const World& world, const Ouid& ouid) {
  for (const Slot& s : world.slots) {
    if (!s.user || s.user->kind != PartitionKind::kV1) continue;
    for (const Object& o : s.user->objects) {
      if (o.ouid == ouid) return &o;
    }
  }
  return nullptr;
}

class StoresV1Plaintext final : public ProtocolHook {
 public:
  void After(World& world, Session&, const std::string& line, Result&,
             std::vector<std::string>&) override {
    if (!Is(Parse(line), Verb::kArchiveBackup)) return;
    for (Slot& s : world.slots) {
      if (!s.backup) continue;
      for (BackupPartition& p : s.backup->partitions) {
        if (p.origin != PartitionKind::kV1) continue;
        for (BackupObject& b : p.objects) {
          const Object* plain = b.opaque() ? FindByOuid(world, b.object.ouid) : nullptr;
          if (plain == nullptr) continue;
          const uint32_t handle = b.object.handle;
          b.object = *plain;
          b.object.handle = handle;
          b.sealed.clear();
        }
      }
    }
  }
};

}  // namespace

std::unique_ptr<ProtocolHook> MakeStoresV1Plaintext() {
  return std::make_unique<StoresV1Plaintext>();
}

}  // namespace hsmbackup::mutants
