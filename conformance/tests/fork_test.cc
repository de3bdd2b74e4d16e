// The `fork` capability (PROTOCOL.md, "fork") between the runner's
// MakeForkedTarget and `hsmbackup serve`: each copy starts as fresh as a new
// process, and a copy that dies is named and takes its original with it.
#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <string>

#include "conformance/runner.h"
#include "conformance/target.h"
#include "judge_support.h"
#include "scratch_dir.h"
#include "shell_support.h"

namespace hsmbackup::conformance {
namespace {

std::unique_ptr<Target> StartServe(const std::string& command) {
  TargetError error;
  std::unique_ptr<Target> serve = MakeSubprocessTarget(command, &error);
  EXPECT_NE(serve, nullptr) << error.message;
  return serve;
}

TEST(Fork, EachCopyStartsAsFreshAsANewProcess) {
  std::unique_ptr<Target> forking = StartServe(std::string(HSMB_TOOL_PATH) + " serve");
  ASSERT_NE(forking, nullptr);
  TargetError error;
  std::optional<Hello> hello = forking->Handshake(&error);
  ASSERT_TRUE(hello) << error.message;
  ASSERT_TRUE(hello->Has(kForkCapability));
  long next_id = forking->NextId();
  {
    std::unique_ptr<Target> copy = MakeForkedTarget(forking.get(), &next_id, &error);
    ASSERT_NE(copy, nullptr) << error.message;
    ASSERT_TRUE(copy->Handshake(&error)) << error.message;
    ASSERT_TRUE(copy->Load(judge_testing::SeedWorld(), &error)) << error.message;
    std::optional<Json> state = copy->Observe(&error);
    ASSERT_TRUE(state) << error.message;
    EXPECT_FALSE((*state)["slots"].empty());
    EXPECT_TRUE(copy->Close(&error)) << error.message;
  }
  EXPECT_TRUE(forking->Alive());
  std::unique_ptr<Target> copy = MakeForkedTarget(forking.get(), &next_id, &error);
  ASSERT_NE(copy, nullptr) << error.message;
  ASSERT_TRUE(copy->Handshake(&error)) << error.message;
  EXPECT_FALSE(copy->Observe(&error)) << "the first copy's world leaked into the second";
  EXPECT_EQ(error.refused_code, "CKR_ARGUMENTS_BAD") << error.message;
  EXPECT_TRUE(copy->Close(&error)) << error.message;
  EXPECT_TRUE(forking->Alive());
  EXPECT_TRUE(forking->Close(&error)) << error.message;
}

// A process that has loaded a world is no longer fresh: its fork is refused.
TEST(Fork, AProcessThatLoadedRefusesToFork) {
  std::unique_ptr<Target> serve = StartServe(std::string(HSMB_TOOL_PATH) + " serve");
  ASSERT_NE(serve, nullptr);
  TargetError error;
  ASSERT_TRUE(serve->Handshake(&error)) << error.message;
  ASSERT_TRUE(serve->Load(judge_testing::SeedWorld(), &error)) << error.message;
  std::optional<std::string> answer = serve->Raw("{\"id\":99,\"op\":\"fork\"}", &error);
  ASSERT_TRUE(answer) << error.message;
  const Json refusal = ParseJson(*answer);
  EXPECT_EQ(refusal.value("ok", true), false) << *answer;
  EXPECT_EQ(refusal["error"]["code"], "CKR_OPERATION_NOT_ALLOWED") << *answer;
  EXPECT_TRUE(serve->Close(&error)) << error.message;
}

// `serve --no-fork` and a fixed-world serve do not list it, nor answer it.
TEST(Fork, OnlyAServeThatOffersItListsIt) {
  std::unique_ptr<Target> serve = StartServe(std::string(HSMB_TOOL_PATH) + " serve --no-fork");
  ASSERT_NE(serve, nullptr);
  TargetError error;
  std::optional<Hello> hello = serve->Handshake(&error);
  ASSERT_TRUE(hello) << error.message;
  EXPECT_FALSE(hello->Has(kForkCapability));
  std::optional<std::string> answer = serve->Raw("{\"id\":9,\"op\":\"fork\"}", &error);
  ASSERT_TRUE(answer) << error.message;
  const Json refusal = ParseJson(*answer);
  EXPECT_EQ(refusal.value("ok", true), false) << *answer;
  EXPECT_EQ(refusal["error"]["code"], "CKR_ARGUMENTS_BAD") << *answer;
  EXPECT_TRUE(serve->Close(&error)) << error.message;
}

// A copy killed in the middle of its check: the request it did not answer
// fails naming the signal, and the original is out of service (the runner
// then starts another for the next check).
TEST(Fork, ACopyThatDiesIsNamedAndTakesItsOriginalWithIt) {
  ScratchDir scratch("hsmb-fork");
  const std::string pid_file = scratch.path() + "/pid";
  std::unique_ptr<Target> forking =
      StartServe("echo $$ > " + pid_file + "; exec " + std::string(HSMB_TOOL_PATH) + " serve");
  ASSERT_NE(forking, nullptr);
  TargetError error;
  ASSERT_TRUE(forking->Handshake(&error)) << error.message;
  long next_id = forking->NextId();
  std::unique_ptr<Target> copy = MakeForkedTarget(forking.get(), &next_id, &error);
  ASSERT_NE(copy, nullptr) << error.message;
  ASSERT_TRUE(copy->Handshake(&error)) << error.message;
  long pid = 0;
  std::ifstream(pid_file) >> pid;
  ASSERT_GT(pid, 0);
  long copy_pid = 0;
  std::ifstream(("/proc/" + std::to_string(pid) + "/task/" + std::to_string(pid) + "/children")) >>
      copy_pid;
  ASSERT_GT(copy_pid, 0) << "the copy is the forking process's child";
  ASSERT_EQ(kill(static_cast<pid_t>(copy_pid), SIGKILL), 0);
  EXPECT_FALSE(copy->Observe(&error));
  EXPECT_NE(error.message.find("killed by signal 9 before answering request"), std::string::npos)
      << error.message;
  EXPECT_FALSE(copy->Alive());
  EXPECT_FALSE(forking->Alive()) << "what the copy left unread would be read next";
}

// ForkTargetCommand runs tests/fork_target.py (a Python adapter that forks)
// in `mode` before the reference.
std::string ForkTargetCommand(const std::string& mode) {
  return "python3 " +
         shell_testing::ShellQuote(std::string(HSMB_SOURCE_ROOT) +
                                   "/conformance/tests/fork_target.py") +
         " " + mode + " " + shell_testing::ShellQuote(HSMB_TOOL_PATH);
}

shell_testing::RunResult RunForkConformance(const std::string& args) {
  return shell_testing::RunMerged(std::string(HSMB_CONFORMANCE_PATH) + " " + args);
}

const char* const kForkTwoChecks =
    "--gtest_filter=Authentication.BackupNeedsTheCryptoOfficer:"
    "Authentication.PasswordAndPedNeverMix";

// An adapter in another language forks as serve does, and is judged the same.
TEST(Fork, APythonAdapterThatForksIsForkedAndConformant) {
  const shell_testing::RunResult ran =
      RunForkConformance(std::string(kForkTwoChecks) + " --target-cmd " +
                         shell_testing::ShellQuote(ForkTargetCommand("good")));
  EXPECT_EQ(ran.exit_code, kExitConformant) << ran.out;
  EXPECT_NE(ran.out.find("each a copy (fork) of one process started for the run"),
            std::string::npos)
      << ran.out;
}

// --check-protocol probes fork: a good adapter passes, and one whose copies
// share a device session is told that the copies are not fresh.
TEST(Fork, TheProtocolCheckTellsACopyThatIsNotFresh) {
  const shell_testing::RunResult good = RunForkConformance(
      "--check-protocol --target-cmd " + shell_testing::ShellQuote(ForkTargetCommand("good")));
  EXPECT_EQ(good.exit_code, kExitConformant) << good.out;
  EXPECT_NE(good.out.find("ok    fork: each copy starts fresh"), std::string::npos) << good.out;
  EXPECT_NE(good.out.find("ok    fork after a load is refused"), std::string::npos) << good.out;
  const shell_testing::RunResult leaky = RunForkConformance(
      "--check-protocol --target-cmd " + shell_testing::ShellQuote(ForkTargetCommand("leaky")));
  EXPECT_EQ(leaky.exit_code, kExitUnknown) << leaky.out;
  EXPECT_NE(leaky.out.find("FAIL  fork: each copy starts fresh: the second copy observed"),
            std::string::npos)
      << leaky.out;
  EXPECT_NE(leaky.out.find("1 rule(s) broken"), std::string::npos) << leaky.out;
  const shell_testing::RunResult keeps = RunForkConformance(
      "--check-protocol --target-cmd " + shell_testing::ShellQuote(ForkTargetCommand("keeps")));
  EXPECT_EQ(keeps.exit_code, kExitUnknown) << keeps.out;
  // At the first copy's end or the second's, as the read-ahead falls.
  EXPECT_NE(keeps.out.find("FAIL  fork: the copy's lines are left to the copy: "),
            std::string::npos)
      << keeps.out;
}

// A copy that exits in the middle of its check (after reading a load and the
// observe written with it) ends that check at once, naming the request.
TEST(Fork, ACopyThatExitsEarlyEndsItsCheckAtOnceNamingTheRequest) {
  const shell_testing::RunResult ran =
      RunForkConformance(std::string(kForkTwoChecks) + " --target-cmd " +
                         shell_testing::ShellQuote(ForkTargetCommand("early")));
  EXPECT_EQ(ran.exit_code, kExitUnknown) << ran.out;
  EXPECT_NE(ran.out.find("load: the check's process (a copy made by fork) exited with code 3 "
                         "before answering request "),
            std::string::npos)
      << ran.out;
  EXPECT_EQ(ran.out.find("did not answer within"), std::string::npos)
      << "the fork's answer says the copy is gone; no timeout is waited for\n"
      << ran.out;
}

// An adapter that keeps what it read past the fork line answers the copy's
// lines again; the next check's error says so.
TEST(Fork, AnOriginalThatAnswersTheCopysLinesIsToldToDropThem) {
  const shell_testing::RunResult ran =
      RunForkConformance(std::string(kForkTwoChecks) + " --target-cmd " +
                         shell_testing::ShellQuote(ForkTargetCommand("keeps")));
  EXPECT_EQ(ran.exit_code, kExitUnknown) << ran.out;
  EXPECT_NE(ran.out.find("the process that forked answered a line it had read past an earlier "
                         "fork line"),
            std::string::npos)
      << ran.out;
}

// A copy that lingers after bye costs its check the 5 s a process has to
// exit, and is stopped with its original.
TEST(Fork, ACopyThatDoesNotExitAfterByeIsKilledAndSaysSo) {
  const shell_testing::RunResult ran =
      RunForkConformance("--gtest_filter=Authentication.PasswordAndPedNeverMix --target-cmd " +
                         shell_testing::ShellQuote(ForkTargetCommand("linger")));
  EXPECT_EQ(ran.exit_code, kExitUnknown) << ran.out;
  EXPECT_NE(ran.out.find("did not exit within 5 s of 'bye' (the fork got no answer) and was "
                         "killed with the process that forked it"),
            std::string::npos)
      << ran.out;
}

}  // namespace
}  // namespace hsmbackup::conformance
