// Malformed worlds: each is rejected with CKR_DATA_INVALID naming the JSON
// pointer of the problem, and no message ever shows a secret.
#include <functional>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "hsmbackup/strict_json.h"
#include "hsmbackup/world_io.h"
#include "support/test_support.h"
#include "world/world_test_data.h"

namespace hsmbackup {
namespace {

using Json = nlohmann::ordered_json;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kOrigin[] = "test.json";

// Case is one malformed world: a change to kFullWorld (or raw text), and the
// text the message must hold after "test.json: ".
struct Case {
  std::string name;
  std::function<void(Json&)> mutate;  // empty: use `text`
  std::string text;
  std::string where;          // the pointer (or "byte N") the message names
  std::string why = "";       // optional: more text the message must hold
};

Json Base() { return Json::parse(testing::kFullWorld); }
Json::json_pointer P(const std::string& s) { return Json::json_pointer(s); }

auto Set(std::string ptr, Json value) {
  return [ptr, value](Json& j) { j[P(ptr)] = value; };
}
auto Erase(std::string parent, std::string key) {
  return [parent, key](Json& j) { j[P(parent)].erase(key); };
}

std::string Render(const Case& c) {
  if (!c.mutate) return c.text;
  Json j = Base();
  c.mutate(j);
  return j.dump(2);
}

const std::string kUp = "/slots/0/user_partition";
const std::string kBh = "/slots/2/backup_hsm";
const std::string kB1 = "/slots/2/backup_hsm/partitions/0";
const std::string kB2 = "/slots/2/backup_hsm/partitions/1";

std::vector<Case> Cases() {
  std::string deep(100, '[');
  std::string zeros;  // the 65th array, inside 64 others
  for (int i = 0; i < 64; ++i) zeros += "/0";
  return {
      {"missing format", Erase("", "format"), "", "/format", "missing"},
      {"wrong format", Set("/format", "hsmbackup-world/2"), "", "/format"},
      {"format not a string", Set("/format", 1), "", "/format"},
      {"unknown top key", Set("/formats", 1), "", "/formats", "unknown key"},
      {"unknown client key", Set("/client/versoin", "1.0"), "", "/client/versoin"},
      {"unknown partition key", Set(kUp + "/lable", "x"), "", kUp + "/lable", "unknown key"},
      {"unknown object key", Set(kUp + "/objects/0/atributes", Json::object()), "",
       kUp + "/objects/0/atributes"},
      {"unknown inner object key", Set(kB1 + "/objects/0/object/colour", "red"), "",
       kB1 + "/objects/0/object/colour"},
      {"unknown fault key", Set("/faults/1/slots", 2), "", "/faults/1/slots"},
      // OPT-SMKONLY-SKS: SKS follows firmware; the old key names the rule.
      {"sks key", Set(kBh + "/sks", true), "", kBh + "/sks",
       "no longer a key: SKS follows firmware (Backup HSM 7 7.7.1, Backup HSM G5 6.28.0 or "
       "newer; OPT-SMKONLY-SKS)"},
      {"bad firmware", Set(kBh + "/firmware", "7.x"), "", kBh + "/firmware",
       "\"7.x\" is not a version (want M.m.p)"},
      {"bad client version", Set("/client/version", "ten"), "", "/client/version"},
      {"missing client version", Erase("/client", "version"), "", "/client/version"},
      {"bad time", Set("/clock/now", "2019-03-09 16:52:47"), "", "/clock/now"},
      {"bad created", Set(kB1 + "/created", "2019-02-30T00:00:00Z"), "", kB1 + "/created"},
      {"negative step", Set("/clock/step_seconds", -1), "", "/clock/step_seconds"},
      {"duplicate slot id", Set("/slots/1/id", 0), "", "/slots/1/id", "slot 0"},
      {"slot with both",
       [](Json& j) { j["slots"][0]["backup_hsm"] = j["slots"][2]["backup_hsm"]; }, "",
       "/slots/0", "both"},
      {"slot with neither", Erase("/slots/0", "user_partition"), "", "/slots/0", "neither"},
      {"no slots", Set("/slots", Json::array()), "", "/slots"},
      {"33-char label", Set(kUp + "/label", std::string(33, 'a')), "", kUp + "/label"},
      {"empty label", Set(kUp + "/label", ""), "", kUp + "/label"},
      {"label not printable", Set(kUp + "/label", "a\tb"), "", kUp + "/label"},
      {"33-char backup name", Set(kB1 + "/name", std::string(33, 'n')), "", kB1 + "/name"},
      {"duplicate backup name", Set(kB2 + "/name", "b1"), "", kB2 + "/name"},
      {"serial not digits", Set(kUp + "/serial", "12a4"), "", kUp + "/serial"},
      {"odd-length hex", Set(kUp + "/objects/1/value", "c0ffeec"), "", kUp + "/objects/1/value",
       "odd"},
      {"non-hex", Set(kUp + "/objects/1/value", "c0ffeg"), "", kUp + "/objects/1/value"},
      {"short ouid", Set(kUp + "/objects/0/ouid", "0000"), "", kUp + "/objects/0/ouid"},
      {"duplicate handle", Set(kUp + "/objects/1/handle", 5), "", kUp + "/objects/1/handle"},
      {"handle zero", Set(kUp + "/objects/1/handle", 0), "", kUp + "/objects/1/handle"},
      {"handle over u32", Set(kUp + "/objects/1/handle", 4294967296ULL), "",
       kUp + "/objects/1/handle"},
      {"handle fractional", Set(kUp + "/objects/1/handle", 6.5), "", kUp + "/objects/1/handle"},
      {"duplicate handle on HSM", Set(kB2 + "/objects/0/handle", 14), "",
       kB2 + "/objects/0/handle"},
      {"duplicate OUID", Set(kUp + "/objects/1/ouid", "000000000000000000000005"), "",
       kUp + "/objects/1/ouid"},
      {"duplicate backup OUID", Set(kB1 + "/objects/1/ouid", "000000000000000000000005"), "",
       kB1 + "/objects/1/ouid"},
      {"objects over capacity", Set(kUp + "/capacity", 105), "", kUp + "/objects/1", "capacity"},
      {"capacity zero", Set(kUp + "/capacity", 0), "", kUp + "/capacity"},
      {"value and size", Set(kUp + "/objects/1/size", 6), "", kUp + "/objects/1/size"},
      {"neither value nor size", Erase(kUp + "/objects/0", "size"), "", kUp + "/objects/0/value"},
      {"size too big", Set(kUp + "/objects/0/size", 65537), "", kUp + "/objects/0/size"},
      {"bad class", Set(kUp + "/objects/0/class", "key"), "", kUp + "/objects/0/class"},
      {"attribute value not string", Set(kUp + "/objects/0/attributes/CKA_ID", 1), "",
       kUp + "/objects/0/attributes/CKA_ID"},
      {"label too long", Set(kUp + "/objects/0/label", std::string(129, 'l')), "",
       kUp + "/objects/0/label"},
      {"too many attributes",
       [](Json& j) {
         for (int i = 0; i < 65; ++i) {
           j["slots"][0]["user_partition"]["objects"][0]["attributes"]["A" + std::to_string(i)] =
               "v";
         }
       },
       "", kUp + "/objects/0/attributes"},
      {"allocated < used", Set(kB1 + "/allocated", 9700), "", kB1 + "/allocated", "10010"},
      {"sum allocated > capacity", Set(kBh + "/capacity", 30000), "", kB2 + "/allocated"},
      {"inner size mismatch", Set(kB1 + "/objects/0/object/size", 99), "",
       kB1 + "/objects/0/object/size"},
      {"inner value mismatch", Set(kB1 + "/objects/1/size", 7), "",
       kB1 + "/objects/1/object/value"},
      {"smk on v0", Set(kUp + "/smk", std::string(64, 'a')), "", kUp + "/smk"},
      {"missing smk on v1", Erase("/slots/1/user_partition", "smk"), "",
       "/slots/1/user_partition/smk"},
      {"policies 0 and 1", Set(kUp + "/policies/allow_private_key_wrapping", true), "",
       kUp + "/policies", "policies 0 and 1 cannot both be on (CKR_CONFIG_FAILS_DEPENDENCIES)"},
      {"policy 7 off", Set(kUp + "/policies/hsm_allow_cloning", false), "", kUp + "/policies",
       "CKR_CONFIG_FAILS_DEPENDENCIES"},
      {"policy not bool", Set(kUp + "/policies/hsm_allow_cloning", "yes"), "",
       kUp + "/policies/hsm_allow_cloning"},
      {"pre77 on 7.8.0", Set(kUp + "/kind", "pre77"), "", kUp + "/kind", "7.8.0"},
      {"v0 on 7.3.0", Set(kUp + "/firmware", "7.3.0"), "", kUp + "/kind"},
      {"co lockout threshold 11", Set(kUp + "/co_lockout_threshold", 11), "",
       kUp + "/co_lockout_threshold"},
      {"missing co", Erase(kUp + "/credentials", "co"), "", kUp + "/credentials/co"},
      {"missing credentials", Erase(kUp, "credentials"), "", kUp + "/credentials"},
      {"password on PED partition", Set("/slots/1/user_partition/credentials/cu", "SECRET-x"), "",
       "/slots/1/user_partition/credentials/cu"},
      {"handles queue zero", Set(kUp + "/handles/queue/1", 0), "", kUp + "/handles/queue/1"},
      {"bad model", Set(kBh + "/model", "backup_hsm_8"), "", kBh + "/model"},
      {"bad connection", Set(kBh + "/connection", "serial"), "", kBh + "/connection"},
      {"missing so_password", Erase(kBh, "so_password"), "", kBh + "/so_password"},
      {"ped_domain on password HSM", Set(kBh + "/ped_domain", "SECRET-y"), "",
       kBh + "/ped_domain"},
      {"missing ped_domain", Erase("/slots/3/backup_hsm", "ped_domain"), "",
       "/slots/3/backup_hsm/ped_domain"},
      {"missing backup password", Erase(kB1, "password"), "", kB1 + "/password"},
      {"password on PED HSM partition",
       Set("/slots/3/backup_hsm/partitions/0/password", "SECRET-z"), "",
       "/slots/3/backup_hsm/partitions/0/password"},
      {"sealed on v0 backup", Set(kB1 + "/objects/0/sealed", "5ea1ed"), "",
       kB1 + "/objects/0/sealed"},
      {"object on v1 backup", Set(kB2 + "/objects/0/object", Json{{"class", "data"}, {"size", 50}}),
       "", kB2 + "/objects/0/object"},
      {"missing sealed on v1", Erase(kB2 + "/objects/0", "sealed"), "", kB2 + "/objects/0/sealed"},
      {"missing smk_blob on v1", Erase(kB2, "smk_blob"), "", kB2 + "/smk_blob"},
      {"smk_blob on v0", Set(kB1 + "/smk_blob", "b10bb10b"), "", kB1 + "/smk_blob"},
      {"bad fault type", Set("/faults/0/type", "power_cut"), "", "/faults/0/type"},
      {"fault slot not a backup HSM", Set("/faults/0/slot", 0), "", "/faults/0/slot",
       "not a backup HSM"},
      {"fault slot missing", Set("/faults/2/slot", 9), "", "/faults/2/slot"},
      {"verify_fail without handle", Erase("/faults/0", "handle"), "", "/faults/0/handle"},
      {"partition_full with handle", Set("/faults/1/handle", 3), "", "/faults/1/handle"},
      {"partition_full at 0", Set("/faults/1/at", 0), "", "/faults/1/at"},
      {"rng not an object", Set("/rng", 1), "", "/rng"},
      {"root not an object", {}, "[1, 2]", "(root)"},
      {"trailing garbage", {}, std::string(testing::kFullWorld) + " x", "byte "},
      {"two documents", {}, std::string(testing::kFullWorld) + "{}", "byte "},
      {"not JSON at all", {}, "hello world", "byte 0 (line 1, column 1)"},
      {"empty file", {}, "", "byte 0 (line 1, column 1)"},
      {"second line", {}, "{\n  \"format\": nope\n}", "byte 15 (line 2, column 14)"},
      {"duplicate key", {}, R"({"format": "hsmbackup-world/1", "format": "x"})", "/format",
       "duplicate key"},
      {"too deep", {}, deep, zeros, "nested deeper"},
      {"too deep in an object", {}, R"({"format": "hsmbackup-world/1", "x": [1, )" + deep,
       "/x/1/0/0", "nested deeper"},
  };
}

TEST(WorldErrorsTest, FullWorldIsValid) {
  auto w = ParseWorld(testing::kFullWorld, kOrigin);
  ASSERT_TRUE(w.ok()) << w.status().ToString();
}

TEST(WorldErrorsTest, EachMalformedWorldNamesItsPointer) {
  for (const Case& c : Cases()) {
    SCOPED_TRACE(c.name);
    auto w = ParseWorld(Render(c), kOrigin);
    ASSERT_FALSE(w.ok());
    EXPECT_EQ(w.status().code(), Ckr::kDataInvalid);
    const std::string& m = w.status().message();
    EXPECT_THAT(m, StartsWith(std::string(kOrigin) + ": " + c.where)) << m;
    if (!c.why.empty()) {
      EXPECT_THAT(m, HasSubstr(c.why));
    }
  }
}

// The pointer must be exact: not a prefix of a longer one.
TEST(WorldErrorsTest, PointerIsFollowedByReason) {
  auto w = ParseWorld(Render({"", Set(kUp + "/label", std::string(33, 'a')), "", ""}), kOrigin);
  ASSERT_FALSE(w.ok());
  EXPECT_THAT(w.status().message(), StartsWith("test.json: " + kUp + "/label: \"aaaa"));
}

TEST(WorldErrorsTest, FirstProblemInDocumentOrderWins) {
  Json j = Base();
  j["slots"][0]["user_partition"]["serial"] = "x";    // earlier in the file
  j["slots"][2]["backup_hsm"]["firmware"] = "7.x";  // later
  auto w = ParseWorld(j.dump(), kOrigin);
  ASSERT_FALSE(w.ok());
  EXPECT_THAT(w.status().message(), HasSubstr(kUp + "/serial"));
}

// The protocol's `load` reads its already-parsed "world" (a std::map
// document) without dumping it: every case reads to the same world or the
// same error as the document's text would.
TEST(WorldErrorsTest, ADocumentReadsAsItsTextDoes) {
  std::vector<std::string> texts = {std::string(testing::kFullWorld)};
  for (const Case& c : Cases()) texts.push_back(Render(c));
  size_t documents = 0;
  for (const std::string& text : texts) {
    StatusOr<nlohmann::json> doc = ParseStrictJson(text, "request", 65);
    if (!doc.ok()) continue;  // not JSON: `load` refuses it before any world is read
    ++documents;
    SCOPED_TRACE(text.substr(0, 120));
    const StatusOr<World> from_doc = ParseWorldDocument(*doc, kOrigin);
    const StatusOr<World> from_text = ParseWorld(doc->dump(), kOrigin);
    ASSERT_EQ(from_doc.ok(), from_text.ok());
    if (from_doc.ok()) {
      EXPECT_TRUE(*from_doc == *from_text);
    } else {
      EXPECT_EQ(from_doc.status().code(), from_text.status().code());
      EXPECT_EQ(from_doc.status().message(), from_text.status().message());
    }
  }
  EXPECT_GT(documents, texts.size() / 2);  // the comparison ran, on most cases
}

std::vector<std::string> SecretCaseTexts() {
  std::vector<std::string> texts;
  for (const Case& c : Cases()) texts.push_back(Render(c));
  const std::string long_secret = "SECRET-" + std::string(300, 'S');
  const std::vector<std::string> secret_ptrs = {
      "/client/default_domain", kUp + "/domain",          kUp + "/credentials/po",
      kUp + "/credentials/co",  kUp + "/credentials/cu",  kBh + "/so_password",
      kB1 + "/domain",          kB1 + "/password",        "/slots/3/backup_hsm/ped_domain"};
  for (const std::string& p : secret_ptrs) {
    for (const Json& bad : {Json(long_secret), Json(""), Json(12345), Json::array({"SECRET-a"})}) {
      Json j = Base();
      j[P(p)] = bad;
      texts.push_back(j.dump());
    }
  }
  const std::vector<std::string> hex_ptrs = {"/slots/1/user_partition/smk", kB2 + "/smk_blob",
                                             kB2 + "/objects/0/sealed", kUp + "/objects/1/value"};
  for (const std::string& p : hex_ptrs) {
    for (const char* bad : {"5ec2e75ec2e7b10bb10b5ea1edc0ffee5", "5ec2e7b10bb10b5ea1edc0ffeeSECRET",
                            "5ec2e7b10bb10b5ea1edc0ffee"}) {
      Json j = Base();
      j[P(p)] = bad;
      texts.push_back(j.dump());
    }
  }
  // Secrets under keys the schema does not know, and broken JSON inside one.
  Json j = Base();
  j["slots"][0]["user_partition"]["credentials"]["so"] = "SECRET-typo";
  texts.push_back(j.dump());
  texts.push_back(R"({"format": "hsmbackup-world/1", "client": {"default_domain": "SECRET-open)");
  texts.push_back(R"({"format": "hsmbackup-world/1", "client": {"default_domain": SECRET-bare}})");
  texts.push_back("{\"format\": \"hsmbackup-world/1\", \"x\": \"SECRET-\xff\"}");
  return texts;
}

TEST(WorldErrorsTest, NoMessageShowsASecret) {
  HSMB_CLAUSE("OUT-NO-SECRETS");
  const std::vector<std::string> forbidden = {"SECRET", "5ec2e7", "b10bb10b", "5ea1ed", "c0ffee"};
  size_t checked = 0;
  for (const std::string& text : SecretCaseTexts()) {
    auto w = ParseWorld(text, kOrigin);
    if (w.ok()) continue;
    ++checked;
    for (const std::string& f : forbidden) {
      EXPECT_THAT(w.status().message(), ::testing::Not(HasSubstr(f))) << text;
    }
  }
  EXPECT_GT(checked, 100u);
}

}  // namespace
}  // namespace hsmbackup
