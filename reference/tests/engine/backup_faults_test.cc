// Backup path: a partition that fills mid-backup, and the source never
// changing (FULL-REVERT, SRC-UNCHANGED).
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <string>
#include <tuple>
#include <vector>

#include "support/test_support.h"
#include "support/worlds.h"

namespace hsmbackup {
namespace {

using namespace hsmbackup::testing;  // NOLINT(build/namespaces)
using Lines = std::vector<std::string>;

constexpr char kFullMessage[] =
    "The backup partition filled before every object was cloned: the backup was cancelled and "
    "the backup HSM on slot 2 is as it was before. Free some space or use another backup HSM.";

// Every kind against every backup HSM model.
class BackupFaultsByKindAndModel : public ::testing::TestWithParam<KindAndModel> {
 protected:
  PartitionKind kind() const { return std::get<0>(GetParam()); }
  BackupModel model() const { return std::get<1>(GetParam()); }
};
INSTANTIATE_TEST_SUITE_P(KindsAndModels, BackupFaultsByKindAndModel,
                         ::testing::Combine(::testing::ValuesIn(kAllKinds),
                                            ::testing::ValuesIn(kAllModels)),
                         KindAndModelParamName);

TEST_P(BackupFaultsByKindAndModel, FullNewPartitionRevertsTheHsm) {
  HSMB_CLAUSE("FULL-REVERT", "OUT-ERROR");
  World w =
      WorldBuilder().Source(kind(), 4).Backup(model()).WithFault(PartitionFullFault(3)).Build();
  Runner r(&w);
  r.LoginCo();
  const World before = w;
  Result res = r.Do(BackupLine());
  EXPECT_TRUE(FailedWith(r, res, Ckr::kContainerObjectStorageFull));
  const Lines& l = r.last();
  const auto at = std::find(l.begin(), l.end(), "Backing up objects...");
  ASSERT_NE(at, l.end());
  EXPECT_EQ(Lines(at + 1, l.end()),
            (Lines{"Cloned object 100 to partition bk (new handle 1).",
                   "Cloned object 101 to partition bk (new handle 2).",
                   "The backup partition bk is full.", "", kFullMessage, "",
                   "Command Result : 0x8000002C (CKR_CONTAINER_OBJECT_STORAGE_FULL)"}));
  EXPECT_EQ(HsmAt(w), HsmAt(before));  // partitions, allocator, lockouts
  EXPECT_EQ(UserAt(w), UserAt(before));
  EXPECT_TRUE(HsmAt(w).partitions.empty());
}

TEST(BackupFaults, FullAtTheFirstObjectRevertsToo) {
  HSMB_CLAUSE("FULL-REVERT");
  World w = MakeWorld(MakeUser(PartitionKind::kV1, 2), MakeBackupHsm());
  w.faults.push_back(PartitionFullFault(1));
  Runner r(&w);
  r.LoginCo();
  const World before = w;
  EXPECT_TRUE(FailedWith(r, r.Do(BackupLine()), Ckr::kContainerObjectStorageFull));
  EXPECT_EQ(r.LastText().find("Cloned object"), std::string::npos);
  EXPECT_EQ(HsmAt(w), HsmAt(before));  // the SMK blob went too
}

TEST_P(BackupFaultsByKindAndModel, FullAppendRevertsToTheExistingPartition) {
  HSMB_CLAUSE("FULL-REVERT", "OPT-APPEND");
  World w = WorldBuilder().Source(kind(), 5).Backup(model()).Build();
  Runner r(&w);
  r.LoginCo();
  ASSERT_TRUE(Succeeded(r, r.Do(BackupLine("-objects 100,101"))));
  // Objects 1 and 2 of the selection are already there; 3 (handle 102)
  // is cloned, then the partition fills at 4 (handle 103).
  w.faults.push_back(PartitionFullFault(4));
  const World before = w;
  Result res = r.Do(BackupLine("-append"));
  EXPECT_TRUE(FailedWith(r, res, Ckr::kContainerObjectStorageFull));
  EXPECT_NE(r.LastText().find("Cloned object 102 to partition bk (new handle 3)."),
            std::string::npos);
  EXPECT_EQ(HsmAt(w), HsmAt(before));
  ASSERT_EQ(HsmAt(w).partitions.size(), 1u);
  EXPECT_EQ(HsmAt(w).partitions[0].objects.size(), 2u);
  EXPECT_EQ(UserAt(w), UserAt(before));
}

TEST(BackupFaults, FullReplaceBringsBackTheOldBackup) {
  HSMB_CLAUSE("FULL-REVERT", "OPT-REPLACE");
  for (PartitionKind kind : {PartitionKind::kPre77, PartitionKind::kV0, PartitionKind::kV1}) {
    SCOPED_TRACE(KindName(kind));
    World w = MakeWorld(MakeUser(kind, 4), MakeBackupHsm());
    Runner r(&w);
    r.LoginCo();
    BackupArgs a;
    a.password = "oldPassw0rd!";
    a.extra = "-objects 103";
    ASSERT_TRUE(Succeeded(r, r.Do(BackupLineFrom(a))));
    BackupArgs other;
    other.partition = "other";
    ASSERT_TRUE(Succeeded(r, r.Do(BackupLineFrom(other))));
    w.faults.push_back(PartitionFullFault(2));
    const World before = w;
    Result res = r.Do(BackupLine("-replace"), {"proceed"});
    EXPECT_TRUE(FailedWith(r, res, Ckr::kContainerObjectStorageFull));
    EXPECT_NE(r.LastText().find("Deleting the backup partition bk on slot 2."),
              std::string::npos);
    EXPECT_EQ(HsmAt(w), HsmAt(before));
    // The old backup is back, with its old credential.
    EXPECT_TRUE(Succeeded(r, r.Do(ArchiveContentsLine("bk", "oldPassw0rd!"))));
    EXPECT_EQ(r.last().at(r.last().size() - 3), "Number of objects: 1");
  }
}

TEST(BackupFaults, FullAfterADiscardedObjectRevertsEverything) {
  HSMB_CLAUSE("FULL-REVERT", "CLONE-CONTINUE-PRE77");
  World w = MakeWorld(MakeUser(PartitionKind::kPre77, 4), MakeBackupHsm());
  w.faults = {VerifyFailFault(100), PartitionFullFault(4)};
  Runner r(&w);
  r.LoginCo();
  const World before = w;
  Result res = r.Do(BackupLine());
  EXPECT_TRUE(FailedWith(r, res, Ckr::kContainerObjectStorageFull));
  EXPECT_EQ(res.status.message(), kFullMessage);
  EXPECT_EQ(HsmAt(w), HsmAt(before));
}

TEST(BackupFaults, AfterARevertTheSameBackupWorks) {
  HSMB_CLAUSE("FULL-REVERT");
  World w = MakeWorld(MakeUser(PartitionKind::kV0, 3), MakeBackupHsm());
  w.faults.push_back(PartitionFullFault(2));
  Runner r(&w);
  r.LoginCo();
  EXPECT_TRUE(FailedWith(r, r.Do(BackupLine()), Ckr::kContainerObjectStorageFull));
  w.faults.clear();
  ASSERT_TRUE(Succeeded(r, r.Do(BackupLine())));
  // The allocator was rewound with the HSM: the handles start over.
  std::vector<uint32_t> handles;
  for (const BackupObject& o : HsmAt(w).partitions.at(0).objects) handles.push_back(o.object.handle);
  EXPECT_EQ(handles, (std::vector<uint32_t>{1, 2, 3}));
}

// Every kind of backup, successful or not, leaves the source alone.
struct Scenario {
  std::string name;
  std::function<void(World&)> setup;  // before the CO logs in
  std::vector<std::string> before;    // lines that must succeed first
  std::string line;
  Ckr expected;
  std::vector<std::string> answers;
};

std::vector<Scenario> Scenarios() {
  auto with_fault = [](Fault f) { return [f](World& w) { w.faults.push_back(f); }; };
  BackupArgs wrong_so;
  wrong_so.sopassword = "wrongSOpwd";
  BackupArgs wrong_domain;
  wrong_domain.domain = "otherdomain";
  BackupArgs wrong_pw;
  wrong_pw.password = "wrongPassw0rd";
  wrong_pw.extra = "-append";
  BackupArgs smk;
  smk.partition = "";
  smk.extra = "-smkonly";
  return {
      {"plain", nullptr, {}, BackupLine(), Ckr::kOk, {}},
      {"selected", nullptr, {}, BackupLine("-objects 101,100"), Ckr::kOk, {}},
      {"append", nullptr, {BackupLine("-objects 100")}, BackupLine("-append"), Ckr::kOk, {}},
      {"replace", nullptr, {BackupLine("-objects 100")}, BackupLine("-replace -force"), Ckr::kOk, {}},
      {"append-replace", nullptr, {BackupLine()}, BackupLine("-append -replace -force"), Ckr::kOk, {}},
      {"debug", nullptr, {}, BackupLine("-debug"), Ckr::kOk, {}},
      {"wrong-so", nullptr, {}, BackupLineFrom(wrong_so), Ckr::kPinIncorrect, {}},
      {"wrong-partition-password", nullptr, {BackupLine("-objects 100")},
       BackupLineFrom(wrong_pw), Ckr::kPinIncorrect, {}},
      {"domain-mismatch", nullptr, {}, BackupLineFrom(wrong_domain), Ckr::kCertificateInvalid,
       {}},
      {"policy", [](World& w) { UserAt(w).policies.hsm_allow_cloning = false; }, {},
       BackupLine(), Ckr::kOperationNotAllowed, {}},
      {"verify-fail", with_fault(VerifyFailFault(101)), {}, BackupLine(),
       Ckr::kFailedToCloneAnObject, {}},
      {"full", with_fault(PartitionFullFault(2)), {}, BackupLine(),
       Ckr::kContainerObjectStorageFull, {}},
      {"shrink-fail", with_fault(ShrinkFailFault()), {}, BackupLine(), Ckr::kDeviceError, {}},
      {"too-small", [](World& w) { HsmAt(w).capacity = 100; }, {}, BackupLine(),
       Ckr::kHsmStorageFull, {}},
      {"exists", nullptr, {BackupLine("-objects 100")}, BackupLine(), Ckr::kObjectAlreadyExists,
       {}},
      {"bad-handle", nullptr, {}, BackupLine("-objects 999"), Ckr::kObjectHandleInvalid, {}},
  };
}

TEST(BackupFaults, TheSourceNeverChanges) {
  HSMB_CLAUSE("SRC-UNCHANGED");
  for (PartitionKind kind : {PartitionKind::kPre77, PartitionKind::kV0, PartitionKind::kV1}) {
    for (const Scenario& s : Scenarios()) {
      SCOPED_TRACE(std::string(KindName(kind)) + " " + s.name);
      World w = MakeWorld(MakeUser(kind, 3), MakeBackupHsm());
      if (s.setup) s.setup(w);
      Runner r(&w);
      r.LoginCo();
      for (const std::string& line : s.before) ASSERT_TRUE(Succeeded(r, r.Do(line)));
      const UserPartition src = UserAt(w);
      Result res = r.Do(s.line, s.answers);
      EXPECT_EQ(res.code(), s.expected) << res.status.ToString() << "\n" << r.LastText();
      EXPECT_EQ(UserAt(w), src);
    }
  }
}

TEST(BackupFaults, TheSourceNeverChangesOnSmkOnlyBackups) {
  HSMB_CLAUSE("SRC-UNCHANGED", "OPT-SMKONLY");
  BackupHsm h = MakeBackupHsm();
  World w = MakeWorld(MakeUser(PartitionKind::kV1, 3), std::move(h));
  Runner r(&w);
  r.LoginCo();
  const UserPartition src = UserAt(w);
  BackupArgs a;
  a.partition = "";
  a.extra = "-smkonly";
  EXPECT_TRUE(FailedWith(r, r.Do(BackupLineFrom(a), {"quit"}), Ckr::kFunctionCanceled));
  EXPECT_EQ(UserAt(w), src);
  ASSERT_TRUE(Succeeded(r, r.Do(BackupLineFrom(a), {"proceed"})));
  EXPECT_EQ(UserAt(w), src);
  a.domain = "otherdomain";
  a.extra = "-smkonly -force";
  w.clock.now += 1;  // a new name
  EXPECT_TRUE(FailedWith(r, r.Do(BackupLineFrom(a)), Ckr::kCertificateInvalid));
  EXPECT_EQ(UserAt(w), src);
}

}  // namespace
}  // namespace hsmbackup
