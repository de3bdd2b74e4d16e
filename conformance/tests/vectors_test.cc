// The scenario vectors in fixtures/vectors/: their format, checked here
// independently of the check that runs them, and that the reference passes
// every one of them.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "checks/families.h"
#include "conformance/check.h"
#include "conformance/scenario.h"
#include "conformance/target.h"

namespace hsmbackup::conformance {
namespace {

const std::string kRoot = HSMB_SOURCE_ROOT;

Json ReadJson(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return Json::parse(s.str(), nullptr, false);
}

std::vector<std::string> VectorFiles() {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(kRoot + "/fixtures/vectors")) {
    const std::string name = e.path().filename().string();
    if (name.size() > 10 && name.ends_with("_test.json")) out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string Sha256Prefix(const std::string& text) {
  unsigned char d[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(text.data(), text.size(), d, &n, EVP_sha256(), nullptr);
  char hex[17];
  for (int i = 0; i < 8; ++i) snprintf(hex + 2 * i, 3, "%02x", d[i]);
  return std::string(hex, 16);
}

std::set<std::string> KnownClauses() {
  std::set<std::string> ids;
  const Json catalogue = ReadJson(kRoot + "/conformance/clauses.json");
  for (const Json& c : catalogue["clauses"]) {
    ids.insert(c["id"].get<std::string>());
  }
  return ids;
}

TEST(Vectors, ThereAreEnoughFilesAndVectors) {
  const std::vector<std::string> files = VectorFiles();
  ASSERT_GE(files.size(), 7u);
  size_t total = 0;
  for (const std::string& f : files) total += ReadJson(f).value("numberOfTests", size_t{0});
  EXPECT_GE(total, 60u);
}

TEST(Vectors, EveryFileFollowsTheFormat) {
  const std::set<std::string> clauses = KnownClauses();
  ASSERT_FALSE(clauses.empty());
  std::set<std::string> all_ids;
  for (const std::string& path : VectorFiles()) {
    SCOPED_TRACE(path);
    const Json doc = ReadJson(path);
    ASSERT_FALSE(doc.is_discarded()) << "not JSON";
    EXPECT_EQ(doc.value("format", ""), "hsmbackup-vectors/1");
    const std::string stem = std::filesystem::path(path).filename().string();
    EXPECT_EQ(doc.value("topic", "") + "_test.json", stem);
    ASSERT_TRUE(doc["notes"].is_object());
    std::set<std::string> used_flags;
    int tc = 0;
    for (const Json& group : doc["testGroups"]) {
      ASSERT_NE(group.contains("world"), group.contains("worldFile"));
      const Json world = group.contains("world")
                             ? group["world"]
                             : ReadJson(kRoot + "/" + group["worldFile"].get<std::string>());
      ASSERT_TRUE(world.is_object());
      EXPECT_EQ(world.value("format", ""), "hsmbackup-world/1");
      for (const Json& t : group["tests"]) {
        ++tc;
        SCOPED_TRACE("tcId " + std::to_string(tc));
        EXPECT_EQ(t["tcId"].get<int>(), tc);
        const Json content = {{"world", world}, {"lines", t["lines"]}, {"answers", t["answers"]}};
        const std::string id = Sha256Prefix(content.dump());
        EXPECT_EQ(t["id"].get<std::string>(), id) << "the id is not the content's hash";
        EXPECT_TRUE(all_ids.insert(id).second) << "id " << id << " appears twice";
        EXPECT_FALSE(t["comment"].get<std::string>().empty());
        EXPECT_FALSE(t["lines"].empty());
        EXPECT_FALSE(t["clauses"].empty());
        for (const Json& c : t["clauses"]) {
          EXPECT_TRUE(clauses.count(c.get<std::string>())) << "unknown clause " << c;
        }
        for (const Json& f : t["flags"]) {
          used_flags.insert(f.get<std::string>());
          EXPECT_TRUE(doc["notes"].contains(f.get<std::string>())) << "unexplained flag " << f;
        }
        const std::string result = t["result"].get<std::string>();
        const auto codes = t["expect"]["codes"].get<std::vector<std::string>>();
        ASSERT_FALSE(codes.empty());
        const bool accepts_ok = std::count(codes.begin(), codes.end(), "CKR_OK") != 0;
        if (result == "valid") {
          EXPECT_EQ(codes, std::vector<std::string>{"CKR_OK"});
        } else if (result == "invalid") {
          EXPECT_FALSE(accepts_ok);
        } else {
          EXPECT_EQ(result, "acceptable");
          EXPECT_GE(codes.size(), 2u) << "acceptable with one code is just valid or invalid";
        }
        if (t["expect"].contains("stepCodes")) {
          EXPECT_EQ(t["expect"]["stepCodes"].size(), t["lines"].size());
          EXPECT_EQ(t["expect"]["stepCodes"].back(), t["expect"]["codes"]);
        }
      }
    }
    EXPECT_EQ(doc["numberOfTests"].get<int>(), tc);
    for (const auto& [flag, text] : doc["notes"].items()) {
      EXPECT_TRUE(used_flags.count(flag)) << "note for unused flag " << flag;
      EXPECT_FALSE(text.get<std::string>().empty()) << flag;
    }
  }
}

TEST(Vectors, GeneratorReproducesTheFiles) {
  if (std::system("command -v python3 >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "python3 is not installed (scripts/deps.sh installs it)";
  }
  const std::string cmd = "python3 '" + kRoot + "/fixtures/vectors/generate.py' --check";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << "fixtures/vectors/*.json differ from generate.py";
}

TEST(Vectors, ChecksPerFileAndCapabilitiesCoverEveryVectorAndClause) {
  const std::vector<Check> checks = VectorChecks(HSMB_BUILD_DATA_DIR);
  for (const std::string& file : VectorFiles()) {
    const Json doc = ReadJson(file);
    std::set<std::string> clauses;
    for (const Json& g : doc["testGroups"]) {
      for (const Json& t : g["tests"]) {
        for (const Json& c : t["clauses"]) clauses.insert(c.get<std::string>());
      }
    }
    // The topic's checks: one per set of capabilities its vectors need.
    std::string topic;
    bool up = true;
    for (char c : doc["topic"].get<std::string>()) {
      if (c == '_') {
        up = true;
        continue;
      }
      topic += up ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
      up = false;
    }
    std::set<std::string> covered;
    int cases = 0;
    std::set<std::set<std::string>> needs;
    for (const Check& c : checks) {
      if (c.name.rfind(topic, 0) != 0) continue;
      EXPECT_EQ(c.family, "Vectors");
      covered.insert(c.clauses.begin(), c.clauses.end());
      cases += c.default_cases;
      EXPECT_TRUE(needs.insert({c.capabilities.begin(), c.capabilities.end()}).second) << c.id();
    }
    EXPECT_EQ(covered, clauses) << topic;
    EXPECT_EQ(cases, doc["numberOfTests"].get<int>()) << topic;
  }
}

CheckResult RunCheck(const Check& check, Target& target) {
  TargetError error;
  std::optional<Hello> hello = target.Handshake(&error);
  if (!hello) return CheckResult::Error(error.message);
  CheckContext ctx{&target, *hello, 1, check.default_cases};
  return check.run(ctx);
}

TEST(Vectors, AllVectorsPassAgainstTheReference) {
  for (const Check& check : VectorChecks(HSMB_BUILD_DATA_DIR)) {
    std::unique_ptr<Target> target = MakeInProcessTarget();
    const CheckResult r = RunCheck(check, *target);
    EXPECT_EQ(r.status, CheckStatus::kPass)
        << check.id() << ": " << CheckStatusName(r.status) << ": " << r.message << "\n"
        << (r.counterexample ? Describe(*r.counterexample) : "");
    if (r.status == CheckStatus::kPass) {
      EXPECT_EQ(r.cases_run, check.default_cases) << check.id();
    }
  }
}

// DomainsPolicyOn runs the Vectors.DomainsPolicy check against `command`
// (`hsmbackup serve` behind a sed that changes one thing).
std::optional<CheckResult> DomainsPolicyOn(const std::string& command) {
  for (const Check& check : VectorChecks(HSMB_BUILD_DATA_DIR)) {
    if (check.name != "DomainsPolicy") continue;
    TargetError error;
    std::unique_ptr<Target> target = MakeSubprocessTarget(command, &error);
    if (target == nullptr) {
      ADD_FAILURE() << error.message;
      return std::nullopt;
    }
    CheckResult r = RunCheck(check, *target);
    target->Bye();
    return r;
  }
  ADD_FAILURE() << "no Vectors.DomainsPolicy check";
  return std::nullopt;
}

// A target that reports a domain mismatch as success must fail the domain
// vectors, with a counterexample and a message free of secrets.
TEST(Vectors, AWrongTargetFailsWithACounterexample) {
  const std::optional<CheckResult> r = DomainsPolicyOn(
      std::string(HSMB_TOOL_PATH) +
      " serve | sed -u -e 's/\"result\":\"CKR_CERTIFICATE_INVALID\"/\"result\":\"CKR_OK\"/'");
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(r->status, CheckStatus::kFail) << r->message;
  EXPECT_NE(r->message.find("tcId "), std::string::npos) << r->message;
  EXPECT_FALSE(r->failed_clauses.empty());
  ASSERT_TRUE(r->counterexample.has_value());
  EXPECT_LT(r->counterexample->failing_step, r->counterexample->scenario.lines.size());
  EXPECT_FALSE(r->counterexample->target_transcript.empty());
  for (const char* secret : {"clientdomain", "otherdomain", "userpin1234", "backupSOpwd"}) {
    EXPECT_EQ(r->message.find(secret), std::string::npos) << secret;
  }
}

// Each vector of a file is judged on its own: the vectors after the first
// failing one still run, and each failure is listed (a vendor's run once
// judged one DomainsPolicy vector of eleven).
TEST(Vectors, EveryVectorOfAFileIsJudgedPastAFailure) {
  const std::optional<CheckResult> r = DomainsPolicyOn(
      std::string(HSMB_TOOL_PATH) +
      " serve | sed -u -e 's/\"result\":\"CKR_CERTIFICATE_INVALID\"/\"result\":\"CKR_OK\"/'");
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(r->status, CheckStatus::kFail) << r->message;
  int vectors = 0;
  for (const Check& check : VectorChecks(HSMB_BUILD_DATA_DIR)) {
    if (check.name == "DomainsPolicy") vectors = check.default_cases;
  }
  EXPECT_EQ(r->cases_run, vectors);
  size_t listed = 0;
  for (size_t at = r->message.find("tcId "); at != std::string::npos;
       at = r->message.find("tcId ", at + 1)) {
    ++listed;
  }
  EXPECT_GE(listed, 2u) << r->message;
}

// A missing seed line a vector lists (transcriptContains) is wording, so it
// is charged to OUT-TRANSCRIPT alone, not to every clause the vector names.
TEST(Vectors, AMissingSeedLineIsChargedToOutTranscriptAlone) {
  const std::optional<CheckResult> r =
      DomainsPolicyOn(std::string(HSMB_TOOL_PATH) +
                      " serve | sed -u -e 's/\"Backup Complete\\.\"/\"Backup completed.\"/'");
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(r->status, CheckStatus::kFail) << r->message;
  EXPECT_NE(r->message.find("lacks the line 'Backup Complete.'"), std::string::npos) << r->message;
  EXPECT_EQ(r->failed_clauses, std::vector<std::string>{"OUT-TRANSCRIPT"}) << r->message;
}

// Runs VectorChecksIn() over a scratch directory holding `files`.
std::vector<Check> ChecksFor(const std::map<std::string, std::string>& files) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("hsmb-vectors-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  for (const auto& [name, text] : files) std::ofstream(dir / name) << text;
  std::vector<Check> checks = VectorChecksIn(dir, HSMB_BUILD_DATA_DIR);
  std::filesystem::remove_all(dir);
  return checks;
}

TEST(Vectors, ABrokenFileIsAnErrorNamingFileAndProblem) {
  Json good = ReadJson(VectorFiles().front());
  ASSERT_FALSE(good.is_discarded());
  Json wrong_id = good;
  wrong_id["testGroups"][0]["tests"][0]["id"] = "0000000000000000";
  Json wrong_count = good;
  wrong_count["numberOfTests"] = good["numberOfTests"].get<int>() + 1;
  Json bad_flag = good;
  bad_flag["testGroups"][0]["tests"][0]["flags"].push_back("NoSuchFlag");
  const std::vector<Check> checks = ChecksFor({{"a_test.json", "{not json"},
                                               {"b_test.json", wrong_id.dump()},
                                               {"c_test.json", wrong_count.dump()},
                                               {"d_test.json", bad_flag.dump()},
                                               {"e_test.json", good.dump()}});
  ASSERT_GE(checks.size(), 5u);  // the good file: one check per set of capabilities
  const char* problems[] = {"not a JSON object", "hash", "numberOfTests", "NoSuchFlag"};
  std::unique_ptr<Target> target = MakeInProcessTarget();
  for (size_t i = 0; i < 4; ++i) {
    const CheckResult r = RunCheck(checks[i], *target);
    EXPECT_EQ(r.status, CheckStatus::kError) << checks[i].id();
    EXPECT_NE(r.message.find(std::string(1, static_cast<char>('a' + i)) + "_test.json"),
              std::string::npos)
        << r.message;
    EXPECT_NE(r.message.find(problems[i]), std::string::npos) << r.message;
  }
  for (size_t i = 4; i < checks.size(); ++i) {
    EXPECT_EQ(RunCheck(checks[i], *target).status, CheckStatus::kPass) << checks[i].id();
  }
}

TEST(Vectors, VectorsNeedingACapabilityHaveChecksOfTheirOwn) {
  // The SKS file mixes PED vectors with password ones: a target without
  // "ped" and "smkonly" runs the password ones, and the clauses only the
  // others reach read n/a (their check lacks the capability), never pass.
  std::set<std::set<std::string>> needs;
  for (const Check& check : VectorChecks(HSMB_BUILD_DATA_DIR)) {
    if (check.name.rfind("Smkonly", 0) != 0) continue;
    needs.insert({check.capabilities.begin(), check.capabilities.end()});
    if (!check.capabilities.empty()) continue;
    std::unique_ptr<Target> target = MakeInProcessTarget();
    TargetError error;
    ASSERT_TRUE(target->Handshake(&error).has_value()) << error.message;
    CheckContext ctx{target.get(), Hello{"hsmbackup-target/1", "no capabilities", {}}, 1, 1};
    const CheckResult r = check.run(ctx);
    EXPECT_EQ(r.status, CheckStatus::kPass) << r.message;
    EXPECT_EQ(r.cases_run, check.default_cases);
  }
  EXPECT_GE(needs.size(), 2u) << "Smkonly vectors: one check per set of capabilities";
  EXPECT_EQ(needs.count({}), 1u) << "no Vectors.Smkonly check for the password vectors";
}

// A product with part of the seed's devices lists the kinds and models it
// has (PROTOCOL.md, hello) and skips every vector whose world holds another.
// For each such product (every set of kinds, with either model or both),
// every clause a vector names and the product can be judged on (its `needs`
// in clauses.json) has a vector it runs: a G5-only vendor once ran 9 of 132
// vectors, as almost every world pinned a Backup HSM 7, and a pre-7.7-only
// or V1-only one 11 to 25 of 248. The products have every other capability
// (faults, PED, smkonly, appliance, USB). Some clauses are about kinds their
// `needs` cannot list, as any one of several does: a product is judged on
// them only with enough of those kinds (fixtures/vectors/about_kinds.json,
// which conformance/vector-subsets reads too, says which and why).
TEST(Vectors, EveryProductWithPartOfTheDevicesRunsAVectorPerClause) {
  // Clause -> the kinds it is about and how many of them a product needs.
  std::map<std::string, std::pair<std::set<std::string>, std::size_t>> about;
  const Json kinds_doc = ReadJson(kRoot + "/fixtures/vectors/about_kinds.json");
  for (const auto& [clause, a] : kinds_doc["clauses"].items()) {
    about[clause] = {a["kinds"].get<std::set<std::string>>(), a["count"].get<std::size_t>()};
  }
  ASSERT_FALSE(about.empty());
  const Json catalogue = ReadJson(kRoot + "/conformance/clauses.json");
  std::map<std::string, std::set<std::string>> needs;
  for (const Json& c : catalogue["clauses"]) {
    needs[c["id"].get<std::string>()] = c.value("needs", std::set<std::string>{});
  }
  struct Vec {
    std::set<std::string> capabilities;
    std::vector<std::string> clauses;
  };
  std::vector<Vec> vectors;
  for (const std::string& path : VectorFiles()) {
    const Json doc = ReadJson(path);
    for (const Json& g : doc["testGroups"]) {
      const Json world = g.contains("world")
                             ? g["world"]
                             : ReadJson(kRoot + "/" + g["worldFile"].get<std::string>());
      for (const Json& t : g["tests"]) {
        vectors.push_back(
            {NeededCapabilities(world), t["clauses"].get<std::vector<std::string>>()});
      }
    }
  }
  const std::set<std::string> features = {"fault.verify_fail",
                                          "fault.partition_full",
                                          "fault.shrink_fail",
                                          "ped",
                                          "smkonly",
                                          "appliance",
                                          "usb"};
  std::vector<std::set<std::string>> products = {{}};  // lists no kind or model: has them all
  for (const std::set<std::string>& kinds :
       std::vector<std::set<std::string>>{{"kind.v0"},
                                          {"kind.pre77"},
                                          {"kind.v1"},
                                          {"kind.pre77", "kind.v0"},
                                          {"kind.pre77", "kind.v1"},
                                          {"kind.v0", "kind.v1"},
                                          {"kind.pre77", "kind.v0", "kind.v1"}}) {
    for (const std::set<std::string>& models :
         std::vector<std::set<std::string>>{{"model.backup_hsm_7"},
                                            {"model.backup_hsm_g5"},
                                            {"model.backup_hsm_7", "model.backup_hsm_g5"}}) {
      std::set<std::string> product = kinds;
      product.insert(models.begin(), models.end());
      products.push_back(product);
    }
  }
  for (const std::set<std::string>& product : products) {
    Hello hello{"hsmbackup-target/1", "a product", features};
    hello.capabilities.insert(product.begin(), product.end());
    const auto has_all = [&](const std::set<std::string>& caps) {
      return std::all_of(caps.begin(), caps.end(),
                         [&](const std::string& c) { return hello.Has(c); });
    };
    std::set<std::string> named, reached;
    int runs = 0;
    for (const Vec& v : vectors) {
      named.insert(v.clauses.begin(), v.clauses.end());
      if (!has_all(v.capabilities)) continue;
      ++runs;
      reached.insert(v.clauses.begin(), v.clauses.end());
    }
    // A product that lists no kind has them all.
    const auto about_kinds = [&](const std::string& clause) {
      const auto it = about.find(clause);
      if (it == about.end()) return true;
      const auto& [kinds, count] = it->second;
      return static_cast<std::size_t>(std::count_if(
                 kinds.begin(), kinds.end(), [&](const auto& k) { return hello.Has(k); })) >= count;
    };
    std::string trace;
    for (const std::string& c : product) trace += c + " ";
    SCOPED_TRACE(trace + "(" + std::to_string(runs) + " vectors run)");
    EXPECT_GE(runs, 60);
    for (const std::string& clause : named) {
      if (!has_all(needs[clause])) continue;
      if (!about_kinds(clause)) continue;
      EXPECT_EQ(reached.count(clause), 1u) << clause << ": no vector this product runs names it";
    }
  }
}

}  // namespace
}  // namespace hsmbackup::conformance
