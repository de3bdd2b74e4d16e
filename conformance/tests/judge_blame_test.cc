// Which clause a difference is charged to where the seed names a narrower
// rule than the command's own: a partition under another name fails the
// rule behind its name, and a refused line that only a particular rule lets
// through (a USB backup HSM by slot, an old backup HSM's restore) fails that
// rule rather than the command's clause.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "judge_support.h"

namespace hsmbackup::conformance {
namespace {

using judge_testing::kLogin;
using judge_testing::PrimaryClauses;
using judge_testing::RunLine;
using judge_testing::SeedWorld;
using judge_testing::Step;
using judge_testing::WorldFile;

// RefusedWith is `o` ending in `name` (value `value`) with its message.
Outcome RefusedWith(const Outcome& o, const std::string& name, const std::string& value) {
  Outcome refused = o;
  refused.result = name;
  refused.message = "refused";
  refused.transcript = {"refused", "", "Command Result : " + value + " (" + name + ")"};
  refused.prompts = 0;
  return refused;
}

// Renamed replaces every `from` in `text` with `to`.
std::string Renamed(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

TEST(JudgeBlame, APartitionUnderAnotherNameFailsTheRuleBehindItsName) {
  const std::string no_name =
      "partition archive backup -slot 2 -domain clientdomain -password newPa$$w0rd "
      "-sopassword backupSOpwd";
  Step s = RunLine(SeedWorld(), {kLogin}, no_name);
  ASSERT_EQ(s.outcome.result, "CKR_OK");
  const Json& made = s.state["slots"][1]["partitions"][0];
  const std::string name = made.value("name", "");
  ASSERT_NE(name.find('_'), std::string::npos) << name;
  const std::string other = Renamed(name, "_", "-");
  // The target named it <label>-<date> everywhere: in its state and its lines.
  Json state = Json::parse(Renamed(s.state.dump(), name, other));
  Outcome said = s.outcome;
  for (std::string& line : said.transcript) line = Renamed(line, name, other);
  model::Prediction p = s.p;
  EXPECT_EQ(PrimaryClauses(model::Judge(p, said, state, {})),
            std::vector<std::string>{"OPT-PARTITION-DEFAULT"});
}

TEST(JudgeBlame, ARefusedUsbBackupHsmFailsOptSlot) {
  const Json world = WorldFile("usb-direct.json");
  const std::string login = "role login -name co -password fake-branch-co";
  const Step before = RunLine(world, {login}, "slot list");
  for (const std::string slot : {"7", "direct"}) {
    Step s = RunLine(world, {login},
                     "partition archive backup -slot " + slot +
                         " -partition p -domain fake-branch-domain -password newPa$$w0rd "
                         "-sopassword fake-usb-bh7-so");
    ASSERT_EQ(s.outcome.result, "CKR_OK") << slot;
    model::Prediction p = s.p;
    EXPECT_EQ(
        PrimaryClauses(model::Judge(p, RefusedWith(s.outcome, "CKR_SLOT_ID_INVALID", "0x00000003"),
                                    before.state, {})),
        std::vector<std::string>{"OPT-SLOT"})
        << slot;
    // Refused for another reason, it fails the success path's clause, as on
    // any slot: a G5 that does not grow failed OPT-SLOT too when every
    // refusal there was charged to it.
    model::Prediction q = s.p;
    const std::vector<std::string> other = PrimaryClauses(model::Judge(
        q, RefusedWith(s.outcome, "CKR_DEVICE_ERROR", "0x00000030"), before.state, {}));
    EXPECT_FALSE(other.empty()) << slot;
    EXPECT_EQ(std::count(other.begin(), other.end(), "OPT-SLOT"), 0) << slot;
  }
}

TEST(JudgeBlame, ARefusedRestoreFromAnOldBackupHsmFailsFwOldRestore) {
  const Json world = WorldFile("old-backup-hsm.json");
  const std::string login = "role login -name co -password fake-migrated-co";
  const Step before = RunLine(world, {login}, "slot list");
  Step s = RunLine(world, {login},
                   "partition archive restore -slot 1 -partition legacy_20180611 "
                   "-password fake-old-backup-po");
  ASSERT_EQ(s.outcome.result, "CKR_OK") << s.outcome.message;
  model::Prediction p = s.p;
  EXPECT_EQ(
      PrimaryClauses(model::Judge(
          p, RefusedWith(s.outcome, "CKR_OPERATION_NOT_ALLOWED", "0x80000030"), before.state, {})),
      std::vector<std::string>{"FW-OLD-RESTORE"});
}

// A G5 backup refused for a password length rule only the Backup HSM 7
// has fails that rule (PROJ-PIN-LENGTH), not the G5 success path's clause
// (RESIZE-GRAB-ALL), as a vendor's G5 product found.
TEST(JudgeBlame, APasswordLengthRefusalWhereNoneAppliesFailsThatRule) {
  Json world = SeedWorld();
  Json& hsm = world["slots"][1]["backup_hsm"];
  hsm["model"] = "backup_hsm_g5";
  hsm["firmware"] = "6.28.0";
  const std::string backup =
      "partition archive backup -slot 2 -partition p -domain clientdomain -password short "
      "-sopassword backupSOpwd";
  const Step before = RunLine(world, {kLogin}, "slot list");
  Step s = RunLine(world, {kLogin}, backup);
  ASSERT_EQ(s.outcome.result, "CKR_OK") << s.outcome.message;
  model::Prediction p = s.p;
  EXPECT_EQ(PrimaryClauses(model::Judge(
                p, RefusedWith(s.outcome, "CKR_PIN_LEN_RANGE", "0x000000A2"), before.state, {})),
            std::vector<std::string>{"PROJ-PIN-LENGTH"});
}

// The chain's last link: a backup that left an object out (a state
// difference) and said so in its lines fails the object's clause alone;
// the lines that tell the target's state follow from it.
TEST(JudgeBlame, LinesThatTellADifferentStateFollowFromIt) {
  Step s = RunLine(SeedWorld(), {kLogin}, judge_testing::kBackup);
  ASSERT_EQ(s.outcome.result, "CKR_OK");
  Json& objects = s.state["slots"][1]["partitions"][0]["objects"];
  ASSERT_EQ(objects.size(), 6u);
  const uint32_t dropped = objects[0].value("handle", 0u);
  objects.erase(objects.begin());
  Outcome said = s.outcome;
  std::vector<std::string> lines;
  for (const std::string& line : said.transcript) {
    if (line.find("Cloned object") != std::string::npos &&
        line.find("(new handle " + std::to_string(dropped) + ")") != std::string::npos) {
      continue;
    }
    lines.push_back(Renamed(line, "6 objects have been backed up", "5 objects have been backed up"));
  }
  ASSERT_EQ(lines.size() + 1, said.transcript.size());
  said.transcript = lines;
  model::Prediction p = s.p;
  EXPECT_EQ(PrimaryClauses(model::Judge(p, said, s.state, {})),
            std::vector<std::string>{"CLONE-STORE"});
}

// A secret in what the target said is OUT-NO-SECRETS's failure, and only
// in print: the world the model keeps is untouched, so a scenario goes on.
TEST(JudgeBlame, ALeakedSecretFailsOnlyInPrint) {
  Step s = RunLine(SeedWorld(), {kLogin}, judge_testing::kBackup);
  ASSERT_EQ(s.outcome.result, "CKR_OK");
  Outcome said = s.outcome;
  said.transcript.insert(said.transcript.begin(), "Debug: -sopassword is backupSOpwd");
  model::Prediction p = s.p;
  const std::vector<model::Mismatch> ms = model::Judge(p, said, s.state, {"backupSOpwd"});
  EXPECT_EQ(PrimaryClauses(ms), std::vector<std::string>{"OUT-NO-SECRETS"});
  EXPECT_TRUE(model::OnlyPrinted(ms));
}

// DOM-ERROR-CODE judges only the code of a domain mismatch: a target that
// answers another failure code still took the mismatch's path, so the
// empty partition DOM-MISMATCH-EMPTY requires is judged in its own right
// (an owned code difference must not hide a missing partition).
TEST(JudgeBlame, AnotherMismatchCodeStillOwesTheEmptyPartition) {
  const std::string mismatch =
      "partition archive backup -slot 2 -partition p -domain otherdomain -password newPa$$w0rd "
      "-sopassword backupSOpwd";
  const Step before = RunLine(SeedWorld(), {kLogin}, "slot list");
  Step s = RunLine(SeedWorld(), {kLogin}, mismatch);
  ASSERT_EQ(s.outcome.result, "CKR_CERTIFICATE_INVALID") << s.outcome.message;
  ASSERT_NE(judge_testing::PartitionIn(s.state, 2, "p"), nullptr);
  const Outcome data_invalid = RefusedWith(s.outcome, "CKR_DATA_INVALID", "0x00000020");
  model::Prediction kept = s.p;
  EXPECT_EQ(PrimaryClauses(model::Judge(kept, data_invalid, s.state, {})),
            std::vector<std::string>{"DOM-ERROR-CODE"});
  model::Prediction deleted = s.p;
  EXPECT_EQ(PrimaryClauses(model::Judge(deleted, data_invalid, before.state, {})),
            (std::vector<std::string>{"DOM-ERROR-CODE", "DOM-MISMATCH-EMPTY"}));
  // A success took another path: what it left follows from the code.
  model::Prediction went_ahead = s.p;
  Outcome ok = s.outcome;
  ok.result = "CKR_OK";
  ok.message.clear();
  ok.transcript = {"Command Result : No Error"};
  EXPECT_EQ(PrimaryClauses(model::Judge(went_ahead, ok, before.state, {})),
            std::vector<std::string>{"DOM-ERROR-CODE"});
}

// A line refused as bad syntax where every reading goes ahead, and that
// uses a form one option clause allows, fails that clause: -objects in any
// of its forms (OPT-OBJECTS-FORMS), a name of the 32 characters allowed
// (OPT-PARTITION-MAXLEN), not the clauses behind the success.
TEST(JudgeBlame, ARefusedOptionFormFailsItsOwnClause) {
  const std::string tail = " -domain clientdomain -password newPa$$w0rd -sopassword backupSOpwd";
  const Step before = RunLine(SeedWorld(), {kLogin}, "slot list");
  const struct {
    std::string options, clause;
  } cases[] = {{"-partition p -objects all", "OPT-OBJECTS-FORMS"},
               {"-partition p -objects 0", "OPT-OBJECTS-FORMS"},
               {"-partition p -objects 52,47", "OPT-OBJECTS-FORMS"},
               {"-partition " + std::string(32, 'n'), "OPT-PARTITION-MAXLEN"}};
  for (const auto& c : cases) {
    Step s = RunLine(SeedWorld(), {kLogin}, "partition archive backup -slot 2 " + c.options + tail);
    ASSERT_EQ(s.outcome.result, "CKR_OK") << c.options << ": " << s.outcome.message;
    model::Prediction p = s.p;
    EXPECT_EQ(PrimaryClauses(model::Judge(
                  p, RefusedWith(s.outcome, "CKR_ARGUMENTS_BAD", "0x00000007"), before.state, {})),
              std::vector<std::string>{c.clause})
        << c.options;
  }
}

// A partition that fills part way reverts the backup HSM to what it was,
// with any failure code (FULL-REVERT `accepts` own-code), and a refusal
// before anything happened leaves that same state. Only the path tells them
// apart: a target that answers another code with no line showing the
// backup went ahead refused it, and that code difference is what fails
// FULL-REVERT, not a revert's missing advice (which is the reader's,
// `accepts` reader-advice).
TEST(JudgeBlame, ARefusalWhereThePartitionFillsIsNotReadAsARevert) {
  const Step s = RunLine(WorldFile("faults/seed-partition-full.json"), {kLogin},
                         "partition archive backup -slot 2 -partition p -domain clientdomain "
                         "-password newPa$$w0rd -sopassword backupSOpwd");
  ASSERT_EQ(s.outcome.result, "CKR_CONTAINER_OBJECT_STORAGE_FULL");
  // The revert in another code, its transcript kept: the target went ahead.
  Outcome reverted = s.outcome;
  reverted.result = "CKR_GENERAL_ERROR";
  reverted.message = "Out of space.";
  reverted.transcript.back() = "Command Result : 0x00000005 (CKR_GENERAL_ERROR)";
  model::Prediction p = s.p;
  EXPECT_EQ(PrimaryClauses(model::Judge(p, reverted, s.state, {})), std::vector<std::string>{});
  // Refused before the SO login: the state is the revert's, the path not.
  Outcome refused = RefusedWith(s.outcome, "CKR_OPERATION_NOT_ALLOWED", "0x80000030");
  refused.message = "G5 not supported";
  p = s.p;
  const std::vector<model::Mismatch> ms = model::Judge(p, refused, s.state, {});
  EXPECT_EQ(PrimaryClauses(ms), std::vector<std::string>{"FULL-REVERT"});
  ASSERT_FALSE(ms.empty());
  EXPECT_EQ(ms.front().what.rfind("answered CKR_OPERATION_NOT_ALLOWED (\"G5 not supported\") "
                                  "with no line showing the backup past its checks",
                                  0),
            0u)
      << ms.front().what;
  for (const model::Mismatch& m : ms) {
    EXPECT_EQ(m.what.find("after the revert"), std::string::npos) << m.what;
  }
  // An out-of-room code before going ahead is another size model's precheck
  // (SIZE-PRECHECK `accepts` out-of-room-code): not charged here.
  p = s.p;
  EXPECT_EQ(PrimaryClauses(model::Judge(
                p, RefusedWith(s.outcome, "CKR_HSM_STORAGE_FULL", "0x8000002A"), s.state, {})),
            std::vector<std::string>{});
}

}  // namespace
}  // namespace hsmbackup::conformance
