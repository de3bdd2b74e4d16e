// Restoring SMKs and across firmware generations (RESTORE-SMK,
// FW-OLD-RESTORE, FW-NO-DOWNGRADE).
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "hsmbackup/crypto.h"
#include "support/test_support.h"
#include "support/worlds.h"

namespace hsmbackup {
namespace {

using namespace hsmbackup::testing;  // NOLINT(build/namespaces)


UserPartition WithOtherSmk(UserPartition p) {
  Bytes smk(32, 0x5C);
  p.smk = Secret(ByteSpan(smk));
  return p;
}

// TwoPartitions: `source_kind` in slot 0 (backed up to "bk"), an empty
// `target_kind` partition of the same domain in slot 1, made current and
// logged in. Prepare asserts nothing (each test's setup differs, so this is
// no SetUp); the caller does: ASSERT_TRUE(f.Prepare(...)).
// ExpectRestoredFromSource: slot 1 holds the three objects of slot 0, in
// order, with their OUIDs, attributes and values.
void ExpectRestoredFromSource(const World& world) {
  const UserPartition& t = UserAt(world, 1);
  const UserPartition& s = UserAt(world, 0);
  ASSERT_EQ(t.objects.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(t.objects[i].ouid, s.objects[i].ouid);
    EXPECT_EQ(t.objects[i].attributes, s.objects[i].attributes);
    EXPECT_EQ(t.objects[i].value, s.objects[i].value);
  }
}

class TwoPartitions {
 public:
  ::testing::AssertionResult Prepare(PartitionKind source_kind, UserPartition target,
                                     BackupHsm hsm = MakeBackupHsm()) {
    world = WorldBuilder()
                .Source(source_kind)
                .Backup(std::move(hsm))
                .AddUser(1, std::move(target))
                .Build();
    runner_.emplace(&world);
    for (const std::string& line : {std::string("role login -name co -password ") + kCoPassword,
                                    BackupLine(), std::string("slot set -slot 1"),
                                    std::string("role login -name co -password ") + kCoPassword}) {
      ::testing::AssertionResult ok = Succeeded(r(), r().Do(line));
      if (!ok) return ok << " (setting up: " << line << ")";
    }
    return ::testing::AssertionSuccess();
  }
  Runner& r() { return *runner_; }

  World world;

 private:
  std::optional<Runner> runner_;
};

TEST(RestoreSmk, SmkonlyOverwritesTheTargetSmkThenObjectsRestore) {
  HSMB_CLAUSE("RESTORE-SMK");
  TwoPartitions f;
  ASSERT_TRUE(f.Prepare(PartitionKind::kV1,
                        WithOtherSmk(MakeUser(PartitionKind::kV1, 0, "target"))));
  const Secret source_smk = *UserAt(f.world, 0).smk;
  ASSERT_FALSE(*UserAt(f.world, 1).smk == source_smk);

  // Before the SMK is restored the objects cannot be opened.
  const UserPartition target_before = UserAt(f.world, 1);
  Result res = f.r().Do(RestoreLine());
  EXPECT_TRUE(FailedWith(f.r(), res, Ckr::kSmkIdNotFound));
  EXPECT_TRUE(UserAt(f.world, 1) == target_before);

  res = f.r().Do(RestoreLine("bk", "-smkonly"), {"proceed"});
  ASSERT_TRUE(Succeeded(f.r(), res));
  EXPECT_TRUE(*UserAt(f.world, 1).smk == source_smk);
  EXPECT_TRUE(UserAt(f.world, 1).objects.empty()) << "-smkonly restores no objects";
  EXPECT_NE(f.r().LastText().find("The SMK was restored successfully."), std::string::npos);

  res = f.r().Do(RestoreLine());
  ASSERT_TRUE(Succeeded(f.r(), res));
  ExpectRestoredFromSource(f.world);
}

TEST(RestoreSmk, QuitLeavesTheTargetSmk) {
  HSMB_CLAUSE("RESTORE-SMK", "OPT-SMKONLY-CONFIRM");
  TwoPartitions f;
  ASSERT_TRUE(f.Prepare(PartitionKind::kV1,
                        WithOtherSmk(MakeUser(PartitionKind::kV1, 0, "target"))));
  const World before = f.world;
  Result res = f.r().Do(RestoreLine("bk", "-smkonly"), {"quit"});
  EXPECT_TRUE(FailedWith(f.r(), res, Ckr::kFunctionCanceled));
  EXPECT_TRUE(f.world == before);
}

TEST(RestoreSmk, FromAnSmkonlyBackup) {
  HSMB_CLAUSE("RESTORE-SMK", "OPT-SMKONLY");
  BackupHsm sks = MakeBackupHsm();
  World w = MakeWorld(MakeUser(PartitionKind::kV1, 3, "sks"), sks);
  AddUserSlot(w, 1, WithOtherSmk(MakeUser(PartitionKind::kV1, 0, "target")));
  Runner r(&w);
  r.LoginCo();
  ASSERT_TRUE(Succeeded(r, r.Do(std::string("partition archive backup -slot 2 -smkonly -force "
                                            "-domain ") + kDomain + " -password " +
                                kNewPartitionPassword + " -sopassword " + kSoPassword)));
  ASSERT_TRUE(Succeeded(r, r.Do("slot set -slot 1")));
  r.LoginCo();
  ASSERT_TRUE(Succeeded(r, r.Do(RestoreLine("sks_2019:03:09-16:52:47", "-smkonly -force"))));
  EXPECT_TRUE(*UserAt(w, 1).smk == *UserAt(w, 0).smk);
}

TEST(RestoreSmk, DomainMismatchLeavesTheSmk) {
  HSMB_CLAUSE("RESTORE-SMK", "DOM-ERROR-CODE");
  UserPartition target = WithOtherSmk(MakeUser(PartitionKind::kV1, 0, "target"));
  target.domain = Secret("anotherdomain");
  TwoPartitions f;
  ASSERT_TRUE(f.Prepare(PartitionKind::kV1, target));
  const UserPartition before = UserAt(f.world, 1);
  Result res = f.r().Do(RestoreLine("bk", "-smkonly -force"));
  EXPECT_TRUE(FailedWith(f.r(), res, Ckr::kCertificateInvalid));
  EXPECT_TRUE(UserAt(f.world, 1) == before);
}

TEST(RestoreSmk, SmkonlyNeedsAV1BackupAndAV1Target) {
  HSMB_CLAUSE("RESTORE-SMK");
  TwoPartitions f;
  ASSERT_TRUE(f.Prepare(PartitionKind::kV0, MakeUser(PartitionKind::kV1, 0, "target")));
  const World before = f.world;
  Result res = f.r().Do(RestoreLine("bk", "-smkonly -force"));
  EXPECT_TRUE(FailedWith(f.r(), res, Ckr::kOperationNotAllowed));
  EXPECT_TRUE(f.world == before);
}

TEST(FwOldRestore, OldBackupHsm7RestoresPre77BackupsToV0AndV1) {
  HSMB_CLAUSE("FW-OLD-RESTORE");
  for (PartitionKind target_kind : {PartitionKind::kV0, PartitionKind::kV1}) {
    SCOPED_TRACE(KindName(target_kind));
    BackupHsm old = MakeBackupHsm();
    old.firmware = Version{7, 3, 0};
    TwoPartitions f;
    ASSERT_TRUE(f.Prepare(PartitionKind::kPre77, MakeUser(target_kind, 0, "target"), old));
    ASSERT_EQ(f.world.FindSlot(2)->backup->partitions.size(), 1u);
    ASSERT_EQ(f.world.FindSlot(2)->backup->partitions.at(0).origin, PartitionKind::kPre77);
    Result res = f.r().Do(RestoreLine());
    ASSERT_TRUE(Succeeded(f.r(), res));
    ExpectRestoredFromSource(f.world);
  }
}

TEST(FwOldRestore, OldBackupHsm7StillCannotBackUpV0) {
  HSMB_CLAUSE("FW-OLD-RESTORE", "FW-MIN-BACKUP");
  BackupHsm old = MakeBackupHsm();
  old.firmware = Version{7, 3, 0};
  World w = MakeWorld(MakeUser(PartitionKind::kV0), old);
  Runner r(&w);
  r.LoginCo();
  const World before = w;
  EXPECT_TRUE(FailedWith(r, r.Do(BackupLine()), Ckr::kOperationNotAllowed));
  EXPECT_TRUE(w == before);
}

struct Downgrade {
  PartitionKind origin;
  PartitionKind target;
};

TEST(FwNoDowngrade, HigherSecurityBackupsAreRefusedAndTheTargetIsUnchanged) {
  HSMB_CLAUSE("FW-NO-DOWNGRADE");
  for (Downgrade d : {Downgrade{PartitionKind::kV0, PartitionKind::kPre77},
                      Downgrade{PartitionKind::kV1, PartitionKind::kPre77},
                      Downgrade{PartitionKind::kV1, PartitionKind::kV0}}) {
    SCOPED_TRACE(std::string(KindName(d.origin)) + " -> " + KindName(d.target));
    UserPartition target = MakeUser(d.target, 1, "target");
    target.objects[0] = testing::MakeObject(500);
    TwoPartitions f;
    ASSERT_TRUE(f.Prepare(d.origin, target));
    const World before = f.world;
    Result res = f.r().Do(RestoreLine());
    EXPECT_TRUE(FailedWith(f.r(), res, Ckr::kOperationNotAllowed));
    EXPECT_TRUE(f.world == before);
    EXPECT_EQ(f.r().LastText().find("Restored object"), std::string::npos);
  }
}

TEST(FwNoDowngrade, SameOrHigherTargetsAccept) {
  HSMB_CLAUSE("FW-NO-DOWNGRADE", "FW-OLD-RESTORE");
  for (Downgrade d : {Downgrade{PartitionKind::kPre77, PartitionKind::kPre77},
                      Downgrade{PartitionKind::kPre77, PartitionKind::kV0},
                      Downgrade{PartitionKind::kV0, PartitionKind::kV0},
                      Downgrade{PartitionKind::kV0, PartitionKind::kV1},
                      Downgrade{PartitionKind::kV1, PartitionKind::kV1}}) {
    SCOPED_TRACE(std::string(KindName(d.origin)) + " -> " + KindName(d.target));
    TwoPartitions f;
    ASSERT_TRUE(f.Prepare(d.origin, MakeUser(d.target, 0, "target")));
    // A Backup HSM 7 at 7.7.2 sends pre-7.7 backups into a V0 partition
    // only under policies 55 and 42 (RESTORE-PRE77-TO-V0).
    HsmAt(f.world).restricted_restore = d.target != PartitionKind::kPre77;
    UserAt(f.world, 1).policies.allow_cpv1 = true;
    ASSERT_TRUE(Succeeded(f.r(), f.r().Do(RestoreLine())));
    EXPECT_EQ(UserAt(f.world, 1).objects.size(), 3u);
  }
}

}  // namespace
}  // namespace hsmbackup
