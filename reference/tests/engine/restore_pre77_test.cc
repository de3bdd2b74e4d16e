// Restoring pre-7.7 backups from a Backup HSM 7 (RESTORE-PRE77-TO-V0), the
// continue-or-stop rule of a restore (RESTORE-RULES: the backup's origin)
// and a PED restore's steps (OUT-PED).
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "hsmbackup/luna_facts.h"
#include "hsmbackup/world_io.h"
#include "support/test_support.h"
#include "support/worlds.h"

namespace hsmbackup {
namespace {

using namespace hsmbackup::testing;  // NOLINT(build/namespaces)
using Lines = std::vector<std::string>;

// Pre77ToTarget: a pre-7.7 partition (slot 0) backed up to "bk" on a Backup
// HSM 7 (slot 2), then an empty `target_kind` partition (slot 1) of the same
// domain made current with its CO logged in.
struct Pre77ToTarget {
  explicit Pre77ToTarget(PartitionKind target_kind, PartitionKind source_kind = PartitionKind::kPre77) {
    world = WorldBuilder().Source(source_kind).AddUser(1, MakeUser(target_kind, 0, "target")).Build();
    runner.emplace(&world);
    runner->LoginCo();
    ok = Succeeded(*runner, runner->Do(BackupLine())) &&
         Succeeded(*runner, runner->Do("slot set -slot 1")) &&
         Succeeded(*runner, runner->Do(std::string("role login -name co -password ") + kCoPassword));
  }
  World world;
  std::optional<Runner> runner;
  bool ok = false;
};

TEST(RestorePre77ToV0, PoliciesAndFirmwareDecideWhereAPre77BackupGoes) {
  HSMB_CLAUSE("RESTORE-PRE77-TO-V0");
  for (PartitionKind target : {PartitionKind::kPre77, PartitionKind::kV0, PartitionKind::kV1}) {
    for (const Version fw : {Version{7, 3, 0}, Version{7, 7, 1}, Version{7, 7, 2}}) {
      for (bool p55 : {false, true}) {
        for (bool p42 : {false, true}) {
          if (p55 && fw < kBackupHsm7RestrictedRestore) continue;  // no policy 55 there
          SCOPED_TRACE(std::string(KindName(target)) + " " + fw.ToString() + " 55=" +
                       std::to_string(p55) + " 42=" + std::to_string(p42));
          Pre77ToTarget f(target);
          ASSERT_TRUE(f.ok);
          HsmAt(f.world).firmware = fw;
          HsmAt(f.world).restricted_restore = p55;
          UserAt(f.world, 1).policies.allow_cpv1 = p42;
          const bool gated = fw >= kBackupHsm7RestrictedRestore;
          const bool allowed =
              !gated || (target == PartitionKind::kPre77 && !p55) ||
              (target == PartitionKind::kV1 && p55) ||
              (target == PartitionKind::kV0 && p55 && p42 && fw >= kBackupHsm7CpV1Restore);
          const World before = f.world;
          Result res = f.runner->Do(RestoreLine());
          if (allowed) {
            EXPECT_TRUE(Succeeded(*f.runner, res));
            EXPECT_EQ(UserAt(f.world, 1).objects.size(), 3u);
          } else {
            EXPECT_TRUE(FailedWith(*f.runner, res, Ckr::kOperationNotAllowed));
            EXPECT_TRUE(f.world == before) << "refused before the container login";
          }
        }
      }
    }
  }
}

TEST(RestorePre77ToV0, Policy55IsABackupHsm7PolicyFrom771) {
  HSMB_CLAUSE("RESTORE-PRE77-TO-V0");
  for (const auto& [model, fw] : std::vector<std::pair<std::string, std::string>>{
           {"backup_hsm_g5", "6.28.0"}, {"backup_hsm_7", "7.7.0"}}) {
    const std::string doc = R"({"format": "hsmbackup-world/1", "client": {"version": "10.4.0"},
      "clock": {"now": "2019-03-09T16:52:47Z"}, "slots": [{"id": 2, "backup_hsm": {
      "model": ")" + model + R"(", "label": "b", "serial": "1", "firmware": ")" + fw + R"(",
      "policies": {"enable_restricted_restore": true}, "capacity": 100000,
      "so_password": "fake-so-pwd"}}]})";
    StatusOr<World> w = ParseWorld(doc, "w.json");
    ASSERT_FALSE(w.ok()) << model;
    EXPECT_EQ(w.status().message(),
              "w.json: /slots/0/backup_hsm/policies/enable_restricted_restore: policy 55 "
              "\"Enable Restricted Restore\" is a Backup HSM 7 policy from firmware 7.7.1 "
              "(RESTORE-PRE77-TO-V0)");
  }
}

// The restore page: a pre-7.7 restore goes on after a failed object, a V0/V1
// one ends at the first; it speaks of where the objects came from.
TEST(RestoreContinueOrStop, FollowsTheBackupsOrigin) {
  HSMB_CLAUSE("RESTORE-RULES", "RESTORE-PRE77-TO-V0");
  for (PartitionKind origin : {PartitionKind::kPre77, PartitionKind::kV0}) {
    SCOPED_TRACE(KindName(origin));
    Pre77ToTarget f(PartitionKind::kV0, origin);
    ASSERT_TRUE(f.ok);
    HsmAt(f.world).restricted_restore = true;
    UserAt(f.world, 1).policies.allow_cpv1 = true;
    const uint32_t first = HsmAt(f.world).partitions.at(0).objects.at(0).object.handle;
    f.world.faults.push_back(Fault{FaultType::kVerifyFail, std::nullopt, first, 0});
    Result res = f.runner->Do(RestoreLine());
    EXPECT_TRUE(FailedWith(*f.runner, res, Ckr::kFailedToCloneAnObject));
    EXPECT_EQ(UserAt(f.world, 1).objects.size(), origin == PartitionKind::kPre77 ? 2u : 0u)
        << f.runner->LastText();
  }
}

TEST(RestoreOutput, APedRestoreTakesTheSoThePartitionAndTheDomainKeys) {
  HSMB_CLAUSE("OUT-PED");
  UserPartition u = MakeUser(PartitionKind::kV0);
  u.auth = AuthMode::kPed;
  u.co_password = Secret();
  u.po_password = Secret();
  BackupHsm h = MakeBackupHsm();
  h.auth = AuthMode::kPed;
  h.so_password = Secret();
  h.ped_domain = Secret(kDomain);
  World w = MakeWorld(std::move(u), std::move(h));
  Runner r(&w);
  ASSERT_TRUE(Succeeded(r, r.Do("role login -name co")));
  ASSERT_TRUE(Succeeded(r, r.Do("partition archive backup -slot 2 -partition bk")));
  UserAt(w).objects.clear();
  ASSERT_TRUE(Succeeded(r, r.Do("partition archive restore -slot 2 -partition bk")));
  const Lines& out = r.last();
  const Lines steps = {"Logging in as the SO on slot 2.",
                       "Logging into the container bk on slot 2 as the user.",
                       "Presenting the domain PED key for the partition bk on slot 2."};
  auto at = out.begin();
  for (const std::string& step : steps) {
    at = std::find(at, out.end(), step);
    ASSERT_NE(at, out.end()) << step << "\n" << r.LastText();
    ASSERT_LT(at + 2, out.end());
    EXPECT_EQ(*(at + 2), "Please attend to the PED.") << step;
  }
  EXPECT_EQ(std::count(out.begin(), out.end(), "Please attend to the PED."), 3);
  EXPECT_EQ(UserAt(w).objects.size(), 3u);
}

}  // namespace
}  // namespace hsmbackup
