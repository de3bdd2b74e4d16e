// Helpers for the judge's tests: the fixture worlds, one line run on the
// in-process reference beside the model's prediction, and the clauses a
// verdict charges.
#ifndef HSMBACKUP_CONFORMANCE_TESTS_JUDGE_SUPPORT_H_
#define HSMBACKUP_CONFORMANCE_TESTS_JUDGE_SUPPORT_H_

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "conformance/model.h"
#include "conformance/target.h"

namespace hsmbackup::conformance::judge_testing {

inline Json WorldFile(const std::string& name) {
  std::ifstream in(std::string(HSMB_SOURCE_ROOT) + "/fixtures/worlds/" + name);
  std::stringstream s;
  s << in.rdbuf();
  return Json::parse(s.str());
}

inline Json SeedWorld() { return WorldFile("seed-example.json"); }

inline const std::string kLogin = "role login -name co -password userpin1234";
inline const std::string kBackup =
    "partition archive backup -slot 2 -partition p -domain clientdomain -password newPa$$w0rd "
    "-sopassword backupSOpwd";

// Step runs `line` on a fresh reference loaded with `world` after `before`
// lines (each judged), and returns the prediction, the outcome and the
// state; `answers` answer the line's prompts.
struct Step {
  model::Prediction p;
  Outcome outcome;
  Json state;
};

inline Step RunLine(const Json& world, const std::vector<std::string>& before,
                    const std::string& line, const std::vector<std::string>& answers = {}) {
  std::unique_ptr<Target> t = MakeInProcessTarget();
  TargetError e;
  EXPECT_TRUE(t->Handshake(&e).has_value());
  EXPECT_TRUE(t->Load(world, &e)) << e.message;
  std::string why;
  std::optional<model::World> w = model::FromWorld(world, &why);
  EXPECT_TRUE(w.has_value()) << why;
  model::Adopt(*w, *t->Observe(&e));
  for (const std::string& l : before) {
    model::Prediction p = model::Predict(*w, l, {});
    std::optional<Outcome> o = t->Execute(l, {}, &e);
    EXPECT_TRUE(model::Judge(p, *o, *t->Observe(&e), {}).empty()) << l;
    *w = p.after;
  }
  Step s{model::Predict(*w, line, answers), *t->Execute(line, answers, &e), *t->Observe(&e)};
  return s;
}

inline std::vector<std::string> PrimaryClauses(const std::vector<model::Mismatch>& ms) {
  std::vector<std::string> out;
  for (const model::Mismatch& m : ms) {
    if (m.primary()) out.insert(out.end(), m.clauses.begin(), m.clauses.end());
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

inline Json* PartitionIn(Json& state, int slot, const std::string& name) {
  for (Json& s : state["slots"]) {
    if (s["id"] != slot) continue;
    for (Json& p : s["partitions"]) {
      if (p["name"] == name) return &p;
    }
  }
  return nullptr;
}

}  // namespace hsmbackup::conformance::judge_testing

#endif  // HSMBACKUP_CONFORMANCE_TESTS_JUDGE_SUPPORT_H_
