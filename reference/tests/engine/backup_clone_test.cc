// Backup path: cloning object by object (CLONE-*).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "hsmbackup/blob.h"
#include "hsmbackup/crypto.h"
#include "support/test_support.h"
#include "support/worlds.h"

namespace hsmbackup {
namespace {

using namespace hsmbackup::testing;  // NOLINT(build/namespaces)
using Lines = std::vector<std::string>;

// A source whose objects differ in class, label, attributes and size.
UserPartition VariedUser(PartitionKind kind) {
  UserPartition u = MakeUser(kind, 0);
  u.objects = {MakeObject(70, ObjectClass::kPrivateKey, 1200, "rsa private"),
               MakeObject(69, ObjectClass::kPublicKey, 300, "rsa public"),
               MakeObject(53, ObjectClass::kSecretKey, 32, "aes"),
               MakeObject(54, ObjectClass::kCertificate, 900, ""),
               MakeObject(52, ObjectClass::kData, 1, "one byte")};
  u.objects[2].attributes.Set("CKA_EXTRACTABLE", "false");
  u.objects[3].attributes.clear();
  return u;
}

std::vector<uint32_t> Handles(const BackupPartition& p) {
  std::vector<uint32_t> out;
  for (const BackupObject& o : p.objects) out.push_back(o.object.handle);
  return out;
}

std::vector<Ouid> Ouids(const BackupPartition& p) {
  std::vector<Ouid> out;
  for (const BackupObject& o : p.objects) out.push_back(o.object.ouid);
  return out;
}

std::vector<Ouid> Ouids(const UserPartition& u, std::initializer_list<size_t> indices) {
  std::vector<Ouid> out;
  for (size_t i : indices) out.push_back(u.objects.at(i).ouid);
  return out;
}

TEST(BackupClone, OneLinePerObjectInSourceOrderWithAllocatorHandles) {
  HSMB_CLAUSE("CLONE-ONE-AT-A-TIME", "CLONE-STORE");
  for (PartitionKind kind : {PartitionKind::kPre77, PartitionKind::kV0, PartitionKind::kV1}) {
    World w = MakeWorld(VariedUser(kind), MakeBackupHsm());
    HsmAt(w).handles.queue = {40, 7};
    HsmAt(w).handles.next = 3;
    Runner r(&w);
    r.LoginCo();
    ASSERT_TRUE(Succeeded(r, r.Do(BackupLine())));
    const Lines& l = r.last();
    const auto at = std::find(l.begin(), l.end(), "Backing up objects...");
    ASSERT_NE(at, l.end());
    EXPECT_EQ(Lines(at + 1, at + 6), (Lines{"Cloned object 70 to partition bk (new handle 40).",
                                             "Cloned object 69 to partition bk (new handle 7).",
                                             "Cloned object 53 to partition bk (new handle 3).",
                                             "Cloned object 54 to partition bk (new handle 4).",
                                             "Cloned object 52 to partition bk (new handle 5)."}));
    const BackupHsm& hsm = HsmAt(w);
    EXPECT_EQ(Handles(hsm.partitions.at(0)), (std::vector<uint32_t>{40, 7, 3, 4, 5}));
    EXPECT_EQ(Ouids(hsm.partitions.at(0)), Ouids(UserAt(w), {0, 1, 2, 3, 4}));
    EXPECT_TRUE(hsm.handles.queue.empty());
    EXPECT_EQ(hsm.handles.next, 6u);
  }
}

// The line's middle is rewritten only where the source handle's length
// changes: lengths going up and down, repeated, and the longest.
TEST(BackupClone, EachLineIsRightWhateverTheHandlesLengths) {
  HSMB_CLAUSE("CLONE-ONE-AT-A-TIME");
  UserPartition u = MakeUser(PartitionKind::kV0, 0);
  for (uint32_t h : {7u, 4294967295u, 12u, 13u, 100000u, 5u}) {
    u.objects.push_back(MakeObject(h, ObjectClass::kSecretKey, 16, "k"));
  }
  World w = MakeWorld(std::move(u), MakeBackupHsm());
  HsmAt(w).handles.queue = {1000000000, 9};
  HsmAt(w).handles.next = 99;
  Runner r(&w);
  r.LoginCo();
  ASSERT_TRUE(Succeeded(r, r.Do(BackupLine())));
  const Lines& l = r.last();
  const auto at = std::find(l.begin(), l.end(), "Backing up objects...");
  ASSERT_NE(at, l.end());
  ASSERT_GE(l.end() - at, 7);
  EXPECT_EQ(Lines(at + 1, at + 7),
            (Lines{"Cloned object 7 to partition bk (new handle 1000000000).",
                   "Cloned object 4294967295 to partition bk (new handle 9).",
                   "Cloned object 12 to partition bk (new handle 99).",
                   "Cloned object 13 to partition bk (new handle 100).",
                   "Cloned object 100000 to partition bk (new handle 101).",
                   "Cloned object 5 to partition bk (new handle 102)."}));
}

TEST(BackupClone, HandlesInUseOnTheHsmAreSkipped) {
  HSMB_CLAUSE("CLONE-ONE-AT-A-TIME");
  World w = MakeWorld(MakeUser(PartitionKind::kV0, 3), MakeBackupHsm());
  HsmAt(w).handles.queue = {5};
  Runner r(&w);
  r.LoginCo();
  ASSERT_TRUE(Succeeded(r, r.Do(BackupLine())));
  EXPECT_EQ(Handles(HsmAt(w).partitions.at(0)), (std::vector<uint32_t>{5, 1, 2}));
  // A second backup: queued 2 and 5 are taken, so they are skipped.
  HsmAt(w).handles.queue = {2, 9, 5};
  HsmAt(w).handles.next = 4;
  BackupArgs a;
  a.partition = "bk2";
  ASSERT_TRUE(Succeeded(r, r.Do(BackupLineFrom(a))));
  EXPECT_EQ(Handles(HsmAt(w).partitions.at(1)), (std::vector<uint32_t>{9, 4, 6}));
}

TEST(BackupClone, Pre77AndV0ObjectsAreStoredVerifiedAndEqualToTheSource) {
  HSMB_CLAUSE("CLONE-VERIFY", "CLONE-STORE");
  for (PartitionKind kind : {PartitionKind::kPre77, PartitionKind::kV0}) {
    World w = MakeWorld(VariedUser(kind), MakeBackupHsm());
    Runner r(&w);
    r.LoginCo();
    ASSERT_TRUE(Succeeded(r, r.Do(BackupLine())));
    const BackupPartition& p = HsmAt(w).partitions.at(0);
    const UserPartition& src = UserAt(w);
    ASSERT_EQ(p.objects.size(), src.objects.size());
    EXPECT_EQ(p.origin, kind);
    EXPECT_EQ(p.source_label, "src");
    EXPECT_TRUE(p.smk_blob.empty());
    for (size_t i = 0; i < p.objects.size(); ++i) {
      const BackupObject& b = p.objects[i];
      SCOPED_TRACE(b.object.label);
      ASSERT_FALSE(b.opaque());
      EXPECT_TRUE(b.sealed.empty());
      EXPECT_EQ(b.object.ouid, src.objects[i].ouid);
      EXPECT_EQ(b.object.label, src.objects[i].label);
      EXPECT_EQ(b.size, src.objects[i].value.size());
      Object expected = src.objects[i];
      expected.handle = b.object.handle;
      EXPECT_EQ(b.object, expected);  // class, attributes, value, OUID, label
      EXPECT_EQ(ComputeFingerprint(b.object), ComputeFingerprint(src.objects[i]));
    }
  }
}

TEST(BackupClone, V1ObjectsStayOpaqueUnderTheSmk) {
  HSMB_CLAUSE("CLONE-OPAQUE-V1", "CLONE-STORE");
  World w = MakeWorld(VariedUser(PartitionKind::kV1), MakeBackupHsm());
  Runner r(&w);
  r.LoginCo();
  ASSERT_TRUE(Succeeded(r, r.Do(BackupLine())));
  const BackupPartition& p = HsmAt(w).partitions.at(0);
  const UserPartition& src = UserAt(w);
  const SmkId smk_id = ComputeSmkId(*src.smk);
  ASSERT_EQ(p.objects.size(), src.objects.size());
  EXPECT_EQ(p.origin, PartitionKind::kV1);
  for (size_t i = 0; i < p.objects.size(); ++i) {
    const BackupObject& b = p.objects[i];
    SCOPED_TRACE(b.object.label);
    EXPECT_TRUE(b.opaque());
    EXPECT_EQ(b.object.ouid, src.objects[i].ouid);
    EXPECT_EQ(b.object.label, src.objects[i].label);
    EXPECT_EQ(b.size, src.objects[i].value.size());
    ASSERT_FALSE(b.sealed.empty());
    if (src.objects[i].value.size() >= 8) {  // a 1-byte value could occur by chance
      EXPECT_FALSE(ContainsBytes(b.sealed, src.objects[i].value.secret_bytes()));
    }
    StatusOr<CloneBlob> blob = ParseBlob(b.sealed);
    ASSERT_TRUE(blob.ok()) << blob.status().ToString();
    EXPECT_EQ(blob->kind, BlobKind::kSmkObject);
    EXPECT_EQ(blob->source_kind, PartitionKind::kV1);
    EXPECT_EQ(blob->key_id, smk_id);
    EXPECT_EQ(blob->ouid, src.objects[i].ouid);
  }
  // The SMK came along, sealed under the domain, never in the clear.
  ASSERT_FALSE(p.smk_blob.empty());
  EXPECT_FALSE(ContainsBytes(p.smk_blob, src.smk->secret_bytes()));
  StatusOr<CloneBlob> smk = ParseBlob(p.smk_blob);
  ASSERT_TRUE(smk.ok());
  EXPECT_EQ(smk->kind, BlobKind::kSmk);
  EXPECT_EQ(smk->key_id, smk_id);
  // Contents show only OUID and label for the blobs.
  ASSERT_TRUE(Succeeded(r, r.Do(ArchiveContentsLine())));
  EXPECT_NE(r.LastText().find("SKS blob (opaque, sealed under the SMK)"), std::string::npos);
  EXPECT_EQ(r.LastText().find("Private Key"), std::string::npos);
}

TEST(BackupClone, StoredObjectsShowInArchiveContents) {
  HSMB_CLAUSE("CLONE-STORE");
  World w = MakeWorld(VariedUser(PartitionKind::kV0), MakeBackupHsm());
  Runner r(&w);
  r.LoginCo();
  ASSERT_TRUE(Succeeded(r, r.Do(BackupLine())));
  ASSERT_TRUE(Succeeded(r, r.Do(ArchiveContentsLine())));
  const Lines& l = r.last();
  const BackupObject& first = HsmAt(w).partitions.at(0).objects.at(0);
  ASSERT_GE(l.size(), 7u);
  EXPECT_EQ(l[0], "Logging into the container bk on slot 2 as the user.");
  EXPECT_EQ(Lines(l.begin() + 2, l.begin() + 7),
            (Lines{"Label:           rsa private", "Handle:          1",
                   "Object UID:      " + first.object.ouid.ToHex(), "Object Type:     Private Key",
                   "Size:            1200"}));
  EXPECT_EQ(l.at(l.size() - 3), "Number of objects: 5");
}

TEST(BackupClone, AFailedVerificationDiscardsThatObjectAndReportsIt) {
  HSMB_CLAUSE("CLONE-DISCARD", "CLONE-CONTINUE-PRE77");
  World w = MakeWorld(MakeUser(PartitionKind::kPre77, 3), MakeBackupHsm());
  w.faults.push_back(VerifyFailFault(101));
  Runner r(&w);
  r.LoginCo();
  const UserPartition src = UserAt(w);
  Result res = r.Do(BackupLine());
  EXPECT_TRUE(FailedWith(r, res, Ckr::kFailedToCloneAnObject));
  const Lines& l = r.last();
  const auto at = std::find(l.begin(), l.end(), "Backing up objects...");
  ASSERT_NE(at, l.end());
  EXPECT_EQ(Lines(at + 1, l.end()),
            (Lines{"Cloned object 100 to partition bk (new handle 1).",
                   "Failed to clone object 101 to partition bk (CKR_FAILED_TO_CLONE_AN_OBJECT).",
                   "Cloned object 102 to partition bk (new handle 2).", "",
                   "2 objects have been backed up to partition bk", "on slot 2.", "",
                   "1 object could not be backed up; the first failure was "
                   "CKR_FAILED_TO_CLONE_AN_OBJECT.",
                   "", "Command Result : 0x80000106 (CKR_FAILED_TO_CLONE_AN_OBJECT)"}));
  const BackupPartition& p = HsmAt(w).partitions.at(0);
  EXPECT_EQ(Ouids(p), Ouids(src, {0, 2}));
  EXPECT_EQ(Handles(p), (std::vector<uint32_t>{1, 2}));  // no handle spent on the discard
  EXPECT_EQ(HsmAt(w).handles.next, 3u);
  EXPECT_EQ(UserAt(w), src);
}

TEST(BackupClone, AFaultOnAnotherSlotDoesNotApply) {
  HSMB_CLAUSE("CLONE-DISCARD");
  World w = MakeWorld(MakeUser(PartitionKind::kV0, 3), MakeBackupHsm());
  Fault f = VerifyFailFault(101);
  f.slot = 3;
  w.faults.push_back(f);
  Runner r(&w);
  r.LoginCo();
  EXPECT_TRUE(Succeeded(r, r.Do(BackupLine())));
  EXPECT_EQ(HsmAt(w).partitions.at(0).objects.size(), 3u);
}

TEST(BackupClone, Pre77ContinuesToTheEndOfTheList) {
  HSMB_CLAUSE("CLONE-CONTINUE-PRE77", "CLONE-DISCARD");
  World w = MakeWorld(MakeUser(PartitionKind::kPre77, 4), MakeBackupHsm());
  w.faults.push_back(VerifyFailFault(101));
  Runner r(&w);
  r.LoginCo();
  Result res = r.Do(BackupLine());
  EXPECT_TRUE(FailedWith(r, res, Ckr::kFailedToCloneAnObject));
  EXPECT_EQ(Ouids(HsmAt(w).partitions.at(0)), Ouids(UserAt(w), {0, 2, 3}));
  EXPECT_NE(r.LastText().find("3 objects have been backed up to partition bk\non slot 2.\n"),
            std::string::npos);
  EXPECT_EQ(r.LastText().find("Backup Complete."), std::string::npos);
  EXPECT_EQ(r.LastText().find("Backup stopped"), std::string::npos);
}

TEST(BackupClone, Pre77WithSeveralFailuresReportsTheCount) {
  HSMB_CLAUSE("CLONE-CONTINUE-PRE77", "CLONE-DISCARD");
  World w = MakeWorld(MakeUser(PartitionKind::kPre77, 4), MakeBackupHsm());
  w.faults = {VerifyFailFault(100), VerifyFailFault(102)};
  Runner r(&w);
  r.LoginCo();
  Result res = r.Do(BackupLine());
  EXPECT_TRUE(FailedWith(r, res, Ckr::kFailedToCloneAnObject));
  EXPECT_EQ(res.status.message(),
            "2 objects could not be backed up; the first failure was "
            "CKR_FAILED_TO_CLONE_AN_OBJECT.");
  EXPECT_EQ(Ouids(HsmAt(w).partitions.at(0)), Ouids(UserAt(w), {1, 3}));
}

TEST(BackupClone, V0AndV1StopAtTheFirstFailedObject) {
  HSMB_CLAUSE("CLONE-STOP-V0V1", "CLONE-DISCARD", "CLONE-PARTIAL-STATE");
  for (PartitionKind kind : {PartitionKind::kV0, PartitionKind::kV1}) {
    SCOPED_TRACE(KindName(kind));
    World w = MakeWorld(MakeUser(kind, 4), MakeBackupHsm());
    w.faults.push_back(VerifyFailFault(101));
    Runner r(&w);
    r.LoginCo();
    const UserPartition src = UserAt(w);
    Result res = r.Do(BackupLine());
    EXPECT_TRUE(FailedWith(r, res, Ckr::kFailedToCloneAnObject));
    const Lines& l = r.last();
    const auto at = std::find(l.begin(), l.end(), "Backing up objects...");
    ASSERT_NE(at, l.end());
    EXPECT_EQ(Lines(at + 1, l.end()),
              (Lines{"Cloned object 100 to partition bk (new handle 1).",
                     "Failed to clone object 101 to partition bk (CKR_FAILED_TO_CLONE_AN_OBJECT).",
                     "", "Backup stopped at the first object that failed.", "",
                     "1 object has been backed up to partition bk", "on slot 2.", "",
                     "1 object could not be backed up; the first failure was "
                     "CKR_FAILED_TO_CLONE_AN_OBJECT.",
                     "", "Command Result : 0x80000106 (CKR_FAILED_TO_CLONE_AN_OBJECT)"}));
    // CLONE-PARTIAL-STATE: what was cloned stays; the partition is kept and
    // shrunk to fit it.
    const BackupHsm& hsm = HsmAt(w);
    ASSERT_EQ(hsm.partitions.size(), 1u);
    const BackupPartition& p = hsm.partitions[0];
    EXPECT_EQ(Ouids(p), Ouids(src, {0}));
    EXPECT_EQ(p.allocated, p.used(BackupModel::kBackupHsm7));
    EXPECT_EQ(p.used(BackupModel::kBackupHsm7),
              kPartitionOverheadBytes + StoredBytes(p.objects.at(0), BackupModel::kBackupHsm7));
    EXPECT_EQ(hsm.free_bytes(), hsm.capacity - p.allocated);
    EXPECT_EQ(p.smk_blob.empty(), kind != PartitionKind::kV1);
    EXPECT_EQ(UserAt(w), src);
    // The partial backup is usable: its object shows in the contents.
    ASSERT_TRUE(Succeeded(r, r.Do(ArchiveContentsLine())));
    EXPECT_EQ(r.last().at(r.last().size() - 3), "Number of objects: 1");
  }
}

TEST(BackupClone, PartialStateOnG5KeepsItsExactAllocation) {
  HSMB_CLAUSE("CLONE-PARTIAL-STATE", "CLONE-STOP-V0V1");
  World w = MakeWorld(MakeUser(PartitionKind::kV0, 4), MakeBackupHsm(BackupModel::kBackupHsmG5));
  w.faults.push_back(VerifyFailFault(102));
  Runner r(&w);
  r.LoginCo();
  EXPECT_TRUE(FailedWith(r, r.Do(BackupLine()), Ckr::kFailedToCloneAnObject));
  const BackupPartition& p = HsmAt(w).partitions.at(0);
  EXPECT_EQ(Ouids(p), Ouids(UserAt(w), {0, 1}));
  // A G5 is not re-sized: it keeps what the precheck sized for all four.
  EXPECT_EQ(p.allocated, kPartitionOverheadBytes + 4 * 256);
}

TEST(BackupClone, StopOnTheFirstObjectLeavesTheEmptyPartitionNote) {
  HSMB_CLAUSE("CLONE-PARTIAL-STATE", "CLONE-STOP-V0V1", "DOM-MISMATCH-EMPTY");
  World w = MakeWorld(MakeUser(PartitionKind::kV1, 3), MakeBackupHsm());
  w.faults.push_back(VerifyFailFault(100));
  Runner r(&w);
  r.LoginCo();
  Result res = r.Do(BackupLine());
  EXPECT_TRUE(FailedWith(r, res, Ckr::kFailedToCloneAnObject));
  EXPECT_EQ(res.status.message(),
            "1 object could not be backed up; the first failure was "
            "CKR_FAILED_TO_CLONE_AN_OBJECT. The empty backup partition bk remains on slot 2; "
            "delete it with 'partition archive delete'.");
  const BackupPartition& p = HsmAt(w).partitions.at(0);
  EXPECT_TRUE(p.objects.empty());
  EXPECT_FALSE(p.smk_blob.empty());  // the SMK moved before the first object
  EXPECT_EQ(p.allocated, kPartitionOverheadBytes);
}

TEST(BackupClone, PartialStateOnAppendKeepsEarlierObjects) {
  HSMB_CLAUSE("CLONE-PARTIAL-STATE", "CLONE-STOP-V0V1");
  World w = MakeWorld(MakeUser(PartitionKind::kV0, 5), MakeBackupHsm());
  Runner r(&w);
  r.LoginCo();
  ASSERT_TRUE(Succeeded(r, r.Do(BackupLine("-objects 100,101"))));
  w.faults.push_back(VerifyFailFault(103));
  Result res = r.Do(BackupLine("-append"));
  EXPECT_TRUE(FailedWith(r, res, Ckr::kFailedToCloneAnObject));
  // No empty-partition note on a partition this backup did not create.
  EXPECT_EQ(res.status.message(),
            "1 object could not be backed up; the first failure was "
            "CKR_FAILED_TO_CLONE_AN_OBJECT.");
  const BackupPartition& p = HsmAt(w).partitions.at(0);
  EXPECT_EQ(Ouids(p), Ouids(UserAt(w), {0, 1, 2}));
  EXPECT_EQ(p.allocated, p.used(BackupModel::kBackupHsm7));
}

}  // namespace
}  // namespace hsmbackup
