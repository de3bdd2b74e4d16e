#include "engine/store.h"

#include <utility>

namespace hsmbackup::engine {

BackupObject& StoreReceived(BackupPartition& part, std::optional<size_t> same,
                            const Object& source, std::optional<Object>&& opened, ByteSpan wire,
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
  if (opened) stored->object = std::move(*opened);
  CompleteStored(*stored, source, opened.has_value(), wire, handle);
  return *stored;
}

[[gnu::hot]] void CompleteStored(BackupObject& stored, const Object& source, bool opened,
                                 ByteSpan wire, uint32_t handle) {
  if (!opened) {
    // A copy into an exactly sized buffer, where moving the wire out would
    // leave the caller a new buffer to zero-fill for every blob.
    stored.sealed.assign(wire.begin(), wire.end());
    stored.object.ouid = source.ouid;
    stored.object.label = source.label;
  }
  stored.object.handle = handle;
  stored.size = source.value.size();
}

}  // namespace hsmbackup::engine
