// Fixed-world targets (FIXED-WORLD.md), on the suite's side: the vendor
// config's "fixed_world" section, the world rebuilt from observe, the
// redaction, which checks are n/a and why, and whole runs of
// hsmbackup-conformance against `hsmbackup serve --fixed-world` on a copy of
// a shipped world.
#include "conformance/fixed_world.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "conformance/runner.h"
#include "shell_support.h"

namespace hsmbackup::conformance {
namespace {

using shell_testing::RunMerged;
using shell_testing::RunShell;
using shell_testing::ShellQuote;

// The secrets of fixtures/worlds/seed-example.json the config gives.
const char* const kSecrets[] = {"userpin1234", "backupSOpwd", "clientdomain"};

Json SeedExampleConfig(bool allow_lockout) {
  Json fixed = {{"client", {{"version", "10.4.0"}}},
                {"slots",
                 {{"0",
                   {{"firmware", "7.8.0"},
                    {"domain", "clientdomain"},
                    {"capacity", 3145728},
                    {"credentials", {{"co", "userpin1234"}}}}},
                  {"2", {{"firmware", "7.7.2"}, {"so_password", "backupSOpwd"}}}}}};
  if (allow_lockout) fixed["allow"] = {"lockout"};
  return {{"implementation_notes", "a lab device"}, {"fixed_world", fixed}};
}

std::string Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<CatalogueClause> FixedWorldCatalogue() {
  std::string error;
  auto c = LoadCatalogue(std::string(HSMB_SOURCE_ROOT) + "/conformance/clauses.json", &error);
  EXPECT_TRUE(c) << error;
  return c ? *c : std::vector<CatalogueClause>{};
}

TEST(FixedWorldConfig, ParsesTheSectionAndRefusesWhatObserveOwns) {
  std::string error;
  auto config = ParseVendorConfig(SeedExampleConfig(true).dump(), FixedWorldCatalogue(), &error);
  ASSERT_TRUE(config) << error;
  ASSERT_TRUE(config->fixed_world);
  EXPECT_TRUE(config->fixed_world->Allows(kAllowLockout));

  const auto refused = [&](Json fixed) {
    std::string why;
    EXPECT_FALSE(ParseFixedWorldConfig(fixed, &why)) << fixed;
    EXPECT_EQ(why.find("userpin1234"), std::string::npos) << why;  // never quotes a value
    return why;
  };
  Json bad = SeedExampleConfig(false)["fixed_world"];
  bad["slots"]["0"]["objects"] = Json::array();
  EXPECT_NE(refused(bad).find("\"objects\", which is not allowed"), std::string::npos);
  bad = SeedExampleConfig(false)["fixed_world"];
  bad["allow"] = {"fault.verify_fail"};
  EXPECT_NE(refused(bad).find("fault switches need load"), std::string::npos);
  bad = SeedExampleConfig(false)["fixed_world"];
  bad["slots"]["zero"] = Json::object();
  EXPECT_NE(refused(bad).find("not a slot id"), std::string::npos);
  EXPECT_NE(refused({{"allow", Json::array()}}).find("needs \"slots\""), std::string::npos);
  EXPECT_NE(refused({{"clock", 1}}).find("unknown key \"clock\""), std::string::npos);
}

TEST(FixedWorldConfig, TheWorldComesFromObserveAndTheConfig) {
  std::string error;
  auto config = ParseFixedWorldConfig(SeedExampleConfig(false)["fixed_world"], &error);
  ASSERT_TRUE(config) << error;
  const Json observed = {{"slots",
                          {{{"id", 0},
                            {"type", "user_partition"},
                            {"label", "sa78"},
                            {"kind", "v0"},
                            {"zeroized", false},
                            {"co_failures", 2},
                            {"objects",
                             {{{"handle", 70},
                               {"ouid", "4a0000001d0000006c640400"},
                               {"label", "k"},
                               {"class", "private_key"},
                               {"size", 1232},
                               {"fingerprint", "ab"}}}}},
                           {{"id", 2},
                            {"type", "backup_hsm"},
                            {"model", "backup_hsm_g5"},
                            {"capacity", 100000},
                            {"zeroized", false},
                            {"so_failures", 1},
                            {"partitions", Json::array()}}}}};
  std::optional<Json> world = WorldFromObserved(observed, *config, &error);
  ASSERT_TRUE(world) << error;
  const Json& user = (*world)["slots"][0]["user_partition"];
  EXPECT_EQ(user["label"], "sa78");           // observed
  EXPECT_EQ(user["domain"], "clientdomain");  // the config's
  EXPECT_EQ(user["lockout"]["co"], 2);        // observed counter
  EXPECT_EQ(user["objects"][0]["size"], 1232);
  EXPECT_FALSE(user["objects"][0].contains("fingerprint"));  // adopted by the model instead
  const Json& hsm = (*world)["slots"][1]["backup_hsm"];
  EXPECT_EQ(hsm["model"], "backup_hsm_g5");
  EXPECT_EQ(hsm["so_lockout"], 1);
  EXPECT_EQ(hsm["so_password"], "backupSOpwd");

  Json more = observed;
  more["slots"].push_back({{"id", 5}, {"type", "backup_hsm"}});
  EXPECT_FALSE(WorldFromObserved(more, *config, &error));
  EXPECT_NE(error.find("slot 5 (backup_hsm), which the vendor config's fixed_world.slots does "
                       "not describe"),
            std::string::npos)
      << error;
}

TEST(FixedWorldConfig, RedactionReachesEveryString) {
  EXPECT_EQ(Redact("pw userpin1234 and userpin1234.", {"userpin1234"}),
            "pw <redacted> and <redacted>.");
  const Json doc = {{"a", {"clientdomain", 3}}, {"clientdomain", "x"}};
  EXPECT_EQ(RedactJson(doc, {"clientdomain"}).dump().find("clientdomain"), std::string::npos);
}

TEST(FixedWorldRunner, LoadingChecksAreNotApplicableSayingWhy) {
  Check loads{"Fam", "Loads", {"AUTH-CO"}, {}, 1, nullptr};
  Check faults{"Fam", "Faults", {"CLONE-VERIFY"}, {"fault.verify_fail"}, 1, nullptr};
  Check fixed{"Fam", "Fixed", {"AUTH-CO"}, {}, 1, nullptr};
  fixed.fixed_world = true;
  EXPECT_NE(FixedWorldNotApplicable(loads, true).find("loads generated worlds"), std::string::npos);
  EXPECT_NE(FixedWorldNotApplicable(faults, true).find("fault switch ('fault.verify_fail')"),
            std::string::npos);
  EXPECT_EQ(FixedWorldNotApplicable(fixed, true), "");
  EXPECT_EQ(FixedWorldNotApplicable(loads, false), "");
  EXPECT_NE(FixedWorldNotApplicable(fixed, false).find("only against a fixed-world target"),
            std::string::npos);
}

// A run against `hsmbackup serve --fixed-world` on a copy of the seed's world.
class FixedWorldRun : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("hsmb_fixed_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    std::filesystem::copy_file(std::string(HSMB_SOURCE_ROOT) + "/fixtures/worlds/seed-example.json",
                               Path("w.json"));
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  // Observe asks a fresh `serve --fixed-world` process for the state.
  Json Observe() const {
    const shell_testing::RunResult r =
        RunShell("printf '%s\\n' '{\"id\":1,\"op\":\"observe\"}' '{\"id\":2,\"op\":\"bye\"}' | " +
                 ShellQuote(HSMB_TOOL_PATH) + " serve --fixed-world " + ShellQuote(Path("w.json")));
    EXPECT_EQ(r.exit_code, 0) << r.out;
    std::istringstream lines(r.out);
    std::string first;
    std::getline(lines, first);
    return Json::parse(first)["state"];
  }

  shell_testing::RunResult Run(const Json& config, const std::string& target) {
    std::ofstream(Path("vendor.json")) << config.dump();
    return RunMerged(ShellQuote(HSMB_CONFORMANCE_PATH) + " --target-cmd " + ShellQuote(target) +
                     " --config " + ShellQuote(Path("vendor.json")) + " --cases 2 --report " +
                     ShellQuote(Path("r.json")) + " --junit " + ShellQuote(Path("j.xml")) +
                     " --markdown " + ShellQuote(Path("m.md")));
  }
  std::string Serve() const {
    return ShellQuote(HSMB_TOOL_PATH) + " serve --fixed-world " + ShellQuote(Path("w.json"));
  }
  Json Clause(const Json& report, const std::string& id) const {
    for (const Json& c : report["clauses"]) {
      if (c["id"] == id) return c;
    }
    ADD_FAILURE() << "no clause " << id;
    return Json::object();
  }

  std::filesystem::path dir_;
};

TEST_F(FixedWorldRun, JudgesWhatItCanAndLeavesTheDeviceAsFound) {
  const Json before = Observe();
  const shell_testing::RunResult r = Run(SeedExampleConfig(false), Serve());
  EXPECT_EQ(r.exit_code, kExitConformant) << r.out;
  const Json report = Json::parse(Read(Path("r.json")));
  // Judged on the device: pass.
  for (const char* id : {"ARCHIVE-DELETE", "ARCHIVE-LIST", "ARCHIVE-CONTENTS", "AUTH-SO",
                         "OPT-APPEND", "PROJ-RESTORE-SAME-OUID", "OUT-NO-SECRETS"}) {
    EXPECT_EQ(Clause(report, id)["verdict"], "pass") << id;
  }
  // Not judged: n/a, with the reason, never pass.
  const Json lockout = Clause(report, "AUTH-LOCKOUT");
  EXPECT_EQ(lockout["verdict"], "n/a");
  EXPECT_NE(lockout["reason"].get<std::string>().find("fixed_world.allow"), std::string::npos)
      << lockout;
  const Json verify = Clause(report, "CLONE-VERIFY");
  EXPECT_EQ(verify["verdict"], "n/a");
  EXPECT_NE(verify["reason"].get<std::string>().find("the target's world is fixed"),
            std::string::npos)
      << verify;
  EXPECT_EQ(Clause(report, "PROJ-WORLD-UNCHANGED-ON-BAD-INPUT")["verdict"], "n/a");
  // A lab device may hold one session: auto never runs two of its processes.
  EXPECT_EQ(report["processes"]["mode"], "at-check") << report["processes"];
  EXPECT_EQ(report["processes"]["pinned"], false);
  // The JUnit report skips what is n/a, with the reason; Markdown shows it.
  const std::string junit = Read(Path("j.xml"));
  EXPECT_NE(junit.find("<skipped message=\""), std::string::npos);
  EXPECT_NE(Read(Path("m.md")).find("n/a"), std::string::npos);
  // No secret of the config anywhere.
  for (const std::string& text : {r.out, Read(Path("r.json")), junit, Read(Path("m.md"))}) {
    for (const char* secret : kSecrets) EXPECT_EQ(text.find(secret), std::string::npos) << secret;
  }
  // The device as it was found (lockout counters aside: none were spent).
  EXPECT_EQ(Observe(), before);
}

TEST_F(FixedWorldRun, TheAllowListLetsTheLockoutCheckRun) {
  const Json before = Observe();
  const shell_testing::RunResult r = Run(SeedExampleConfig(true), Serve());
  EXPECT_EQ(r.exit_code, kExitConformant) << r.out;
  const Json report = Json::parse(Read(Path("r.json")));
  EXPECT_EQ(Clause(report, "AUTH-LOCKOUT")["verdict"], "pass");
  EXPECT_EQ(Observe(), before);  // the failed login was reset by the right one
}

// A broken device: its adapter turns every delete into `slot list`, so the
// backup stays behind (and W.json keeps it). The run fails, says the device
// was not left as found, and still prints no secret.
TEST_F(FixedWorldRun, ADeviceThatKeepsTheBackupFailsAndSaysItWasNotLeftAsFound) {
  const std::string broken =
      "while IFS= read -r l; do printf '%s\\n' \"$l\" | sed 's/partition archive delete "
      "[^\"]*/slot list/'; case \"$l\" in *'\"bye\"'*) break;; esac; done | " +
      Serve();
  const shell_testing::RunResult r = Run(SeedExampleConfig(false), broken);
  EXPECT_EQ(r.exit_code, kExitNotConformant) << r.out;
  const Json report = Json::parse(Read(Path("r.json")));
  EXPECT_EQ(Clause(report, "ARCHIVE-DELETE")["verdict"], "fail") << r.out;
  EXPECT_NE(r.out.find("the device was not left as found"), std::string::npos) << r.out;
  for (const std::string& text : {r.out, Read(Path("r.json")), Read(Path("m.md"))}) {
    for (const char* secret : kSecrets) EXPECT_EQ(text.find(secret), std::string::npos) << secret;
  }
  bool left = false;
  const Json after = Observe();
  for (const Json& p : after["slots"][1]["partitions"]) {
    left |= p["name"].get<std::string>().rfind("hsmb-fw-", 0) == 0;
  }
  EXPECT_TRUE(left) << "the broken adapter was meant to keep the backup";
}

TEST_F(FixedWorldRun, CheckProtocolProbesAFixedTargetWithoutLoadingIt) {
  const std::string before = Read(Path("w.json"));
  const shell_testing::RunResult r = RunMerged(
      ShellQuote(HSMB_CONFORMANCE_PATH) + " --check-protocol --target-cmd " + ShellQuote(Serve()));
  EXPECT_EQ(r.exit_code, kExitConformant) << r.out;
  EXPECT_NE(r.out.find("ok    a fixed-world target refuses load"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("ok    observe shows the fixed world"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("ok    pipeline: load and observe sent together"), std::string::npos)
      << "the load refused, the world unchanged" << r.out;
  EXPECT_EQ(Read(Path("w.json")), before);  // slot list changes nothing, so nothing is saved
}

TEST_F(FixedWorldRun, AFixedTargetWithoutTheConfigSectionIsAUsageError) {
  const shell_testing::RunResult r =
      Run({{"implementation_notes", "no fixed_world section"}}, Serve());
  EXPECT_EQ(r.exit_code, kExitUsage) << r.out;
  EXPECT_NE(r.out.find("give --config with a \"fixed_world\" section"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace hsmbackup::conformance
