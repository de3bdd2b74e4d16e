// BackupUndo (FULL-REVERT's undo log) against the rule it replaces: after
// any sequence of the changes a backup makes, Revert leaves the backup HSM
// equal to a copy taken before them.
#include "engine/backup_undo.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <string>

#include "support/test_support.h"
#include "support/worlds.h"

namespace hsmbackup::engine {
namespace {

using ::hsmbackup::testing::MakeBackupHsm;
using ::hsmbackup::testing::MakeObject;

BackupObject Stored(uint32_t handle) {
  BackupObject b;
  b.object = MakeObject(handle);
  b.size = b.object.value.size();
  return b;
}

BackupPartition Partition(const std::string& name, uint32_t first, size_t count) {
  BackupPartition p;
  p.name = name;
  p.domain = Secret("domain-" + name);
  p.password = Secret("pw-" + name);
  p.allocated = 1 << 20;
  for (size_t i = 0; i < count; ++i) p.objects.push_back(Stored(first + static_cast<uint32_t>(i)));
  return p;
}

RC_GTEST_PROP(BackupUndo, RevertRestoresTheHsmExactly, ()) {
  BackupHsm hsm = MakeBackupHsm();
  const size_t partitions = *rc::gen::inRange<size_t>(0, 4);
  for (size_t i = 0; i < partitions; ++i) {
    hsm.partitions.push_back(
        Partition("p" + std::to_string(i), 1000 * (static_cast<uint32_t>(i) + 1),
                  *rc::gen::inRange<size_t>(0, 6)));
  }
  hsm.handles.queue = {7, 9};
  hsm.handles.next = 5000;
  const BackupHsm before = hsm;
  BackupUndo undo(hsm);

  // Like a backup: maybe -replace one partition, then create one or touch one.
  const bool replace = partitions > 0 && *rc::gen::arbitrary<bool>();
  const bool create = replace || partitions == 0 || *rc::gen::arbitrary<bool>();
  if (replace) undo.Removing(*rc::gen::inRange<size_t>(0, partitions));
  BackupPartition* part = nullptr;
  if (create) {
    hsm.partitions.push_back(Partition("new", 9000, 0));
    undo.Created();
    part = &hsm.partitions.back();
  } else {
    part = &hsm.partitions[*rc::gen::inRange<size_t>(0, hsm.partitions.size())];
    undo.Touching(*part);
    part->allocated += 4096;          // RESIZE-GRAB-ALL
    part->user_lockout.failures = 0;  // a successful login
    part->smk_blob = {1, 2, 3};       // a V1 SMK
  }
  const size_t steps = *rc::gen::inRange<size_t>(0, 8);
  for (size_t s = 0; s < steps; ++s) {
    hsm.handles.next++;
    if (!part->objects.empty() && *rc::gen::arbitrary<bool>()) {  // OPT-APPEND-REPLACE
      const size_t at = *rc::gen::inRange<size_t>(0, part->objects.size());
      undo.Overwriting(*part, at);
      part->objects[at] = Stored(8000 + static_cast<uint32_t>(s));
    } else {
      part->objects.push_back(Stored(8000 + static_cast<uint32_t>(s)));
    }
  }
  if (!hsm.handles.queue.empty()) hsm.handles.queue.erase(hsm.handles.queue.begin());

  undo.Revert();
  RC_ASSERT(hsm == before);
}

}  // namespace
}  // namespace hsmbackup::engine
