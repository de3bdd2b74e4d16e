// partition archive restore: target, per-object rules and the round trip
// (RESTORE-TARGET-EXISTS, RESTORE-RULES, RESTORE-ROUNDTRIP).
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "hsmbackup/blob.h"
#include "support/test_support.h"
#include "support/worlds.h"

namespace hsmbackup {
namespace {

using namespace hsmbackup::testing;  // NOLINT(build/namespaces)


const Object* FindByOuid(const UserPartition& p, const Ouid& ouid) {
  for (const Object& o : p.objects) {
    if (o.ouid == ouid) return &o;
  }
  return nullptr;
}

size_t CountLinesStartingWith(const Runner& r, const std::string& prefix) {
  return static_cast<size_t>(std::count_if(r.last().begin(), r.last().end(),
                                           [&](const std::string& l) {
                                             return l.rfind(prefix, 0) == 0;
                                           }));
}

// BackedUpAndEmptied: slot 0, a partition of kind(), backed up to "bk";
// then its objects are deleted from the World (kept in `originals`).
class BackedUpAndEmptied : public ::testing::Test {
 protected:
  virtual PartitionKind kind() const { return PartitionKind::kV0; }
  void SetUp() override {
    world = WorldBuilder().Source(kind()).Build();
    runner_.emplace(&world);
    ASSERT_NO_FATAL_FAILURE(runner().LoginCo());
    ASSERT_TRUE(Succeeded(runner(), runner().Do(BackupLine())));
    originals = UserAt(world).objects;
    UserAt(world).objects.clear();
  }
  Runner& runner() { return *runner_; }

  World world;
  std::vector<Object> originals;

 private:
  std::optional<Runner> runner_;
};

// The same, for each kind the suite is instantiated with.
class BackedUpAndEmptiedByKind : public BackedUpAndEmptied,
                                 public ::testing::WithParamInterface<PartitionKind> {
 protected:
  PartitionKind kind() const override { return GetParam(); }
};

class RestoreTargetExists : public BackedUpAndEmptied {};
class RestoreRules : public BackedUpAndEmptied {};
class RestoreRulesPre77 : public BackedUpAndEmptied {
 protected:
  PartitionKind kind() const override { return PartitionKind::kPre77; }
};
class RestoreRulesEveryKind : public BackedUpAndEmptiedByKind {};
INSTANTIATE_TEST_SUITE_P(Kinds, RestoreRulesEveryKind, ::testing::ValuesIn(kAllKinds),
                         KindParamName);
class RestoreRulesV0AndV1 : public BackedUpAndEmptiedByKind {};
INSTANTIATE_TEST_SUITE_P(Kinds, RestoreRulesV0AndV1,
                         ::testing::Values(PartitionKind::kV0, PartitionKind::kV1), KindParamName);
class RestoreRoundtrip : public BackedUpAndEmptied {};
class RestoreRoundtripEveryKind : public BackedUpAndEmptiedByKind {};
INSTANTIATE_TEST_SUITE_P(Kinds, RestoreRoundtripEveryKind, ::testing::ValuesIn(kAllKinds),
                         KindParamName);
class RestoreRoundtripToAnother : public ::testing::TestWithParam<PartitionKind> {};
INSTANTIATE_TEST_SUITE_P(Kinds, RestoreRoundtripToAnother, ::testing::ValuesIn(kAllKinds),
                         KindParamName);

// ExpectSameContent checks every original came back with the same OUID,
// label, class, attributes, value and hence fingerprint.
void ExpectSameContent(const std::vector<Object>& originals, const UserPartition& target) {
  ASSERT_EQ(target.objects.size(), originals.size());
  for (size_t i = 0; i < originals.size(); ++i) {
    const Object& want = originals[i];
    const Object& got = target.objects[i];  // restored in backup order
    EXPECT_EQ(got.ouid, want.ouid) << i;
    EXPECT_EQ(got.label, want.label) << i;
    EXPECT_EQ(got.object_class, want.object_class) << i;
    EXPECT_EQ(got.attributes, want.attributes) << i;
    EXPECT_EQ(got.value, want.value) << i;
    EXPECT_EQ(ComputeFingerprint(got), ComputeFingerprint(want)) << i;
  }
}

TEST_F(RestoreTargetExists, RestoresIntoTheCurrentPartition) {
  HSMB_CLAUSE("RESTORE-TARGET-EXISTS");
  const size_t slots = world.slots.size();
  const BackupHsm hsm_before = HsmAt(world);
  Result res = runner().Do(RestoreLine());
  ASSERT_TRUE(Succeeded(runner(), res));
  EXPECT_EQ(world.slots.size(), slots);
  EXPECT_EQ(UserAt(world).objects.size(), 3u);
  EXPECT_TRUE(HsmAt(world) == hsm_before) << "restore leaves the backup as it was";
  EXPECT_NE(std::find(runner().last().begin(), runner().last().end(),
                      "3 objects have been restored to slot 0."),
            runner().last().end())
      << runner().LastText();
}

TEST_F(RestoreTargetExists, UnknownBackupNameCreatesNothing) {
  HSMB_CLAUSE("RESTORE-TARGET-EXISTS");
  const World before = world;
  Result res = runner().Do(RestoreLine("nosuchbackup"));
  EXPECT_TRUE(FailedWith(runner(), res, Ckr::kTokenNotPresent));
  EXPECT_TRUE(world == before);
  EXPECT_EQ(world.slots.size(), 2u);
  EXPECT_EQ(HsmAt(world).partitions.size(), 1u);
}

TEST_F(RestoreTargetExists, CurrentSlotMustBeAUserPartition) {
  HSMB_CLAUSE("RESTORE-TARGET-EXISTS");
  ASSERT_TRUE(Succeeded(runner(), runner().Do("slot set -slot 2")));
  const World before = world;
  Result res = runner().Do(RestoreLine());
  EXPECT_TRUE(FailedWith(runner(), res, Ckr::kSlotIdInvalid));
  EXPECT_TRUE(world == before);
}

TEST_P(RestoreRulesEveryKind, DomainMismatchIsCertificateInvalid) {
  HSMB_CLAUSE("RESTORE-RULES", "DOM-ERROR-CODE");
  UserAt(world).domain = Secret("anotherdomain");
  const UserPartition target_before = UserAt(world);
  Result res = runner().Do(RestoreLine());
  EXPECT_TRUE(FailedWith(runner(), res, Ckr::kCertificateInvalid));
  EXPECT_TRUE(UserAt(world) == target_before);
  // Pre-7.7 tries every object; V0 stops at the first; V1 fails on the SMK.
  const size_t failures = CountLinesStartingWith(runner(), "Failed to restore object");
  EXPECT_EQ(failures, kind() == PartitionKind::kPre77 ? 3u : kind() == PartitionKind::kV0 ? 1u : 0u)
      << runner().LastText();
}

TEST_F(RestoreRulesPre77, VerifyFailureContinuesOnPre77) {
  HSMB_CLAUSE("RESTORE-RULES", "CLONE-CONTINUE-PRE77");
  const uint32_t second = HsmAt(world).partitions.at(0).objects.at(1).object.handle;
  world.faults.push_back(Fault{FaultType::kVerifyFail, std::nullopt, second, 0});
  Result res = runner().Do(RestoreLine());
  EXPECT_TRUE(FailedWith(runner(), res, Ckr::kFailedToCloneAnObject));
  const UserPartition& t = UserAt(world);
  ASSERT_EQ(t.objects.size(), 2u);
  EXPECT_EQ(t.objects[0].ouid, originals[0].ouid);
  EXPECT_EQ(t.objects[1].ouid, originals[2].ouid);
  EXPECT_EQ(FindByOuid(t, originals[1].ouid), nullptr) << "the failed object is discarded";
  EXPECT_NE(std::find(runner().last().begin(), runner().last().end(),
                      "Failed to restore object " + std::to_string(second) +
                          " (CKR_FAILED_TO_CLONE_AN_OBJECT)."),
            runner().last().end())
      << runner().LastText();
}

TEST_P(RestoreRulesV0AndV1, VerifyFailureStopsOnV0AndV1) {
  HSMB_CLAUSE("RESTORE-RULES", "CLONE-STOP-V0V1");
  const uint32_t second = HsmAt(world).partitions.at(0).objects.at(1).object.handle;
  world.faults.push_back(Fault{FaultType::kVerifyFail, 2u, second, 0});
  Result res = runner().Do(RestoreLine());
  EXPECT_TRUE(FailedWith(runner(), res, Ckr::kFailedToCloneAnObject));
  const UserPartition& t = UserAt(world);
  ASSERT_EQ(t.objects.size(), 1u);
  EXPECT_EQ(t.objects[0].ouid, originals[0].ouid);
  EXPECT_EQ(CountLinesStartingWith(runner(), "Restored object"), 1u);
  EXPECT_NE(std::find(runner().last().begin(), runner().last().end(),
                      "Restore stopped at the first object that failed."),
            runner().last().end());
}

TEST_F(RestoreRules, FaultOnAnotherSlotDoesNotApply) {
  HSMB_CLAUSE("RESTORE-RULES");
  const uint32_t second = HsmAt(world).partitions.at(0).objects.at(1).object.handle;
  world.faults.push_back(Fault{FaultType::kVerifyFail, 5u, second, 0});
  ASSERT_TRUE(Succeeded(runner(), runner().Do(RestoreLine())));
  EXPECT_EQ(UserAt(world).objects.size(), 3u);
}

TEST_P(RestoreRoundtripEveryKind, SamePartitionGetsEveryObjectBack) {
  HSMB_CLAUSE("RESTORE-ROUNDTRIP");
  ASSERT_TRUE(Succeeded(runner(), runner().Do(RestoreLine())));
  ExpectSameContent(originals, UserAt(world));
}

TEST_P(RestoreRoundtripToAnother, SecondPartitionOfTheSameKindAndDomain) {
  HSMB_CLAUSE("RESTORE-ROUNDTRIP", "RESTORE-TARGET-EXISTS");
  const PartitionKind kind = GetParam();
  World w = WorldBuilder().Source(kind).AddUser(1, MakeUser(kind, 0, "target")).Build();
  Runner r(&w);
  r.LoginCo();
  ASSERT_TRUE(Succeeded(r, r.Do(BackupLine())));
  const UserPartition source = UserAt(w, 0);
  ASSERT_TRUE(Succeeded(r, r.Do("slot set -slot 1")));
  r.LoginCo();
  ASSERT_TRUE(Succeeded(r, r.Do(RestoreLine())));
  ExpectSameContent(source.objects, UserAt(w, 1));
  EXPECT_TRUE(UserAt(w, 0) == source);
  for (const Object& o : UserAt(w, 1).objects) {
    EXPECT_GE(o.handle, 1u);
  }
}

TEST_F(RestoreRoundtrip, SameOuidIsKeptUnlessReplace) {
  HSMB_CLAUSE("RESTORE-ROUNDTRIP", "RESTORE-RULES");
  UserAt(world).objects = originals;
  UserAt(world).objects[0].attributes.Set("CKA_EXTRACTABLE", "false");
  const Object changed = UserAt(world).objects[0];
  ASSERT_TRUE(Succeeded(runner(), runner().Do(RestoreLine())));
  EXPECT_TRUE(UserAt(world).objects[0] == changed) << "not restored over without -replace";
  EXPECT_EQ(UserAt(world).objects.size(), 3u);
  ASSERT_TRUE(Succeeded(runner(), runner().Do(RestoreLine("bk", "-replace"))));
  const Object* back = FindByOuid(UserAt(world), changed.ouid);
  ASSERT_NE(back, nullptr);
  EXPECT_EQ(back->attributes, originals[0].attributes);
  EXPECT_EQ(UserAt(world).objects.size(), 3u);
}

TEST_F(RestoreRoundtrip, ObjectsOptionRestoresTheNamedBackupObjects) {
  HSMB_CLAUSE("RESTORE-ROUNDTRIP", "OPT-OBJECTS-FORMS");
  const BackupPartition& p = HsmAt(world).partitions.at(0);
  const std::string list = std::to_string(p.objects.at(2).object.handle) + "," +
                           std::to_string(p.objects.at(0).object.handle);
  ASSERT_TRUE(Succeeded(runner(), runner().Do(RestoreLine("bk", "-objects " + list))));
  ASSERT_EQ(UserAt(world).objects.size(), 2u);
  EXPECT_EQ(UserAt(world).objects[0].ouid, originals[2].ouid);
  EXPECT_EQ(UserAt(world).objects[1].ouid, originals[0].ouid);
  const World before = world;
  EXPECT_TRUE(FailedWith(runner(), runner().Do(RestoreLine("bk", "-objects 999")),
                         Ckr::kObjectHandleInvalid));
  EXPECT_TRUE(world == before);
}

}  // namespace
}  // namespace hsmbackup
