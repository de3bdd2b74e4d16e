// Backup path: sizing and Backup HSM 7 re-sizing (SIZE-PRECHECK, RESIZE-*).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/test_support.h"
#include "support/worlds.h"

namespace hsmbackup {
namespace {

using namespace hsmbackup::testing;  // NOLINT(build/namespaces)
using Lines = std::vector<std::string>;

// Three objects of 100, 200 and 300 bytes: a backup of all needs 10248 by
// the precheck (source sizes) and takes kStored on a Backup HSM 7
// (PROJ-SIZE-MODEL: each object kObj more).
constexpr uint64_t kNeed = kPartitionOverheadBytes + 600;
constexpr uint64_t kObj = kBackupHsm7ObjectOverheadBytes;
constexpr uint64_t kObjG5 = kBackupHsmG5ObjectOverheadBytes;
constexpr uint64_t kStored = kNeed + 3 * kObj;

UserPartition SizedUser(PartitionKind kind = PartitionKind::kV0) {
  UserPartition u = MakeUser(kind, 0);
  u.objects = {MakeObject(100, ObjectClass::kSecretKey, 100),
               MakeObject(101, ObjectClass::kSecretKey, 200),
               MakeObject(102, ObjectClass::kSecretKey, 300)};
  return u;
}

World SizedWorld(uint64_t capacity, BackupModel model = BackupModel::kBackupHsm7,
                 PartitionKind kind = PartitionKind::kV0) {
  BackupHsm h = MakeBackupHsm(model);
  h.capacity = capacity;
  return MakeWorld(SizedUser(kind), std::move(h));
}

std::string NamedLine(const std::string& name, const std::string& extra = "") {
  BackupArgs a;
  a.partition = name;
  a.extra = extra;
  return BackupLineFrom(a);
}

// StoredSize is what the sized backup takes on a backup HSM of `model`
// (PROJ-SIZE-MODEL), measured on a roomy one.
uint64_t StoredSize(BackupModel model, PartitionKind kind) {
  World w = SizedWorld(1 << 20, model, kind);
  Runner r(&w);
  r.LoginCo();
  EXPECT_TRUE(Succeeded(r, r.Do(BackupLine())));
  const BackupPartition& p = HsmAt(w).partitions.at(0);
  EXPECT_EQ(p.allocated, p.used(model)) << "shrunk (Backup HSM 7) or grown (G5) to fit";
  return p.used(model);
}

TEST(BackupSizing, ObjectsTakeMoreRoomThanTheirSourceSizes) {
  HSMB_CLAUSE("PROJ-SIZE-MODEL", "RESIZE-GRAB-ALL");
  for (BackupModel model : {BackupModel::kBackupHsm7, BackupModel::kBackupHsmG5}) {
    EXPECT_EQ(StoredSize(model, PartitionKind::kV0), kNeed + 3 * ObjectOverheadBytes(model));
    EXPECT_EQ(StoredSize(model, PartitionKind::kPre77), kNeed + 3 * ObjectOverheadBytes(model));
    // A V1 object is stored as its sealed blob, which is larger than its value.
    EXPECT_GT(StoredSize(model, PartitionKind::kV1), kNeed + 3 * ObjectOverheadBytes(model));
  }
  EXPECT_EQ(ObjectOverheadBytes(BackupModel::kBackupHsm7), kBackupHsm7ObjectOverheadBytes);
  EXPECT_EQ(ObjectOverheadBytes(BackupModel::kBackupHsmG5), kBackupHsmG5ObjectOverheadBytes);
}

// The seed's story with no fault switch: the precheck compares the source's
// sizes, passes, and then the partition fills part way: everything reverts.
TEST(BackupSizing, PrecheckPassesOnSourceSizesThenThePartitionFillsAndReverts) {
  HSMB_CLAUSE("SIZE-PRECHECK", "FULL-REVERT", "PROJ-SIZE-MODEL");
  for (BackupModel model : {BackupModel::kBackupHsm7, BackupModel::kBackupHsmG5}) {
    for (PartitionKind kind : {PartitionKind::kPre77, PartitionKind::kV0, PartitionKind::kV1}) {
      const uint64_t stored = StoredSize(model, kind);
      for (uint64_t capacity : {kNeed, stored - 1}) {
        World w = SizedWorld(capacity, model, kind);
        Runner r(&w);
        r.LoginCo();
        const BackupHsm before = HsmAt(w);
        Result res = r.Do(BackupLine());
        EXPECT_TRUE(FailedWith(r, res, Ckr::kContainerObjectStorageFull)) << capacity;
        EXPECT_TRUE(HsmAt(w) == before) << "the backup HSM is exactly as it was";
      }
      World w = SizedWorld(stored, model, kind);  // room for what the objects take
      Runner r(&w);
      r.LoginCo();
      ASSERT_TRUE(Succeeded(r, r.Do(BackupLine())));
      EXPECT_EQ(HsmAt(w).partitions.at(0).objects.size(), 3u);
      EXPECT_EQ(HsmAt(w).free_bytes(), 0u);
    }
  }
}

TEST(BackupSizing, OneByteShortIsCancelledBeforeAnything) {
  HSMB_CLAUSE("SIZE-PRECHECK", "AUTH-SO");
  for (BackupModel model : {BackupModel::kBackupHsm7, BackupModel::kBackupHsmG5}) {
    for (PartitionKind kind : {PartitionKind::kPre77, PartitionKind::kV0, PartitionKind::kV1}) {
      World w = SizedWorld(kNeed - 1, model, kind);
      Runner r(&w);
      r.LoginCo();
      const World before = w;
      Result res = r.Do(BackupLine());
      EXPECT_TRUE(FailedWith(r, res, Ckr::kHsmStorageFull));
      EXPECT_EQ(r.last(), (Lines{"Not enough free space on the backup HSM on slot 2: the backup "
                                 "needs 10248 bytes and 10247 are free. The backup was cancelled.",
                                 "", "Command Result : 0x8000002A (CKR_HSM_STORAGE_FULL)"}));
      EXPECT_EQ(w, before);
      // The SO login is not even attempted: a wrong SO password costs nothing.
      BackupArgs a;
      a.sopassword = "wrongSOpwd";
      EXPECT_TRUE(FailedWith(r, r.Do(BackupLineFrom(a)), Ckr::kHsmStorageFull));
      EXPECT_EQ(HsmAt(w).so_lockout.failures, 0u);
      EXPECT_EQ(w, before);
    }
  }
}

TEST(BackupSizing, PrecheckCountsOnlyTheSelectedObjects) {
  HSMB_CLAUSE("SIZE-PRECHECK");
  World w = SizedWorld(kPartitionOverheadBytes + 300 + 2 * kObj);
  Runner r(&w);
  r.LoginCo();
  EXPECT_TRUE(FailedWith(r, r.Do(BackupLine("-objects 100,101,102")), Ckr::kHsmStorageFull));
  // 500 source bytes pass the precheck; with their overhead they fill it.
  EXPECT_TRUE(
      FailedWith(r, r.Do(BackupLine("-objects 101,102")), Ckr::kContainerObjectStorageFull));
  ASSERT_TRUE(Succeeded(r, r.Do(BackupLine("-objects 100,101"))));
  EXPECT_EQ(HsmAt(w).free_bytes(), 0u);
}

TEST(BackupSizing, PrecheckSeesSpaceOtherBackupsTake) {
  HSMB_CLAUSE("SIZE-PRECHECK");
  World w = SizedWorld(2 * kStored);
  Runner r(&w);
  r.LoginCo();
  ASSERT_TRUE(Succeeded(r, r.Do(NamedLine("first"))));
  ASSERT_EQ(HsmAt(w).free_bytes(), kStored);
  ASSERT_TRUE(Succeeded(r, r.Do(NamedLine("second"))));
  EXPECT_EQ(HsmAt(w).free_bytes(), 0u);
  const World before = w;
  EXPECT_TRUE(FailedWith(r, r.Do(NamedLine("third", "-objects 100")), Ckr::kHsmStorageFull));
  EXPECT_EQ(w, before);
}

// SIZE-PRECHECK on -append counts the new objects' source sizes against
// the free space and the partition's slack; what they take on the backup
// HSM may still fill it (FULL-REVERT), with no fault.
TEST(BackupSizing, AppendThatPassesThePrecheckCanStillFill) {
  HSMB_CLAUSE("SIZE-PRECHECK", "FULL-REVERT", "PROJ-SIZE-MODEL");
  World w = SizedWorld(kNeed + 2 * kObj);  // 300 + kObj short of kStored
  Runner r(&w);
  r.LoginCo();
  ASSERT_TRUE(Succeeded(r, r.Do(BackupLine("-objects 100,101"))));
  ASSERT_EQ(HsmAt(w).free_bytes(), 300u);
  const BackupHsm before = HsmAt(w);
  EXPECT_TRUE(FailedWith(r, r.Do(BackupLine("-append")), Ckr::kContainerObjectStorageFull));
  EXPECT_TRUE(HsmAt(w) == before);
}

TEST(BackupSizing, AppendNeedsRoomForTheNewObjectsOnly) {
  HSMB_CLAUSE("SIZE-PRECHECK", "RESIZE-SHRINK");
  {
    World w = SizedWorld(kStored);
    Runner r(&w);
    r.LoginCo();
    ASSERT_TRUE(Succeeded(r, r.Do(BackupLine("-objects 100,101"))));
    ASSERT_EQ(HsmAt(w).free_bytes(), 300u + kObj);
    ASSERT_TRUE(Succeeded(r, r.Do(BackupLine("-append"))));  // needs only object 102
    EXPECT_EQ(HsmAt(w).partitions.at(0).objects.size(), 3u);
    EXPECT_EQ(HsmAt(w).partitions.at(0).allocated, kStored);
  }
  {
    World w = SizedWorld(kNeed + 2 * kObj - 1);
    Runner r(&w);
    r.LoginCo();
    ASSERT_TRUE(Succeeded(r, r.Do(BackupLine("-objects 100,101"))));
    const World before = w;
    Result res = r.Do(BackupLine("-append"));
    EXPECT_TRUE(FailedWith(r, res, Ckr::kHsmStorageFull));
    EXPECT_EQ(res.status.message(),
              "Not enough free space on the backup HSM on slot 2: the backup needs 300 bytes and "
              "299 are free. The backup was cancelled.");
    EXPECT_EQ(w, before);
  }
}

TEST(BackupSizing, ReplaceMayReuseTheOldPartitionsSpace) {
  HSMB_CLAUSE("SIZE-PRECHECK");
  World w = SizedWorld(kStored);
  Runner r(&w);
  r.LoginCo();
  ASSERT_TRUE(Succeeded(r, r.Do(BackupLine())));
  ASSERT_EQ(HsmAt(w).free_bytes(), 0u);
  ASSERT_TRUE(Succeeded(r, r.Do(BackupLine("-replace"), {"proceed"})));
  EXPECT_EQ(HsmAt(w).partitions.size(), 1u);
  EXPECT_EQ(HsmAt(w).partitions.at(0).allocated, kStored);
}

TEST(BackupSizing, Hsm7GivesANewPartitionAllFreeSpace) {
  HSMB_CLAUSE("RESIZE-GRAB-ALL", "RESIZE-FAIL");
  World w = SizedWorld(1 << 20);
  Runner r(&w);
  r.LoginCo();
  ASSERT_TRUE(Succeeded(r, r.Do(NamedLine("other", "-objects 100"))));
  const uint64_t free_before = HsmAt(w).free_bytes();
  ASSERT_EQ(free_before, (1u << 20) - kPartitionOverheadBytes - 100 - kObj);
  // With the shrink failing, the allocation it had during the backup stays.
  w.faults.push_back(ShrinkFailFault());
  EXPECT_TRUE(FailedWith(r, r.Do(BackupLine()), Ckr::kDeviceError));
  const BackupHsm& hsm = HsmAt(w);
  ASSERT_EQ(hsm.partitions.size(), 2u);
  EXPECT_EQ(hsm.partitions[1].name, "bk");
  EXPECT_EQ(hsm.partitions[1].allocated, free_before);
  EXPECT_EQ(hsm.partitions[0].allocated, kPartitionOverheadBytes + 100 + kObj);  // untouched
  EXPECT_EQ(hsm.free_bytes(), 0u);
}

TEST(BackupSizing, Hsm7AppendAlsoGrabsAllFreeSpace) {
  HSMB_CLAUSE("RESIZE-GRAB-ALL", "RESIZE-SHRINK");
  World w = SizedWorld(1 << 20);
  Runner r(&w);
  r.LoginCo();
  ASSERT_TRUE(Succeeded(r, r.Do(BackupLine("-objects 100"))));
  w.faults.push_back(ShrinkFailFault());
  EXPECT_TRUE(FailedWith(r, r.Do(BackupLine("-append")), Ckr::kDeviceError));
  EXPECT_EQ(HsmAt(w).partitions.at(0).allocated, 1u << 20);
  w.faults.clear();
  ASSERT_TRUE(Succeeded(r, r.Do(BackupLine("-append"))));  // nothing new; shrinks again
  EXPECT_EQ(HsmAt(w).partitions.at(0).allocated, kStored);
}

// A G5 partition starts at the precheck's figure and grows into free space
// as its objects need more (they take kObjG5 each beyond their value); it
// never shrinks.
TEST(BackupSizing, G5PartitionsStartAtTheNeedGrowAsTheyFillAndNeverShrink) {
  HSMB_CLAUSE("RESIZE-GRAB-ALL", "RESIZE-SHRINK", "PROJ-SIZE-MODEL");
  World w = SizedWorld(1 << 20, BackupModel::kBackupHsmG5);
  w.faults.push_back(ShrinkFailFault());  // no re-size on a G5, so no failure
  Runner r(&w);
  r.LoginCo();
  ASSERT_TRUE(Succeeded(r, r.Do(BackupLine("-objects 100,101"))));
  EXPECT_EQ(HsmAt(w).partitions.at(0).allocated, kPartitionOverheadBytes + 300 + 2 * kObjG5);
  ASSERT_TRUE(Succeeded(r, r.Do(BackupLine("-append"))));
  EXPECT_EQ(HsmAt(w).partitions.at(0).allocated, kNeed + 3 * kObjG5);
  EXPECT_EQ(HsmAt(w).free_bytes(), (1u << 20) - kNeed - 3 * kObjG5);
}

TEST(BackupSizing, Hsm7ShrinksToWhatTheBackupUses) {
  HSMB_CLAUSE("RESIZE-SHRINK");
  World w = SizedWorld(1 << 20);
  Runner r(&w);
  r.LoginCo();
  ASSERT_TRUE(Succeeded(r, r.Do(NamedLine("a", "-objects 102"))));
  ASSERT_TRUE(Succeeded(r, r.Do(NamedLine("b"))));
  ASSERT_TRUE(Succeeded(r, r.Do(NamedLine("a", "-append -objects 100"))));
  const BackupHsm& hsm = HsmAt(w);
  ASSERT_EQ(hsm.partitions.size(), 2u);
  EXPECT_EQ(hsm.partitions[0].allocated, kPartitionOverheadBytes + 400 + 2 * kObj);
  EXPECT_EQ(hsm.partitions[1].allocated, kStored);
  for (const BackupPartition& p : hsm.partitions) EXPECT_EQ(p.allocated, p.used(BackupModel::kBackupHsm7));
  EXPECT_EQ(hsm.free_bytes(), hsm.capacity - SumAllocated(hsm));
  EXPECT_EQ(hsm.free_bytes(), (1u << 20) - 2 * kPartitionOverheadBytes - 1000 - 5 * kObj);
}

TEST(BackupSizing, AFailedReSizeBlocksNewBackupsUntilDeleted) {
  HSMB_CLAUSE("RESIZE-FAIL", "OUT-ERROR");
  World w = SizedWorld(1 << 20);
  w.faults.push_back(ShrinkFailFault());
  Runner r(&w);
  r.LoginCo();
  const UserPartition src = UserAt(w);
  Result res = r.Do(BackupLine());
  EXPECT_TRUE(FailedWith(r, res, Ckr::kDeviceError));
  const Lines& l = r.last();
  ASSERT_GE(l.size(), 10u);
  // No "Backup Complete." before a failed re-size: the backup is not.
  EXPECT_EQ(Lines(l.end() - 10, l.end()),
            (Lines{"Cloned object 102 to partition bk (new handle 3).", "",
                   "3 objects have been backed up to partition bk", "on slot 2.", "",
                   "Re-sizing the backup partition bk failed: all the free space on the backup HSM "
                   "stays assigned to it, and no new backup can be made until it is deleted with "
                   "'partition archive delete'.",
                   "", "The objects are backed up, but the re-size failed.", "",
                   "Command Result : 0x00000030 (CKR_DEVICE_ERROR)"}));
  {
    const BackupHsm& hsm = HsmAt(w);
    ASSERT_EQ(hsm.partitions.size(), 1u);
    EXPECT_EQ(hsm.partitions[0].objects.size(), 3u);  // the objects are kept
    EXPECT_EQ(hsm.partitions[0].allocated, 1u << 20);
    EXPECT_EQ(hsm.free_bytes(), 0u);
  }
  EXPECT_EQ(UserAt(w), src);

  // No new backup fits now, not even one object.
  const World blocked = w;
  Result again = r.Do(NamedLine("bk2", "-objects 100"));
  EXPECT_TRUE(FailedWith(r, again, Ckr::kHsmStorageFull));
  EXPECT_EQ(again.status.message(),
            "Not enough free space on the backup HSM on slot 2: the backup needs 9748 bytes and 0 "
            "are free. The backup was cancelled.");
  EXPECT_EQ(w, blocked);

  // The documented way out: delete that backup, then back up again.
  ASSERT_TRUE(Succeeded(r, r.Do(ArchiveDeleteLine("bk"))));
  EXPECT_EQ(HsmAt(w).free_bytes(), 1u << 20);
  w.faults.clear();  // the unlikely event is over
  ASSERT_TRUE(Succeeded(r, r.Do(NamedLine("bk2"))));
  EXPECT_EQ(HsmAt(w).partitions.at(0).allocated, kStored);
  EXPECT_EQ(HsmAt(w).free_bytes(), (1u << 20) - kStored);
}

}  // namespace
}  // namespace hsmbackup
