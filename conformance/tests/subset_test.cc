// A product with part of the seed's devices (PROTOCOL.md `hello`: the kind.
// and model. capabilities): it is judged on what it has, and the clauses
// about what it lacks read n/a. A vendor's product without pre-7.7
// partitions or Backup HSM G5s once had 62 clauses in error, every world
// holding them refused at load.
#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "checks/harness.h"
#include "conformance/report.h"
#include "conformance/scenario.h"
#include "conformance/target.h"
#include "scratch_dir.h"
#include "shell_support.h"

namespace hsmbackup::conformance {
namespace {

TEST(Subset, AFamilyTheHelloDoesNotMentionIsWhole) {
  Hello all;
  all.capabilities = {"smkonly"};
  for (const char* c :
       {"kind.pre77", "kind.v0", "kind.v1", "model.backup_hsm_7", "model.backup_hsm_g5"}) {
    EXPECT_TRUE(all.Has(c)) << c;
  }
  EXPECT_FALSE(all.Has("ped"));

  Hello subset;
  subset.capabilities = {"kind.v0", "kind.v1", "model.backup_hsm_7"};
  EXPECT_TRUE(subset.Has("kind.v0"));
  EXPECT_TRUE(subset.Has("model.backup_hsm_7"));
  EXPECT_FALSE(subset.Has("kind.pre77"));
  EXPECT_FALSE(subset.Has("model.backup_hsm_g5"));

  Hello models_only;
  models_only.capabilities = {"model.backup_hsm_g5"};
  EXPECT_TRUE(models_only.Has("kind.pre77"));
  EXPECT_FALSE(models_only.Has("model.backup_hsm_7"));
}

TEST(Subset, AWorldNeedsItsKindsAndModels) {
  const Json world = {{"slots",
                       {{{"id", 0}, {"user_partition", {{"kind", "v0"}}}},
                        {{"id", 1},
                         {"backup_hsm",
                          {{"model", "backup_hsm_g5"},
                           {"partitions", {{{"name", "old"}, {"origin", "pre77"}}}}}}}}}};
  const std::set<std::string> needs = NeededCapabilities(world);
  for (const char* c : {"kind.v0", "kind.pre77", "model.backup_hsm_g5"}) {
    EXPECT_EQ(needs.count(c), 1u) << c;
  }
  EXPECT_EQ(needs.count("model.backup_hsm_7"), 0u);
  EXPECT_EQ(needs.count("kind.v1"), 0u);
}

TEST(Subset, AClauseAboutAKindTheTargetLacksIsNotApplicableUnlessItFailed) {
  std::vector<CatalogueClause> clauses = {{"PRE77", "F", "text", "seed"},
                                          {"BROKEN", "F", "text", "seed"},
                                          {"ANY", "F", "text", "seed"}};
  clauses[0].needs = {"kind.pre77"};
  clauses[1].needs = {"kind.pre77"};
  CheckOutcome passed;
  passed.family = "Fake";
  passed.name = "P";
  passed.clauses = {"PRE77", "ANY"};
  passed.status = CheckStatus::kPass;
  CheckOutcome failed = passed;
  failed.name = "F";
  failed.clauses = {"BROKEN"};
  failed.status = CheckStatus::kFail;
  failed.failed_clauses = {"BROKEN"};
  failed.message = "[BROKEN] differs";
  Hello subset;
  subset.capabilities = {"kind.v0"};

  const std::vector<ClauseVerdict> v = ComputeVerdicts(clauses, {passed, failed}, {}, {}, &subset);
  EXPECT_EQ(v[0].verdict, Verdict::kNotApplicable);
  EXPECT_NE(v[0].reason.find("kind.pre77"), std::string::npos) << v[0].reason;
  EXPECT_EQ(v[1].verdict, Verdict::kFail) << "a failure seen is reported whatever it concerns";
  EXPECT_EQ(v[2].verdict, Verdict::kPass);
  // Without the hello (a unit's own use) and with a whole product: judged.
  EXPECT_EQ(ComputeVerdicts(clauses, {passed, failed}, {})[0].verdict, Verdict::kPass);
  Hello whole;
  EXPECT_EQ(ComputeVerdicts(clauses, {passed, failed}, {}, {}, &whole)[0].verdict, Verdict::kPass);
}

// A vector check whose vectors naming a clause were all skipped (they hold
// a kind the target lacks) passes on the rest but says nothing of that
// clause: it reads n/a from it, and pass only from a check that judged it.
TEST(Subset, AClauseOnlySkippedVectorsNameIsNotPassedByTheirCheck) {
  const std::vector<CatalogueClause> clauses = {{"SKIPPED", "F", "text", "seed"},
                                                {"RUN", "F", "text", "seed"}};
  CheckOutcome vectors;
  vectors.family = "Vectors";
  vectors.name = "File";
  vectors.clauses = {"SKIPPED", "RUN"};
  vectors.status = CheckStatus::kPass;
  vectors.unjudged = {
      {"SKIPPED", "every vector naming it needs kind.pre77, which the target lacks"}};
  std::vector<ClauseVerdict> v = ComputeVerdicts(clauses, {vectors}, {});
  EXPECT_EQ(v[0].verdict, Verdict::kNotApplicable);
  EXPECT_NE(v[0].reason.find("kind.pre77"), std::string::npos) << v[0].reason;
  EXPECT_EQ(v[1].verdict, Verdict::kPass);
  CheckOutcome other = vectors;
  other.family = "Cloning";
  other.unjudged.clear();
  v = ComputeVerdicts(clauses, {vectors, other}, {});
  EXPECT_EQ(v[0].verdict, Verdict::kPass);
}

// RefusesPre77 is the reference, but it refuses to load a world with a
// pre-7.7 partition, as a product without them would, and does not say so.
class RefusesPre77 final : public Target {
 public:
  RefusesPre77() : inner_(MakeInProcessTarget()) {}

 protected:
  std::optional<std::string> Exchange(const std::string& request, TargetError* error) override {
    const Json r = ParseJson(request);
    if (r.value("op", "") == "load" && NeededCapabilities(r["world"]).count("kind.pre77")) {
      return Json{{"id", r["id"]},
                  {"ok", false},
                  {"error", {{"code", "CKR_DATA_INVALID"}, {"message", "no pre-7.7 here"}}}}
          .dump();
    }
    return inner_->Raw(request, error);
  }

 private:
  std::unique_ptr<Target> inner_;
};

TEST(Subset, ARefusedValidWorldSaysWhatItNeedsAndHowToLeaveItOut) {
  RefusesPre77 target;
  TargetError error;
  ASSERT_TRUE(target.Handshake(&error)) << error.message;
  Scenario s;
  std::ifstream in(std::string(HSMB_SOURCE_ROOT) + "/fixtures/worlds/pre77-to-bh7.json");
  std::stringstream text;
  text << in.rdbuf();
  s.world = ParseJson(text.str());
  ASSERT_TRUE(s.world.is_object());
  const ScenarioVerdict v = RunScenario(target, s);
  ASSERT_TRUE(v.harness_error);
  EXPECT_NE(v.message.find("refused a valid world"), std::string::npos) << v.message;
  EXPECT_NE(v.message.find("no pre-7.7 here"), std::string::npos) << v.message;
  EXPECT_NE(v.message.find("kind.pre77"), std::string::npos) << v.message;
  EXPECT_NE(v.message.find("PROTOCOL.md, hello"), std::string::npos) << v.message;
  EXPECT_EQ(v.counterexample.expected, "the world loaded (PROTOCOL.md, load)");
}

// The whole suite against the reference behind tests/relay_target.py's
// "subset" mode: a product that claims V0, V1 and the Backup HSM 7, and
// refuses any other world at load as the product would.
TEST(Subset, AProductWithoutPre77AndG5IsConformantOnWhatItHas) {
  ScratchDir scratch("hsmb-subset");
  const std::string report = scratch.path() + "/r.json";
  const shell_testing::RunResult ran = shell_testing::RunMerged(
      shell_testing::ShellQuote(HSMB_CONFORMANCE_PATH) + " --quiet --reuse-target --report " +
      report + " --target-cmd " + shell_testing::ShellQuote(shell_testing::RelayCommand("subset")));
  ASSERT_EQ(ran.exit_code, kExitConformant) << ran.out;
  std::ifstream in(report);
  std::stringstream text;
  text << in.rdbuf();
  const Json r = Json::parse(text.str(), nullptr, false);
  ASSERT_TRUE(r.is_object());
  EXPECT_NE(std::find(r["capabilities"].begin(), r["capabilities"].end(), "kind.v0"),
            r["capabilities"].end());
  for (const Json& c : r["clauses"]) {
    const std::string id = c["id"];
    const std::string verdict = c["verdict"];
    EXPECT_NE(verdict, "error") << id << ": " << c.dump();
    if (id == "CLONE-CONTINUE-PRE77" || id == "RESTORE-PRE77-TO-V0") {
      EXPECT_EQ(verdict, "n/a") << id;
      EXPECT_NE(c["reason"].get<std::string>().find("kind.pre77"), std::string::npos) << id;
    }
    if (id == "OPT-PARTITION-REQUIRED") {
      EXPECT_EQ(verdict, "n/a");
      EXPECT_NE(c["reason"].get<std::string>().find("model.backup_hsm_g5"), std::string::npos);
    }
    // Judged on V0 and V1 sources and Backup HSM 7s alone.
    if (id == "CLONE-STOP-V0V1" || id == "AUTH-CO" || id == "RESIZE-GRAB-ALL") {
      EXPECT_EQ(verdict, "pass") << id;
    }
  }
  for (const Json& c : r["checks"]) {
    if (c["id"] == "Vectors.CloningFailures") {  // every vector of it is pre-7.7
      EXPECT_EQ(c["status"], "n/a");
      EXPECT_NE(c["message"].get<std::string>().find("kind.pre77"), std::string::npos);
    }
    if (c["id"] == "Vectors.BackupOptions") {  // its G5 vectors skipped, the rest run
      EXPECT_EQ(c["status"], "pass");
      ASSERT_TRUE(c.contains("unjudged")) << c.dump();
      EXPECT_NE(c["unjudged"].value("OPT-PARTITION-REQUIRED", "").find("model.backup_hsm_g5"),
                std::string::npos)
          << c.dump();
    }
    if (c["id"] == "Cloning.Pre77ContinuesToTheEnd") {
      EXPECT_EQ(c["status"], "n/a");
      EXPECT_NE(c["message"].get<std::string>().find("kind.pre77"), std::string::npos);
    }
  }
}

// A failing check's message names the line that failed (REPORTS.md: a
// reader of `checks[].message` alone need not open the script), with any
// credential typed on it redacted.
TEST(Subset, AFailureNamesItsFailingLineWithoutTypedSecrets) {
  ScenarioVerdict v;
  v.mismatches.push_back(model::Mismatch({"OPT-SLOT"}, "answered X, expected Y"));
  v.counterexample.scenario.lines = {"role login -name co -password sekrit-co-1",
                                     "partition archive backup -slot abc -password sekrit-pw-2"};
  v.counterexample.failing_step = 1;
  const CheckResult r = FailedResult(v, 1, 1);
  EXPECT_NE(r.message.find("(failing line 2: partition archive backup -slot abc -password "),
            std::string::npos)
      << r.message;
  EXPECT_EQ(r.message.find("sekrit"), std::string::npos) << r.message;
}

}  // namespace
}  // namespace hsmbackup::conformance
