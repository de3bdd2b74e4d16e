// Backup path: who must be logged in, and with what (AUTH-*).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/test_support.h"
#include "support/worlds.h"

namespace hsmbackup {
namespace {

using namespace hsmbackup::testing;  // NOLINT(build/namespaces)
using Lines = std::vector<std::string>;

constexpr char kCuPassword[] = "cuPassw0rd!";

World SimpleWorld(PartitionKind kind = PartitionKind::kV0) {
  UserPartition u = MakeUser(kind);
  u.cu_password = Secret(kCuPassword);
  return MakeWorld(std::move(u), MakeBackupHsm());
}

std::string WrongSo(const std::string& partition = "bk") {
  BackupArgs a;
  a.partition = partition;
  a.sopassword = "notTheSOpwd";
  return BackupLineFrom(a);
}

TEST(BackupAuth, WithoutAnyLoginNothingIsCreated) {
  HSMB_CLAUSE("AUTH-CO");
  for (PartitionKind kind : {PartitionKind::kPre77, PartitionKind::kV0, PartitionKind::kV1}) {
    World w = SimpleWorld(kind);
    const World before = w;
    Runner r(&w);
    Result res = r.Do(BackupLine());
    EXPECT_TRUE(FailedWith(r, res, Ckr::kUserNotLoggedIn));
    EXPECT_EQ(r.last(), (Lines{"You must be logged in as the Crypto Officer on slot 0 to back it "
                               "up.",
                               "", "Command Result : 0x00000101 (CKR_USER_NOT_LOGGED_IN)"}));
    EXPECT_EQ(w, before);  // no partition, no SO login attempt, clock unmoved
  }
}

TEST(BackupAuth, CryptoUserOrPartitionSoIsNotEnough) {
  HSMB_CLAUSE("AUTH-CO");
  World w = SimpleWorld();
  Runner r(&w);
  ASSERT_TRUE(Succeeded(r, r.Do(std::string("role login -name cu -password ") + kCuPassword)));
  World before = w;
  EXPECT_TRUE(FailedWith(r, r.Do(BackupLine()), Ckr::kUserNotLoggedIn));
  EXPECT_EQ(w, before);
  EXPECT_TRUE(HsmAt(w).partitions.empty());

  ASSERT_TRUE(Succeeded(r, r.Do("role logout")));
  ASSERT_TRUE(Succeeded(r, r.Do("role login -name po -password poPassw0rd!")));
  before = w;
  EXPECT_TRUE(FailedWith(r, r.Do(BackupLine()), Ckr::kUserNotLoggedIn));
  EXPECT_EQ(w, before);
}

TEST(BackupAuth, CoLoggedInOnAnotherPartitionDoesNotCount) {
  HSMB_CLAUSE("AUTH-CO");
  World w = SimpleWorld();
  AddUserSlot(w, 1, MakeUser(PartitionKind::kV0, 2, "other"));
  Runner r(&w);
  ASSERT_TRUE(Succeeded(r, r.Do("slot set -slot 1")));
  r.LoginCo();
  ASSERT_TRUE(Succeeded(r, r.Do("slot set -slot 0")));
  const World before = w;
  EXPECT_TRUE(FailedWith(r, r.Do(BackupLine()), Ckr::kUserNotLoggedIn));
  EXPECT_EQ(w, before);
  // After a logout the CO is gone too.
  r.LoginCo();
  ASSERT_TRUE(Succeeded(r, r.Do("role logout")));
  EXPECT_TRUE(FailedWith(r, r.Do(BackupLine()), Ckr::kUserNotLoggedIn));
  EXPECT_TRUE(HsmAt(w).partitions.empty());
}

TEST(BackupAuth, WrongSoPasswordFailsBeforeAnythingIsCreated) {
  HSMB_CLAUSE("AUTH-SO");
  World w = SimpleWorld();
  Runner r(&w);
  r.LoginCo();
  World expected = w;
  Result res = r.Do(WrongSo());
  EXPECT_TRUE(FailedWith(r, res, Ckr::kPinIncorrect));
  EXPECT_EQ(r.last(), (Lines{"Logging in as the SO on slot 2.", "",
                             "Incorrect SO password for the backup HSM on slot 2 (1 of 3 failures "
                             "before it zeroizes).",
                             "", "Command Result : 0x000000A0 (CKR_PIN_INCORRECT)"}));
  // Only the failure counter moved.
  HsmAt(expected).so_lockout.failures = 1;
  EXPECT_EQ(w, expected);
}

TEST(BackupAuth, SoLoginPrecedesPartitionCreation) {
  HSMB_CLAUSE("AUTH-SO");
  World w = SimpleWorld();
  HsmAt(w).so_lockout.failures = 2;  // a success resets the count
  Runner r(&w);
  r.LoginCo();
  ASSERT_TRUE(Succeeded(r, r.Do(BackupLine())));
  ASSERT_GE(r.last().size(), 3u);
  EXPECT_EQ(r.last()[0], "Logging in as the SO on slot 2.");
  EXPECT_EQ(r.last()[2], "Creating partition bk on slot 2.");
  EXPECT_EQ(HsmAt(w).so_lockout.failures, 0u);
}

TEST(BackupAuth, NewPartitionTakesThePasswordOption) {
  HSMB_CLAUSE("AUTH-PO");
  World w = SimpleWorld();
  Runner r(&w);
  r.LoginCo();
  ASSERT_TRUE(Succeeded(r, r.Do(BackupLine())));
  const BackupPartition& p = HsmAt(w).partitions.at(0);
  EXPECT_TRUE(p.password == Secret(kNewPartitionPassword));
  EXPECT_FALSE(p.password == Secret(kSoPassword));

  ASSERT_TRUE(Succeeded(r, r.Do(ArchiveContentsLine("bk", kNewPartitionPassword))));
  EXPECT_EQ(r.last().at(r.last().size() - 3), "Number of objects: 3");

  for (const std::string& wrong : {std::string(kSoPassword), std::string(kCoPassword),
                                   std::string("newPa$$w0rD")}) {
    EXPECT_TRUE(FailedWith(r, r.Do(ArchiveContentsLine("bk", wrong)), Ckr::kPinIncorrect));
    EXPECT_NE(r.LastText().find("Incorrect password for the backup partition bk."),
              std::string::npos);
  }
}

TEST(BackupAuth, EachBackupPartitionHasItsOwnCredential) {
  HSMB_CLAUSE("AUTH-PO");
  World w = SimpleWorld();
  Runner r(&w);
  r.LoginCo();
  BackupArgs a;
  a.partition = "one";
  a.password = "firstPassw0rd";
  ASSERT_TRUE(Succeeded(r, r.Do(BackupLineFrom(a))));
  a.partition = "two";
  a.password = "secondPassw0rd";
  ASSERT_TRUE(Succeeded(r, r.Do(BackupLineFrom(a))));
  EXPECT_TRUE(Succeeded(r, r.Do(ArchiveContentsLine("one", "firstPassw0rd"))));
  EXPECT_TRUE(Succeeded(r, r.Do(ArchiveContentsLine("two", "secondPassw0rd"))));
  EXPECT_TRUE(FailedWith(r, r.Do(ArchiveContentsLine("one", "secondPassw0rd")),
                         Ckr::kPinIncorrect));
  EXPECT_TRUE(FailedWith(r, r.Do(ArchiveContentsLine("two", "firstPassw0rd")),
                         Ckr::kPinIncorrect));
  // -replace makes a new partition with a new PO credential.
  a.partition = "one";
  a.password = "thirdPassw0rd";
  a.extra = "-replace -force";
  ASSERT_TRUE(Succeeded(r, r.Do(BackupLineFrom(a))));
  EXPECT_TRUE(FailedWith(r, r.Do(ArchiveContentsLine("one", "firstPassw0rd")),
                         Ckr::kPinIncorrect));
  EXPECT_TRUE(Succeeded(r, r.Do(ArchiveContentsLine("one", "thirdPassw0rd"))));
}

TEST(BackupAuth, ThreeBadSoPasswordsZeroizeTheBackupHsm) {
  HSMB_CLAUSE("AUTH-LOCKOUT", "AUTH-SO");
  World w = SimpleWorld();
  Runner r(&w);
  r.LoginCo();
  ASSERT_TRUE(Succeeded(r, r.Do(BackupLine())));  // an existing backup
  ASSERT_EQ(HsmAt(w).partitions.size(), 1u);

  EXPECT_TRUE(FailedWith(r, r.Do(WrongSo("bk2")), Ckr::kPinIncorrect));
  EXPECT_EQ(HsmAt(w).so_lockout.failures, 1u);
  EXPECT_TRUE(FailedWith(r, r.Do(WrongSo("bk2")), Ckr::kPinIncorrect));
  EXPECT_EQ(HsmAt(w).so_lockout.failures, 2u);
  EXPECT_FALSE(HsmAt(w).zeroized);
  EXPECT_EQ(HsmAt(w).partitions.size(), 1u);

  EXPECT_TRUE(FailedWith(r, r.Do(WrongSo("bk2")), Ckr::kPinIncorrect));
  EXPECT_NE(r.LastText().find("Incorrect SO password: 3 consecutive failures zeroized the backup "
                              "HSM on slot 2."),
            std::string::npos);
  EXPECT_TRUE(HsmAt(w).zeroized);
  EXPECT_TRUE(HsmAt(w).partitions.empty());
  EXPECT_EQ(HsmAt(w).free_bytes(), HsmAt(w).capacity);

  // Afterwards even the right credentials meet an absent token.
  const World zeroized = w;
  BackupArgs fresh;
  fresh.partition = "bk3";
  EXPECT_TRUE(FailedWith(r, r.Do(BackupLineFrom(fresh)), Ckr::kTokenNotPresent));
  EXPECT_TRUE(FailedWith(r, r.Do(ArchiveContentsLine()), Ckr::kTokenNotPresent));
  EXPECT_TRUE(FailedWith(r, r.Do(std::string("partition archive list -slot 2 -sopassword ") +
                                 kSoPassword),
                         Ckr::kTokenNotPresent));
  EXPECT_EQ(w, zeroized);
}

TEST(BackupAuth, ASuccessfulSoLoginResetsTheCount) {
  HSMB_CLAUSE("AUTH-LOCKOUT");
  World w = SimpleWorld();
  Runner r(&w);
  r.LoginCo();
  EXPECT_TRUE(FailedWith(r, r.Do(WrongSo()), Ckr::kPinIncorrect));
  EXPECT_TRUE(FailedWith(r, r.Do(WrongSo()), Ckr::kPinIncorrect));
  ASSERT_TRUE(Succeeded(r, r.Do(BackupLine())));
  EXPECT_EQ(HsmAt(w).so_lockout.failures, 0u);
  EXPECT_TRUE(FailedWith(r, r.Do(WrongSo("bk2")), Ckr::kPinIncorrect));
  EXPECT_TRUE(FailedWith(r, r.Do(WrongSo("bk2")), Ckr::kPinIncorrect));
  EXPECT_EQ(HsmAt(w).so_lockout.failures, 2u);
  EXPECT_FALSE(HsmAt(w).zeroized);
  ASSERT_EQ(HsmAt(w).partitions.size(), 1u);
  EXPECT_EQ(HsmAt(w).partitions[0].objects.size(), 3u);
}

TEST(BackupAuth, SoFailuresCountPerDeviceAcrossCommands) {
  HSMB_CLAUSE("AUTH-LOCKOUT");
  World w = SimpleWorld();
  Runner r(&w);
  r.LoginCo();
  EXPECT_TRUE(FailedWith(r, r.Do(WrongSo()), Ckr::kPinIncorrect));
  EXPECT_TRUE(FailedWith(r, r.Do("partition archive list -slot 2 -sopassword wrong"),
                         Ckr::kPinIncorrect));
  EXPECT_TRUE(FailedWith(r, r.Do(WrongSo()), Ckr::kPinIncorrect));
  EXPECT_TRUE(HsmAt(w).zeroized);
}

TEST(BackupAuth, TenBadCoLoginsLockTheCoOut) {
  HSMB_CLAUSE("AUTH-LOCKOUT", "AUTH-CO");
  World w = SimpleWorld();
  Runner r(&w);
  for (int i = 1; i <= 9; ++i) {
    EXPECT_TRUE(FailedWith(r, r.Do("role login -name co -password wrong"), Ckr::kPinIncorrect))
        << "attempt " << i;
  }
  EXPECT_EQ(UserAt(w).co_lockout.failures, 9u);
  EXPECT_TRUE(FailedWith(r, r.Do("role login -name co -password wrong"), Ckr::kPinLocked));
  EXPECT_TRUE(FailedWith(r, r.Do(std::string("role login -name co -password ") + kCoPassword),
                         Ckr::kPinLocked));
  // The lockout covers the Crypto User too.
  EXPECT_TRUE(FailedWith(r, r.Do(std::string("role login -name cu -password ") + kCuPassword),
                         Ckr::kPinLocked));
  EXPECT_FALSE(r.session().LoggedIn(0, Role::kCo));
  const World before = w;
  EXPECT_TRUE(FailedWith(r, r.Do(BackupLine()), Ckr::kUserNotLoggedIn));
  EXPECT_EQ(w, before);
}

TEST(BackupAuth, NineBadCoLoginsThenTheRightOneResetsTheCount) {
  HSMB_CLAUSE("AUTH-LOCKOUT");
  World w = SimpleWorld();
  Runner r(&w);
  for (int i = 0; i < 9; ++i) {
    EXPECT_TRUE(FailedWith(r, r.Do("role login -name co -password wrong"), Ckr::kPinIncorrect));
  }
  r.LoginCo();
  EXPECT_EQ(UserAt(w).co_lockout.failures, 0u);
  EXPECT_TRUE(Succeeded(r, r.Do(BackupLine())));
}

TEST(BackupAuth, PolicyTwentyLowersTheCoThreshold) {
  HSMB_CLAUSE("AUTH-LOCKOUT");
  World w = SimpleWorld();
  UserAt(w).co_lockout_threshold = 3;
  Runner r(&w);
  EXPECT_TRUE(FailedWith(r, r.Do("role login -name co -password wrong"), Ckr::kPinIncorrect));
  EXPECT_TRUE(FailedWith(r, r.Do("role login -name co -password wrong"), Ckr::kPinIncorrect));
  EXPECT_TRUE(FailedWith(r, r.Do("role login -name co -password wrong"), Ckr::kPinLocked));
  EXPECT_NE(r.LastText().find("locked out"), std::string::npos);
  EXPECT_TRUE(FailedWith(r, r.Do(std::string("role login -name co -password ") + kCoPassword),
                         Ckr::kPinLocked));
  EXPECT_EQ(UserAt(w).co_lockout.failures, 3u);
}

TEST(BackupAuth, BadBackupPartitionPasswordsLockTheContainer) {
  HSMB_CLAUSE("AUTH-LOCKOUT", "AUTH-PO");
  World w = SimpleWorld();
  Runner r(&w);
  r.LoginCo();
  ASSERT_TRUE(Succeeded(r, r.Do(BackupLine("-objects 100"))));
  const BackupPartition snapshot = HsmAt(w).partitions.at(0);
  BackupArgs a;
  a.password = "wrongPassw0rd";
  a.extra = "-append";
  for (uint32_t i = 1; i <= 9; ++i) {
    EXPECT_TRUE(FailedWith(r, r.Do(BackupLineFrom(a)), Ckr::kPinIncorrect)) << i;
    EXPECT_EQ(HsmAt(w).partitions.at(0).user_lockout.failures, i);
  }
  EXPECT_FALSE(r.Do(BackupLineFrom(a)).status.ok());
  // Locked now: the right password is refused and nothing is appended.
  EXPECT_TRUE(FailedWith(r, r.Do(BackupLine("-append")), Ckr::kPinLocked));
  BackupPartition now = HsmAt(w).partitions.at(0);
  EXPECT_EQ(now.objects, snapshot.objects);
  EXPECT_EQ(now.allocated, snapshot.allocated);
}

TEST(BackupAuth, PedPartitionNeverClonesToAPasswordBackupHsm) {
  HSMB_CLAUSE("AUTH-SAME-MODE");
  UserPartition u = MakeUser(PartitionKind::kV0);
  u.auth = AuthMode::kPed;
  u.co_password = Secret();
  u.po_password = Secret();
  World w = MakeWorld(std::move(u), MakeBackupHsm());
  Runner r(&w);
  ASSERT_TRUE(Succeeded(r, r.Do("role login -name co")));
  const World before = w;
  Result res = r.Do(BackupLine());
  EXPECT_TRUE(FailedWith(r, res, Ckr::kOperationNotAllowed));
  EXPECT_EQ(res.status.message(),
            "The partition is PED-authenticated and the backup HSM on slot 2 is not: password and "
            "PED devices never clone to each other.");
  EXPECT_EQ(w, before);
}

TEST(BackupAuth, PasswordPartitionNeverClonesToAPedBackupHsm) {
  HSMB_CLAUSE("AUTH-SAME-MODE");
  for (PartitionKind kind : {PartitionKind::kPre77, PartitionKind::kV0, PartitionKind::kV1}) {
    BackupHsm h = MakeBackupHsm();
    h.auth = AuthMode::kPed;
    h.so_password = Secret();
    h.ped_domain = Secret(kDomain);  // even the right domain does not help
    World w = MakeWorld(MakeUser(kind), std::move(h));
    Runner r(&w);
    r.LoginCo();
    const World before = w;
    Result res = r.Do("partition archive backup -slot 2 -partition bk");
    EXPECT_TRUE(FailedWith(r, res, Ckr::kOperationNotAllowed));
    EXPECT_EQ(res.status.message(),
              "The partition is password-authenticated and the backup HSM on slot 2 is not: "
              "password and PED devices never clone to each other.");
    EXPECT_EQ(w, before);
  }
}

}  // namespace
}  // namespace hsmbackup
