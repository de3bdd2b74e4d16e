// hsmbackup shell, driven through string streams.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "cli_helpers.h"
#include "hsmbackup/world_io.h"
#include "run.h"
#include "tool.h"

namespace hsmbackup::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

struct ShellFixture : ::testing::Test {
  void SetUp() override {
    world = dir.File("world.json");
    testing::CopyFixture("seed-example.json", world);
  }
  int Shell(const std::string& input, bool save = false, bool interactive = false) {
    std::istringstream in(input);
    out.str("");
    err.str("");
    return RunShell(ShellOptions{world, save}, in, out, err, interactive);
  }
  testing::TempDir dir;
  std::string world;
  std::ostringstream out;
  std::ostringstream err;
};

TEST_F(ShellFixture, RunsLinesUntilExitAndLogsThemWhenNotATerminal) {
  EXPECT_EQ(Shell("slot list\n\nexit\nslot list\n"), kExitOk);
  EXPECT_THAT(out.str(), HasSubstr("lunacm:> slot list\n\n"));
  EXPECT_THAT(out.str(), HasSubstr("Command Result : No Error"));
  // Only one command ran: `exit` stopped the shell.
  EXPECT_EQ(out.str().find("lunacm:> slot list"), out.str().rfind("lunacm:> slot list"));
}

TEST_F(ShellFixture, HelpListsCommandsAndQuitEnds) {
  EXPECT_EQ(Shell("help\nQUIT\n"), kExitOk);
  EXPECT_THAT(out.str(), HasSubstr("partition archive backup"));
  EXPECT_THAT(out.str(), HasSubstr("exit or quit leaves the shell."));
}

TEST_F(ShellFixture, AFailedCommandGivesExitOne) {
  EXPECT_EQ(Shell("partition archive backup -slot 2\n"), kExitCommandFailed);
}

TEST_F(ShellFixture, InteractivePrintsPromptsAndNoEcho) {
  EXPECT_EQ(Shell("role login -name co -password userpin1234\n", false, true), kExitOk);
  EXPECT_EQ(out.str().rfind("lunacm:> \n", 0), 0u) << out.str();
  EXPECT_THAT(out.str(), Not(HasSubstr("userpin1234")));
}

TEST_F(ShellFixture, EchoHidesSecrets) {
  HSMB_CLAUSE("OUT-NO-SECRETS");
  Shell("role login -name co -password userpin1234\n"
        "partition archive backup -slot 2 -partition sa78backup -domain clientdomain "
        "-password newPa$$w0rd -sopassword backupSOpwd\n");
  for (const char* secret : {"userpin1234", "newPa$$w0rd", "backupSOpwd", "clientdomain"}) {
    EXPECT_THAT(out.str(), Not(HasSubstr(secret))) << secret;
  }
  EXPECT_THAT(out.str(), HasSubstr("-password ********"));
}

TEST_F(ShellFixture, LeftOffCredentialsAreReadFromTheInputAndNeverShown) {
  HSMB_CLAUSE("AUTH-PROMPT", "OUT-NO-SECRETS");
  EXPECT_EQ(Shell("role login -name co -password userpin1234\n"
                  "partition archive backup -slot 2 -partition sa78backup -domain clientdomain\n"
                  "backupSOpwd\n"
                  "newPa$$w0rd\n"
                  "partition archive list -slot 2\n"),  // its SO password: end of input
            kExitCommandFailed);
  EXPECT_THAT(out.str(), HasSubstr("Enter the SO password for the backup HSM on slot 2: ********\n"));
  EXPECT_THAT(out.str(), HasSubstr("Enter a password for the new backup partition sa78backup: "
                                   "********\n"));
  EXPECT_THAT(out.str(), HasSubstr("6 objects have been backed up"));
  EXPECT_THAT(out.str(), HasSubstr("No sopassword was given"));
  for (const char* secret : {"backupSOpwd", "newPa$$w0rd"}) {
    EXPECT_THAT(out.str(), Not(HasSubstr(secret))) << secret;
  }
}

TEST_F(ShellFixture, SaveAfterEachChangingCommandOnly) {
  const std::string before = hsmbackup::testing::ReadFile(world);
  // One command fails, none changes anything: the file is not rewritten.
  EXPECT_EQ(Shell("slot list\nslot set -slot 2\npartition archive backup -slot 2\n",
                  /*save=*/true),
            kExitCommandFailed);
  EXPECT_EQ(hsmbackup::testing::ReadFile(world), before);

  Shell("role login -name co -password userpin1234\n"
        "partition archive backup -slot 2 -partition sa78backup -domain clientdomain "
        "-password newPa$$w0rd -sopassword backupSOpwd\n",
        /*save=*/true);
  auto saved = LoadWorld(world);
  ASSERT_TRUE(saved.ok()) << saved.status().ToString();
  EXPECT_EQ(saved->FindSlot(2)->backup->partitions.size(), 1u);
}

TEST(ShellAnswers, PromptsReadTheNextInputLine) {
  HSMB_CLAUSE("OPT-SMKONLY-CONFIRM");
  testing::TempDir dir;
  const std::string world = dir.File("sks.json");
  testing::CopyFixture("seed-smkonly.json", world);
  std::istringstream in("role login -name co\npartition archive backup -slot 5 -smkonly\nproceed\n");
  std::ostringstream out;
  std::ostringstream err;
  EXPECT_EQ(RunShell(ShellOptions{world, false}, in, out, err, false), kExitOk) << out.str();
  // Laid out as in a run: a blank line, then prompt and answer on one line.
  EXPECT_THAT(out.str(),
              HasSubstr("continue?\n\n        Type 'proceed' to continue, or 'quit' to quit "
                        "now ->proceed\n\n        Logging in as the SO on slot 5."));
}

}  // namespace
}  // namespace hsmbackup::cli
