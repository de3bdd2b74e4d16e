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
  // Were the observe sent with the execute, `hold` would answer both. The
  // timeout is also the handshake's: a python3 start on a loaded machine
  // has taken over 3 s.
  std::unique_ptr<Target> t =
      MakeSubprocessTarget(PipelineTarget("hold"), &error, std::chrono::seconds(10));
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

// ServedPipelineTarget is `hsmbackup serve` behind pipeline_target.py in
// `mode`: only the reading is broken, so every rule broken is the mode's.
std::string ServedPipelineTarget(const std::string& mode, const std::string& caps = "") {
  return PipelineTarget(mode, caps) + " --serve=" + HSMB_TOOL_PATH;
}

// ProbeOf is what --check-protocol says of `command`, and its exit code. The
// timeout only guards against a hang: each verdict below is reached without
// waiting for it (a timeout would stop the target and break more rules).
struct ProbeOutcome {
  int exit_code;
  std::string said;
};
ProbeOutcome ProbeOf(const std::string& command) {
  std::ostringstream out, err;
  const int code = CheckProtocol(command, std::chrono::seconds(60), RunnerIo{out, err});
  return {code, out.str() + err.str()};
}

constexpr char kExecutePair[] = "pipeline: execute and observe sent together";
constexpr char kLoadPair[] = "pipeline: load and observe sent together";
constexpr char kSplitLine[] = "a line written in two parts";

TEST(Pipeline, TheProtocolCheckPassesATargetThatReadsLines) {
  const ProbeOutcome p = ProbeOf(ServedPipelineTarget("lines", kPipelineCapability));
  EXPECT_EQ(p.exit_code, kExitConformant) << p.said;
  for (const char* rule : {kExecutePair, kLoadPair, kSplitLine}) {
    EXPECT_NE(p.said.find(std::string("ok    ") + rule), std::string::npos) << rule << p.said;
  }
}

TEST(Pipeline, TheProtocolCheckLooksForTheLoadedWorldInTheObserve) {
  // The fake answers both lines in order, but its observe shows no slot.
  const ProbeOutcome p = ProbeOf(PipelineTarget("lines", kPipelineCapability));
  EXPECT_EQ(p.exit_code, kExitUnknown) << p.said;
  EXPECT_NE(p.said.find(std::string("ok    ") + kExecutePair), std::string::npos) << p.said;
  EXPECT_NE(p.said.find(std::string("FAIL  ") + kLoadPair +
                        ": both answers, in order (ids 21, 22), the load ok and the observe "
                        "showing the world it loaded (slot 0 labelled \"probe-pipelined\")"),
            std::string::npos)
      << p.said;
}

TEST(Pipeline, TheProtocolCheckSaysAtOnceThatASecondLineWasDropped) {
  // `first` answers only the first line of each read(): the observe the
  // probe writes once the first answer has come is answered instead.
  const ProbeOutcome p = ProbeOf(ServedPipelineTarget("first", kPipelineCapability));
  EXPECT_EQ(p.exit_code, kExitUnknown) << p.said;
  for (const char* rule : {kExecutePair, kLoadPair}) {
    EXPECT_NE(p.said.find(std::string("FAIL  ") + rule + ": got 1 of 2 answers"), std::string::npos)
        << rule << p.said;
  }
  EXPECT_NE(p.said.find("so the second line was dropped. A target that lists \"pipeline\" must "
                        "split its stdin on newlines and answer every line, in order"),
            std::string::npos)
      << p.said;
  EXPECT_NE(p.said.find(std::string("ok    ") + kSplitLine), std::string::npos) << p.said;
  EXPECT_NE(p.said.find("2 rule(s) broken"), std::string::npos) << "only those two" << p.said;
  // Without the capability nothing goes together, and it speaks the protocol.
  const ProbeOutcome q = ProbeOf(ServedPipelineTarget("first"));
  EXPECT_EQ(q.exit_code, kExitConformant) << q.said;
  EXPECT_EQ(q.said.find("pipeline:"), std::string::npos) << q.said;
}

TEST(Pipeline, TheProtocolCheckSendsEveryTargetALineInTwoParts) {
  // `split` takes the first part for a whole line, with the capability or not.
  for (const std::string& caps : {std::string(kPipelineCapability), std::string()}) {
    const ProbeOutcome p = ProbeOf(ServedPipelineTarget("split", caps));
    EXPECT_EQ(p.exit_code, kExitUnknown) << p.said;
    EXPECT_NE(p.said.find(std::string("FAIL  ") + kSplitLine + ": got {"), std::string::npos)
        << p.said;
    EXPECT_NE(p.said.find("read up to the newline and answer the whole line"), std::string::npos)
        << p.said;
    EXPECT_NE(p.said.find("1 rule(s) broken"), std::string::npos) << p.said;
    EXPECT_EQ(p.said.find(std::string("ok    ") + kExecutePair) != std::string::npos, !caps.empty())
        << p.said;
  }
}

TEST(Pipeline, TheProtocolCheckHoldsAClaimToIt) {
  // `chunk` takes each read() for one request: it answers one of two lines
  // sent together, and a piece of a line as a line.
  const ProbeOutcome p = ProbeOf(ServedPipelineTarget("chunk", kPipelineCapability));
  EXPECT_EQ(p.exit_code, kExitUnknown) << p.said;
  for (const char* rule : {kExecutePair, kLoadPair, kSplitLine}) {
    EXPECT_NE(p.said.find(std::string("FAIL  ") + rule), std::string::npos) << rule << p.said;
  }
  EXPECT_NE(p.said.find("3 rule(s) broken"), std::string::npos) << p.said;
}

}  // namespace
}  // namespace hsmbackup::conformance
