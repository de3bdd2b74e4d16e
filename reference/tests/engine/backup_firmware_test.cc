// Backup path: backup HSM firmware minima and appliance-direct connections
// (FW-MIN-BACKUP, DIRECT-SMK-ONLY).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "hsmbackup/blob.h"
#include "hsmbackup/crypto.h"
#include "support/test_support.h"
#include "support/worlds.h"

namespace hsmbackup {
namespace {

using namespace hsmbackup::testing;  // NOLINT(build/namespaces)

struct FwCase {
  PartitionKind kind;
  BackupModel model;
  Version firmware;
  bool accepted;
};

std::string Describe(const FwCase& c) {
  return std::string(KindName(c.kind)) + " to " + ModelName(c.model) + " " +
         c.firmware.ToString();
}

TEST(BackupFirmware, MinimaForV0AndV1Backups) {
  HSMB_CLAUSE("FW-MIN-BACKUP");
  using K = PartitionKind;
  using M = BackupModel;
  const std::vector<FwCase> cases = {
      {K::kV0, M::kBackupHsm7, {7, 7, 0}, false},  {K::kV1, M::kBackupHsm7, {7, 7, 0}, false},
      {K::kV0, M::kBackupHsm7, {7, 3, 5}, false},  {K::kV0, M::kBackupHsm7, {7, 7, 1}, true},
      {K::kV1, M::kBackupHsm7, {7, 7, 1}, true},   {K::kV1, M::kBackupHsm7, {7, 8, 0}, true},
      {K::kV0, M::kBackupHsmG5, {6, 27, 9}, false}, {K::kV1, M::kBackupHsmG5, {6, 27, 0}, false},
      {K::kV0, M::kBackupHsmG5, {6, 28, 0}, true}, {K::kV1, M::kBackupHsmG5, {6, 28, 0}, true},
      {K::kV1, M::kBackupHsmG5, {6, 28, 1}, true},
      // A pre-7.7 partition may use an older backup HSM.
      {K::kPre77, M::kBackupHsm7, {7, 7, 0}, true}, {K::kPre77, M::kBackupHsm7, {7, 0, 0}, true},
      {K::kPre77, M::kBackupHsmG5, {6, 24, 0}, true},
  };
  for (const FwCase& c : cases) {
    SCOPED_TRACE(Describe(c));
    BackupHsm h = MakeBackupHsm(c.model);
    h.firmware = c.firmware;
    World w = MakeWorld(MakeUser(c.kind), std::move(h));
    Runner r(&w);
    r.LoginCo();
    const World before = w;
    Result res = r.Do(BackupLine());
    if (c.accepted) {
      EXPECT_TRUE(Succeeded(r, res));
      EXPECT_EQ(HsmAt(w).partitions.at(0).objects.size(), 3u);
    } else {
      EXPECT_TRUE(FailedWith(r, res, Ckr::kOperationNotAllowed));
      const Version min = c.model == M::kBackupHsm7 ? Version{7, 7, 1} : Version{6, 28, 0};
      EXPECT_EQ(res.status.message(), std::string("Backing up a ") + KindName(c.kind) +
                                          " partition needs " + ModelName(c.model) +
                                          " firmware " + min.ToString() +
                                          " or newer; the backup HSM on slot 2 has " +
                                          c.firmware.ToString() + ".");
      EXPECT_EQ(w, before);  // refused before the SO login
      EXPECT_EQ(r.LastText().find("Logging in as the SO"), std::string::npos);
    }
  }
}

TEST(BackupFirmware, RefusalComesBeforeTheSoLogin) {
  HSMB_CLAUSE("FW-MIN-BACKUP", "AUTH-SO");
  BackupHsm h = MakeBackupHsm();
  h.firmware = Version{7, 7, 0};
  World w = MakeWorld(MakeUser(PartitionKind::kV1), std::move(h));
  Runner r(&w);
  r.LoginCo();
  BackupArgs a;
  a.sopassword = "wrongSOpwd";
  EXPECT_TRUE(FailedWith(r, r.Do(BackupLineFrom(a)), Ckr::kOperationNotAllowed));
  EXPECT_EQ(HsmAt(w).so_lockout.failures, 0u);
}

World ApplianceWorld(PartitionKind kind, Version firmware = Version{7, 7, 2}) {
  BackupHsm h = MakeBackupHsm();
  h.connection = Connection::kAppliance;
  h.firmware = firmware;
  return MakeWorld(MakeUser(kind), std::move(h));
}

TEST(BackupDirect, V1ObjectsCannotGoToAnApplianceAttachedHsm) {
  HSMB_CLAUSE("DIRECT-SMK-ONLY");
  for (Version fw : {Version{7, 7, 1}, Version{7, 7, 2}}) {
    World w = ApplianceWorld(PartitionKind::kV1, fw);
    Runner r(&w);
    r.LoginCo();
    const World before = w;
    for (const std::string& extra : {std::string(), std::string("-objects 100"),
                                     std::string("-append"), std::string("-replace")}) {
      Result res = r.Do(BackupLine(extra));
      EXPECT_TRUE(FailedWith(r, res, Ckr::kOperationNotAllowed)) << extra;
      EXPECT_EQ(res.status.message(),
                "The backup HSM on slot 2 is attached directly to the appliance: only the SMK of "
                "a V1 partition can be backed up (use -smkonly).");
      EXPECT_EQ(w, before);
    }
  }
}

TEST(BackupDirect, TheSmkAloneCanGoToAnApplianceAttachedSksHsm) {
  HSMB_CLAUSE("DIRECT-SMK-ONLY", "OPT-SMKONLY");
  World w = ApplianceWorld(PartitionKind::kV1);
  Runner r(&w);
  r.LoginCo();
  const UserPartition src = UserAt(w);
  BackupArgs a;
  a.partition = "";
  a.extra = "-smkonly -force";
  ASSERT_TRUE(Succeeded(r, r.Do(BackupLineFrom(a))));
  const std::string name = "src_2019:03:09-16:52:47";
  EXPECT_EQ(r.last(),
            (std::vector<std::string>{
                "Logging in as the SO on slot 2.", "", "Creating partition " + name + " on slot 2.",
                "", "Logging into the container " + name + " on slot 2 as the user.", "",
                "Creating Domain for the partition " + name + " on slot 2.", "",
                "The SMK was cloned successfully.", "", "Command Result : No Error"}));
  const BackupHsm& hsm = HsmAt(w);
  ASSERT_EQ(hsm.partitions.size(), 1u);
  const BackupPartition& p = hsm.partitions[0];
  EXPECT_EQ(p.name, name);
  EXPECT_TRUE(p.objects.empty());
  StatusOr<CloneBlob> smk = ParseBlob(p.smk_blob);
  ASSERT_TRUE(smk.ok());
  EXPECT_EQ(smk->kind, BlobKind::kSmk);
  EXPECT_EQ(smk->key_id, ComputeSmkId(*src.smk));
  EXPECT_EQ(p.allocated, kPartitionOverheadBytes);
  EXPECT_EQ(UserAt(w), src);
}

TEST(BackupDirect, SmkOnlyStillNeedsFirmwareThatTakesSks) {
  HSMB_CLAUSE("DIRECT-SMK-ONLY", "OPT-SMKONLY-SKS");
  World w = ApplianceWorld(PartitionKind::kV1, Version{7, 7, 0});
  Runner r(&w);
  r.LoginCo();
  const World before = w;
  BackupArgs a;
  a.partition = "";
  a.extra = "-smkonly -force";
  Result res = r.Do(BackupLineFrom(a));
  EXPECT_TRUE(FailedWith(r, res, Ckr::kOperationNotAllowed));
  EXPECT_EQ(res.status.message(),
            "Backing up a V1 partition needs Luna Backup HSM 7 firmware 7.7.1 or newer; the "
            "backup HSM on slot 2 has 7.7.0.");
  EXPECT_EQ(w, before);
}

TEST(BackupDirect, V0AndPre77ObjectsMayGoToAnApplianceAttachedHsm) {
  HSMB_CLAUSE("DIRECT-SMK-ONLY");
  for (PartitionKind kind : {PartitionKind::kPre77, PartitionKind::kV0}) {
    World w = ApplianceWorld(kind);
    Runner r(&w);
    r.LoginCo();
    ASSERT_TRUE(Succeeded(r, r.Do(BackupLine())));
    EXPECT_EQ(HsmAt(w).partitions.at(0).objects.size(), 3u);
  }
}

TEST(BackupDirect, V1ObjectsMayGoToAClientOrUsbHsm) {
  HSMB_CLAUSE("DIRECT-SMK-ONLY");
  for (Connection c : {Connection::kClient, Connection::kUsb}) {
    BackupHsm h = MakeBackupHsm();
    h.connection = c;
    World w = MakeWorld(MakeUser(PartitionKind::kV1), std::move(h));
    Runner r(&w);
    r.LoginCo();
    ASSERT_TRUE(Succeeded(r, r.Do(BackupLine())));
    EXPECT_EQ(HsmAt(w).partitions.at(0).objects.size(), 3u);
  }
}

}  // namespace
}  // namespace hsmbackup
