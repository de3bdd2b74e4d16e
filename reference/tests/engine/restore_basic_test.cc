// partition archive restore: target, per-object rules and the round trip
// (RESTORE-TARGET-EXISTS, RESTORE-RULES, RESTORE-ROUNDTRIP).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "hsmbackup/blob.h"
#include "support/test_support.h"
#include "support/worlds.h"

namespace hsmbackup {
namespace {

using testing::AddUserSlot;
using testing::BackupLine;
using testing::FailedWith;
using testing::MakeBackupHsm;
using testing::MakeUser;
using testing::MakeWorld;
using testing::RestoreLine;
using testing::Runner;
using testing::Succeeded;

constexpr PartitionKind kKinds[] = {PartitionKind::kPre77, PartitionKind::kV0,
                                    PartitionKind::kV1};

UserPartition& User(World& w, uint32_t slot = 0) { return *w.FindSlot(slot)->user; }
BackupHsm& Hsm(World& w) { return *w.FindSlot(2)->backup; }

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

// BackedUpAndEmptied backs up slot 0 to "bk" and then deletes the objects
// from the source partition in the World.
struct BackedUpAndEmptied {
  explicit BackedUpAndEmptied(PartitionKind kind)
      : world(MakeWorld(MakeUser(kind), MakeBackupHsm())), r(&world) {
    r.LoginCo();
    EXPECT_TRUE(Succeeded(r, r.Do(BackupLine())));
    originals = User(world).objects;
    User(world).objects.clear();
  }
  World world;
  Runner r;
  std::vector<Object> originals;
};

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

TEST(RestoreTargetExists, RestoresIntoTheCurrentPartition) {
  HSMB_CLAUSE("RESTORE-TARGET-EXISTS");
  BackedUpAndEmptied f(PartitionKind::kV0);
  const size_t slots = f.world.slots.size();
  const BackupHsm hsm_before = Hsm(f.world);
  Result res = f.r.Do(RestoreLine());
  ASSERT_TRUE(Succeeded(f.r, res));
  EXPECT_EQ(f.world.slots.size(), slots);
  EXPECT_EQ(User(f.world).objects.size(), 3u);
  EXPECT_TRUE(Hsm(f.world) == hsm_before) << "restore leaves the backup as it was";
  EXPECT_NE(std::find(f.r.last().begin(), f.r.last().end(),
                      "3 objects have been restored to slot 0."),
            f.r.last().end())
      << f.r.LastText();
}

TEST(RestoreTargetExists, UnknownBackupNameCreatesNothing) {
  HSMB_CLAUSE("RESTORE-TARGET-EXISTS");
  BackedUpAndEmptied f(PartitionKind::kV0);
  const World before = f.world;
  Result res = f.r.Do(RestoreLine("nosuchbackup"));
  EXPECT_TRUE(FailedWith(f.r, res, Ckr::kTokenNotPresent));
  EXPECT_TRUE(f.world == before);
  EXPECT_EQ(f.world.slots.size(), 2u);
  EXPECT_EQ(Hsm(f.world).partitions.size(), 1u);
}

TEST(RestoreTargetExists, CurrentSlotMustBeAUserPartition) {
  HSMB_CLAUSE("RESTORE-TARGET-EXISTS");
  BackedUpAndEmptied f(PartitionKind::kV0);
  ASSERT_TRUE(Succeeded(f.r, f.r.Do("slot set -slot 2")));
  const World before = f.world;
  Result res = f.r.Do(RestoreLine());
  EXPECT_TRUE(FailedWith(f.r, res, Ckr::kSlotIdInvalid));
  EXPECT_TRUE(f.world == before);
}

TEST(RestoreRules, DomainMismatchIsCertificateInvalid) {
  HSMB_CLAUSE("RESTORE-RULES", "DOM-ERROR-CODE");
  for (PartitionKind kind : kKinds) {
    BackedUpAndEmptied f(kind);
    User(f.world).domain = Secret("anotherdomain");
    const UserPartition target_before = User(f.world);
    Result res = f.r.Do(RestoreLine());
    EXPECT_TRUE(FailedWith(f.r, res, Ckr::kCertificateInvalid)) << KindName(kind);
    EXPECT_TRUE(User(f.world) == target_before) << KindName(kind);
    // Pre-7.7 tries every object; V0 stops at the first; V1 fails on the SMK.
    const size_t failures = CountLinesStartingWith(f.r, "Failed to restore object");
    EXPECT_EQ(failures, kind == PartitionKind::kPre77 ? 3u : kind == PartitionKind::kV0 ? 1u : 0u)
        << KindName(kind) << "\n" << f.r.LastText();
  }
}

TEST(RestoreRules, VerifyFailureContinuesOnPre77) {
  HSMB_CLAUSE("RESTORE-RULES", "CLONE-CONTINUE-PRE77");
  BackedUpAndEmptied f(PartitionKind::kPre77);
  const uint32_t second = Hsm(f.world).partitions.at(0).objects.at(1).object.handle;
  f.world.faults.push_back(Fault{FaultType::kVerifyFail, std::nullopt, second, 0});
  Result res = f.r.Do(RestoreLine());
  EXPECT_TRUE(FailedWith(f.r, res, Ckr::kFailedToCloneAnObject));
  const UserPartition& t = User(f.world);
  ASSERT_EQ(t.objects.size(), 2u);
  EXPECT_EQ(t.objects[0].ouid, f.originals[0].ouid);
  EXPECT_EQ(t.objects[1].ouid, f.originals[2].ouid);
  EXPECT_EQ(FindByOuid(t, f.originals[1].ouid), nullptr) << "the failed object is discarded";
  EXPECT_NE(std::find(f.r.last().begin(), f.r.last().end(),
                      "Failed to restore object " + std::to_string(second) +
                          " (CKR_FAILED_TO_CLONE_AN_OBJECT)."),
            f.r.last().end())
      << f.r.LastText();
}

TEST(RestoreRules, VerifyFailureStopsOnV0AndV1) {
  HSMB_CLAUSE("RESTORE-RULES", "CLONE-STOP-V0V1");
  for (PartitionKind kind : {PartitionKind::kV0, PartitionKind::kV1}) {
    BackedUpAndEmptied f(kind);
    const uint32_t second = Hsm(f.world).partitions.at(0).objects.at(1).object.handle;
    f.world.faults.push_back(Fault{FaultType::kVerifyFail, 2u, second, 0});
    Result res = f.r.Do(RestoreLine());
    EXPECT_TRUE(FailedWith(f.r, res, Ckr::kFailedToCloneAnObject)) << KindName(kind);
    const UserPartition& t = User(f.world);
    ASSERT_EQ(t.objects.size(), 1u) << KindName(kind);
    EXPECT_EQ(t.objects[0].ouid, f.originals[0].ouid);
    EXPECT_EQ(CountLinesStartingWith(f.r, "Restored object"), 1u);
    EXPECT_NE(std::find(f.r.last().begin(), f.r.last().end(),
                        "Restore stopped at the first object that failed."),
              f.r.last().end());
  }
}

TEST(RestoreRules, FaultOnAnotherSlotDoesNotApply) {
  HSMB_CLAUSE("RESTORE-RULES");
  BackedUpAndEmptied f(PartitionKind::kV0);
  const uint32_t second = Hsm(f.world).partitions.at(0).objects.at(1).object.handle;
  f.world.faults.push_back(Fault{FaultType::kVerifyFail, 5u, second, 0});
  ASSERT_TRUE(Succeeded(f.r, f.r.Do(RestoreLine())));
  EXPECT_EQ(User(f.world).objects.size(), 3u);
}

TEST(RestoreRoundtrip, SamePartitionGetsEveryObjectBack) {
  HSMB_CLAUSE("RESTORE-ROUNDTRIP");
  for (PartitionKind kind : kKinds) {
    SCOPED_TRACE(KindName(kind));
    BackedUpAndEmptied f(kind);
    ASSERT_TRUE(Succeeded(f.r, f.r.Do(RestoreLine())));
    ExpectSameContent(f.originals, User(f.world));
  }
}

TEST(RestoreRoundtrip, SecondPartitionOfTheSameKindAndDomain) {
  HSMB_CLAUSE("RESTORE-ROUNDTRIP", "RESTORE-TARGET-EXISTS");
  for (PartitionKind kind : kKinds) {
    SCOPED_TRACE(KindName(kind));
    World w = MakeWorld(MakeUser(kind), MakeBackupHsm());
    AddUserSlot(w, 1, MakeUser(kind, 0, "target"));
    Runner r(&w);
    r.LoginCo();
    ASSERT_TRUE(Succeeded(r, r.Do(BackupLine())));
    const UserPartition source = User(w, 0);
    ASSERT_TRUE(Succeeded(r, r.Do("slot set -slot 1")));
    r.LoginCo();
    ASSERT_TRUE(Succeeded(r, r.Do(RestoreLine())));
    ExpectSameContent(source.objects, User(w, 1));
    EXPECT_TRUE(User(w, 0) == source);
    for (const Object& o : User(w, 1).objects) {
      EXPECT_GE(o.handle, 1u);
    }
  }
}

TEST(RestoreRoundtrip, SameOuidIsKeptUnlessReplace) {
  HSMB_CLAUSE("RESTORE-ROUNDTRIP", "RESTORE-RULES");
  BackedUpAndEmptied f(PartitionKind::kV0);
  User(f.world).objects = f.originals;
  User(f.world).objects[0].attributes.Set("CKA_EXTRACTABLE", "false");
  const Object changed = User(f.world).objects[0];
  ASSERT_TRUE(Succeeded(f.r, f.r.Do(RestoreLine())));
  EXPECT_TRUE(User(f.world).objects[0] == changed) << "not restored over without -replace";
  EXPECT_EQ(User(f.world).objects.size(), 3u);
  ASSERT_TRUE(Succeeded(f.r, f.r.Do(RestoreLine("bk", "-replace"))));
  const Object* back = FindByOuid(User(f.world), changed.ouid);
  ASSERT_NE(back, nullptr);
  EXPECT_EQ(back->attributes, f.originals[0].attributes);
  EXPECT_EQ(User(f.world).objects.size(), 3u);
}

TEST(RestoreRoundtrip, ObjectsOptionRestoresTheNamedBackupObjects) {
  HSMB_CLAUSE("RESTORE-ROUNDTRIP", "OPT-OBJECTS-FORMS");
  BackedUpAndEmptied f(PartitionKind::kV0);
  const BackupPartition& p = Hsm(f.world).partitions.at(0);
  const std::string list = std::to_string(p.objects.at(2).object.handle) + "," +
                           std::to_string(p.objects.at(0).object.handle);
  ASSERT_TRUE(Succeeded(f.r, f.r.Do(RestoreLine("bk", "-objects " + list))));
  ASSERT_EQ(User(f.world).objects.size(), 2u);
  EXPECT_EQ(User(f.world).objects[0].ouid, f.originals[2].ouid);
  EXPECT_EQ(User(f.world).objects[1].ouid, f.originals[0].ouid);
  const World before = f.world;
  EXPECT_TRUE(FailedWith(f.r, f.r.Do(RestoreLine("bk", "-objects 999")),
                         Ckr::kObjectHandleInvalid));
  EXPECT_TRUE(f.world == before);
}

}  // namespace
}  // namespace hsmbackup
