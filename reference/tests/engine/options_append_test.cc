// -append, -replace and backing up to an existing partition (OPT-APPEND,
// OPT-APPEND-FINGERPRINT, OPT-APPEND-REPLACE, OPT-REPLACE, OPT-EXISTS).
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <string>

#include "hsmbackup/blob.h"
#include "support/test_support.h"
#include "support/worlds.h"

namespace hsmbackup {
namespace {

using namespace hsmbackup::testing;  // NOLINT(build/namespaces)

constexpr char kFingerprintLine[] =
    "Target Object handle 1 has same OUID as Source Object handle 100 (different finger print).";


const BackupObject* ByOuid(const BackupPartition& p, const Ouid& ouid) {
  for (const BackupObject& o : p.objects) {
    if (o.object.ouid == ouid) return &o;
  }
  return nullptr;
}

// WithoutHandle compares objects as content: handles differ across devices.
Object WithoutHandle(Object o) {
  o.handle = 0;
  return o;
}

bool HasLine(const Runner& r, const std::string& line) {
  return std::find(r.last().begin(), r.last().end(), line) != r.last().end();
}

bool Mentions(const Runner& r, const std::string& text) {
  return r.LastText().find(text) != std::string::npos;
}

// ChangeSource gives object 100 a new attribute (same OUID) and adds object
// 200, then returns the changed object 100.
Object ChangeSource(World& w) {
  UserPartition& src = UserAt(w);
  src.objects[0].attributes.Set("CKA_EXTRACTABLE", "false");
  src.objects.push_back(MakeObject(200));
  return src.objects[0];
}

// Fixture: slot 0 of `kind` backed up to "bk" on `hsm`, the CO logged in;
// `original` is object 100 as it was backed up. Prepare asserts nothing
// (the tests vary kind and HSM); the caller does: ASSERT_TRUE(f.Prepare(...)).
class Fixture {
 public:
  ::testing::AssertionResult Prepare(PartitionKind kind, BackupHsm hsm = MakeBackupHsm()) {
    world = WorldBuilder().Source(kind).Backup(std::move(hsm)).Build();
    runner_.emplace(&world);
    for (const std::string& line :
         {std::string("role login -name co -password ") + kCoPassword, BackupLine()}) {
      ::testing::AssertionResult ok = Succeeded(r(), r().Do(line));
      if (!ok) return ok << " (setting up: " << line << ")";
    }
    original = UserAt(world).objects[0];
    return ::testing::AssertionSuccess();
  }
  Runner& r() { return *runner_; }

  World world;
  Object original;

 private:
  std::optional<Runner> runner_;
};

TEST(OptAppend, AddsNewObjectsAndKeepsSameOuidObjects) {
  HSMB_CLAUSE("OPT-APPEND");
  Fixture f;
  ASSERT_TRUE(f.Prepare(PartitionKind::kV0));
  const Object changed = ChangeSource(f.world);
  const Secret old_password = HsmAt(f.world).partitions.at(0).password;

  Result res = f.r().Do(BackupLine("-append"));
  ASSERT_TRUE(Succeeded(f.r(), res));

  const BackupHsm& hsm = HsmAt(f.world);
  ASSERT_EQ(hsm.partitions.size(), 1u) << "no new partition";
  const BackupPartition& p = hsm.partitions.at(0);
  EXPECT_EQ(p.name, "bk");
  EXPECT_TRUE(p.password == old_password);
  ASSERT_EQ(p.objects.size(), 4u);
  // The same-OUID object still holds the attributes of the first backup.
  const BackupObject* kept = ByOuid(p, changed.ouid);
  ASSERT_NE(kept, nullptr);
  EXPECT_EQ(kept->object.handle, 1u);
  ASSERT_FALSE(kept->opaque());
  EXPECT_EQ(WithoutHandle(kept->object), WithoutHandle(f.original));
  EXPECT_EQ(kept->object.attributes.count("CKA_EXTRACTABLE"), 0u);
  // The new object was added, as the source holds it.
  const BackupObject* added = ByOuid(p, MakeObject(200).ouid);
  ASSERT_NE(added, nullptr);
  ASSERT_FALSE(added->opaque());
  EXPECT_EQ(WithoutHandle(added->object), WithoutHandle(MakeObject(200)));
  EXPECT_TRUE(HasLine(f.r(), "Cloned object 200 to partition bk (new handle 4)."));
  EXPECT_FALSE(Mentions(f.r(), "Cloned object 100"));
  // The skip is said, so "4 objects will be backed up" and "1 object has
  // been backed up" add up.
  EXPECT_TRUE(HasLine(f.r(), "Skipped object 100: partition bk already holds it as Target "
                             "Object handle 1 (same OUID)."));
  EXPECT_TRUE(HasLine(f.r(), "Skipped object 101: partition bk already holds it as Target "
                             "Object handle 2 (same OUID)."));
  EXPECT_FALSE(Mentions(f.r(), "Creating partition"));
  EXPECT_TRUE(HasLine(f.r(), "1 object has been backed up to partition bk"));
}

TEST(OptAppend, WrongPartitionPasswordFailsAndAddsNothing) {
  HSMB_CLAUSE("OPT-APPEND", "AUTH-PO");
  Fixture f;
  ASSERT_TRUE(f.Prepare(PartitionKind::kV0));
  ChangeSource(f.world);
  Result res = f.r().Do(std::string("partition archive backup -slot 2 -partition bk -password "
                                  "wrongPassw0rd -sopassword ") + kSoPassword + " -append");
  EXPECT_TRUE(FailedWith(f.r(), res, Ckr::kPinIncorrect));
  EXPECT_EQ(HsmAt(f.world).partitions.at(0).objects.size(), 3u);
}

TEST(OptAppendFingerprint, Pre77ToBackupHsm7ReportsDifferentFingerprint) {
  HSMB_CLAUSE("OPT-APPEND-FINGERPRINT", "OPT-APPEND");
  Fixture f;
  ASSERT_TRUE(f.Prepare(PartitionKind::kPre77));
  ChangeSource(f.world);
  Result res = f.r().Do(BackupLine("-append"));
  ASSERT_TRUE(Succeeded(f.r(), res));
  EXPECT_EQ(std::count(f.r().last().begin(), f.r().last().end(), std::string(kFingerprintLine)), 1);
  // Reported, not overwritten.
  const BackupObject* kept = ByOuid(HsmAt(f.world).partitions.at(0), f.original.ouid);
  ASSERT_NE(kept, nullptr);
  EXPECT_EQ(WithoutHandle(kept->object), WithoutHandle(f.original));
}

TEST(OptAppendFingerprint, NotReportedWhenFingerprintsAreEqual) {
  HSMB_CLAUSE("OPT-APPEND-FINGERPRINT");
  Fixture f;
  ASSERT_TRUE(f.Prepare(PartitionKind::kPre77));
  UserAt(f.world).objects.push_back(MakeObject(200));  // object 100 unchanged
  Result res = f.r().Do(BackupLine("-append"));
  ASSERT_TRUE(Succeeded(f.r(), res));
  EXPECT_FALSE(Mentions(f.r(), "finger print")) << f.r().LastText();
  EXPECT_EQ(HsmAt(f.world).partitions.at(0).objects.size(), 4u);
}

TEST(OptAppendFingerprint, NotReportedForV0Sources) {
  HSMB_CLAUSE("OPT-APPEND-FINGERPRINT");
  Fixture f;
  ASSERT_TRUE(f.Prepare(PartitionKind::kV0));
  ChangeSource(f.world);
  Result res = f.r().Do(BackupLine("-append"));
  ASSERT_TRUE(Succeeded(f.r(), res));
  EXPECT_FALSE(Mentions(f.r(), "finger print")) << f.r().LastText();
}

TEST(OptAppendFingerprint, NotReportedOnG5OrBackupHsm7Before771) {
  HSMB_CLAUSE("OPT-APPEND-FINGERPRINT");
  BackupHsm g5 = MakeBackupHsm(BackupModel::kBackupHsmG5);
  BackupHsm old7 = MakeBackupHsm();
  old7.firmware = Version{7, 7, 0};
  for (BackupHsm hsm : {g5, old7}) {
    Fixture f;
    ASSERT_TRUE(f.Prepare(PartitionKind::kPre77, hsm));
    ChangeSource(f.world);
    Result res = f.r().Do(BackupLine("-append"));
    ASSERT_TRUE(Succeeded(f.r(), res));
    EXPECT_FALSE(Mentions(f.r(), "finger print")) << ModelName(hsm.model) << "\n"
                                                 << f.r().LastText();
    EXPECT_EQ(HsmAt(f.world).partitions.at(0).objects.size(), 4u);
  }
}

TEST(OptAppendReplace, OverwritesSameOuidObjectsWithTheSourceVersion) {
  HSMB_CLAUSE("OPT-APPEND-REPLACE", "OPT-APPEND-FINGERPRINT");
  for (PartitionKind kind : {PartitionKind::kPre77, PartitionKind::kV0}) {
    Fixture f;
    ASSERT_TRUE(f.Prepare(kind));
    const Object changed = ChangeSource(f.world);
    const Secret old_password = HsmAt(f.world).partitions.at(0).password;
    Result res = f.r().Do(BackupLine("-append -replace"), {"proceed"});
    ASSERT_TRUE(Succeeded(f.r(), res));
    const BackupHsm& hsm = HsmAt(f.world);
    ASSERT_EQ(hsm.partitions.size(), 1u);
    const BackupPartition& p = hsm.partitions.at(0);
    EXPECT_TRUE(p.password == old_password) << "-append -replace keeps the partition";
    ASSERT_EQ(p.objects.size(), 4u);
    const BackupObject* now = ByOuid(p, changed.ouid);
    ASSERT_NE(now, nullptr);
    ASSERT_FALSE(now->opaque());
    EXPECT_EQ(WithoutHandle(now->object), WithoutHandle(changed));
    EXPECT_EQ(ComputeFingerprint(now->object), ComputeFingerprint(changed));
    EXPECT_NE(now->object.handle, 1u) << "the old object was replaced";
    EXPECT_FALSE(Mentions(f.r(), "finger print")) << "nothing left to report";
    EXPECT_TRUE(Mentions(f.r(), "Cloned object 100 to partition bk"));
    EXPECT_TRUE(Mentions(f.r(), "Cloned object 200 to partition bk"));
    // The other backup objects are untouched copies of the source.
    for (const Object& o : UserAt(f.world).objects) {
      const BackupObject* b = ByOuid(p, o.ouid);
      ASSERT_NE(b, nullptr);
      EXPECT_EQ(WithoutHandle(b->object), WithoutHandle(o));
    }
  }
}

TEST(OptReplace, RecreatesThePartitionWithTheNewPassword) {
  HSMB_CLAUSE("OPT-REPLACE", "AUTH-PO");
  Fixture f;
  ASSERT_TRUE(f.Prepare(PartitionKind::kV0));
  UserPartition& src = UserAt(f.world);
  src.objects.erase(src.objects.begin());  // object 100 is gone from the source
  src.objects.push_back(MakeObject(200));
  const std::string new_password = "freshPassw0rd";
  Result res = f.r().Do(std::string("partition archive backup -slot 2 -partition bk -domain ") +
                      kDomain + " -password " + new_password + " -sopassword " + kSoPassword +
                      " -replace", {"proceed"});
  ASSERT_TRUE(Succeeded(f.r(), res));
  EXPECT_TRUE(HasLine(f.r(), "Deleting the backup partition bk on slot 2."));
  EXPECT_TRUE(HasLine(f.r(), "Creating partition bk on slot 2."));

  const BackupHsm& hsm = HsmAt(f.world);
  ASSERT_EQ(hsm.partitions.size(), 1u);
  const BackupPartition& p = hsm.partitions.at(0);
  EXPECT_TRUE(p.password == Secret(new_password));
  ASSERT_EQ(p.objects.size(), 3u) << "only the objects of the new run";
  EXPECT_EQ(ByOuid(p, f.original.ouid), nullptr);
  for (size_t i = 0; i < src.objects.size(); ++i) {
    EXPECT_EQ(p.objects[i].object.ouid, src.objects[i].ouid);
  }
  EXPECT_EQ(hsm.free_bytes() + p.allocated, hsm.capacity);
  EXPECT_EQ(p.allocated, p.used(BackupModel::kBackupHsm7)) << "re-sized after the new backup";

  Result old_login = f.r().Do(std::string("partition archive contents -slot 2 -partition bk "
                                        "-password ") + kNewPartitionPassword);
  EXPECT_TRUE(FailedWith(f.r(), old_login, Ckr::kPinIncorrect));
  Result new_login = f.r().Do("partition archive contents -slot 2 -partition bk -password " +
                            new_password);
  EXPECT_TRUE(Succeeded(f.r(), new_login));
}

TEST(OptReplace, NeedsADomainForTheNewPartition) {
  HSMB_CLAUSE("OPT-REPLACE", "DOM-OPTION");
  Fixture f;
  ASSERT_TRUE(f.Prepare(PartitionKind::kV0));
  const World before = f.world;
  // Asked for (AUTH-PROMPT) after the proceed/quit question; no answer.
  Result res = f.r().Do(std::string("partition archive backup -slot 2 -partition bk -password ") +
                            kNewPartitionPassword + " -sopassword " + kSoPassword + " -replace",
                        {"proceed"});
  EXPECT_TRUE(FailedWith(f.r(), res, Ckr::kArgumentsBad));
  EXPECT_EQ(f.r().asked(), std::vector<Credential>{Credential::kDomain});
  EXPECT_TRUE(f.world == before);
}

TEST(OptExists, ExistingNameWithoutAppendOrReplaceIsRefused) {
  HSMB_CLAUSE("OPT-EXISTS");
  for (PartitionKind kind : {PartitionKind::kPre77, PartitionKind::kV0, PartitionKind::kV1}) {
    Fixture f;
    ASSERT_TRUE(f.Prepare(kind));
    ChangeSource(f.world);
    const World before = f.world;
    Result res = f.r().Do(BackupLine());
    EXPECT_TRUE(FailedWith(f.r(), res, Ckr::kObjectAlreadyExists)) << KindName(kind);
    EXPECT_TRUE(f.world == before) << KindName(kind);
    EXPECT_FALSE(Mentions(f.r(), "Logging in as the SO")) << "refused before any login";
  }
}

TEST(OptExists, AnotherNameIsANewPartition) {
  HSMB_CLAUSE("OPT-EXISTS");
  Fixture f;
  ASSERT_TRUE(f.Prepare(PartitionKind::kV0));
  Result res = f.r().Do(std::string("partition archive backup -slot 2 -partition bk2 -domain ") +
                      kDomain + " -password " + kNewPartitionPassword + " -sopassword " +
                      kSoPassword);
  ASSERT_TRUE(Succeeded(f.r(), res));
  ASSERT_EQ(HsmAt(f.world).partitions.size(), 2u);
  EXPECT_EQ(HsmAt(f.world).partitions.at(1).name, "bk2");
}

}  // namespace
}  // namespace hsmbackup
