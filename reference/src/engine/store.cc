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
  Bytes sealed;
  if (!opened) sealed.assign(wire.begin(), wire.end());
  CompleteStored(*stored, source, opened.has_value(), &sealed, handle);
  return *stored;
}

void CompleteStored(BackupObject& stored, const Object& source, bool opened, Bytes* wire,
                    uint32_t handle) {
  if (!opened) {
    // An exactly sized buffer is taken rather than copied: the sender's
    // next blob needs a new one either way (the copy would be it), and
    // filling that costs no more than copying this one would.
    if (wire->size() == wire->capacity()) {
      stored.sealed.swap(*wire);
      wire->clear();
    } else {
      stored.sealed.assign(wire->begin(), wire->end());
    }
    stored.object.ouid = source.ouid;
    stored.object.label = source.label;
  }
  stored.object.handle = handle;
  stored.size = source.value.size();
}

}  // namespace hsmbackup::engine
