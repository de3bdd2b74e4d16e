// Fixed-world runs catch a broken device: hsmbackup-mutant NAME
// --fixed-world serves a copy of the seed's world with one fault, and
// hsmbackup-conformance, judging it only through the fixed-world checks,
// fails the mutant's own clause, without printing the vendor's secrets.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "conformance/report.h"
#include "shell_support.h"
#include <unistd.h>

namespace hsmbackup::conformance {
namespace {

using shell_testing::RunMerged;
using shell_testing::ShellQuote;

const char* const kSecrets[] = {"userpin1234", "backupSOpwd", "clientdomain"};

struct Ran {
  int exit_code = -1;
  std::string out;
  Json report;
  std::string all;  // stdout, stderr and every report, for secrets
};

Ran RunAgainstMutant(const std::string& mutant, bool allow_lockout) {
  const std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) /
                                    ("hsmb_fixed_mutant_" + std::to_string(::getpid()) + mutant);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string world = (dir / "w.json").string();
  std::filesystem::copy_file(std::string(HSMB_SOURCE_ROOT) + "/fixtures/worlds/seed-example.json",
                             world);
  Json fixed = {{"slots",
                 {{"0",
                   {{"firmware", "7.8.0"},
                    {"domain", "clientdomain"},
                    {"capacity", 3145728},
                    {"credentials", {{"co", "userpin1234"}}}}},
                  {"2", {{"firmware", "7.7.2"}, {"so_password", "backupSOpwd"}}}}}};
  if (allow_lockout) fixed["allow"] = {"lockout"};
  std::ofstream((dir / "vendor.json").string()) << Json{{"fixed_world", fixed}}.dump();
  const std::string target =
      ShellQuote(HSMB_MUTANT_PATH) + " " + mutant + " --fixed-world " + ShellQuote(world);
  Ran ran;
  const shell_testing::RunResult r = RunMerged(
      ShellQuote(HSMB_CONFORMANCE_PATH) + " --target-cmd " + ShellQuote(target) + " --config " +
      ShellQuote((dir / "vendor.json").string()) + " --cases 2 --report " +
      ShellQuote((dir / "r.json").string()) + " --markdown " + ShellQuote((dir / "m.md").string()) +
      " --junit " + ShellQuote((dir / "j.xml").string()));
  ran.exit_code = r.exit_code;
  ran.out = r.out;
  std::stringstream report, md, junit;
  report << std::ifstream((dir / "r.json").string()).rdbuf();
  md << std::ifstream((dir / "m.md").string()).rdbuf();
  junit << std::ifstream((dir / "j.xml").string()).rdbuf();
  ran.report = Json::parse(report.str());
  ran.all = r.out + report.str() + md.str() + junit.str();
  std::filesystem::remove_all(dir);
  return ran;
}

std::vector<std::string> Failed(const Json& report) {
  std::vector<std::string> ids;
  for (const Json& c : report["clauses"]) {
    if (c["verdict"] == "fail") ids.push_back(c["id"].get<std::string>());
  }
  return ids;
}

TEST(FixedWorldMutants, ABackupWhoseDeleteKeepsItsSpaceFailsArchiveDelete) {
  const Ran ran = RunAgainstMutant("delete-leaks-space", false);
  EXPECT_EQ(ran.exit_code, kExitNotConformant) << ran.out;
  EXPECT_EQ(Failed(ran.report), std::vector<std::string>{"ARCHIVE-DELETE"}) << ran.out;
  for (const char* secret : kSecrets) EXPECT_EQ(ran.all.find(secret), std::string::npos) << secret;
  // The counterexample is there, its world redacted.
  EXPECT_NE(ran.all.find("<redacted>"), std::string::npos);
}

TEST(FixedWorldMutants, ATargetThatEchoesAPasswordFailsOutNoSecretsAndTheReportHidesIt) {
  const Ran ran = RunAgainstMutant("echoes-password", true);
  EXPECT_EQ(ran.exit_code, kExitNotConformant) << ran.out;
  EXPECT_EQ(Failed(ran.report), std::vector<std::string>{"OUT-NO-SECRETS"}) << ran.out;
  for (const char* secret : kSecrets) EXPECT_EQ(ran.all.find(secret), std::string::npos) << secret;
  EXPECT_EQ(ran.all.find("role login -name co -password Wrong"), std::string::npos);
}

}  // namespace
}  // namespace hsmbackup::conformance
