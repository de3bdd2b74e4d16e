// The mutants (conformance/mutants/) are really broken, and the suite
// catches each one by the clause it breaks.
//
// MutantsDivergence runs one scenario per mutant through the mutant (as a
// subprocess) and through the reference (in process) and asserts that they
// differ in the way the mutant's clause is about. MutantsKillRate runs the
// whole suite (HSMB_CONFORMANCE_PATH) against each mutant and requires the
// mutant's clause to fail; it passes only once the suite has a check that
// covers each clause.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cctype>
#include <cstdio>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include "conformance/target.h"

namespace hsmbackup::conformance {
namespace {

const std::string kRoot = HSMB_SOURCE_ROOT;
const std::string kMutant = HSMB_MUTANT_PATH;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

Json Fixture(const std::string& name) {
  return Json::parse(ReadFile(kRoot + "/fixtures/worlds/" + name));
}

// ShellQuote makes `s` one word for /bin/sh.
std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

struct RunResult {
  int exit_code = -1;
  std::string out;
};

// RunShell runs a shell command and returns its exit code and stdout.
RunResult RunShell(const std::string& command) {
  RunResult r;
  FILE* p = popen(command.c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  const int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

struct ListedMutant {
  std::string name;
  std::string clause;
};

std::vector<ListedMutant> ListMutants() {
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
  std::string line;
  std::vector<std::string> answers;
};

struct Seen {
  std::vector<Outcome> outcomes;
  std::vector<Json> states;  // observed after each step
  std::string implementation;
  const Outcome& last() const { return outcomes.back(); }
  const Json& state() const { return states.back(); }
};

Seen Drive(Target& target, const Json& world, const std::vector<Step>& steps) {
  Seen seen;
  TargetError error;
  std::optional<Hello> hello = target.Handshake(&error);
  EXPECT_TRUE(hello.has_value()) << error.message;
  if (!hello) return seen;
  seen.implementation = hello->implementation;
  EXPECT_TRUE(target.Load(world, &error)) << error.message;
  for (const Step& step : steps) {
    std::optional<Outcome> o = target.Execute(step.line, step.answers, &error);
    std::optional<Json> state = target.Observe(&error);
    EXPECT_TRUE(o.has_value() && state.has_value()) << step.line << ": " << error.message;
    if (!o || !state) return seen;
    seen.outcomes.push_back(*o);
    seen.states.push_back(*state);
  }
  target.Bye();
  return seen;
}

const Json* SlotById(const Json& state, int id) {
  for (const Json& s : state["slots"]) {
    if (s["id"] == id) return &s;
  }
  return nullptr;
}

const Json* Partition(const Json& state, int slot, const std::string& name) {
  const Json* s = SlotById(state, slot);
  if (s == nullptr || !s->contains("partitions")) return nullptr;
  for (const Json& p : (*s)["partitions"]) {
    if (p["name"] == name) return &p;
  }
  return nullptr;
}

std::set<std::string> Ouids(const Json& objects) {
  std::set<std::string> out;
  for (const Json& o : objects) out.insert(o["ouid"].get<std::string>());
  return out;
}

std::string Joined(const Outcome& o) {
  std::string text = o.message;
  for (const std::string& l : o.transcript) text += "\n" + l;
  return text;
}

const std::string kSeedLogin = "role login -name co -password userpin1234";
const std::string kSeedBackup =
    "partition archive backup -slot 2 -partition p1 -domain clientdomain "
    "-password newPa$$w0rd -sopassword backupSOpwd";

// WrongDomain gives a seed backup line a domain the source does not have.
std::string WrongDomain(const std::string& line) {
  const std::string from = "-domain clientdomain";
  std::string out = line;
  out.replace(out.find(from), from.size(), "-domain wrongdomain");
  return out;
}

// V1Seed is the seed example with a V1 source partition.
Json V1Seed() {
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
bool Has(const Outcome& o, const std::string& text) {
  return Joined(o).find(text) != std::string::npos;
}

const std::string kSeedList = "partition archive list -slot 2 -sopassword backupSOpwd";

// AddTextScenarios: the mutants that get one fact of a line wrong.
void AddTextScenarios(std::vector<Scenario>& all);

std::vector<Scenario> Scenarios() {
  std::vector<Scenario> all;
  all.push_back({"v0-continues-after-failure",
                 "seed V0, verify_fail on handle 53 (3rd): backup",
                 [] { return Fixture("faults/seed-verify-fail.json"); },
                 {{kSeedLogin, {}}, {kSeedBackup, {}}},
                 [](const Seen& ref, const Seen& mut) {
                   EXPECT_EQ(ref.last().result, "CKR_FAILED_TO_CLONE_AN_OBJECT");
                   EXPECT_EQ(mut.last().result, "CKR_FAILED_TO_CLONE_AN_OBJECT");
                   const Json* r = Partition(ref.state(), 2, "p1");
                   const Json* m = Partition(mut.state(), 2, "p1");
                   ASSERT_TRUE(r != nullptr && m != nullptr);
                   EXPECT_EQ((*r)["objects"].size(), 2u);  // stopped at handle 53
                   EXPECT_EQ((*m)["objects"].size(), 5u);  // went on past it
                   EXPECT_EQ(Ouids((*m)["objects"]).count("360000001d0000006c640400"), 1u);
                 }});
  all.push_back({"pre77-stops-at-failure",
                 "pre77-to-bh7 + verify_fail on handle 359 (2nd): backup to a new partition",
                 [] {
                   Json w = Fixture("pre77-to-bh7.json");
                   w["faults"] = Json::array({{{"type", "verify_fail"}, {"handle", 359}}});
                   return w;
                 },
                 {{"role login -name co -password fake-legacy-co-pin", {}},
                  {"partition archive backup -slot 1 -partition fresh -domain fake-legacy-domain "
                   "-password Backup-pw-1 -sopassword fake-bh7-so-pwd",
                   {}}},
                 [](const Seen& ref, const Seen& mut) {
                   EXPECT_EQ(ref.last().result, "CKR_FAILED_TO_CLONE_AN_OBJECT");
                   EXPECT_EQ(mut.last().result, "CKR_FAILED_TO_CLONE_AN_OBJECT");
                   const Json* r = Partition(ref.state(), 1, "fresh");
                   const Json* m = Partition(mut.state(), 1, "fresh");
                   ASSERT_TRUE(r != nullptr && m != nullptr);
                   EXPECT_EQ((*r)["objects"].size(), 3u);  // all but 359
                   EXPECT_EQ((*m)["objects"].size(), 1u);  // stopped at 359
                   EXPECT_EQ((*m)["origin"], "pre77");
                 }});
  all.push_back({"keeps-objects-after-fill",
                 "seed V0, partition_full at 4: backup",
                 [] { return Fixture("faults/seed-partition-full.json"); },
                 {{kSeedLogin, {}}, {kSeedBackup, {}}},
                 [](const Seen& ref, const Seen& mut) {
                   EXPECT_EQ(ref.last().result, "CKR_CONTAINER_OBJECT_STORAGE_FULL");
                   EXPECT_EQ(mut.last().result, "CKR_CONTAINER_OBJECT_STORAGE_FULL");
                   EXPECT_EQ(Partition(ref.state(), 2, "p1"), nullptr);  // reverted
                   const Json* m = Partition(mut.state(), 2, "p1");
                   ASSERT_NE(m, nullptr);
                   EXPECT_EQ((*m)["objects"].size(), 3u);
                 }});
  all.push_back(
      {"append-overwrites-same-ouid",
       "pre77-to-bh7: -append to legacy73_20190301, whose 0x660100.. differs from the source",
       [] { return Fixture("pre77-to-bh7.json"); },
       {{"role login -name co -password fake-legacy-co-pin", {}},
        {"partition archive backup -slot 1 -partition legacy73_20190301 "
         "-password fake-backup-po-pwd -sopassword fake-bh7-so-pwd -append",
         {}}},
       [](const Seen& ref, const Seen& mut) {
         EXPECT_EQ(ref.last().result, "CKR_OK");
         EXPECT_EQ(mut.last().result, "CKR_OK");
         auto fingerprint = [](const Json& objects) {
           for (const Json& o : objects) {
             if (o["ouid"] == "660100001a000000a2e30300") return o["fingerprint"];
           }
           return Json();
         };
         const Json* r = Partition(ref.state(), 1, "legacy73_20190301");
         const Json* m = Partition(mut.state(), 1, "legacy73_20190301");
         ASSERT_TRUE(r != nullptr && m != nullptr);
         const Json source_fp = fingerprint((*SlotById(ref.state(), 0))["objects"]);
         ASSERT_FALSE(source_fp.is_null());
         EXPECT_NE(fingerprint((*r)["objects"]), source_fp);  // kept as it was
         EXPECT_EQ(fingerprint((*m)["objects"]), source_fp);  // overwritten
       }});
  all.push_back({"skips-shrink",
                 "seed V0: backup",
                 [] { return Fixture("seed-example.json"); },
                 {{kSeedLogin, {}}, {kSeedBackup, {}}},
                 [](const Seen& ref, const Seen& mut) {
                   const Json* r = Partition(ref.state(), 2, "p1");
                   const Json* m = Partition(mut.state(), 2, "p1");
                   ASSERT_TRUE(r != nullptr && m != nullptr);
                   EXPECT_EQ((*r)["allocated"], (*r)["used"]);
                   EXPECT_GT((*m)["allocated"].get<uint64_t>(), (*m)["used"].get<uint64_t>());
                   EXPECT_EQ((*SlotById(mut.state(), 2))["free"], 0);
                 }});
  all.push_back({"accepts-long-name",
                 "seed V0: backup -partition <33 characters>",
                 [] { return Fixture("seed-example.json"); },
                 {{kSeedLogin, {}},
                  {"partition archive backup -slot 2 -partition " + std::string(33, 'n') +
                       " -domain clientdomain -password newPa$$w0rd -sopassword backupSOpwd",
                   {}}},
                 [](const Seen& ref, const Seen& mut) {
                   EXPECT_EQ(ref.last().result, "CKR_ARGUMENTS_BAD");
                   EXPECT_EQ(mut.last().result, "CKR_OK");
                   EXPECT_NE(Partition(mut.state(), 2, std::string(33, 'n')), nullptr);
                   EXPECT_EQ(Joined(mut.last()).find("stand-in"), std::string::npos);
                 }});
  all.push_back({"stores-v1-plaintext",
                 "seed made V1 (with an SMK): backup",
                 V1Seed,
                 {{kSeedLogin, {}}, {kSeedBackup, {}}},
                 [](const Seen& ref, const Seen& mut) {
                   const Json* r = Partition(ref.state(), 2, "p1");
                   const Json* m = Partition(mut.state(), 2, "p1");
                   ASSERT_TRUE(r != nullptr && m != nullptr);
                   ASSERT_EQ((*r)["objects"].size(), 6u);
                   ASSERT_EQ((*m)["objects"].size(), 6u);
                   for (const Json& o : (*r)["objects"]) EXPECT_EQ(o["opaque"], true);
                   for (const Json& o : (*m)["objects"]) {
                     EXPECT_EQ(o["opaque"], false);
                     EXPECT_TRUE(o.contains("class") && o.contains("fingerprint"));
                   }
                 }});
  all.push_back({"no-empty-partition-on-mismatch",
                 "seed V0: backup -domain wrongdomain",
                 [] { return Fixture("seed-example.json"); },
                 {{kSeedLogin, {}}, {WrongDomain(kSeedBackup), {}}},
                 [](const Seen& ref, const Seen& mut) {
                   EXPECT_EQ(ref.last().result, "CKR_CERTIFICATE_INVALID");
                   EXPECT_EQ(mut.last().result, "CKR_CERTIFICATE_INVALID");
                   const Json* r = Partition(ref.state(), 2, "p1");
                   ASSERT_NE(r, nullptr);
                   EXPECT_TRUE((*r)["objects"].empty());
                   EXPECT_EQ(Partition(mut.state(), 2, "p1"), nullptr);
                 }});
  all.push_back({"objects-on-old-client",
                 "seed V0 with client 10.2.0: backup -objects 70",
                 [] {
                   Json w = Fixture("seed-example.json");
                   w["client"]["version"] = "10.2.0";
                   return w;
                 },
                 {{kSeedLogin, {}}, {kSeedBackup + " -objects 70", {}}},
                 [](const Seen& ref, const Seen& mut) {
                   EXPECT_EQ(ref.last().result, "CKR_ARGUMENTS_BAD");
                   EXPECT_EQ(mut.last().result, "CKR_OK");
                   const Json* m = Partition(mut.state(), 2, "p1");
                   ASSERT_NE(m, nullptr);
                   EXPECT_EQ((*m)["objects"].size(), 1u);
                 }});
  all.push_back(
      {"restores-to-lower-security",
       "pre77-to-bh7, source emptied, its backup made V0-origin: restore it into the pre-7.7 slot",
       [] {
         Json w = Fixture("pre77-to-bh7.json");
         w["slots"][0]["user_partition"]["objects"] = Json::array();
         w["slots"][1]["backup_hsm"]["partitions"][0]["origin"] = "v0";
         return w;
       },
       {{"role login -name co -password fake-legacy-co-pin", {}},
        {"partition archive restore -slot 1 -partition legacy73_20190301 "
         "-password fake-backup-po-pwd",
         {}}},
       [](const Seen& ref, const Seen& mut) {
         EXPECT_EQ(ref.last().result, "CKR_OPERATION_NOT_ALLOWED");
         EXPECT_TRUE((*SlotById(ref.state(), 0))["objects"].empty());
         EXPECT_EQ(mut.last().result, "CKR_OK");
         EXPECT_EQ((*SlotById(mut.state(), 0))["objects"].size(), 2u);
         EXPECT_EQ((*Partition(mut.state(), 1, "legacy73_20190301"))["origin"], "v0");
       }});
  all.push_back({"wrong-domain-code",
                 "seed V0: backup -domain wrongdomain",
                 [] { return Fixture("seed-example.json"); },
                 {{kSeedLogin, {}}, {WrongDomain(kSeedBackup), {}}},
                 [](const Seen& ref, const Seen& mut) {
                   EXPECT_EQ(ref.last().result, "CKR_CERTIFICATE_INVALID");
                   EXPECT_NE(mut.last().result, "CKR_CERTIFICATE_INVALID");
                   EXPECT_EQ(Joined(mut.last()).find("CKR_CERTIFICATE_INVALID"), std::string::npos);
                   EXPECT_EQ(mut.last().transcript.back().find("0x8000F001"), std::string::npos);
                 }});
  all.push_back({"backup-without-co",
                 "seed V0, nobody logged in: backup",
                 [] { return Fixture("seed-example.json"); },
                 {{kSeedBackup, {}}},
                 [](const Seen& ref, const Seen& mut) {
                   EXPECT_EQ(ref.last().result, "CKR_USER_NOT_LOGGED_IN");
                   EXPECT_EQ(Partition(ref.state(), 2, "p1"), nullptr);
                   EXPECT_EQ(mut.last().result, "CKR_OK");
                   EXPECT_NE(Partition(mut.state(), 2, "p1"), nullptr);
                 }});
  all.push_back({"modifies-source",
                 "seed V0: backup, compare slot 0 before/after",
                 [] { return Fixture("seed-example.json"); },
                 {{kSeedLogin, {}}, {kSeedBackup, {}}},
                 [](const Seen& ref, const Seen& mut) {
                   EXPECT_EQ((*SlotById(ref.states[0], 0))["objects"],
                             (*SlotById(ref.states[1], 0))["objects"]);
                   EXPECT_EQ((*SlotById(ref.states[0], 0))["objects"],
                             (*SlotById(mut.states[0], 0))["objects"]);
                   EXPECT_NE((*SlotById(mut.states[0], 0))["objects"],
                             (*SlotById(mut.states[1], 0))["objects"]);
                 }});
  all.push_back(
      {"delete-leaks-space",
       "seed V0: backup, then archive delete -force",
       [] { return Fixture("seed-example.json"); },
       {{kSeedLogin, {}},
        {kSeedBackup, {}},
        {"partition archive delete -slot 2 -partition p1 -sopassword backupSOpwd -force", {}}},
       [](const Seen& ref, const Seen& mut) {
         EXPECT_EQ(ref.last().result, "CKR_OK");
         EXPECT_EQ(mut.last().result, "CKR_OK");
         EXPECT_EQ(Partition(mut.state(), 2, "p1"), nullptr);
         const Json& rs = *SlotById(ref.state(), 2);
         const Json& before = *SlotById(mut.states[1], 2);
         const Json& after = *SlotById(mut.state(), 2);
         EXPECT_EQ(rs["free"], rs["capacity"]);
         EXPECT_EQ(after["free"], before["free"]);  // nothing came back
       }});
  all.push_back(
      {"smkonly-no-confirm",
       "seed-smkonly: backup -smkonly, answer quit",
       [] { return Fixture("seed-smkonly.json"); },
       {{"role login -name co", {}}, {"partition archive backup -slot 5 -smkonly", {"quit"}}},
       [](const Seen& ref, const Seen& mut) {
         EXPECT_EQ(ref.last().result, "CKR_FUNCTION_CANCELED");
         EXPECT_EQ(ref.last().prompts, 1);
         EXPECT_TRUE((*SlotById(ref.state(), 5))["partitions"].empty());
         EXPECT_EQ(mut.last().result, "CKR_OK");
         EXPECT_EQ(mut.last().prompts, 0);
         EXPECT_EQ((*SlotById(mut.state(), 5))["partitions"].size(), 1u);
       }});
  all.push_back({"echoes-password",
                 "seed V0: backup with a wrong -sopassword",
                 [] { return Fixture("seed-example.json"); },
                 {{kSeedLogin, {}},
                  {"partition archive backup -slot 2 -partition p1 -domain clientdomain "
                   "-password newPa$$w0rd -sopassword Wrong-SO-secret",
                   {}}},
                 [](const Seen& ref, const Seen& mut) {
                   EXPECT_EQ(ref.last().result, "CKR_PIN_INCORRECT");
                   EXPECT_EQ(mut.last().result, "CKR_PIN_INCORRECT");
                   EXPECT_EQ(Joined(ref.last()).find("Wrong-SO-secret"), std::string::npos);
                   EXPECT_NE(Joined(mut.last()).find("Wrong-SO-secret"), std::string::npos);
                 }});
  {
    const std::string bad =
        "partition archive backup -slot 2 -partition p1 -domain clientdomain "
        "-password newPa$$w0rd -sopassword not-the-SO-pw";
    all.push_back({"no-so-lockout",
                   "seed V0: three backups with a wrong -sopassword",
                   [] { return Fixture("seed-example.json"); },
                   {{kSeedLogin, {}}, {bad, {}}, {bad, {}}, {bad, {}}},
                   [](const Seen& ref, const Seen& mut) {
                     EXPECT_EQ((*SlotById(ref.state(), 2))["zeroized"], true);
                     EXPECT_EQ((*SlotById(mut.state(), 2))["zeroized"], false);
                   }});
  }
  all.push_back({"existing-without-append",
                 "seed V0: backup p1, then backup p1 again (no -append)",
                 [] { return Fixture("seed-example.json"); },
                 {{kSeedLogin, {}}, {kSeedBackup + " -objects 70", {}}, {kSeedBackup, {}}},
                 [](const Seen& ref, const Seen& mut) {
                   EXPECT_EQ(ref.last().result, "CKR_OBJECT_ALREADY_EXISTS");
                   EXPECT_EQ((*Partition(ref.state(), 2, "p1"))["objects"].size(), 1u);
                   EXPECT_EQ(mut.last().result, "CKR_OK");
                   EXPECT_EQ((*Partition(mut.state(), 2, "p1"))["objects"].size(), 6u);
                 }});
  all.push_back(
      {"restore-smk-no-confirm",
       "seed-smkonly: backup -smkonly (proceed), then restore -smkonly, answer quit",
       [] { return Fixture("seed-smkonly.json"); },
       {{"role login -name co", {}},
        {"partition archive backup -slot 5 -smkonly", {"proceed"}},
        {"partition archive restore -slot 5 -partition 358628973182_2019:03:09-16:52:47 -smkonly",
         {"quit"}}},
       [](const Seen& ref, const Seen& mut) {
         EXPECT_EQ(ref.outcomes[1].result, "CKR_OK");
         EXPECT_EQ(ref.last().result, "CKR_FUNCTION_CANCELED");
         EXPECT_EQ(ref.last().prompts, 1);
         EXPECT_EQ(mut.last().result, "CKR_OK");
         EXPECT_EQ(mut.last().prompts, 0);
       }});
  all.push_back({"contents-shows-v1-class",
                 "seed made V1: backup, then archive contents",
                 V1Seed,
                 {{kSeedLogin, {}},
                  {kSeedBackup, {}},
                  {"partition archive contents -slot 2 -partition p1 -password newPa$$w0rd", {}}},
                 [](const Seen& ref, const Seen& mut) {
                   EXPECT_EQ(ref.last().result, "CKR_OK");
                   EXPECT_EQ(mut.last().result, "CKR_OK");
                   EXPECT_NE(Joined(ref.last()).find("SKS blob"), std::string::npos);
                   EXPECT_EQ(Joined(ref.last()).find("Private Key"), std::string::npos);
                   EXPECT_EQ(Joined(mut.last()).find("SKS blob"), std::string::npos);
                   EXPECT_NE(Joined(mut.last()).find("Private Key"), std::string::npos);
                 }});
  AddTextScenarios(all);
  return all;
}

void AddTextScenarios(std::vector<Scenario>& all) {
  all.push_back({"drops-failure-line", "seed V0, verify_fail on handle 53: backup",
                 [] { return Fixture("faults/seed-verify-fail.json"); },
                 {{kSeedLogin, {}}, {kSeedBackup, {}}},
                 [](const Seen& ref, const Seen& mut) {
                   EXPECT_TRUE(Has(ref.last(), "Failed to clone object 53"));
                   EXPECT_FALSE(Has(mut.last(), "Failed to clone object 53"));
                   EXPECT_EQ(mut.last().result, ref.last().result);
                 }});
  all.push_back({"drops-mismatch-advice", "seed V0: backup with a wrong domain",
                 [] { return Fixture("seed-example.json"); },
                 {{kSeedLogin, {}}, {WrongDomain(kSeedBackup), {}}},
                 [](const Seen& ref, const Seen& mut) {
                   EXPECT_TRUE(Has(ref.last(), "delete it with"));
                   EXPECT_FALSE(Has(mut.last(), "delete"));
                   EXPECT_EQ(mut.last().result, "CKR_CERTIFICATE_INVALID");
                   EXPECT_NE(Partition(mut.state(), 2, "p1"), nullptr);
                 }});
  all.push_back({"drops-resize-advice", "seed V0, shrink_fail: backup",
                 [] { return Fixture("faults/seed-shrink-fail.json"); },
                 {{kSeedLogin, {}}, {kSeedBackup, {}}},
                 [](const Seen& ref, const Seen& mut) {
                   EXPECT_EQ(mut.last().result, "CKR_DEVICE_ERROR");
                   EXPECT_TRUE(Has(ref.last(), "partition archive delete"));
                   EXPECT_FALSE(Has(mut.last(), "delete"));
                 }});
  all.push_back({"drops-revert-advice", "seed V0, partition_full at 4: backup",
                 [] { return Fixture("faults/seed-partition-full.json"); },
                 {{kSeedLogin, {}}, {kSeedBackup, {}}},
                 [](const Seen& ref, const Seen& mut) {
                   EXPECT_EQ(mut.last().result, "CKR_CONTAINER_OBJECT_STORAGE_FULL");
                   EXPECT_TRUE(Has(ref.last(), "Free some space"));
                   EXPECT_FALSE(Has(mut.last(), "free") || Has(mut.last(), "Free"));
                   EXPECT_EQ(Partition(mut.state(), 2, "p1"), nullptr);
                 }});
  all.push_back({"wrong-backed-up-count", "seed V0: backup",
                 [] { return Fixture("seed-example.json"); },
                 {{kSeedLogin, {}}, {kSeedBackup, {}}},
                 [](const Seen& ref, const Seen& mut) {
                   EXPECT_TRUE(Has(ref.last(), "6 objects have been backed up"));
                   EXPECT_TRUE(Has(mut.last(), "7 objects have been backed up"));
                 }});
  all.push_back({"list-wrong-count", "seed V0: backup, then archive list",
                 [] { return Fixture("seed-example.json"); },
                 {{kSeedLogin, {}}, {kSeedBackup, {}}, {kSeedList, {}}},
                 [](const Seen& ref, const Seen& mut) {
                   EXPECT_TRUE(Has(ref.last(), "Objects:         6"));
                   EXPECT_TRUE(Has(mut.last(), "Objects:         7"));
                 }});
  all.push_back({"list-wrong-used", "seed V0: backup, then archive list",
                 [] { return Fixture("seed-example.json"); },
                 {{kSeedLogin, {}}, {kSeedBackup, {}}, {kSeedList, {}}},
                 [](const Seen& ref, const Seen& mut) {
                   const uint64_t used = (*Partition(ref.state(), 2, "p1"))["used"];
                   EXPECT_TRUE(Has(ref.last(), std::to_string(used) + " / "));
                   EXPECT_TRUE(Has(mut.last(), std::to_string(used - 9648) + " / "));
                 }});
  all.push_back({"list-omits-origin", "seed V0: backup, then archive list",
                 [] { return Fixture("seed-example.json"); },
                 {{kSeedLogin, {}}, {kSeedBackup, {}}, {kSeedList, {}}},
                 [](const Seen& ref, const Seen& mut) {
                   EXPECT_TRUE(Has(ref.last(), "Origin:"));
                   EXPECT_FALSE(Has(mut.last(), "Origin:"));
                 }});
  all.push_back({"contents-wrong-handle", "seed V0: backup, then archive contents",
                 [] { return Fixture("seed-example.json"); },
                 {{kSeedLogin, {}},
                  {kSeedBackup, {}},
                  {"partition archive contents -slot 2 -partition p1 -password newPa$$w0rd", {}}},
                 [](const Seen& ref, const Seen& mut) {
                   EXPECT_TRUE(Has(ref.last(), "Handle:          14"));
                   EXPECT_FALSE(Has(mut.last(), "Handle:          14"));
                   EXPECT_TRUE(Has(mut.last(), "Handle:          1014"));
                 }});
  all.push_back({"co-failures-not-reset", "seed V0: a wrong CO PIN, then the right one",
                 [] { return Fixture("seed-example.json"); },
                 {{"role login -name co -password wrong-pin", {}}, {kSeedLogin, {}}},
                 [](const Seen& ref, const Seen& mut) {
                   EXPECT_EQ(mut.last().result, "CKR_OK");
                   EXPECT_EQ((*SlotById(ref.state(), 0))["co_failures"], 0);
                   EXPECT_EQ((*SlotById(mut.state(), 0))["co_failures"], 1);
                 }});
}

// PrintTo keeps gtest from dumping a Scenario's bytes in failure messages.
void PrintTo(const Scenario& s, std::ostream* os) { *os << s.mutant << ": " << s.what; }

class MutantsDivergence : public testing::TestWithParam<Scenario> {};

TEST_P(MutantsDivergence, DiffersFromTheReferenceWhereItsClauseSays) {
  const Scenario& s = GetParam();
  RecordProperty("scenario", s.what);
  TargetError error;
  std::unique_ptr<Target> mutant =
      MakeSubprocessTarget(ShellQuote(kMutant) + " " + ShellQuote(s.mutant), &error);
  ASSERT_NE(mutant, nullptr) << error.message;
  std::unique_ptr<Target> reference = MakeInProcessTarget();
  const Json world = s.world();
  Seen ref = Drive(*reference, world, s.steps);
  Seen mut = Drive(*mutant, world, s.steps);
  ASSERT_EQ(ref.outcomes.size(), s.steps.size());
  ASSERT_EQ(mut.outcomes.size(), s.steps.size());
  EXPECT_EQ(mut.implementation, "hsmbackup mutant " + s.mutant);
  // Whatever it gets wrong, a mutant still ends every transcript properly.
  for (const Outcome& o : mut.outcomes) {
    ASSERT_FALSE(o.transcript.empty());
    EXPECT_EQ(o.transcript.back().rfind("Command Result : ", 0), 0u) << o.transcript.back();
  }
  s.check(ref, mut);
}

INSTANTIATE_TEST_SUITE_P(Each, MutantsDivergence, testing::ValuesIn(Scenarios()),
                         [](const testing::TestParamInfo<Scenario>& param) {
                           std::string name;
                           for (char c : param.param.mutant) name += std::isalnum(c) ? c : '_';
                           return name;
                         });

// ---------------------------------------------------------------------------
// The list

std::set<std::string> CatalogueIds() {
  std::set<std::string> ids;
  Json catalogue = Json::parse(ReadFile(kRoot + "/conformance/clauses.json"));
  for (const Json& c : catalogue["clauses"]) ids.insert(c["id"].get<std::string>());
  return ids;
}

TEST(MutantsList, EveryMutantNamesACatalogueClauseAndHasAScenario) {
  const std::vector<ListedMutant> listed = ListMutants();
  EXPECT_GE(listed.size(), 12u);
  const std::set<std::string> ids = CatalogueIds();
  std::set<std::string> with_scenario;
  for (const Scenario& s : Scenarios()) with_scenario.insert(s.mutant);
  std::set<std::string> names;
  for (const ListedMutant& m : listed) {
    EXPECT_TRUE(names.insert(m.name).second) << "listed twice: " << m.name;
    EXPECT_EQ(ids.count(m.clause), 1u) << m.name << " names unknown clause " << m.clause;
    EXPECT_EQ(with_scenario.count(m.name), 1u) << m.name << " has no divergence scenario";
  }
  EXPECT_EQ(with_scenario.size(), names.size());
}

TEST(MutantsList, UnknownNameExitsTwo) {
  EXPECT_EQ(RunShell(ShellQuote(kMutant) + " no-such-mutant 2>/dev/null </dev/null").exit_code, 2);
  EXPECT_EQ(RunShell(ShellQuote(kMutant) + " 2>/dev/null </dev/null").exit_code, 2);
}

// ---------------------------------------------------------------------------
// The kill rate: needs the suite's checks. Until every clause below has a
// check that covers the scenario named in conformance/mutants/README.md,
// this test fails, listing the mutants that survive.

TEST(MutantsKillRate, EveryMutantIsKilledByItsClause) {
  const std::vector<ListedMutant> listed = ListMutants();
  ASSERT_FALSE(listed.empty());
  size_t killed = 0;
  std::ostringstream table;
  for (const ListedMutant& m : listed) {
    const std::string report = testing::TempDir() + "mutant-" + m.name + ".json";
    std::remove(report.c_str());
    const std::string target = ShellQuote(kMutant) + " " + ShellQuote(m.name);
    const RunResult run =
        RunShell(ShellQuote(HSMB_CONFORMANCE_PATH) + " --target-cmd " + ShellQuote(target) +
                 " --cases 20 --quiet --report " + ShellQuote(report) + " >/dev/null 2>&1");
    std::vector<std::string> failing;
    std::string own_verdict = "missing";
    Json parsed = Json::parse(ReadFile(report), nullptr, false);
    if (!parsed.is_discarded() && parsed.contains("clauses") && parsed["clauses"].is_array()) {
      for (const Json& c : parsed["clauses"]) {
        const std::string id = c.value("id", "");
        const std::string verdict = c.value("verdict", "");
        if (verdict == "fail") failing.push_back(id);
        if (id == m.clause) own_verdict = verdict;
      }
    }
    const bool is_killed = run.exit_code == 1 && own_verdict == "fail";
    killed += is_killed ? 1 : 0;
    std::string failing_text;
    for (const std::string& id : failing) failing_text += (failing_text.empty() ? "" : ",") + id;
    table << "  " << m.name << "  " << m.clause << "  " << (is_killed ? "killed" : "SURVIVED")
          << "  (exit " << run.exit_code << ", own clause " << own_verdict
          << ", failing: " << (failing_text.empty() ? "none" : failing_text) << ")\n";
    RecordProperty("mutant_" + m.name, failing_text.empty() ? "none" : failing_text);
    EXPECT_EQ(run.exit_code, 1) << m.name;
    EXPECT_EQ(own_verdict, "fail") << m.name << " is not killed by " << m.clause;
  }
  RecordProperty("kill_rate", std::to_string(killed) + "/" + std::to_string(listed.size()));
  std::cout << "mutants killed by the right clause: " << killed << "/" << listed.size() << "\n"
            << table.str();
}

// ---------------------------------------------------------------------------
// The readings: other readings of the seed's open choices. The suite must
// pass each, which shows it judges only what the seed fixes.

TEST(MutantsReadings, EveryReadingPasses) {
  std::istringstream lines(RunShell(ShellQuote(kMutant) + " --list-readings").out);
  std::vector<std::string> names;
  for (std::string line; std::getline(lines, line);) {
    names.push_back(line.substr(0, line.find(' ')));
  }
  ASSERT_GE(names.size(), 4u);
  for (const std::string& name : names) {
    const std::string report = testing::TempDir() + "reading-" + name + ".json";
    std::remove(report.c_str());
    const std::string target = ShellQuote(kMutant) + " " + ShellQuote(name);
    const RunResult run =
        RunShell(ShellQuote(HSMB_CONFORMANCE_PATH) + " --target-cmd " + ShellQuote(target) +
                 " --reuse-target --cases 10 --quiet --report " + ShellQuote(report) +
                 " >/dev/null 2>&1");
    std::string failing;
    Json parsed = Json::parse(ReadFile(report), nullptr, false);
    ASSERT_FALSE(parsed.is_discarded()) << name << ": no report";
    for (const Json& c : parsed["clauses"]) {
      if (c.value("verdict", "") != "pass" && c.value("verdict", "") != "n/a") {
        failing += " " + c.value("id", "") + " (" + c.value("reason", "").substr(0, 300) + ")";
      }
    }
    EXPECT_EQ(run.exit_code, 0) << name << " should pass; not passing:" << failing;
  }
}

}  // namespace
}  // namespace hsmbackup::conformance
