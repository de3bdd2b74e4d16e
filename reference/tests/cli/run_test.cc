// hsmbackup run: the session printout, exit codes and --save.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "cli_helpers.h"
#include "hsmbackup/world_io.h"
#include "run.h"
#include "tool.h"

namespace hsmbackup::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr char kCoLogin[] = "role login -name co -password userpin1234";
constexpr char kSeedBackup[] =
    "partition archive backup -slot 2 -partition sa78backup -domain clientdomain "
    "-password newPa$$w0rd -sopassword backupSOpwd";

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// ExpectLunacmLayout checks the printout rules: no trailing whitespace,
// echo lines, result lines flush-left, everything else indented by 8.
void ExpectLunacmLayout(const std::string& out) {
  for (const std::string& line : Lines(out)) {
    if (line.empty()) continue;
    EXPECT_NE(line.back(), ' ') << "trailing whitespace: '" << line << "'";
    EXPECT_NE(line.back(), '\t') << "trailing whitespace: '" << line << "'";
    if (line.rfind("lunacm:>", 0) == 0 || line.rfind("Command Result : ", 0) == 0) continue;
    EXPECT_THAT(line, StartsWith("        ")) << line;
  }
}

struct RunFixture : ::testing::Test {
  void SetUp() override {
    world = dir.File("world.json");
    testing::CopyFixture("seed-example.json", world);
  }
  int Run(RunOptions options) {
    options.world_path = world;
    out.str("");
    err.str("");
    return RunCommands(options, out, err);
  }
  testing::TempDir dir;
  std::string world;
  std::ostringstream out;
  std::ostringstream err;
};

TEST_F(RunFixture, BackupWithoutCoLoginFailsWithExitOne) {
  RunOptions o;
  o.commands = {"partition archive backup -slot 2"};
  EXPECT_EQ(Run(o), kExitCommandFailed);
  const auto lines = Lines(out.str());
  ASSERT_GE(lines.size(), 4u);
  EXPECT_EQ(lines[0], "lunacm:> partition archive backup -slot 2");
  EXPECT_EQ(lines[1], "");
  EXPECT_THAT(out.str(), HasSubstr("\nCommand Result : 0x"));
  EXPECT_EQ(lines.back(), "");
  ExpectLunacmLayout(out.str());
}

TEST_F(RunFixture, SeedExampleSucceedsAndPrintsLikeLunacm) {
  HSMB_CLAUSE("OUT-TRANSCRIPT");
  RunOptions o;
  o.commands = {kCoLogin, kSeedBackup};
  EXPECT_EQ(Run(o), kExitOk) << out.str() << err.str();
  EXPECT_THAT(out.str(),
              HasSubstr("lunacm:> partition archive backup -slot 2 -partition sa78backup "
                        "-domain ******** -password ******** -sopassword ********\n\n"
                        "        Logging in as the SO on slot 2.\n"));
  EXPECT_THAT(out.str(), HasSubstr("\nCommand Result : No Error\n\n"));
  ExpectLunacmLayout(out.str());
}

TEST_F(RunFixture, EveryCommandRunsEvenAfterAFailure) {
  RunOptions o;
  o.commands = {"partition archive backup -slot 2", "bogus", "slot list"};
  EXPECT_EQ(Run(o), kExitCommandFailed);
  EXPECT_THAT(out.str(), HasSubstr("lunacm:> bogus"));
  EXPECT_THAT(out.str(), HasSubstr("lunacm:> slot list"));
  EXPECT_THAT(out.str(), HasSubstr("Command Result : 0x00000007 (CKR_ARGUMENTS_BAD)"));
  EXPECT_THAT(out.str(), HasSubstr("Command Result : No Error"));
}

TEST_F(RunFixture, NoSecretIsEverEchoedOrPrinted) {
  HSMB_CLAUSE("OUT-NO-SECRETS");
  RunOptions o;
  o.commands = {
      kCoLogin,
      kSeedBackup,
      "partition archive backup -slot 2 -pas newPa$$w0rd -sop backupSOpwd -do clientdomain "
      "-def",
      "partition archive list -slot 2 -sopassword backupSOpwd",
      "role login -n co -p userpin1234",
      "partition archive backup -slot 2 -password=newPa$$w0rd",
      "partition archive backup -slot 2 -password \"newPa$$w0rd",
  };
  Run(o);
  for (const char* secret : {"userpin1234", "newPa$$w0rd", "backupSOpwd", "clientdomain"}) {
    EXPECT_THAT(out.str(), Not(HasSubstr(secret))) << secret;
    EXPECT_THAT(err.str(), Not(HasSubstr(secret))) << secret;
  }
}

TEST_F(RunFixture, SaveLeavesAnUnchangedWorldByteIdentical) {
  const std::string before = hsmbackup::testing::ReadFile(world);
  const auto inode = testing::Inode(world);
  RunOptions o;
  o.save = true;
  o.commands = {"partition archive backup -slot 2", "slot list", "partition archive list -slot 2"};
  EXPECT_EQ(Run(o), kExitCommandFailed);
  EXPECT_EQ(hsmbackup::testing::ReadFile(world), before);
  EXPECT_EQ(testing::Inode(world), inode) << "the file was rewritten";
}

TEST_F(RunFixture, SaveWritesAChangedWorld) {
  RunOptions o;
  o.save = true;
  o.commands = {kCoLogin, kSeedBackup};
  ASSERT_EQ(Run(o), kExitOk) << out.str();
  auto saved = LoadWorld(world);
  ASSERT_TRUE(saved.ok()) << saved.status().ToString();
  const Slot* backup = saved->FindSlot(2);
  ASSERT_NE(backup, nullptr);
  ASSERT_TRUE(backup->backup.has_value());
  ASSERT_EQ(backup->backup->partitions.size(), 1u);
  EXPECT_EQ(backup->backup->partitions[0].name, "sa78backup");
}

TEST_F(RunFixture, WithoutSaveTheFileIsNeverWritten) {
  const std::string before = hsmbackup::testing::ReadFile(world);
  RunOptions o;
  o.commands = {kCoLogin, kSeedBackup};
  ASSERT_EQ(Run(o), kExitOk);
  EXPECT_EQ(hsmbackup::testing::ReadFile(world), before);
}

TEST_F(RunFixture, NowAndSeedOverrideTheWorld) {
  RunOptions o;
  o.save = true;
  o.now = "2024-01-02T03:04:05Z";
  o.seed = 77;
  o.commands = {"slot list"};
  ASSERT_EQ(Run(o), kExitOk);
  auto saved = LoadWorld(world);
  ASSERT_TRUE(saved.ok()) << saved.status().ToString();
  EXPECT_EQ(saved->clock.now, 1704164645);
  EXPECT_EQ(saved->rng.seed, 77u);
  EXPECT_EQ(saved->rng.counter, 0u);
}

TEST_F(RunFixture, BadNowIsAUsageErrorBeforeAnythingRuns) {
  RunOptions o;
  o.now = "2024-01-02";
  o.commands = {"slot list"};
  EXPECT_EQ(Run(o), kExitUsage);
  EXPECT_EQ(out.str(), "");
  EXPECT_THAT(err.str(), HasSubstr("--now"));
}

TEST_F(RunFixture, ScriptSkipsBlankAndCommentLines) {
  const std::string script = dir.File("script.lunacm");
  testing::WriteFile(script, "# back up the seed partition\r\n\n  slot list  \r\n   # indented comment\nrole logout\n");
  RunOptions o;
  o.script_path = script;
  Run(o);
  const auto lines = Lines(out.str());
  std::vector<std::string> echoes;
  for (const auto& l : lines) {
    if (l.rfind("lunacm:>", 0) == 0) echoes.push_back(l);
  }
  EXPECT_THAT(echoes, ElementsAre("lunacm:> slot list", "lunacm:> role logout"));
}

TEST_F(RunFixture, UnreadableScriptIsAUsageError) {
  RunOptions o;
  o.script_path = dir.File("missing.lunacm");
  EXPECT_EQ(Run(o), kExitUsage);
  EXPECT_THAT(err.str(), HasSubstr("missing.lunacm"));
  o.script_path = dir.File("");  // a directory
  EXPECT_EQ(Run(o), kExitUsage);
}

TEST_F(RunFixture, HelpLineListsTheCommands) {
  RunOptions o;
  o.commands = {"help"};
  EXPECT_EQ(Run(o), kExitOk);
  EXPECT_THAT(out.str(), HasSubstr("        partition archive backup"));
  EXPECT_THAT(out.str(), HasSubstr("-sopassword <sopassword>  -sop"));
  ExpectLunacmLayout(out.str());
}

TEST_F(RunFixture, CredentialsAnswerTheirPromptsAndAreNeverShown) {
  HSMB_CLAUSE("AUTH-PROMPT", "OUT-NO-SECRETS");
  RunOptions o;
  o.commands = {kCoLogin,
                "partition archive backup -slot 2 -partition sa78backup -domain clientdomain",
                "partition archive list -slot 2"};
  o.credentials = {"sopassword=backupSOpwd", "password=newPa$$w0rd"};
  EXPECT_EQ(Run(o), kExitOk) << out.str() << err.str();
  EXPECT_THAT(out.str(), HasSubstr("Enter the SO password for the backup HSM on slot 2: ********"));
  EXPECT_THAT(out.str(), Not(HasSubstr("backupSOpwd")));
  EXPECT_THAT(out.str(), Not(HasSubstr("newPa$$w0rd")));
  ExpectLunacmLayout(out.str());
}

TEST_F(RunFixture, BadCredentialArgumentsAreUsageErrorsThatNeverQuoteTheValue) {
  HSMB_CLAUSE("AUTH-PROMPT", "OUT-NO-SECRETS");
  for (const std::vector<std::string>& bad :
       {std::vector<std::string>{"Secret-No-Name-1"}, {"sopw=Secret-No-Name-1"},
        {"sopassword="}, {"domain=Secret-No-Name-1", "domain=Secret-No-Name-1"}}) {
    RunOptions o;
    o.commands = {"slot list"};
    o.credentials = bad;
    EXPECT_EQ(Run(o), kExitUsage);
    EXPECT_THAT(err.str(), HasSubstr("--credential"));
    EXPECT_THAT(err.str(), Not(HasSubstr("Secret-No-Name-1")));
  }
}

TEST(RunAnswers, PromptsAreAnsweredInOrderThenQuit) {
  HSMB_CLAUSE("OPT-SMKONLY-CONFIRM");
  testing::TempDir dir;
  const std::string world = dir.File("sks.json");
  testing::CopyFixture("seed-smkonly.json", world);
  std::ostringstream out;
  std::ostringstream err;
  RunOptions o;
  o.world_path = world;
  o.answers = {"quit"};
  o.commands = {"role login -name co", "partition archive backup -slot 5 -smkonly",
                "partition archive backup -slot 5 -smkonly"};
  const std::string prompt = "        Type 'proceed' to continue, or 'quit' to quit now ->";
  // The listed answer, then the fallback: both quit, nothing is created.
  EXPECT_EQ(RunCommands(o, out, err), kExitCommandFailed);
  const std::string text = out.str();
  const size_t first = text.find(prompt + "quit\n");
  ASSERT_NE(first, std::string::npos) << text;
  EXPECT_NE(text.find(prompt + "quit\n", first + 1), std::string::npos) << text;

  o.answers = {"proceed"};
  o.commands = {"role login -name co", "partition archive backup -slot 5 -smkonly"};
  out.str("");
  EXPECT_EQ(RunCommands(o, out, err), kExitOk) << out.str();
  EXPECT_THAT(out.str(), HasSubstr(prompt + "proceed\n"));
}

TEST(IndentingSinkTest, FormatsLikeLunacm) {
  std::ostringstream out;
  IndentingSink sink(out);
  sink.Line("Logging in.  ");
  sink.Line("");
  sink.Line("Command Result : No Error");
  sink.Line("two\nlines");
  sink.Answered("Type 'proceed' ->", "proceed");
  EXPECT_EQ(out.str(),
            "        Logging in.\n\nCommand Result : No Error\n        two\n        lines\n"
            "        Type 'proceed' ->proceed\n");
  std::ostringstream quiet;
  IndentingSink no_answers(quiet, /*show_answers=*/false);
  no_answers.Answered("prompt ->", "proceed");
  EXPECT_EQ(quiet.str(), "");
}

TEST(ScriptLinesTest, SplitsTrimsAndSkips) {
  EXPECT_THAT(ScriptLines("a\r\n\n#c\n  # d\n b  \nlast"), ElementsAre("a", "b", "last"));
  EXPECT_THAT(ScriptLines(""), ElementsAre());
}

}  // namespace
}  // namespace hsmbackup::cli
