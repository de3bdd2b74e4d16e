// The suite against the reference: every check passes in-process, and the
// check table itself is sound (unique ids, known clauses, every clause
// covered).
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include "conformance/check.h"

namespace hsmbackup::conformance {
namespace {

Json Catalogue() {
  std::ifstream in(std::string(HSMB_SOURCE_ROOT) + "/conformance/clauses.json");
  std::stringstream s;
  s << in.rdbuf();
  return Json::parse(s.str());
}

TEST(SuiteTable, IdsAreUniqueAndClausesKnown) {
  const Json catalogue = Catalogue();
  std::set<std::string> known;
  for (const Json& c : catalogue["clauses"]) known.insert(c["id"].get<std::string>());
  std::set<std::string> ids;
  for (const Check& c : AllChecks(HSMB_BUILD_DATA_DIR)) {
    EXPECT_TRUE(ids.insert(c.id()).second) << "duplicate check " << c.id();
    EXPECT_FALSE(c.clauses.empty()) << c.id() << " names no clause";
    for (const std::string& id : c.clauses) EXPECT_TRUE(known.count(id)) << c.id() << ": " << id;
  }
}

TEST(SuiteTable, EveryClauseHasACheck) {
  std::set<std::string> named;
  for (const Check& c : AllChecks(HSMB_BUILD_DATA_DIR)) {
    named.insert(c.clauses.begin(), c.clauses.end());
  }
  const Json catalogue = Catalogue();
  for (const Json& c : catalogue["clauses"]) {
    EXPECT_TRUE(named.count(c["id"].get<std::string>())) << "no check for " << c["id"];
  }
}

// Each check against the linked reference; a smaller case count keeps this
// a unit test (the runner's default run is the full one).
class ReferencePasses : public ::testing::TestWithParam<Check> {};

TEST_P(ReferencePasses, InProcess) {
  const Check& check = GetParam();
  std::unique_ptr<Target> target = MakeInProcessTarget();
  TargetError error;
  std::optional<Hello> hello = target->Handshake(&error);
  ASSERT_TRUE(hello) << error.message;
  // HSMB_SUITE_SEED / HSMB_SUITE_CASES widen the search when working on the model.
  const char* seed = std::getenv("HSMB_SUITE_SEED");
  const char* cases = std::getenv("HSMB_SUITE_CASES");
  CheckContext ctx{target.get(), *hello, seed ? std::stoull(seed) : 12345,
                   cases ? std::stoi(cases) : std::min(check.default_cases, 10)};
  CheckResult r = check.run(ctx);
  EXPECT_EQ(r.status, CheckStatus::kPass)
      << CheckStatusName(r.status) << ": " << r.message
      << (r.counterexample ? "\n" + Describe(*r.counterexample) : "");
}

// The same checks through `hsmbackup serve`, a subprocess speaking the
// protocol: what a vendor's adapter sees.
TEST_P(ReferencePasses, ThroughServe) {
  const Check& check = GetParam();
  TargetError error;
  std::unique_ptr<Target> target = MakeSubprocessTarget(std::string(HSMB_TOOL_PATH) + " serve", &error);
  ASSERT_TRUE(target) << error.message;
  std::optional<Hello> hello = target->Handshake(&error);
  ASSERT_TRUE(hello) << error.message;
  CheckContext ctx{target.get(), *hello, 54321, std::min(check.default_cases, 5)};
  CheckResult r = check.run(ctx);
  target->Bye();
  EXPECT_EQ(r.status, CheckStatus::kPass)
      << CheckStatusName(r.status) << ": " << r.message
      << (r.counterexample ? "\n" + Describe(*r.counterexample) : "");
}

std::string Name(const ::testing::TestParamInfo<Check>& info) {
  return info.param.family + "_" + info.param.name;
}

INSTANTIATE_TEST_SUITE_P(AllChecks, ReferencePasses,
                         ::testing::ValuesIn(AllChecks(HSMB_BUILD_DATA_DIR)), Name);

}  // namespace
}  // namespace hsmbackup::conformance
