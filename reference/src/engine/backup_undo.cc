#include "engine/backup_undo.h"

#include <iterator>

namespace hsmbackup::engine {

void BackupUndo::Removing(size_t index) {
  removed_.emplace(index, std::move(hsm_.partitions[index]));
  hsm_.partitions.erase(hsm_.partitions.begin() + static_cast<std::ptrdiff_t>(index));
}

void BackupUndo::Touching(BackupPartition& part) {
  touched_ = static_cast<size_t>(&part - hsm_.partitions.data());
  objects_before_ = part.objects.size();
  // Every field but the objects: they are set aside for the copy and put
  // back, so the copy costs the partition's fields, not its contents.
  std::vector<BackupObject> objects = std::move(part.objects);
  fields_.emplace(part);
  part.objects = std::move(objects);
}

void BackupUndo::Overwriting(BackupPartition& part, size_t position) {
  overwritten_.emplace_back(position, std::move(part.objects[position]));
}

void BackupUndo::Revert() {
  if (created_) {
    hsm_.partitions.pop_back();
  } else if (touched_) {
    BackupPartition& part = hsm_.partitions[*touched_];
    // Latest first, so an object overwritten twice gets its first value back.
    for (auto it = overwritten_.rbegin(); it != overwritten_.rend(); ++it) {
      part.objects[it->first] = std::move(it->second);
    }
    part.objects.erase(part.objects.begin() + static_cast<std::ptrdiff_t>(objects_before_),
                       part.objects.end());
    std::vector<BackupObject> objects = std::move(part.objects);
    part = std::move(*fields_);
    part.objects = std::move(objects);
  }
  if (removed_) {
    hsm_.partitions.insert(hsm_.partitions.begin() + static_cast<std::ptrdiff_t>(removed_->first),
                           std::move(removed_->second));
  }
  hsm_.handles = std::move(handles_);
}

}  // namespace hsmbackup::engine
