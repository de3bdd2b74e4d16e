// Refusal codes the project chose (clauses.json `accepts` "own-code"): a
// target may refuse with any failure code that names no other condition,
// while going ahead, or a code that names another condition, still fails the
// clause behind the refusal.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "judge_support.h"

namespace hsmbackup::conformance {
namespace {

using judge_testing::kBackup;
using judge_testing::kLogin;
using judge_testing::PrimaryClauses;
using judge_testing::RunLine;
using judge_testing::SeedWorld;
using judge_testing::Step;
using judge_testing::WorldFile;

using Clauses = std::vector<std::string>;

// AnsweredWith is `o` ending in `name` (result line value `value`), or in
// success when `name` is CKR_OK; its message and prompts stay.
Outcome AnsweredWith(const Outcome& o, const std::string& name, const std::string& value) {
  Outcome changed = o;
  changed.result = name;
  changed.transcript.back() = name == "CKR_OK" ? "Command Result : No Error"
                                               : "Command Result : " + value + " (" + name + ")";
  return changed;
}

// ExpectOwnCode judges `s` answered with a code the project's reading does
// not print but another refusal would (must pass), with CKR_OK (going
// ahead) and with CKR_PIN_INCORRECT (a credential refused): each of the
// last two must fail `clause` alone, CKR_OK unless `ok_passes` (a reading
// in which the line succeeds).
void ExpectOwnCode(const Step& s, const std::string& project_code, const std::string& clause,
                   bool ok_passes = false) {
  ASSERT_EQ(s.outcome.result, project_code);
  EXPECT_TRUE(s.p.own_code || std::any_of(s.p.alternatives.begin(), s.p.alternatives.end(),
                                          [](const model::Prediction& a) { return a.own_code; }));
  for (const auto& [name, value] :
       std::vector<std::pair<std::string, std::string>>{{"CKR_OPERATION_NOT_ALLOWED", "0x80000030"},
                                                        {"CKR_GENERAL_ERROR", "0x00000005"},
                                                        {"CKR_ARGUMENTS_BAD", "0x7"},
                                                        {"CKR_DEVICE_ERROR", "0x00000030"}}) {
    model::Prediction p = s.p;
    EXPECT_EQ(PrimaryClauses(model::Judge(p, AnsweredWith(s.outcome, name, value), s.state, {})),
              Clauses{})
        << clause << " answered " << name;
  }
  for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{
           {"CKR_OK", ""}, {"CKR_PIN_INCORRECT", "0x000000A0"}}) {
    model::Prediction p = s.p;
    const std::vector<model::Mismatch> ms =
        model::Judge(p, AnsweredWith(s.outcome, name, value), s.state, {});
    if (ok_passes && name == "CKR_OK") {
      EXPECT_EQ(PrimaryClauses(ms), Clauses{}) << clause << " answered " << name;
      continue;
    }
    EXPECT_EQ(PrimaryClauses(ms), Clauses{clause}) << clause << " answered " << name;
    // The verdict names the code and quotes the target's message, not what
    // follows from another reading.
    ASSERT_FALSE(ms.empty());
    EXPECT_EQ(ms.front().what.rfind("answered " + name + " (\"", 0), 0u) << ms.front().what;
    EXPECT_NE(ms.front().what.find("\"), expected "), std::string::npos) << ms.front().what;
  }
}

TEST(JudgeOwnCode, AnExistingNameMayBeRefusedWithAnyFailureCode) {
  ExpectOwnCode(RunLine(SeedWorld(), {kLogin, kBackup}, kBackup), "CKR_OBJECT_ALREADY_EXISTS",
                "OPT-EXISTS");
}

// RESIZE-FAIL `accepts` resize-fail-ok: every object is cloned before the
// re-size, and the seed does not say the backup then fails, so CKR_OK
// passes too; a credential's code does not.
TEST(JudgeOwnCode, AFailedResizeMayEndInAnyFailureCodeOrSucceed) {
  ExpectOwnCode(RunLine(WorldFile("faults/seed-shrink-fail.json"), {kLogin}, kBackup),
                "CKR_DEVICE_ERROR", "RESIZE-FAIL", /*ok_passes=*/true);
}

TEST(JudgeOwnCode, AMissingBackupNameMayBeRefusedWithAnyFailureCode) {
  ExpectOwnCode(
      RunLine(SeedWorld(), {kLogin, kBackup},
              "partition archive restore -slot 2 -partition nosuch -password newPa$$w0rd"),
      "CKR_TOKEN_NOT_PRESENT", "RESTORE-TARGET-EXISTS");
  ExpectOwnCode(
      RunLine(SeedWorld(), {kLogin, kBackup},
              "partition archive contents -slot 2 -partition nosuch -password newPa$$w0rd"),
      "CKR_TOKEN_NOT_PRESENT", "ARCHIVE-CONTENTS");
  // The reference asks first (ARCHIVE-DELETE `accepts` delete-asks-first):
  // another code after that question is not a prompt difference.
  ExpectOwnCode(
      RunLine(SeedWorld(), {kLogin, kBackup},
              "partition archive delete -slot 2 -partition nosuch -sopassword backupSOpwd",
              {"proceed"}),
      "CKR_TOKEN_NOT_PRESENT", "ARCHIVE-DELETE");
}

// Neither page names a code for a handle -objects names that is not there,
// nor for a password firmware 7.7.2 finds too short: the PKCS#11 codes the
// project took are its own.
TEST(JudgeOwnCode, AMissingHandleMayBeRefusedWithAnyFailureCode) {
  ExpectOwnCode(RunLine(SeedWorld(), {kLogin}, kBackup + " -objects 999"),
                "CKR_OBJECT_HANDLE_INVALID", "OPT-OBJECTS-INVALID");
}

TEST(JudgeOwnCode, AShortPasswordMayBeRefusedWithAnyFailureCode) {
  std::string line = kBackup;
  line.replace(line.find("newPa$$w0rd"), 11, "short");
  ExpectOwnCode(RunLine(SeedWorld(), {kLogin}, line), "CKR_PIN_LEN_RANGE", "PROJ-PIN-LENGTH");
}

// CLONE-DISCARD `accepts` own-code: the seed says only that "the target HSM
// reports the failure" of a blob that fails verification, so a V0 backup
// stopping at a rejected object may answer any failure code (its line then
// names that code); the stop and what stays are judged as before, and a
// failure no line reports still fails CLONE-DISCARD.
TEST(JudgeOwnCode, ARejectedBlobMayFailWithAnyCode) {
  const Step s = RunLine(WorldFile("faults/seed-verify-fail.json"), {kLogin}, kBackup);
  ExpectOwnCode(s, "CKR_FAILED_TO_CLONE_AN_OBJECT", "CLONE-STOP-V0V1");
  Outcome own = AnsweredWith(s.outcome, "CKR_GENERAL_ERROR", "0x00000005");
  for (std::string& l : own.transcript) {
    if (const size_t at = l.find("CKR_FAILED_TO_CLONE_AN_OBJECT"); at != std::string::npos) {
      l.replace(at, 29, "CKR_GENERAL_ERROR");
    }
  }
  model::Prediction p = s.p;
  EXPECT_EQ(PrimaryClauses(model::Judge(p, own, s.state, {})), Clauses{});
  Outcome unsaid = own;
  std::erase_if(unsaid.transcript, [](const std::string& l) {
    return l.find("CKR_GENERAL_ERROR") != std::string::npos && l.rfind("Command Result", 0) != 0;
  });
  p = s.p;
  EXPECT_EQ(PrimaryClauses(model::Judge(p, unsaid, s.state, {})), Clauses{"CLONE-DISCARD"});
}

// PROJ-COMMAND-WORDS `accepts` full-words-only: the seed writes every
// command word whole and in lower case, so a target may refuse one
// abbreviated or in another case, with any failure code, nothing changed;
// refusing the words as the seed writes them still fails.
TEST(JudgeOwnCode, CommandWordsMayBeTakenOnlyWholeAndInLowerCase) {
  Outcome refused;
  refused.result = "CKR_GENERAL_ERROR";
  refused.message = "Unknown command.";
  refused.transcript = {"Unknown command.", "", "Command Result : 0x00000005 (CKR_GENERAL_ERROR)"};
  for (const std::string line : {"role logIn -name co -password userpin1234",
                                 "rol login -name co -password userpin1234", "help par arch"}) {
    Step s = RunLine(SeedWorld(), {}, line);
    EXPECT_EQ(PrimaryClauses(model::Judge(s.p, refused, s.state, {})), Clauses{}) << line;
  }
  Step whole = RunLine(SeedWorld(), {}, kLogin);
  EXPECT_FALSE(PrimaryClauses(model::Judge(whole.p, refused, whole.state, {})).empty());
}

// A backup SIZE-PRECHECK refuses that a target goes ahead with: the verdict
// gives the project's figures (what the backup needs, what is free), so a
// vendor sees which size model the refusal comes from.
TEST(JudgeOwnCode, APrecheckDifferenceGivesTheFigures) {
  Json world = SeedWorld();
  world["slots"][1]["backup_hsm"]["capacity"] = 10000;
  const Step s = RunLine(world, {kLogin}, kBackup);
  ASSERT_EQ(s.outcome.result, "CKR_HSM_STORAGE_FULL");
  model::Prediction p = s.p;
  const std::vector<model::Mismatch> ms =
      model::Judge(p, AnsweredWith(s.outcome, "CKR_OK", ""), s.state, {});
  ASSERT_FALSE(ms.empty());
  EXPECT_EQ(ms.front().clauses, Clauses{"SIZE-PRECHECK"});
  EXPECT_NE(ms.front().what.find("the backup needs "), std::string::npos) << ms.front().what;
  EXPECT_NE(ms.front().what.find("has 10000 to give it"), std::string::npos) << ms.front().what;
}

// OPT-SLOT and OPT-OBJECTS-FORMS `accepts` keywords-as-spelled: `-slot
// Direct` may be refused (CKR_ARGUMENTS_BAD or CKR_SLOT_ID_INVALID); any
// other difference says the line's value was read as the keyword.
TEST(JudgeOwnCode, AKeywordInAnotherCaseMayBeRefusedAndTheVerdictSaysHowItWasRead) {
  Json world = SeedWorld();
  world["slots"][1]["backup_hsm"]["connection"] = "usb";
  std::string line = kBackup;
  line.replace(line.find("-slot 2"), 7, "-slot Direct");
  const Step s = RunLine(world, {kLogin}, line);
  ASSERT_EQ(s.outcome.result, "CKR_OK") << s.outcome.message;
  Outcome refused = AnsweredWith(s.outcome, "CKR_SLOT_ID_INVALID", "0x00000003");
  const Step before = RunLine(world, {kLogin}, "slot list");
  model::Prediction p = s.p;
  EXPECT_EQ(PrimaryClauses(model::Judge(p, refused, before.state, {})), Clauses{});
  p = s.p;
  const std::vector<model::Mismatch> ms =
      model::Judge(p, AnsweredWith(s.outcome, "CKR_DEVICE_ERROR", "0x00000030"), before.state, {});
  ASSERT_FALSE(ms.empty());
  EXPECT_NE(ms.front().what.find("'-slot Direct' is read as the keyword 'direct'"),
            std::string::npos)
      << ms.front().what;
}

// A code difference quotes the target's message (first line, in line form),
// so a vendor config's `match` can select a failure by its cause; every
// secret of the case, a credential typed on the line included, redacted.
TEST(JudgeOwnCode, ACodeDifferenceQuotesTheTargetsMessageWithoutSecrets) {
  Step s = RunLine(SeedWorld(), {kLogin}, kBackup);
  ASSERT_EQ(s.outcome.result, "CKR_OK");
  Outcome refused = AnsweredWith(s.outcome, "CKR_OPERATION_NOT_ALLOWED", "0x80000030");
  refused.message = "Not  supported here (password newPa$$w0rd, SO backupSOpwd).\nsecond line";
  model::Prediction p = s.p;
  const std::vector<model::Mismatch> ms = model::Judge(p, refused, s.state, {"backupSOpwd"});
  // The leak itself is OUT-NO-SECRETS'; the code difference quotes around it.
  const auto code = std::find_if(ms.begin(), ms.end(), [](const model::Mismatch& m) {
    return m.what.rfind("answered ", 0) == 0;
  });
  ASSERT_NE(code, ms.end());
  EXPECT_EQ(code->what.rfind("answered CKR_OPERATION_NOT_ALLOWED (\"Not supported here "
                             "(password <redacted>, SO <redacted>).\"), expected CKR_OK",
                             0),
            0u)
      << code->what;
  refused.message.clear();
  p = s.p;
  const std::vector<model::Mismatch> bare = model::Judge(p, refused, s.state, {});
  ASSERT_FALSE(bare.empty());
  EXPECT_EQ(bare.front().what.rfind("answered CKR_OPERATION_NOT_ALLOWED, expected CKR_OK", 0), 0u)
      << bare.front().what;
}

TEST(JudgeOwnCode, ASeedNamedCodeStaysFixed) {
  // CKR_CERTIFICATE_INVALID is the seed's for a domain mismatch.
  Step s = RunLine(SeedWorld(), {kLogin},
                   "partition archive backup -slot 2 -partition p -domain otherdomain "
                   "-password newPa$$w0rd -sopassword backupSOpwd");
  ASSERT_EQ(s.outcome.result, "CKR_CERTIFICATE_INVALID");
  EXPECT_FALSE(s.p.own_code);
  model::Prediction p = s.p;
  EXPECT_FALSE(PrimaryClauses(model::Judge(p, AnsweredWith(s.outcome, "CKR_GENERAL_ERROR", "0x5"),
                                           s.state, {}))
                   .empty());
}

// SIZE-PRECHECK `accepts` replace-free-space-only: a -replace that fits
// only in the space the partition it re-creates gives back may be refused
// against the free space alone, nothing changed; the project goes ahead.
TEST(JudgeReadings, AReplaceThatFitsOnlyInTheSpaceItFreesMayBeRefused) {
  Step first = RunLine(SeedWorld(), {kLogin, kBackup}, "slot list");
  const Json* part = judge_testing::PartitionIn(first.state, 2, "p");
  ASSERT_NE(part, nullptr);
  const uint64_t allocated = (*part)["allocated"].get<uint64_t>();
  const uint64_t objects = (*part)["objects"].size();
  // The re-created partition needs its source sizes (allocated less the
  // per-object overhead): leave less than that free beside the first.
  const uint64_t need = allocated - 128 * objects;
  Json world = SeedWorld();
  world["slots"][1]["backup_hsm"]["capacity"] = allocated + need - 1;
  const std::string replace = kBackup + " -replace -force";
  const Step before = RunLine(world, {kLogin, kBackup}, "slot list");
  Step went_ahead = RunLine(world, {kLogin, kBackup}, replace, {"y"});
  ASSERT_EQ(went_ahead.outcome.result, "CKR_OK") << went_ahead.outcome.message;
  EXPECT_TRUE(model::Judge(went_ahead.p, went_ahead.outcome, went_ahead.state, {}).empty());
  Outcome refused;
  refused.result = "CKR_HSM_STORAGE_FULL";
  refused.message = "not enough free space on the backup HSM";
  refused.transcript = {refused.message, "",
                        "Command Result : 0x8000002A (CKR_HSM_STORAGE_FULL)"};
  EXPECT_EQ(PrimaryClauses(model::Judge(went_ahead.p, refused, before.state, {})),
            std::vector<std::string>{});
  // With room for it beside the old partition, the refusal is wrong.
  world["slots"][1]["backup_hsm"]["capacity"] = allocated + need + 100000;
  const Step roomy_before = RunLine(world, {kLogin, kBackup}, "slot list");
  Step roomy = RunLine(world, {kLogin, kBackup}, replace, {"y"});
  EXPECT_FALSE(PrimaryClauses(model::Judge(roomy.p, refused, roomy_before.state, {})).empty());
}

}  // namespace
}  // namespace hsmbackup::conformance
