// Pipelining (PROTOCOL.md, "Pipelining"): `observe` goes with `load` or
// `execute` only to a target that claims it, every answer is read, and the
// protocol check holds a target that claims it to it.
#include <gtest/gtest.h>

#include <sstream>

#include "conformance/runner.h"
#include "conformance/target.h"

namespace hsmbackup::conformance {
namespace {

// PipelineTarget is tests/pipeline_target.py in `mode`, listing `caps`.
std::string PipelineTarget(const std::string& mode, const std::string& caps = "") {
  return "python3 " + std::string(HSMB_SOURCE_ROOT) + "/conformance/tests/pipeline_target.py " +
         mode + (caps.empty() ? "" : " " + caps);
}

Json AnyWorld() { return Json{{"format", "hsmbackup-world/1"}}; }  // the fake takes any

TEST(Pipeline, ObserveGoesWithExecuteToATargetThatClaimsIt) {
  TargetError error;
  // `hold` answers an execute only once the observe after it has come.
  std::unique_ptr<Target> t = MakeSubprocessTarget(PipelineTarget("hold", kPipelineCapability),
                                                   &error, std::chrono::seconds(20));
  ASSERT_NE(t, nullptr) << error.message;
  ASSERT_TRUE(t->Handshake(&error).has_value()) << error.message;
  ASSERT_TRUE(t->LoadAndObserve(AnyWorld(), &error).has_value()) << error.message;
  bool predicted = false;
  std::optional<Target::Observed> o = t->ExecuteAndObserve(
      "slot list", {}, {}, [&] { predicted = true; }, &error);
  ASSERT_TRUE(o.has_value()) << error.message;
  EXPECT_TRUE(predicted) << "what the suite does meanwhile runs";
  EXPECT_EQ(o->outcome.result, "CKR_OK");
  EXPECT_EQ(o->state.value("line_seen", ""), "slot list");
  EXPECT_TRUE(t->Close(&error)) << error.message;
}

TEST(Pipeline, ATargetThatDoesNotClaimItGetsOneRequestAtATime) {
  TargetError error;
  // Were the observe sent with the execute, `hold` would answer both.
  std::unique_ptr<Target> t =
      MakeSubprocessTarget(PipelineTarget("hold"), &error, std::chrono::milliseconds(1500));
  ASSERT_NE(t, nullptr) << error.message;
  ASSERT_TRUE(t->Handshake(&error).has_value()) << error.message;
  bool predicted = false;
  EXPECT_FALSE(t->ExecuteAndObserve(
                    "slot list", {}, {}, [&] { predicted = true; }, &error)
                   .has_value());
  EXPECT_NE(error.message.find("did not answer"), std::string::npos) << error.message;
  EXPECT_TRUE(predicted) << "it runs first when nothing can overlap it";
}

TEST(Pipeline, ARefusedExecuteLeavesNoAnswerBehind) {
  TargetError error;
  std::unique_ptr<Target> shared =
      MakeSubprocessTarget(PipelineTarget("lines", kPipelineCapability), &error);
  ASSERT_NE(shared, nullptr) << error.message;
  // Borrowed, as with --reuse-target: the next check speaks to the same pipe.
  std::unique_ptr<Target> first = MakeBorrowedTarget(shared.get());
  ASSERT_TRUE(first->Handshake(&error).has_value()) << error.message;
  EXPECT_FALSE(first->ExecuteAndObserve("refuse", {}, {}, nullptr, &error).has_value());
  EXPECT_NE(error.message.find("refused on purpose"), std::string::npos) << error.message;
  std::unique_ptr<Target> next = MakeBorrowedTarget(shared.get());
  error = {};
  ASSERT_TRUE(next->Handshake(&error).has_value())
      << "the observe's answer was left: " << error.message;
  EXPECT_TRUE(next->Observe(&error).has_value()) << error.message;
  EXPECT_TRUE(shared->Close(&error)) << error.message;
}

TEST(Pipeline, TheProtocolCheckHoldsAClaimToIt) {
  // `chunk` takes each read() for one request: it answers one of two lines
  // sent together, and the check says so.
  std::ostringstream out, err;
  CheckProtocol(PipelineTarget("chunk", kPipelineCapability), std::chrono::seconds(3),
                RunnerIo{out, err});
  EXPECT_NE(out.str().find("FAIL  pipeline: execute and observe sent together: got 1 of 2 answers"),
            std::string::npos)
      << out.str();
  std::ostringstream out2, err2;
  CheckProtocol(PipelineTarget("lines", kPipelineCapability), std::chrono::seconds(10),
                RunnerIo{out2, err2});
  EXPECT_NE(out2.str().find("ok    pipeline: execute and observe sent together"), std::string::npos)
      << out2.str();
}

}  // namespace
}  // namespace hsmbackup::conformance
