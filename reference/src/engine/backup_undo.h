// FULL-REVERT without a copy of the backup HSM: an undo log of what one
// backup changes, so a revert costs what the backup did, not what the HSM
// already held (appending a few objects to a huge backup no longer copies
// it, nor its key bytes).
#ifndef HSMBACKUP_SRC_ENGINE_BACKUP_UNDO_H_
#define HSMBACKUP_SRC_ENGINE_BACKUP_UNDO_H_

#include <cstddef>
#include <optional>
#include <utility>
#include <vector>

#include "hsmbackup/model.h"

namespace hsmbackup::engine {

// BackupUndo records, as a backup makes them, the only changes a backup
// makes to a backup HSM; Revert then puts the HSM back exactly as it was
// when the log was made (operator== holds). Usage, in this order:
//   BackupUndo undo(hsm);               // after the SO login
//   undo.Removing(index);               // before -replace erases partition `index`
//   undo.Created();                     // after a new partition is pushed back
//   undo.Touching(hsm.partitions[i]);   // or: before an existing one changes
//   undo.Overwriting(part, position);   // before an object is overwritten in place
//   undo.Revert();
// Objects appended to the touched partition need no record. The log keeps
// the HSM by reference: it must outlive no change to `hsm` made elsewhere.
class BackupUndo {
 public:
  explicit BackupUndo(BackupHsm& hsm) : hsm_(hsm), handles_(hsm.handles) {}
  BackupUndo(const BackupUndo&) = delete;
  BackupUndo& operator=(const BackupUndo&) = delete;

  // Removing moves partition `index` out of the HSM into the log.
  void Removing(size_t index);
  // Created records that the last partition is new (Revert drops it).
  void Created() { created_ = true; }
  // Touching records an existing partition's fields and object count;
  // `part` is left as it was.
  void Touching(BackupPartition& part);
  // Overwriting moves the object at `position` of the touched (or created)
  // partition into the log; the caller then overwrites the moved-from slot
  // whole (StoreReceived does).
  void Overwriting(BackupPartition& part, size_t position);

  void Revert();

 private:
  BackupHsm& hsm_;
  HandleAllocator handles_;
  std::optional<std::pair<size_t, BackupPartition>> removed_;
  bool created_ = false;
  std::optional<size_t> touched_;              // index of the existing partition
  std::optional<BackupPartition> fields_;      // its fields, without objects
  size_t objects_before_ = 0;
  std::vector<std::pair<size_t, BackupObject>> overwritten_;  // in the order made
};

}  // namespace hsmbackup::engine

#endif  // HSMBACKUP_SRC_ENGINE_BACKUP_UNDO_H_
