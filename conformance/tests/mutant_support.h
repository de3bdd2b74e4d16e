// What the mutant tests share: running shell commands and the mutant
// binary, driving a target through a scenario, reading observed states, and
// the scenarios' shape (mutants_test.cc, mutants_text_test.cc,
// mutants_killrate_test.cc).
#ifndef HSMBACKUP_CONFORMANCE_TESTS_MUTANT_SUPPORT_H_
#define HSMBACKUP_CONFORMANCE_TESTS_MUTANT_SUPPORT_H_

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cctype>
#include <cstdio>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include "conformance/target.h"
#include "shell_support.h"

namespace hsmbackup::conformance::mutant_testing {

inline const std::string kRoot = HSMB_SOURCE_ROOT;
inline const std::string kMutant = HSMB_MUTANT_PATH;

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline Json Fixture(const std::string& name) {
  return Json::parse(ReadFile(kRoot + "/fixtures/worlds/" + name));
}

using shell_testing::RunResult;
using shell_testing::RunShell;
using shell_testing::ShellQuote;

struct ListedMutant {
  std::string name;
  std::string clause;
};

inline std::vector<ListedMutant> ListMutants() {
  std::vector<ListedMutant> all;
  std::istringstream lines(RunShell(ShellQuote(kMutant) + " --list").out);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream words(line);
    ListedMutant m;
    words >> m.name >> m.clause;
    if (!m.name.empty()) all.push_back(m);
  }
  return all;
}

// ---------------------------------------------------------------------------
// Scenarios

struct Step {
  Step(std::string l, std::vector<std::string> a = {}) : line(std::move(l)), answers(std::move(a)) {}
  // LoadOf is a step that loads `world` instead of executing a line; its
  // outcome's result is CKR_OK or the refusal's code, and its state is null
  // when observe is refused after it.
  static Step LoadOf(Json world) {
    Step s("(load)");
    s.load = std::move(world);
    return s;
  }
  std::string line;
  std::vector<std::string> answers;
  std::optional<Json> load;
  Credentials credentials = {};  // answers to credential prompts (AUTH-PROMPT)
};

struct Seen {
  std::vector<Outcome> outcomes;
  std::vector<Json> states;  // observed after each step
  std::string implementation;
  const Outcome& last() const { return outcomes.back(); }
  const Json& state() const { return states.back(); }
};

inline Seen Drive(Target& target, const Json& world, const std::vector<Step>& steps) {
  Seen seen;
  TargetError error;
  std::optional<Hello> hello = target.Handshake(&error);
  EXPECT_TRUE(hello.has_value()) << error.message;
  if (!hello) return seen;
  seen.implementation = hello->implementation;
  EXPECT_TRUE(target.Load(world, &error)) << error.message;
  for (const Step& step : steps) {
    if (step.load) {
      const bool ok = target.Load(*step.load, &error);
      Outcome o;
      o.result = ok ? "CKR_OK" : error.refused_code;
      o.transcript = {"Command Result : " + o.result};
      seen.outcomes.push_back(o);
      seen.states.push_back(target.Observe(&error).value_or(Json()));
      continue;
    }
    std::optional<Outcome> o = target.Execute(step.line, step.answers, step.credentials, &error);
    std::optional<Json> state = target.Observe(&error);
    EXPECT_TRUE(o.has_value() && state.has_value()) << step.line << ": " << error.message;
    if (!o || !state) return seen;
    seen.outcomes.push_back(*o);
    seen.states.push_back(*state);
  }
  target.Bye();
  return seen;
}

inline const Json* SlotById(const Json& state, int id) {
  for (const Json& s : state["slots"]) {
    if (s["id"] == id) return &s;
  }
  return nullptr;
}

inline const Json* Partition(const Json& state, int slot, const std::string& name) {
  const Json* s = SlotById(state, slot);
  if (s == nullptr || !s->contains("partitions")) return nullptr;
  for (const Json& p : (*s)["partitions"]) {
    if (p["name"] == name) return &p;
  }
  return nullptr;
}

inline std::set<std::string> Ouids(const Json& objects) {
  std::set<std::string> out;
  for (const Json& o : objects) out.insert(o["ouid"].get<std::string>());
  return out;
}

inline std::string Joined(const Outcome& o) {
  std::string text = o.message;
  for (const std::string& l : o.transcript) text += "\n" + l;
  return text;
}

inline const std::string kSeedLogin = "role login -name co -password userpin1234";
inline const std::string kSeedBackup =
    "partition archive backup -slot 2 -partition p1 -domain clientdomain "
    "-password newPa$$w0rd -sopassword backupSOpwd";

// WrongDomain gives a seed backup line a domain the source does not have.
inline std::string WrongDomain(const std::string& line) {
  const std::string from = "-domain clientdomain";
  std::string out = line;
  out.replace(out.find(from), from.size(), "-domain wrongdomain");
  return out;
}

// Pre77WithV0 is pre77-to-bh7.json with an empty V0 partition (slot 2) in
// its domain, policy 42 "Allow CPv1" as given; with it on, the Backup HSM
// 7's policy 55 "Enable Restricted Restore" is on too.
inline Json Pre77WithV0(bool open) {
  Json w = Fixture("pre77-to-bh7.json");
  w["slots"].push_back({{"id", 2},
                        {"user_partition",
                         {{"label", "legacy-to-v0"},
                          {"serial", "1238696044382"},
                          {"firmware", "7.8.0"},
                          {"kind", "v0"},
                          {"domain", "fake-legacy-domain"},
                          {"policies", {{"allow_cpv1", open}}},
                          {"capacity", 1048576},
                          {"credentials", {{"co", "fake-v0-restore-co"}}}}}});
  if (open) w["slots"][1]["backup_hsm"]["policies"] = {{"enable_restricted_restore", true}};
  return w;
}

// V1Seed is the seed example with a V1 source partition.
inline Json V1Seed() {
  Json w = Fixture("seed-example.json");
  Json& p = w["slots"][0]["user_partition"];
  p["kind"] = "v1";
  p["smk"] = "00112233445566778899aabbccddeeff0123456789abcdeffedcba9876543210";
  return w;
}

using Check = std::function<void(const Seen& reference, const Seen& mutant)>;

struct Scenario {
  std::string mutant;
  std::string what;  // the scenario in one line, for the report
  std::function<Json()> world;
  std::vector<Step> steps;
  Check check;
};

// Has: some line of the outcome (message included) holds `text`.
inline bool Has(const Outcome& o, const std::string& text) {
  return Joined(o).find(text) != std::string::npos;
}

inline const std::string kSeedList = "partition archive list -slot 2 -sopassword backupSOpwd";

// The scenarios: those about state (mutants_test.cc) and those about the
// facts a line carries (mutants_text_test.cc).
std::vector<Scenario> StateScenarios();
void PrintTo(const Scenario& s, std::ostream* os);
std::vector<Scenario> TextScenarios();

}  // namespace hsmbackup::conformance::mutant_testing

#endif  // HSMBACKUP_CONFORMANCE_TESTS_MUTANT_SUPPORT_H_
