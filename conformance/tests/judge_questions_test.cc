// The proceed/quit question. 'quit': the seed shows the question, not the
// result, so CKR_OK with nothing changed passes as the reading "quit-ok"
// beside the project's CKR_FUNCTION_CANCELED; going ahead still fails.
// -replace: a target may ask on any -replace backup or restore (the
// reading "replace-asks"); a question elsewhere fails the clause that lists
// the commands that ask.
#include <gtest/gtest.h>

#include <optional>
#include <string>
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

constexpr char kSmkOnly[] = "partition archive backup -slot 5 -smkonly";

Step QuitSmkOnly() {
  return RunLine(WorldFile("seed-smkonly.json"), {"role login -name co"}, kSmkOnly, {"quit"});
}

TEST(JudgeQuit, TheProjectsCancelPasses) {
  Step s = QuitSmkOnly();
  ASSERT_EQ(s.outcome.result, "CKR_FUNCTION_CANCELED");
  EXPECT_TRUE(model::Judge(s.p, s.outcome, s.state, {}).empty());
  EXPECT_EQ(s.p.reading, "");
}

TEST(JudgeQuit, QuitAnsweredNoErrorWithNothingChangedPasses) {
  Step s = QuitSmkOnly();
  Outcome ok{"CKR_OK",
             "",
             {"Type 'proceed' to continue, or 'quit' to quit now -> quit", "",
              "Command Result : No Error"},
             1,
             {}};
  EXPECT_TRUE(model::Judge(s.p, ok, s.state, {}).empty());
  EXPECT_EQ(s.p.reading, "quit-ok");
}

TEST(JudgeQuit, GoingAheadAfterQuitFailsTheConfirmClause) {
  Step quit = QuitSmkOnly();
  // What the target observes after proceeding: the SMK partition made.
  Step went =
      RunLine(WorldFile("seed-smkonly.json"), {"role login -name co"}, kSmkOnly, {"proceed"});
  ASSERT_EQ(went.outcome.result, "CKR_OK");
  EXPECT_EQ(PrimaryClauses(model::Judge(quit.p, went.outcome, went.state, {})),
            std::vector<std::string>{"OPT-SMKONLY-CONFIRM"});
}

// The outcome of a target that asked once and was answered quit.
Outcome AskedAndCancelled() {
  return {"CKR_FUNCTION_CANCELED",
          "The backup was cancelled.",
          {"Type 'proceed' to continue, or 'quit' to quit now -> quit", "",
           "The backup was cancelled.", "", "Command Result : 0x00000050 (CKR_FUNCTION_CANCELED)"},
          1,
          {}};
}

TEST(JudgeQuestions, AReplaceThatOverwritesNothingMayAsk) {
  // -replace of a name that does not exist: the project asks nothing.
  Step s = RunLine(SeedWorld(), {kLogin}, kBackup + " -replace");
  ASSERT_EQ(s.outcome.result, "CKR_OK");
  ASSERT_EQ(s.outcome.prompts, 0);
  EXPECT_TRUE(model::Judge(s.p, s.outcome, s.state, {}).empty());
  Step before = RunLine(SeedWorld(), {kLogin}, "slot list");
  model::Prediction asked = s.p;
  EXPECT_TRUE(model::Judge(asked, AskedAndCancelled(), before.state, {}).empty());
  EXPECT_EQ(asked.reading, "replace-asks");
  // Asked, then answered proceed: the backup the project makes.
  Step proceeded = RunLine(SeedWorld(), {kLogin}, kBackup + " -replace", {"proceed"});
  Outcome once = proceeded.outcome;
  once.prompts = 1;
  EXPECT_TRUE(model::Judge(proceeded.p, once, proceeded.state, {}).empty());
}

TEST(JudgeQuestions, AQuestionWithoutReplaceFailsTheClauseListingWhatAsks) {
  Step backup = RunLine(SeedWorld(), {kLogin}, kBackup);
  Step before = RunLine(SeedWorld(), {kLogin}, "slot list");
  EXPECT_EQ(PrimaryClauses(model::Judge(backup.p, AskedAndCancelled(), before.state, {})),
            std::vector<std::string>{"OPT-REPLACE-CONFIRM"});
  // A restore that is not -smkonly never asks: a question there breaks
  // OPT-FORCE's list, not RESTORE-SMK; with -replace it may ask.
  constexpr char kRestore[] =
      "partition archive restore -slot 2 -partition p -password newPa$$w0rd";
  Step kept = RunLine(SeedWorld(), {kLogin, kBackup}, "slot list");
  Step restore = RunLine(SeedWorld(), {kLogin, kBackup}, kRestore);
  ASSERT_EQ(restore.outcome.result, "CKR_OK");
  EXPECT_EQ(PrimaryClauses(model::Judge(restore.p, AskedAndCancelled(), kept.state, {})),
            std::vector<std::string>{"OPT-FORCE"});
  Step replace = RunLine(SeedWorld(), {kLogin, kBackup}, std::string(kRestore) + " -replace");
  ASSERT_EQ(replace.outcome.result, "CKR_OK");
  EXPECT_TRUE(model::Judge(replace.p, AskedAndCancelled(), kept.state, {}).empty());
  EXPECT_EQ(replace.p.reading, "replace-asks");
}

// AUTH-PROMPT judges the set of credentials asked (PROTOCOL.md, execute):
// lunacm confirms a new password at a second prompt, so a target that
// reports the name twice asked for the same credential; one that also asks
// for a credential the line gave still fails.
TEST(JudgeQuestions, ANewPasswordConfirmedAtASecondPromptIsOneCredential) {
  const std::string left_off =
      "partition archive backup -slot 2 -partition p -domain clientdomain "
      "-sopassword backupSOpwd";
  Step s = RunLine(SeedWorld(), {kLogin}, kBackup);
  ASSERT_EQ(s.outcome.result, "CKR_OK");
  std::string why;
  std::optional<model::World> w = model::FromWorld(SeedWorld(), &why);
  ASSERT_TRUE(w.has_value()) << why;
  model::Prediction logged_in = model::Predict(*w, kLogin, {});
  model::Prediction p =
      model::Predict(logged_in.after, left_off, {}, {{"password", "newPa$$w0rd"}});
  ASSERT_EQ(p.credential_prompts, std::vector<std::string>{"password"});
  Outcome confirmed = s.outcome;
  confirmed.credential_prompts = std::vector<std::string>{"password", "password"};
  EXPECT_TRUE(model::Judge(p, confirmed, s.state, {}).empty());
  Outcome extra = s.outcome;
  extra.credential_prompts = std::vector<std::string>{"password", "sopassword"};
  EXPECT_EQ(PrimaryClauses(model::Judge(p, extra, s.state, {})),
            std::vector<std::string>{"AUTH-PROMPT"});
}

// LoggedIn is the model's seed world as `before` observed it, after the CO
// logged in.
std::optional<model::World> LoggedIn(const Step& before) {
  std::string why;
  std::optional<model::World> w = model::FromWorld(SeedWorld(), &why);
  EXPECT_TRUE(w.has_value()) << why;
  if (!w) return std::nullopt;
  model::Adopt(*w, before.state);
  return model::Predict(*w, kLogin, {}).after;
}

// RefusedAskingNothing is a target's CKR_ARGUMENTS_BAD for a line, with
// `message`, before any prompt (AUTH-PROMPT `accepts` credentials-on-line).
Outcome RefusedAskingNothing(const std::string& message) {
  Outcome refused;
  refused.result = "CKR_ARGUMENTS_BAD";
  refused.message = message;
  refused.transcript = {message, "", "Command Result : 0x00000007 (CKR_ARGUMENTS_BAD)"};
  refused.credential_prompts = std::vector<std::string>{};
  return refused;
}

// AUTH-PROMPT `accepts` credentials-on-line: a backup line without
// -password, which the seed's syntax requires, may be refused whole, asking
// nothing, whatever else it leaves off (here the domain too).
TEST(JudgeQuestions, ABackupWithoutPasswordMayBeRefusedWhole) {
  const Step before = RunLine(SeedWorld(), {kLogin}, "slot list");
  std::optional<model::World> logged_in_or = LoggedIn(before);
  ASSERT_TRUE(logged_in_or.has_value());
  const model::World& logged_in = *logged_in_or;
  const Credentials given = {{"password", "newPa$$w0rd"}, {"domain", "clientdomain"}};
  const Outcome refused = RefusedAskingNothing("-password is required");
  model::Prediction p = model::Predict(
      logged_in, "partition archive backup -slot 2 -partition p -sopassword backupSOpwd", {},
      given);
  ASSERT_EQ(p.credential_prompts, (std::vector<std::string>{"password", "domain"}));
  EXPECT_EQ(PrimaryClauses(model::Judge(p, refused, before.state, {})), std::vector<std::string>{});
  // A line that gives -password must still ask for the domain it leaves off.
  model::Prediction q = model::Predict(
      logged_in,
      "partition archive backup -slot 2 -partition p -password newPa$$w0rd -sopassword backupSOpwd",
      {}, given);
  ASSERT_EQ(q.credential_prompts, std::vector<std::string>{"domain"});
  EXPECT_EQ(PrimaryClauses(model::Judge(q, refused, before.state, {})),
            std::vector<std::string>{"AUTH-PROMPT"});
}

// AUTH-PROMPT `accepts` credentials-on-line promises "asking nothing": a
// delete without -sopassword may be refused before its proceed/quit
// question, whatever that question would have been answered; one that
// gives -sopassword must still ask it (ARCHIVE-DELETE).
TEST(JudgeQuestions, ADeleteWithoutSoPasswordMayBeRefusedBeforeItsQuestion) {
  const std::string line = "partition archive delete -slot 2 -partition p";
  // Quit changes nothing: the state a refusal leaves.
  const Json unchanged = RunLine(SeedWorld(), {kLogin, kBackup}, line, {"quit"}).state;
  const Outcome refused = RefusedAskingNothing("-sopassword is required");
  for (const std::string answer : {"quit", "proceed"}) {
    Step s = RunLine(SeedWorld(), {kLogin, kBackup}, line, {answer});
    ASSERT_EQ(s.p.prompts, 1) << answer;
    EXPECT_EQ(PrimaryClauses(model::Judge(s.p, refused, unchanged, {})), std::vector<std::string>{})
        << answer;
  }
  Step q = RunLine(SeedWorld(), {kLogin, kBackup}, line + " -sopassword backupSOpwd", {"quit"});
  EXPECT_EQ(PrimaryClauses(model::Judge(q.p, refused, unchanged, {})),
            std::vector<std::string>{"ARCHIVE-DELETE"});
}

// A command that fails anyway may stop asking at the answer that fails it:
// a vendor's target checks a new password's length as it is typed, so it
// never asks for the domain a backup with a too-short password leaves off.
// A command that succeeds must have asked for every one.
TEST(JudgeQuestions, AFailingCommandMayStopAskingAtTheAnswerThatFailsIt) {
  const Step before = RunLine(SeedWorld(), {kLogin}, "slot list");
  std::optional<model::World> logged_in_or = LoggedIn(before);
  ASSERT_TRUE(logged_in_or.has_value());
  const model::World& logged_in = *logged_in_or;
  const std::string line = "partition archive backup -slot 2 -partition p -sopassword backupSOpwd";
  model::Prediction short_pw =
      model::Predict(logged_in, line, {}, {{"password", "short"}, {"domain", "clientdomain"}});
  ASSERT_EQ(short_pw.credential_prompts, (std::vector<std::string>{"password", "domain"}));
  ASSERT_EQ(short_pw.codes.count("CKR_PIN_LEN_RANGE"), 1u);
  Outcome stopped;
  stopped.result = "CKR_PIN_LEN_RANGE";
  stopped.message = "a new backup partition password needs at least 8 characters";
  stopped.transcript = {"Enter the password for the backup partition p: *****", "",
                        stopped.message, "", "Command Result : 0x000000A2 (CKR_PIN_LEN_RANGE)"};
  stopped.credential_prompts = std::vector<std::string>{"password"};
  EXPECT_EQ(PrimaryClauses(model::Judge(short_pw, stopped, before.state, {})),
            std::vector<std::string>{});
  // Asking for a credential the line gave is still wrong.
  Outcome extra = stopped;
  extra.credential_prompts = std::vector<std::string>{"password", "sopassword"};
  EXPECT_EQ(PrimaryClauses(model::Judge(short_pw, extra, before.state, {})),
            std::vector<std::string>{"AUTH-PROMPT"});
}

// DefaultNamedBackup backs up the seed world's partition, labelled
// `label`, without -partition, so the backup names itself from the label.
Step DefaultNamedBackup(const std::string& label) {
  Json world = SeedWorld();
  world["slots"][0]["user_partition"]["label"] = label;
  return RunLine(world, {kLogin},
                 "partition archive backup -slot 2 -domain clientdomain -password newPa$$w0rd "
                 "-sopassword backupSOpwd");
}

// OPT-PARTITION-DEFAULT `accepts` label-spaces-kept: the default name may
// keep the label's spaces, as the seed writes <source_partition_name>.
TEST(JudgeQuestions, ADefaultNameMayKeepTheLabelsSpaces) {
  Step s = DefaultNamedBackup("sa 78");
  ASSERT_EQ(s.outcome.result, "CKR_OK") << s.outcome.message;
  Json* made = judge_testing::PartitionIn(s.state, 2, "sa_78_20190309");
  ASSERT_NE(made, nullptr) << s.state.dump();
  (*made)["name"] = "sa 78_20190309";
  Outcome said = s.outcome;
  for (std::string& line : said.transcript) {
    for (size_t at = line.find("sa_78_"); at != std::string::npos; at = line.find("sa_78_")) {
      line.replace(at, 6, "sa 78_");
    }
  }
  model::Prediction p = s.p;
  EXPECT_EQ(PrimaryClauses(model::Judge(p, said, s.state, {})), std::vector<std::string>{});
  (*made)["name"] = "sa--78_20190309";  // not one for one: still a rename
  model::Prediction q = s.p;
  EXPECT_EQ(PrimaryClauses(model::Judge(q, said, s.state, {})),
            std::vector<std::string>{"OPT-PARTITION-DEFAULT"});
}

// OPT-PARTITION-DEFAULT `accepts` label-spaces-replaced: the seed does not
// say what becomes of a label's spaces in a name that -partition must be
// able to take, so each may become any one character a name allows (the
// same for all) or be dropped; two different characters, or a blank where
// the label had none, are still a rename.
TEST(JudgeQuestions, ADefaultNameMayReplaceTheLabelsSpacesOneForOne) {
  const Step s = DefaultNamedBackup("s a 78");
  ASSERT_EQ(s.outcome.result, "CKR_OK") << s.outcome.message;
  auto judged = [&](const std::string& name) {
    Json state = s.state;
    Json* made = judge_testing::PartitionIn(state, 2, "s_a_78_20190309");
    EXPECT_NE(made, nullptr) << state.dump();
    (*made)["name"] = name;
    Outcome said = s.outcome;
    for (std::string& line : said.transcript) {
      for (size_t at = line.find("s_a_78_"); at != std::string::npos;
           at = line.find("s_a_78_", at + name.size())) {
        line.replace(at, 15, name);
      }
    }
    model::Prediction p = s.p;
    return PrimaryClauses(model::Judge(p, said, state, {}));
  };
  EXPECT_EQ(judged("s-a-78_20190309"), std::vector<std::string>{});
  EXPECT_EQ(judged("s.a.78_20190309"), std::vector<std::string>{});
  EXPECT_EQ(judged("sa78_20190309"), std::vector<std::string>{});
  EXPECT_EQ(judged("s-a.78_20190309"), std::vector<std::string>{"OPT-PARTITION-DEFAULT"});
  EXPECT_EQ(judged("s-a-79_20190309"), std::vector<std::string>{"OPT-PARTITION-DEFAULT"});
}

}  // namespace
}  // namespace hsmbackup::conformance
