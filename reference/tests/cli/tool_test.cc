// The tool's arguments: help, version, usage errors and their exit codes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cli_helpers.h"
#include "tool.h"

namespace hsmbackup::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::RunInProcess;

TEST(ToolHelp, ListsEverySubcommandAndTheExitCodes) {
  auto r = RunInProcess({"--help"});
  EXPECT_EQ(r.code, kExitOk);
  for (const char* word : {"run", "shell", "blob", "--version", "Exit codes:",
                           "0  every command", "1  a lunacm command failed",
                           "2  bad arguments", "3  the world file", "4  internal"}) {
    EXPECT_THAT(r.out, HasSubstr(word));
  }
}

TEST(ToolHelp, EachSubcommandDocumentsItsOptionsWithAnExample) {
  auto run = RunInProcess({"run", "--help"});
  EXPECT_EQ(run.code, kExitOk);
  for (const char* word : {"--world", "--save", "--now", "--seed", "--answer",
                           "-c,--command", "SCRIPT", "Examples:", "Exit codes:",
                           "partition archive backup -slot 2 -partition sa78backup"}) {
    EXPECT_THAT(run.out, HasSubstr(word)) << word;
  }
  // The example uses placeholders, never the seed's real-looking secrets.
  EXPECT_THAT(run.out, Not(HasSubstr("newPa$$w0rd")));

  auto shell = RunInProcess({"shell", "--help"});
  EXPECT_EQ(shell.code, kExitOk);
  for (const char* word : {"--world", "--save", "Example:", "Exit codes:", "lunacm:>"}) {
    EXPECT_THAT(shell.out, HasSubstr(word)) << word;
  }
  auto blob = RunInProcess({"blob", "inspect", "--help"});
  EXPECT_EQ(blob.code, kExitOk);
  EXPECT_THAT(blob.out, HasSubstr("hsmbackup blob inspect"));
  EXPECT_THAT(blob.out, HasSubstr("Exit codes:"));
}

TEST(ToolHelp, VersionPrintsTheProjectVersion) {
  auto r = RunInProcess({"--version"});
  EXPECT_EQ(r.code, kExitOk);
  EXPECT_THAT(r.out, HasSubstr("hsmbackup " HSMB_PROJECT_VERSION " (protocol hsmbackup-target/1, "
                               "world format hsmbackup-world/1)"));
}

TEST(ToolUsage, BadArgumentsExitWithUsage) {
  const std::vector<std::vector<std::string>> cases = {
      {},
      {"frobnicate"},
      {"--bogus"},
      {"run", "--world", "w.json", "--bogus", "-c", "slot list"},
      {"run", "-c", "slot list"},  // no --world
      {"shell"},                   // no --world
      {"run", "--world", "w.json", "--now", "yesterday", "-c", "slot list"},
      {"run", "--world", "w.json", "--now", "2019-03-09 16:52:47", "-c", "slot list"},
      {"run", "--world", "w.json", "--seed", "many", "-c", "slot list"},
      {"run", "--world", "w.json", "-c", "slot list", "script.txt"},
      {"blob"},
      {"blob", "inspect"},
  };
  for (const auto& args : cases) {
    auto r = RunInProcess(args);
    std::string joined;
    for (const auto& a : args) joined += a + " ";
    EXPECT_EQ(r.code, kExitUsage) << joined << "\n" << r.out << r.err;
    EXPECT_FALSE(r.err.empty()) << joined;
  }
}

TEST(ToolUsage, BadNowNamesTheExpectedForm) {
  auto r = RunInProcess({"run", "--world", "w.json", "--now", "yesterday", "-c", "slot list"});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("YYYY-MM-DDTHH:MM:SSZ"));
}

TEST(ToolUsage, NoCommandsIsAUsageError) {
  auto r = RunInProcess({"run", "--world", "w.json"});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("-c COMMAND or a SCRIPT"));
}

TEST(ToolWorld, MissingWorldExitsWithWorldAndNamesThePath) {
  testing::TempDir dir;
  const std::string path = dir.File("no-such-world.json");
  for (const char* sub : {"run", "shell"}) {
    std::vector<std::string> args = {sub, "--world", path};
    if (std::string(sub) == "run") args.insert(args.end(), {"-c", "slot list"});
    auto r = RunInProcess(args);
    EXPECT_EQ(r.code, kExitWorld) << sub;
    EXPECT_THAT(r.err, HasSubstr(path)) << sub;
    EXPECT_EQ(r.err.rfind("hsmbackup: ", 0), 0u) << r.err;
  }
}

TEST(ToolWorld, InvalidWorldExitsWithWorld) {
  testing::TempDir dir;
  const std::string path = dir.File("bad.json");
  testing::WriteFile(path, "{\"format\": \"not-a-world\"}\n");
  auto r = RunInProcess({"run", "--world", path, "-c", "slot list"});
  EXPECT_EQ(r.code, kExitWorld);
  EXPECT_THAT(r.err, HasSubstr("CKR_DATA_INVALID"));
}

}  // namespace
}  // namespace hsmbackup::cli
