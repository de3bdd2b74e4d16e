// partition archive list / contents / delete, and how failures end
// (ARCHIVE-LIST, ARCHIVE-CONTENTS, ARCHIVE-DELETE, OUT-ERROR).
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "support/test_support.h"
#include "support/worlds.h"

namespace hsmbackup {
namespace {

using namespace hsmbackup::testing;  // NOLINT(build/namespaces)

bool HasLine(const Runner& r, const std::string& line) {
  return std::find(r.last().begin(), r.last().end(), line) != r.last().end();
}

std::string ListLine(const std::string& sopassword = kSoPassword) {
  return "partition archive list -slot 2 -sopassword " + sopassword;
}
std::string ContentsLine(const std::string& name, const std::string& password =
                                                      kNewPartitionPassword) {
  return "partition archive contents -slot 2 -partition " + name + " -password " + password;
}
std::string DeleteLine(const std::string& name, const std::string& extra = "") {
  return "partition archive delete -slot 2 -partition " + name + " -sopassword " + kSoPassword +
         (extra.empty() ? "" : " " + extra);
}
std::string Named(const std::string& name, const std::string& extra = "") {
  return "partition archive backup -slot 2 -partition " + name + " -domain " + kDomain +
         " -password " + kNewPartitionPassword + " -sopassword " + kSoPassword +
         (extra.empty() ? "" : " " + extra);
}

// ThreeBackups: "v1bk" (V1, 3 objects) and an SMK-only backup from slot 0,
// "v0bk" (V0, 1 object) from slot 1, on an SKS Backup HSM 7.
class ThreeBackups : public ::testing::Test {
 protected:
  void SetUp() override {
    world = WorldBuilder()
                .Source(PartitionKind::kV1, 3, "sks")
                .AddUser(1, MakeUser(PartitionKind::kV0, 3, "plain"))
                .Build();
    runner_.emplace(&world);
    Runner& r = *runner_;
    ASSERT_NO_FATAL_FAILURE(r.LoginCo());
    ASSERT_TRUE(Succeeded(r, r.Do(Named("v1bk"))));
    ASSERT_TRUE(Succeeded(r, r.Do(std::string("partition archive backup -slot 2 -smkonly -force"
                                              " -domain ") + kDomain + " -password " +
                                  kNewPartitionPassword + " -sopassword " + kSoPassword)));
    ASSERT_TRUE(Succeeded(r, r.Do("slot set -slot 1")));
    ASSERT_NO_FATAL_FAILURE(r.LoginCo());
    ASSERT_TRUE(Succeeded(r, r.Do(Named("v0bk", "-objects 101"))));
    ASSERT_EQ(HsmAt(world).partitions.size(), 3u) << "the fixture's backups";
  }
  Runner& runner() { return *runner_; }

  World world;

 private:
  std::optional<Runner> runner_;
};
class ArchiveList : public ThreeBackups {};
class ArchiveContents : public ThreeBackups {};
class ArchiveDelete : public ThreeBackups {};

TEST_F(ArchiveList, ListsEveryPartitionWithItsObjectCountAndNoSmk) {
  HSMB_CLAUSE("ARCHIVE-LIST");
  ASSERT_EQ(HsmAt(world).partitions.size(), 3u);
  const World before = world;
  Result res = runner().Do(ListLine());
  ASSERT_TRUE(Succeeded(runner(), res));
  const BackupHsm& hsm = HsmAt(world);
  for (const BackupPartition& p : hsm.partitions) {
    EXPECT_TRUE(HasLine(runner(), "Partition Name:  " + p.name))
        << p.name << "\n" << runner().LastText();
  }
  const std::string smk_name = "sks_2019:03:09-16:52:47";
  EXPECT_EQ(hsm.partitions.at(1).name, smk_name);
  // In partition order: v1bk (3), the SMK-only backup (0: the SMK is no
  // object), v0bk (1).
  std::vector<std::string> counts;
  for (const std::string& l : runner().last()) {
    if (l.rfind("Objects:", 0) == 0) counts.push_back(l);
  }
  EXPECT_EQ(counts, (std::vector<std::string>{"Objects:         3", "Objects:         0",
                                              "Objects:         1"}));
  for (const std::string& l : runner().last()) {
    EXPECT_EQ(l.find("SMK"), std::string::npos) << l;
    EXPECT_EQ(l.find("smk"), std::string::npos) << l;
  }
  EXPECT_TRUE(HasLine(runner(), "3 backup partitions on slot 2; " +
                                    std::to_string(hsm.free_bytes()) + " of " +
                                    std::to_string(hsm.capacity) + " bytes free."));
  EXPECT_TRUE(world == before) << "listing changes nothing";
}

TEST_F(ArchiveList, NeedsTheSo) {
  HSMB_CLAUSE("ARCHIVE-LIST", "AUTH-SO");
  Result res = runner().Do(ListLine("wrongSOpwd"));
  EXPECT_TRUE(FailedWith(runner(), res, Ckr::kPinIncorrect));
  EXPECT_EQ(runner().LastText().find("Partition Name:"), std::string::npos);
  EXPECT_EQ(HsmAt(world).so_lockout.failures, 1u);
  const World before = world;
  res = runner().Do("partition archive list -slot 2");
  EXPECT_TRUE(FailedWith(runner(), res, Ckr::kArgumentsBad));
  EXPECT_TRUE(world == before);
  ASSERT_TRUE(Succeeded(runner(), runner().Do(ListLine())));
  EXPECT_EQ(HsmAt(world).so_lockout.failures, 0u);
}

TEST_F(ArchiveList, EmptyBackupHsm) {
  HSMB_CLAUSE("ARCHIVE-LIST");
  World w = MakeWorld(MakeUser(PartitionKind::kV0), MakeBackupHsm());
  Runner r(&w);
  ASSERT_TRUE(Succeeded(r, r.Do(ListLine())));
  EXPECT_TRUE(HasLine(r, "0 backup partitions on slot 2; 1048576 of 1048576 bytes free."))
      << r.LastText();
}

TEST_F(ArchiveContents, ShowsOuidAndLabelAndNeverValues) {
  HSMB_CLAUSE("ARCHIVE-CONTENTS", "OUT-NO-SECRETS");
  Result res = runner().Do(ContentsLine("v0bk"));
  ASSERT_TRUE(Succeeded(runner(), res));
  const BackupObject& o = HsmAt(world).partitions.at(2).objects.at(0);
  EXPECT_TRUE(HasLine(runner(), "Label:           key-101")) << runner().LastText();
  EXPECT_TRUE(HasLine(runner(), "Object UID:      " + o.object.ouid.ToHex()));
  EXPECT_TRUE(HasLine(runner(), "Handle:          " + std::to_string(o.object.handle)));
  EXPECT_TRUE(HasLine(runner(), "Object Type:     Symmetric Key"));
  EXPECT_TRUE(HasLine(runner(), "Size:            256"));
  EXPECT_TRUE(HasLine(runner(), "Number of objects: 1"));
  const std::string text = runner().LastText();
  const ByteSpan value = o.object.value.secret_bytes();
  EXPECT_EQ(text.find(HexEncode(value)), std::string::npos);
  EXPECT_EQ(text.find(HexEncode(ByteSpan(value.data(), 8))), std::string::npos);
}

TEST_F(ArchiveContents, V1ObjectsAreOpaque) {
  HSMB_CLAUSE("ARCHIVE-CONTENTS", "CLONE-OPAQUE-V1");
  Result res = runner().Do(ContentsLine("v1bk"));
  ASSERT_TRUE(Succeeded(runner(), res));
  const UserPartition& src = *world.FindSlot(0)->user;
  for (const Object& o : src.objects) {
    EXPECT_TRUE(HasLine(runner(), "Label:           " + o.label)) << runner().LastText();
    EXPECT_TRUE(HasLine(runner(), "Object UID:      " + o.ouid.ToHex()));
    const std::string text = runner().LastText();
    EXPECT_EQ(text.find(HexEncode(o.value.secret_bytes())), std::string::npos);
    EXPECT_EQ(text.find(HexEncode(o.value.secret_bytes().first(8))), std::string::npos);
  }
  size_t opaque = 0;
  for (const std::string& l : runner().last()) {
    if (l == "Object Type:     SKS blob (opaque, sealed under the SMK)") ++opaque;
    EXPECT_NE(l.rfind("Size:", 0), 0u) << "no size for V1 blobs: " << l;
    EXPECT_EQ(l.find("Symmetric Key"), std::string::npos) << "no class for V1 blobs";
  }
  EXPECT_EQ(opaque, 3u);
  EXPECT_TRUE(HasLine(runner(), "Number of objects: 3"));
}

TEST_F(ArchiveContents, NeedsThePartitionPasswordAndAnExistingName) {
  HSMB_CLAUSE("ARCHIVE-CONTENTS", "AUTH-PO");
  EXPECT_TRUE(FailedWith(runner(), runner().Do(ContentsLine("v0bk", "wrongPassw0rd")),
                         Ckr::kPinIncorrect));
  EXPECT_EQ(runner().LastText().find("Object UID"), std::string::npos);
  const World before = world;
  EXPECT_TRUE(FailedWith(runner(), runner().Do(ContentsLine("nosuch")), Ckr::kTokenNotPresent));
  EXPECT_TRUE(world == before);
}

TEST_F(ArchiveDelete, ForceRemovesThePartitionAndFreesItsBytes) {
  HSMB_CLAUSE("ARCHIVE-DELETE", "OPT-FORCE");
  const BackupHsm before = HsmAt(world);
  const uint64_t allocated = before.partitions.at(0).allocated;
  ASSERT_GT(allocated, 0u);
  Session session(&world);
  CollectingSink sink;
  ScriptedPrompter prompter({});
  Result res = session.Execute(DeleteLine("v1bk", "-force"), sink, prompter);
  ASSERT_TRUE(res.status.ok()) << res.status.ToString();
  EXPECT_EQ(prompter.asked(), 0u);
  EXPECT_EQ(sink.lines.back(), "Command Result : No Error");
  const BackupHsm& after = HsmAt(world);
  ASSERT_EQ(after.partitions.size(), 2u);
  EXPECT_TRUE(after.partitions.at(0) == before.partitions.at(1));
  EXPECT_TRUE(after.partitions.at(1) == before.partitions.at(2));
  EXPECT_EQ(after.free_bytes(), before.free_bytes() + allocated);
}

TEST_F(ArchiveDelete, QuitChangesNothingAndProceedDeletes) {
  HSMB_CLAUSE("ARCHIVE-DELETE", "OPT-FORCE");
  const World before = world;
  Result res = runner().Do(DeleteLine("v0bk"), {"quit"});
  EXPECT_TRUE(FailedWith(runner(), res, Ckr::kFunctionCanceled));
  EXPECT_TRUE(world == before);
  EXPECT_TRUE(HasLine(runner(), "Type 'proceed' to continue, or 'quit' to quit now ->quit"));

  const uint64_t allocated = HsmAt(world).partitions.at(2).allocated;
  const uint64_t free_before = HsmAt(world).free_bytes();
  res = runner().Do(DeleteLine("v0bk"), {"proceed"});
  ASSERT_TRUE(Succeeded(runner(), res));
  EXPECT_EQ(HsmAt(world).partitions.size(), 2u);
  EXPECT_EQ(HsmAt(world).free_bytes(), free_before + allocated);
  EXPECT_TRUE(HasLine(runner(), "Deleted the backup partition v0bk on slot 2; " +
                               std::to_string(free_before + allocated) + " bytes are free."));
}

TEST_F(ArchiveDelete, UnknownNameOrWrongSoChangesNoPartition) {
  HSMB_CLAUSE("ARCHIVE-DELETE", "AUTH-SO");
  const World before = world;
  EXPECT_TRUE(FailedWith(runner(), runner().Do(DeleteLine("nosuch", "-force")),
                         Ckr::kTokenNotPresent));
  EXPECT_TRUE(world == before);
  Result res = runner().Do("partition archive delete -slot 2 -partition v0bk -sopassword wrongSO "
                      "-force");
  EXPECT_TRUE(FailedWith(runner(), res, Ckr::kPinIncorrect));
  EXPECT_TRUE(HsmAt(world).partitions == before.FindSlot(2)->backup->partitions);
}

// Issue 12: delete must not tell whether a partition exists to someone
// without the SO password, and every wrong password counts.
TEST_F(ArchiveDelete, WrongSoIsRefusedBeforeTheNameIsLookedUpAndCounts) {
  HSMB_CLAUSE("ARCHIVE-DELETE", "AUTH-SO");
  const std::vector<BackupPartition> partitions = HsmAt(world).partitions;
  ASSERT_EQ(HsmAt(world).so_lockout.failures, 0u);
  const std::string wrong_unknown =
      "partition archive delete -slot 2 -partition nosuch -sopassword wrongSO -force";
  const std::string wrong_known =
      "partition archive delete -slot 2 -partition v0bk -sopassword wrongSO -force";
  Result unknown = runner().Do(wrong_unknown);
  EXPECT_TRUE(FailedWith(runner(), unknown, Ckr::kPinIncorrect));
  const std::vector<std::string> unknown_transcript = runner().last();
  EXPECT_EQ(HsmAt(world).so_lockout.failures, 1u) << "the refusal spent an attempt";
  Result known = runner().Do(wrong_known);
  EXPECT_TRUE(FailedWith(runner(), known, Ckr::kPinIncorrect));
  EXPECT_EQ(HsmAt(world).so_lockout.failures, 2u);
  // Same answer either way, apart from the counter and the name typed.
  ASSERT_EQ(unknown_transcript.size(), runner().last().size());
  for (size_t i = 0; i < unknown_transcript.size(); ++i) {
    if (unknown_transcript[i].find("nosuch") != std::string::npos) continue;
    if (unknown_transcript[i].find("failures") != std::string::npos) continue;
    EXPECT_EQ(unknown_transcript[i], runner().last()[i]);
  }
  EXPECT_TRUE(HsmAt(world).partitions == partitions);
  // With the right SO the unknown name is told, and the counter resets.
  EXPECT_TRUE(
      FailedWith(runner(), runner().Do(DeleteLine("nosuch", "-force")), Ckr::kTokenNotPresent));
  EXPECT_EQ(HsmAt(world).so_lockout.failures, 0u);
}

TEST_F(ArchiveDelete, FreedSpaceTakesANewBackup) {
  HSMB_CLAUSE("ARCHIVE-DELETE", "SIZE-PRECHECK");
  World w = MakeWorld(MakeUser(PartitionKind::kV0), MakeBackupHsm());
  HsmAt(w).capacity = 2 * (kPartitionOverheadBytes + 3 * 256) - 1;
  Runner r(&w);
  r.LoginCo();
  ASSERT_TRUE(Succeeded(r, r.Do(Named("one"))));
  EXPECT_TRUE(FailedWith(r, r.Do(Named("two")), Ckr::kHsmStorageFull));
  ASSERT_TRUE(Succeeded(r, r.Do(DeleteLine("one", "-force"))));
  EXPECT_EQ(HsmAt(w).free_bytes(), HsmAt(w).capacity);
  ASSERT_TRUE(Succeeded(r, r.Do(Named("two"))));
}

// OUT-ERROR: whatever fails, and wherever, the last line is the code.
TEST(OutError, EveryFailureEndsWithTheFormattedCode) {
  HSMB_CLAUSE("OUT-ERROR");
  struct Case {
    std::string line;
    Ckr code;
    std::vector<std::string> answers;
  };
  const std::vector<Case> cases = {
      {"partition archive frobnicate", Ckr::kArgumentsBad, {}},
      {BackupLine("-objects 3,,4"), Ckr::kArgumentsBad, {}},
      {BackupLine(), Ckr::kObjectAlreadyExists, {}},
      {BackupLine("-append -objects 999"), Ckr::kObjectHandleInvalid, {}},
      {"partition archive list -slot 2 -sopassword nope", Ckr::kPinIncorrect, {}},
      {"partition archive list -slot 9 -sopassword nope", Ckr::kSlotIdInvalid, {}},
      {ContentsLine("nosuch"), Ckr::kTokenNotPresent, {}},
      {DeleteLine("bk"), Ckr::kFunctionCanceled, {"quit"}},
      {testing::RestoreLine("bk"), Ckr::kCertificateInvalid, {}},
  };
  World w = MakeWorld(MakeUser(PartitionKind::kV0), MakeBackupHsm());
  Runner r(&w);
  r.LoginCo();
  ASSERT_TRUE(Succeeded(r, r.Do(BackupLine())));
  w.FindSlot(0)->user->domain = Secret("anotherdomain");
  w.FindSlot(0)->user->objects.clear();
  for (const Case& c : cases) {
    Result res = r.Do(c.line, c.answers);
    EXPECT_TRUE(FailedWith(r, res, c.code)) << c.line;
    ASSERT_GE(r.last().size(), 3u) << c.line;
    EXPECT_EQ(r.last()[r.last().size() - 2], "") << "a blank line before the result";
    EXPECT_EQ(r.last()[r.last().size() - 3], res.status.message()) << "the message paragraph";
    EXPECT_EQ(r.last().back(), ResultLine(c.code));
  }
  EXPECT_EQ(ResultLine(Ckr::kCertificateInvalid),
            "Command Result : 0x8000F001 (CKR_CERTIFICATE_INVALID)");
  EXPECT_EQ(ResultLine(Ckr::kOperationNotAllowed),
            "Command Result : 0x80000030 (CKR_OPERATION_NOT_ALLOWED)");
  // Not logged in: a fresh session.
  Runner fresh(&w);
  EXPECT_TRUE(FailedWith(fresh, fresh.Do(BackupLine("-replace")), Ckr::kUserNotLoggedIn));
}

}  // namespace
}  // namespace hsmbackup
