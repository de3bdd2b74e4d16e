// 'quit' at the proceed/quit question: the seed shows the question, not the
// result, so CKR_OK with nothing changed passes as the reading "quit-ok"
// beside the project's CKR_FUNCTION_CANCELED; going ahead still fails.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "judge_support.h"

namespace hsmbackup::conformance {
namespace {

using judge_testing::PrimaryClauses;
using judge_testing::RunLine;
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

}  // namespace
}  // namespace hsmbackup::conformance
