// Issue 12, at the tool: bounded inputs with their exit codes, strict
// --seed, the world lock under --save, and a stray PIN never echoed.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "cli_helpers.h"
#include "hsmbackup/blob.h"
#include "hsmbackup/protocol.h"
#include "hsmbackup/world_io.h"
#include "run.h"
#include "tool.h"

namespace hsmbackup::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::RunBinary;
using testing::RunInProcess;
using ::hsmbackup::testing::ShellQuote;
using testing::TempDir;
using testing::ToolResult;

constexpr char kCoLogin[] = "role login -name co -password userpin1234";

// RunWithStdin runs the built tool with stdin from `input_path`; `out` is
// stdout, stderr is dropped.
ToolResult RunWithStdin(const std::vector<std::string>& args, const std::string& input_path) {
  std::string command = ShellQuote(HSMB_TOOL_PATH);
  for (const auto& a : args) command += " " + ShellQuote(a);
  command += " <" + ShellQuote(input_path) + " 2>/dev/null";
  ToolResult r;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return r;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) r.out.append(buf, n);
  const int status = ::pclose(pipe);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

struct LimitsTest : ::testing::Test {
  void SetUp() override {
    world = dir.File("world.json");
    testing::CopyFixture("seed-example.json", world);
    original = hsmbackup::testing::ReadFile(world);
  }
  TempDir dir;
  std::string world;
  std::string original;
};

TEST_F(LimitsTest, SeedOutsideU64IsAUsageError) {
  for (const char* bad : {"-1", "18446744073709551616", "99999999999999999999", "1e3", ""}) {
    ToolResult r = RunInProcess({"run", "--world", world, "--seed", bad, "-c", "slot list"});
    EXPECT_EQ(r.code, kExitUsage) << bad << ": " << r.err;
  }
  ToolResult r = RunInProcess(
      {"run", "--world", world, "--seed", "18446744073709551615", "-c", "slot list"});
  EXPECT_EQ(r.code, kExitOk) << r.err;
}

TEST_F(LimitsTest, ABlobIsReadNoFurtherThanTheFormatAllows) {
  const std::string big = dir.File("big.blob");
  testing::WriteFile(big, std::string(kMaxBlobSize + 1, 'x'));
  for (const std::string& path : {big, std::string("/dev/zero")}) {
    ToolResult r = RunInProcess({"blob", "inspect", path});
    EXPECT_EQ(r.code, kExitCommandFailed) << path;
    EXPECT_THAT(r.err, HasSubstr("larger than " + std::to_string(kMaxBlobSize) + " bytes"));
  }
}

TEST_F(LimitsTest, ScriptsAndCommandLinesHaveLimits) {
  ToolResult r = RunInProcess({"run", "--world", world, "--save", "/dev/zero"});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("larger than " + std::to_string(kMaxScriptBytes) + " bytes"));
  const std::string secret_tail = "s3cr3t-in-a-long-line";
  const std::string long_line =
      "role login -name co -password " + std::string(kMaxCommandLineBytes, 'a') + secret_tail;
  r = RunInProcess({"run", "--world", world, "--save", "-c", long_line});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("longer than " + std::to_string(kMaxCommandLineBytes)));
  EXPECT_THAT(r.err + r.out, Not(HasSubstr(secret_tail)));
  const std::string script = dir.File("long.lunacm");
  testing::WriteFile(script, "slot list\n" + long_line + "\n");
  r = RunInProcess({"run", "--world", world, "--save", script});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("command 2 is longer than"));
  EXPECT_EQ(hsmbackup::testing::ReadFile(world), original) << "nothing ran";
}

TEST_F(LimitsTest, ShellAndServeStopAtAnOverlongLine) {
  ToolResult r = RunInProcess({"shell", "--world", world},
                              "slot list\n" + std::string(kMaxCommandLineBytes + 1, 'z'));
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("longer than " + std::to_string(kMaxCommandLineBytes)));
  EXPECT_THAT(r.out, HasSubstr("Current Slot Id")) << "the line before it ran";
  r = RunWithStdin({"serve"}, "/dev/zero");
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.out, HasSubstr("request line is longer than " +
                               std::to_string(kMaxRequestLineBytes) + " bytes"));
  r = RunWithStdin({"shell", "--world", world}, "/dev/zero");
  EXPECT_EQ(r.code, kExitUsage);
}

TEST_F(LimitsTest, AWorldWithABomOrTrailingNulIsRefused) {
  for (const std::string& extra : {std::string("\xEF\xBB\xBF"), std::string()}) {
    testing::WriteFile(world, extra + original + (extra.empty() ? std::string("\0junk", 5) : ""));
    ToolResult r = RunInProcess({"run", "--world", world, "-c", "slot list"});
    EXPECT_EQ(r.code, kExitWorld) << r.err;
    EXPECT_THAT(r.err, HasSubstr("not valid JSON"));
  }
}

TEST_F(LimitsTest, SaveWaitsForTheLockAndGivesUpWithCode5) {
  auto held = LockWorld(world, 0);
  ASSERT_TRUE(held.ok());
  ToolResult r = RunInProcess(
      {"run", "--world", world, "--save", "--lock-timeout", "0.05", "-c", kCoLogin});
  EXPECT_EQ(r.code, kExitLocked);
  EXPECT_THAT(r.err, HasSubstr("locked by another process"));
  EXPECT_EQ(r.out, "") << "nothing ran";
  r = RunInProcess({"shell", "--world", world, "--save", "--lock-timeout", "0"}, "slot list\n");
  EXPECT_EQ(r.code, kExitLocked);
  // Without --save nothing is written, so nothing waits.
  r = RunInProcess({"run", "--world", world, "-c", "slot list"});
  EXPECT_EQ(r.code, kExitOk);
  for (const char* bad : {"-1", "nan", "86401", "x"}) {
    r = RunInProcess({"run", "--world", world, "--save", "--lock-timeout", bad, "-c", kCoLogin});
    EXPECT_EQ(r.code, kExitUsage) << bad;
  }
  *held = WorldLock();
  r = RunInProcess({"run", "--world", world, "--save", "--lock-timeout", "0", "-c",
                    "role login -name co -password wrong"});
  EXPECT_EQ(r.code, kExitCommandFailed);
  EXPECT_NE(hsmbackup::testing::ReadFile(world), original) << "the failed login was counted";
}

TEST_F(LimitsTest, AStrayPinIsMaskedInTheEchoAndTheError) {
  ToolResult r = RunInProcess({"run", "--world", world, "-c", "role login -name co userpin1234"});
  EXPECT_EQ(r.code, kExitCommandFailed);
  EXPECT_THAT(r.out, HasSubstr("lunacm:> role login -name co ********"));
  EXPECT_THAT(r.out + r.err, Not(HasSubstr("userpin1234")));
}

}  // namespace
}  // namespace hsmbackup::cli
