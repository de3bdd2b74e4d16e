// The clause mapping cannot rot: every clause of the shared catalogue is in
// the project's catalogue, and every catalogue clause is named by a test.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "support/test_support.h"

namespace hsmbackup {
namespace {

namespace fs = std::filesystem;
using testing::ReadFile;
using testing::SourcePath;

std::set<std::string> CatalogueIds() {
  auto doc = nlohmann::json::parse(ReadFile(SourcePath("conformance/clauses.json")), nullptr,
                                   false);
  std::set<std::string> ids;
  if (doc.is_discarded()) {
    ADD_FAILURE() << "conformance/clauses.json is not valid JSON";
    return ids;
  }
  for (const auto& c : doc["clauses"]) {
    EXPECT_TRUE(ids.insert(c["id"].get<std::string>()).second) << "duplicate " << c["id"];
    EXPECT_TRUE(c.contains("text") && c.contains("source") && c.contains("family")) << c["id"];
    if (c["source"].get<std::string>().find("interp") != std::string::npos) {
      EXPECT_TRUE(c.contains("interpretation")) << c["id"] << " is [interp] but records no choice";
    }
  }
  return ids;
}

// NamedInTests collects every ID given to HSMB_CLAUSE in the test sources.
std::set<std::string> NamedInTests() {
  std::set<std::string> named;
  const std::regex macro(R"(HSMB_CLAUSE\(([^)]*)\))");
  const std::regex id(R"re("([A-Z0-9]+(?:-[A-Z0-9]+)+)")re");
  for (const char* root : {"reference/tests", "conformance"}) {
    fs::path dir = SourcePath(root);
    if (!fs::exists(dir)) continue;
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
      if (entry.path().extension() != ".cc") continue;
      if (entry.path().filename() == "coverage_test.cc") continue;
      std::string text = ReadFile(entry.path().string());
      for (std::sregex_iterator m(text.begin(), text.end(), macro), end; m != end; ++m) {
        std::string args = (*m)[1];
        for (std::sregex_iterator i(args.begin(), args.end(), id); i != end; ++i) {
          named.insert((*i)[1]);
        }
      }
    }
  }
  return named;
}

TEST(ClauseCoverage, SharedCatalogueIsCarriedUnchanged) {
  const std::string shared = SourcePath("../shared/CLAUSES.md");
  if (!fs::exists(shared)) {
    GTEST_SKIP() << "../shared/CLAUSES.md is not beside this checkout";
  }
  std::set<std::string> ours = CatalogueIds();
  std::string text = ReadFile(shared);
  const std::regex line(R"(\n- ([A-Z0-9]+(?:-[A-Z0-9]+)+) )");
  int count = 0;
  for (std::sregex_iterator m(text.begin(), text.end(), line), end; m != end; ++m) {
    ++count;
    EXPECT_TRUE(ours.count((*m)[1])) << (*m)[1] << " is missing from conformance/clauses.json";
  }
  EXPECT_GT(count, 40);
}

TEST(ClauseCoverage, EveryClauseIsNamedByATest) {
  std::set<std::string> ids = CatalogueIds();
  std::set<std::string> named = NamedInTests();
  ASSERT_GT(ids.size(), 40u);
  for (const auto& c : ids) {
    EXPECT_TRUE(named.count(c)) << "no test names clause " << c << " with HSMB_CLAUSE";
  }
}

TEST(ClauseCoverage, TestsNameOnlyKnownClauses) {
  std::set<std::string> ids = CatalogueIds();
  for (const auto& n : NamedInTests()) {
    EXPECT_TRUE(ids.count(n)) << "a test names " << n << ", which the catalogue does not have";
  }
}

}  // namespace
}  // namespace hsmbackup
