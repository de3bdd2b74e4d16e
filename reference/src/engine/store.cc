#include "engine/store.h"

#include <utility>

namespace hsmbackup::engine {

BackupObject& StoreReceived(BackupPartition& part, std::optional<size_t> same,
                            const Object& source, std::optional<Object>&& opened, Bytes& wire,
                            uint32_t handle) {
  // Overwritten in place rather than erased and appended: positions stay
  // valid for the caller's OUID index, and the old object's secret value
  // is wiped by the assignment.
  BackupObject* stored = nullptr;
  if (same) {
    stored = &part.objects[*same];
    *stored = BackupObject{};
  } else {
    stored = &part.objects.emplace_back();
  }
  if (opened) {
    stored->object = std::move(*opened);
  } else {
    stored->sealed = std::move(wire);
    stored->object.ouid = source.ouid;
    stored->object.label = source.label;
  }
  stored->object.handle = handle;
  stored->size = source.value.size();
  return *stored;
}

}  // namespace hsmbackup::engine
