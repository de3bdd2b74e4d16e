// Tests of the clauses the project added (family "Project" in
// conformance/clauses.json).
#include <gtest/gtest.h>

#include "hsmbackup/command.h"
#include "support/test_support.h"
#include "support/worlds.h"

namespace hsmbackup {
namespace {

using testing::BackupLine;
using testing::MakeBackupHsm;
using testing::MakeUser;
using testing::MakeWorld;
using testing::Runner;

TEST(Project, ShortPasswordRefusedOnNewerBackupHsm7) {
  HSMB_CLAUSE("PROJ-PIN-LENGTH");
  World w = MakeWorld(MakeUser(PartitionKind::kV0), MakeBackupHsm());
  Runner r(&w);
  r.LoginCo();
  World before = w;
  Result res = r.Do(
      "partition archive backup -slot 2 -partition bk -domain clientdomain -password short7c "
      "-sopassword backupSOpwd");
  EXPECT_EQ(res.code(), Ckr::kPinLenRange);
  EXPECT_EQ(w, before);
  // Firmware 7.7.1 predates the rule.
  w.FindSlot(2)->backup->firmware = Version{7, 7, 1};
  res = r.Do(
      "partition archive backup -slot 2 -partition bk -domain clientdomain -password short7c "
      "-sopassword backupSOpwd");
  EXPECT_TRUE(res.status.ok()) << r.LastText();
}

TEST(Project, PedBackupHsmRefusesTypedCredentials) {
  HSMB_CLAUSE("PROJ-PED-CREDENTIALS");
  UserPartition user = MakeUser(PartitionKind::kV0);
  user.auth = AuthMode::kPed;
  BackupHsm hsm = MakeBackupHsm();
  hsm.auth = AuthMode::kPed;
  hsm.so_password = Secret();
  hsm.ped_domain = Secret(testing::kDomain);
  World w = MakeWorld(std::move(user), std::move(hsm));
  Runner r(&w);
  ASSERT_TRUE(r.Do("role login -name co").status.ok()) << r.LastText();
  World before = w;
  for (const char* extra : {"-sopassword x", "-password xxxxxxxxx", "-domain d", "-defaultdomain"}) {
    Result res = r.Do(std::string("partition archive backup -slot 2 -partition bk ") + extra);
    EXPECT_EQ(res.code(), Ckr::kArgumentsBad) << extra;
    EXPECT_EQ(w, before) << extra;
  }
  Result ok = r.Do("partition archive backup -slot 2 -partition bk");
  EXPECT_TRUE(ok.status.ok()) << r.LastText();
}

TEST(Project, AppendOnlyToABackupOfTheSameKind) {
  HSMB_CLAUSE("PROJ-APPEND-ORIGIN");
  World w = MakeWorld(MakeUser(PartitionKind::kV0), MakeBackupHsm());
  Runner r(&w);
  r.LoginCo();
  ASSERT_TRUE(r.Do(BackupLine()).status.ok()) << r.LastText();
  // The same slot now holds a pre-7.7 partition with the same domain.
  w.FindSlot(0)->user->kind = PartitionKind::kPre77;
  w.FindSlot(0)->user->firmware = Version{7, 3, 0};
  World before = w;
  Result res = r.Do(BackupLine("-append"));
  EXPECT_EQ(res.code(), Ckr::kOperationNotAllowed);
  EXPECT_EQ(w, before);
}

TEST(Project, AppendOnlyToABackupOfTheSameSmk) {
  HSMB_CLAUSE("PROJ-APPEND-ORIGIN");
  World w = MakeWorld(MakeUser(PartitionKind::kV1), MakeBackupHsm());
  Runner r(&w);
  r.LoginCo();
  ASSERT_TRUE(r.Do(BackupLine()).status.ok()) << r.LastText();
  Bytes other(32, 0x42);
  w.FindSlot(0)->user->smk = Secret(ByteSpan(other));
  World before = w;
  EXPECT_EQ(r.Do(BackupLine("-append")).code(), Ckr::kOperationNotAllowed);
  EXPECT_EQ(w, before);
}

TEST(Project, RestoreSkipsSameOuidUnlessReplace) {
  HSMB_CLAUSE("PROJ-RESTORE-SAME-OUID");
  World w = MakeWorld(MakeUser(PartitionKind::kV0, 2), MakeBackupHsm());
  Runner r(&w);
  r.LoginCo();
  ASSERT_TRUE(r.Do(BackupLine()).status.ok()) << r.LastText();
  UserPartition& src = *w.FindSlot(0)->user;
  src.objects[0].attributes.Set("CKA_LABEL_NOTE", "changed");
  const Object changed = src.objects[0];
  const std::string restore =
      "partition archive restore -slot 2 -partition bk -password " +
      std::string(testing::kNewPartitionPassword);
  ASSERT_TRUE(r.Do(restore).status.ok()) << r.LastText();
  EXPECT_EQ(src.objects.size(), 2u);
  EXPECT_EQ(src.objects[0], changed);
  EXPECT_NE(r.LastText().find("not restored"), std::string::npos) << r.LastText();
  ASSERT_TRUE(r.Do(restore + " -replace").status.ok()) << r.LastText();
  ASSERT_EQ(src.objects.size(), 2u);
  EXPECT_EQ(src.objects[0].ouid, changed.ouid);
  EXPECT_EQ(src.objects[0].attributes.count("CKA_LABEL_NOTE"), 0u);
}

TEST(Project, BadCommandLinesChangeNothing) {
  HSMB_CLAUSE("PROJ-WORLD-UNCHANGED-ON-BAD-INPUT", "OUT-ERROR");
  World w = MakeWorld(MakeUser(PartitionKind::kV0), MakeBackupHsm());
  Runner r(&w);
  r.LoginCo();
  World before = w;
  for (const std::string& line :
       {BackupLine("-frobnicate"), BackupLine("-objects 3,,4"), BackupLine("-defaultdomain"),
        std::string("partition archive backup -slot 2 -partition ") + std::string(33, 'a') +
            " -domain d -password xxxxxxxxx -sopassword backupSOpwd",
        BackupLine("-objects 999"), std::string("partition archive backup -slot"),
        std::string("partition archive backup -slot 9 -partition bk"), std::string("slot set -slot 42"),
        std::string("partition archive frobnicate")}) {
    Result res = r.Do(line);
    EXPECT_FALSE(res.status.ok()) << line;
    EXPECT_EQ(w, before) << line;
    ASSERT_FALSE(r.last().empty());
    EXPECT_EQ(r.last().back(), ResultLine(res.code())) << line;
    EXPECT_NE(res.status.message(), "") << line;
  }
}

}  // namespace
}  // namespace hsmbackup

namespace hsmbackup {
namespace {

TEST(Project, DebugAddsDetailToFailuresOnly) {
  HSMB_CLAUSE("OPT-DEBUG");
  World w = testing::MakeWorld(testing::MakeUser(PartitionKind::kV0, 2),
                               testing::MakeBackupHsm());
  w.faults.push_back(Fault{FaultType::kVerifyFail, std::nullopt, 100, 0});
  World plain = w;
  testing::Runner a(&w), b(&plain);
  a.LoginCo();
  b.LoginCo();
  Result with = a.Do(testing::BackupLine("-debug"));
  Result without = b.Do(testing::BackupLine());
  EXPECT_EQ(with.code(), without.code());
  EXPECT_EQ(w, plain);  // -debug changes what is said, never what is done
  EXPECT_NE(a.LastText().find("Debug: blob of "), std::string::npos) << a.LastText();
  EXPECT_EQ(b.LastText().find("Debug:"), std::string::npos);
  EXPECT_EQ(a.LastText().find(testing::kDomain), std::string::npos);
}

}  // namespace
}  // namespace hsmbackup

namespace hsmbackup {
namespace {

TEST(Project, DefaultNamesCanBeTypedBack) {
  HSMB_CLAUSE("OPT-PARTITION-DEFAULT");
  World w = testing::MakeWorld(testing::MakeUser(PartitionKind::kV0, 1, "my part"),
                               testing::MakeBackupHsm());
  testing::Runner r(&w);
  r.LoginCo();
  ASSERT_TRUE(r.Do("partition archive backup -slot 2 -domain clientdomain -password "
                   "newPa$$w0rd -sopassword backupSOpwd")
                  .status.ok())
      << r.LastText();
  ASSERT_EQ(w.FindSlot(2)->backup->partitions.at(0).name, "my_part_20190309");
  EXPECT_TRUE(r.Do("partition archive delete -slot 2 -partition my_part_20190309 -sopassword "
                   "backupSOpwd -force")
                  .status.ok())
      << r.LastText();
  EXPECT_TRUE(w.FindSlot(2)->backup->partitions.empty());
}

}  // namespace
}  // namespace hsmbackup
