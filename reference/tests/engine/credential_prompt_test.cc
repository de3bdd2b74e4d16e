// Credentials left off the line are asked for, never refused (AUTH-PROMPT):
// shown as ********, never echoed; without an answer nothing changes.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "support/test_support.h"
#include "support/worlds.h"

namespace hsmbackup {
namespace {

using namespace hsmbackup::testing;  // NOLINT(build/namespaces)
using Asked = std::vector<Credential>;

constexpr char kTypedPassword[] = "Typed-Partition-pw1";
constexpr char kTypedDomain[] = "clientdomain";  // the source's, so objects clone

std::map<Credential, Secret> All() {
  return {{Credential::kSoPassword, Secret(kSoPassword)},
          {Credential::kPassword, Secret(kTypedPassword)},
          {Credential::kDomain, Secret(kTypedDomain)}};
}

bool Printed(const Runner& r, const std::string& text) {
  return r.LastText().find(text) != std::string::npos;
}

TEST(AuthPrompt, BackupAsksForEveryCredentialItLacks) {
  HSMB_CLAUSE("AUTH-PROMPT", "AUTH-PO", "OUT-NO-SECRETS");
  World w = MakeWorld(MakeUser(PartitionKind::kV0), MakeBackupHsm());
  Runner r(&w);
  r.LoginCo();
  ASSERT_TRUE(Succeeded(r, r.Do("partition archive backup -slot 2 -partition bk", {}, All())));
  EXPECT_EQ(r.asked(), (Asked{Credential::kSoPassword, Credential::kPassword, Credential::kDomain}));
  EXPECT_TRUE(Printed(r, "Enter the SO password for the backup HSM on slot 2: ********"));
  EXPECT_TRUE(Printed(r, "Enter a password for the new backup partition bk: ********"));
  EXPECT_TRUE(Printed(r, "Enter the cloning domain for the backup partition bk: ********"));
  EXPECT_FALSE(Printed(r, kSoPassword));
  EXPECT_FALSE(Printed(r, kTypedPassword));
  const BackupPartition& p = HsmAt(w).partitions.at(0);
  EXPECT_TRUE(p.password == Secret(kTypedPassword)) << "the typed password is the PO credential";
  EXPECT_TRUE(p.domain == Secret(kTypedDomain));
  EXPECT_EQ(p.objects.size(), 3u);
  // -defaultdomain needs no domain; -append asks for the existing partition's password.
  ASSERT_TRUE(Succeeded(r, r.Do("partition archive backup -slot 2 -partition bk -append", {},
                                All())));
  EXPECT_EQ(r.asked(), (Asked{Credential::kSoPassword, Credential::kPassword}));
  EXPECT_TRUE(Printed(r, "Enter the password for the backup partition bk: ********"));
}

TEST(AuthPrompt, NoAnswerChangesNothingAndSpendsNoAttempt) {
  HSMB_CLAUSE("AUTH-PROMPT");
  for (Credential missing : {Credential::kSoPassword, Credential::kPassword, Credential::kDomain}) {
    World w = MakeWorld(MakeUser(PartitionKind::kV0), MakeBackupHsm());
    Runner r(&w);
    r.LoginCo();
    std::map<Credential, Secret> some = All();
    some.erase(missing);
    const World before = w;
    Result res = r.Do("partition archive backup -slot 2 -partition bk -force", {}, some);
    EXPECT_TRUE(FailedWith(r, res, Ckr::kArgumentsBad)) << CredentialName(missing);
    EXPECT_EQ(r.asked().back(), missing) << "-force does not skip a credential";
    EXPECT_NE(res.status.message().find("-" + std::string(CredentialName(missing))),
              std::string::npos);
    EXPECT_TRUE(w == before) << "nothing created, no SO attempt counted";
    EXPECT_FALSE(Printed(r, "Logging in as the SO"));
  }
}

TEST(AuthPrompt, TypedCredentialsMeetTheSameRules) {
  HSMB_CLAUSE("AUTH-PROMPT", "AUTH-SO", "PROJ-PIN-LENGTH");
  {  // a wrong SO password typed at the prompt counts like one on the line
    World w = MakeWorld(MakeUser(PartitionKind::kV0), MakeBackupHsm());
    Runner r(&w);
    r.LoginCo();
    std::map<Credential, Secret> wrong = All();
    wrong[Credential::kSoPassword] = Secret("not-the-SO-pw");
    EXPECT_TRUE(FailedWith(r, r.Do("partition archive backup -slot 2 -partition bk", {}, wrong),
                           Ckr::kPinIncorrect));
    EXPECT_EQ(HsmAt(w).so_lockout.failures, 1u);
    EXPECT_FALSE(Printed(r, "not-the-SO-pw"));
  }
  {  // a typed new password under 8 characters (firmware 7.7.2)
    World w = MakeWorld(MakeUser(PartitionKind::kV0), MakeBackupHsm());
    Runner r(&w);
    r.LoginCo();
    std::map<Credential, Secret> shortpw = All();
    shortpw[Credential::kPassword] = Secret("short");
    const World before = w;
    EXPECT_TRUE(FailedWith(r, r.Do("partition archive backup -slot 2 -partition bk", {}, shortpw),
                           Ckr::kPinLenRange));
    EXPECT_TRUE(w == before);
  }
}

TEST(AuthPrompt, RestoreListContentsDeleteAsk) {
  HSMB_CLAUSE("AUTH-PROMPT", "ARCHIVE-LIST", "ARCHIVE-CONTENTS", "ARCHIVE-DELETE");
  World w = MakeWorld(MakeUser(PartitionKind::kV0), MakeBackupHsm());
  Runner r(&w);
  r.LoginCo();
  ASSERT_TRUE(Succeeded(r, r.Do(BackupLine())));
  const std::map<Credential, Secret> pw = {{Credential::kPassword, Secret(kNewPartitionPassword)}};
  const std::map<Credential, Secret> so = {{Credential::kSoPassword, Secret(kSoPassword)}};
  ASSERT_TRUE(Succeeded(r, r.Do("partition archive contents -slot 2 -partition bk", {}, pw)));
  EXPECT_EQ(r.asked(), Asked{Credential::kPassword});
  ASSERT_TRUE(Succeeded(r, r.Do("partition archive list -slot 2", {}, so)));
  EXPECT_EQ(r.asked(), Asked{Credential::kSoPassword});
  ASSERT_TRUE(Succeeded(r, r.Do("partition archive restore -slot 2 -partition bk", {}, pw)));
  EXPECT_EQ(r.asked(), Asked{Credential::kPassword});
  // delete: proceed/quit first, then the SO password; quit asks nothing more.
  EXPECT_TRUE(FailedWith(r, r.Do("partition archive delete -slot 2 -partition bk", {"quit"}, so),
                         Ckr::kFunctionCanceled));
  EXPECT_TRUE(r.asked().empty());
  ASSERT_TRUE(Succeeded(r, r.Do("partition archive delete -slot 2 -partition bk", {"proceed"},
                                so)));
  EXPECT_EQ(r.asked(), Asked{Credential::kSoPassword});
  EXPECT_TRUE(HsmAt(w).partitions.empty());
}

TEST(AuthPrompt, RoleLoginAsksForALeftOutPassword) {
  HSMB_CLAUSE("AUTH-PROMPT", "AUTH-SO", "OUT-NO-SECRETS");
  World w = MakeWorld(MakeUser(PartitionKind::kV0), MakeBackupHsm());
  Runner r(&w);
  const std::map<Credential, Secret> co = {{Credential::kPassword, Secret(kCoPassword)}};
  ASSERT_TRUE(Succeeded(r, r.Do("role login -name co", {}, co)));
  EXPECT_EQ(r.asked(), Asked{Credential::kPassword});
  EXPECT_TRUE(Printed(r, "Enter the Crypto Officer password for slot 0: ********"));
  EXPECT_FALSE(Printed(r, kCoPassword));
  ASSERT_TRUE(Succeeded(r, r.Do("role logout")));
  // No answer: refused naming the option, no failed login counted.
  EXPECT_TRUE(FailedWith(r, r.Do("role login -name co"), Ckr::kArgumentsBad));
  EXPECT_NE(r.LastText().find("-password"), std::string::npos);
  EXPECT_EQ(w.FindSlot(0)->user->co_lockout.failures, 0u);
  // A wrong typed password counts as one on the line does.
  EXPECT_TRUE(FailedWith(r, r.Do("role login -name co", {}, All()), Ckr::kPinIncorrect));
  EXPECT_EQ(w.FindSlot(0)->user->co_lockout.failures, 1u);
  // The backup HSM's SO, on its own slot.
  ASSERT_TRUE(Succeeded(r, r.Do("slot set -slot 2")));
  const std::map<Credential, Secret> so = {{Credential::kPassword, Secret(kSoPassword)}};
  ASSERT_TRUE(Succeeded(r, r.Do("role login -name so", {}, so)));
  EXPECT_EQ(r.asked(), Asked{Credential::kPassword});
  EXPECT_TRUE(Printed(r, "Enter the SO password for the backup HSM on slot 2: ********"));
  EXPECT_FALSE(Printed(r, kSoPassword));
}

TEST(AuthPrompt, PedDevicesAskNothing) {
  HSMB_CLAUSE("AUTH-PROMPT", "PROJ-PED-CREDENTIALS");
  UserPartition u = MakeUser(PartitionKind::kV0);
  u.auth = AuthMode::kPed;
  BackupHsm h = MakeBackupHsm();
  h.auth = AuthMode::kPed;
  h.ped_domain = Secret(kDomain);
  World w = MakeWorld(std::move(u), std::move(h));
  Runner r(&w);
  r.LoginCo();
  ASSERT_TRUE(Succeeded(r, r.Do("partition archive backup -slot 2 -partition bk")));
  EXPECT_TRUE(r.asked().empty());
}

}  // namespace
}  // namespace hsmbackup
