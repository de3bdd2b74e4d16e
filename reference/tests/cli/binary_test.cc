// End to end: the built hsmbackup binary and its exit codes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "cli_helpers.h"
#include "support/process.h"
#include "tool.h"

namespace hsmbackup::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::RunBinary;

TEST(Binary, HelpAndVersion) {
  auto help = RunBinary({"--help"});
  EXPECT_EQ(help.code, kExitOk);
  EXPECT_THAT(help.out, HasSubstr("run"));
  EXPECT_THAT(help.out, HasSubstr("shell"));
  EXPECT_THAT(help.out, HasSubstr("blob"));
  auto version = RunBinary({"--version"});
  EXPECT_EQ(version.code, kExitOk);
  EXPECT_THAT(version.out, HasSubstr("hsmbackup "));
}

// HSMB_STATIC_TOOL (reference/CMakeLists.txt): the tool carries libcrypto
// and the C++ runtime and is not position-independent, so a fresh process
// binds only libc; libc stays shared. Read from the ELF with readelf.
TEST(Binary, LinksAsConfigured) {
  if (!HSMB_TOOL_LINKED_STATIC) {
    GTEST_SKIP() << "HSMB_STATIC_TOOL is off, or this build sanitizes: the tool links as the "
                    "libraries do";
  }
  auto readelf = [](const std::string& flag) {
    const hsmbackup::testing::ProcessResult r =
        hsmbackup::testing::RunProcess({"readelf", flag, HSMB_TOOL_PATH});
    EXPECT_EQ(r.exit_code, 0) << "readelf " << flag << ": " << r.output;
    return r.output;
  };
  const std::string header = readelf("-h");
  EXPECT_THAT(header, HasSubstr("EXEC (Executable file)")) << "a PIE relocates itself at start";
  const std::string dynamic = readelf("-d");
  EXPECT_THAT(dynamic, HasSubstr("[libc.so.6]"));
  for (const char* shared : {"libcrypto.so", "libstdc++.so", "libgcc_s.so"}) {
    EXPECT_THAT(dynamic, Not(HasSubstr(shared))) << dynamic;
  }
}

TEST(Binary, UsageErrorsExitTwo) {
  EXPECT_EQ(RunBinary({"--no-such-flag"}).code, kExitUsage);
  EXPECT_EQ(RunBinary({"run", "-c", "slot list"}).code, kExitUsage);
  EXPECT_EQ(RunBinary({"run", "--world", "w.json", "--now", "soon", "-c", "slot list"}).code,
            kExitUsage);
}

TEST(Binary, MissingWorldExitsThree) {
  testing::TempDir dir;
  const std::string path = dir.File("absent.json");
  auto r = RunBinary({"run", "--world", path, "-c", "slot list"});
  EXPECT_EQ(r.code, kExitWorld);
  EXPECT_THAT(r.out, HasSubstr(path));
}

TEST(Binary, FailingCommandExitsOneAndSaveKeepsTheFile) {
  HSMB_CLAUSE("OUT-NO-SECRETS");
  testing::TempDir dir;
  const std::string world = dir.File("world.json");
  testing::CopyFixture("seed-example.json", world);
  const std::string before = hsmbackup::testing::ReadFile(world);
  auto r = RunBinary({"run", "--world", world, "--save", "-c",
                      "partition archive backup -slot 2 -password newPa$$w0rd"});
  EXPECT_EQ(r.code, kExitCommandFailed) << r.out;
  EXPECT_THAT(r.out, HasSubstr("lunacm:> partition archive backup -slot 2 -password ********"));
  EXPECT_THAT(r.out, Not(HasSubstr("newPa$$w0rd")));
  EXPECT_EQ(hsmbackup::testing::ReadFile(world), before);
}

TEST(Binary, SucceedingRunExitsZero) {
  testing::TempDir dir;
  const std::string world = dir.File("world.json");
  testing::CopyFixture("seed-example.json", world);
  auto ok = RunBinary({"run", "--world", world, "-c", "slot list"});
  EXPECT_EQ(ok.code, kExitOk) << ok.out;
}

TEST(Binary, BlobInspectOfGarbageExitsOne) {
  testing::TempDir dir;
  const std::string path = dir.File("garbage.blob");
  testing::WriteFile(path, std::string(64, '\x5a'));
  auto r = RunBinary({"blob", "inspect", path});
  EXPECT_EQ(r.code, kExitCommandFailed);
  EXPECT_THAT(r.out, HasSubstr("CKR_DATA_INVALID"));
}

TEST(Binary, ShellReadsStdin) {
  testing::TempDir dir;
  const std::string world = dir.File("world.json");
  testing::CopyFixture("seed-example.json", world);
  // stdin is /dev/null: the shell sees end of input at once and exits 0.
  auto r = RunBinary({"shell", "--world", world});
  EXPECT_EQ(r.code, kExitOk) << r.out;
}

}  // namespace
}  // namespace hsmbackup::cli
