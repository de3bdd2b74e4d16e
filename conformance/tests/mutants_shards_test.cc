// Sharded runs of the real suite against mutants: each shard judged as the
// unsharded run would be (an owned clause is no unexpected pass in the
// shard that only passes it), and --merge giving back the unsharded run's
// clause verdicts and exit code.
#include <gtest/gtest.h>

#include <cctype>
#include <fstream>
#include <string>

#include "mutant_support.h"
#include "scratch_dir.h"

namespace hsmbackup::conformance {
namespace {

using namespace mutant_testing;  // NOLINT(build/namespaces)

constexpr int kShards = 4;

// SuiteOn runs the suite against mutant `name` with `args`, writing its
// JSON report to `report`; `shard` < 0 runs unsharded.
int SuiteOn(const std::string& name, const std::string& args, const std::string& report,
            int shard) {
  const std::string env = shard < 0 ? std::string()
                                    : "GTEST_TOTAL_SHARDS=" + std::to_string(kShards) +
                                          " GTEST_SHARD_INDEX=" + std::to_string(shard) + " ";
  const std::string target = ShellQuote(kMutant) + " " + ShellQuote(name);
  return RunShell(env + ShellQuote(HSMB_CONFORMANCE_PATH) + " --target-cmd " + ShellQuote(target) +
                  " --reuse-target --cases 5 --quiet" + args + " --report " + ShellQuote(report) +
                  " >/dev/null 2>&1")
      .exit_code;
}

// Verdicts is every clause's verdict, reason and first failing check.
std::string Verdicts(const std::string& report) {
  const Json parsed = Json::parse(ReadFile(report), nullptr, false);
  std::string out;
  if (!parsed.is_object()) return "(no report at " + report + ")";
  for (const Json& c : parsed["clauses"]) {
    out += c.value("id", "") + " " + c.value("verdict", "") + " " +
           c.value("first_failing_check", "") + " " + c.value("reason", "") + "\n";
  }
  return out;
}

struct ShardCase {
  std::string mutant;
  std::string config;  // expected_failures JSON, "" for none
};

class ShardedMutant : public ::testing::TestWithParam<ShardCase> {};

TEST_P(ShardedMutant, ShardsMergeIntoTheUnshardedRun) {
  const ShardCase& c = GetParam();
  ScratchDir scratch("hsmb-shards");
  const std::string dir = scratch.path();
  std::string args;
  if (!c.config.empty()) {
    std::ofstream(dir + "/vendor.json") << c.config;
    args = " --config " + ShellQuote(dir + "/vendor.json");
  }
  const int unsharded = SuiteOn(c.mutant, args, dir + "/all.json", -1);
  std::string shards;
  for (int i = 0; i < kShards; ++i) {
    const std::string report = dir + "/shard" + std::to_string(i) + ".json";
    const int code = SuiteOn(c.mutant, args, report, i);
    // A shard may fail where the run fails, never where it is conformant.
    if (unsharded == kExitConformant) {
      EXPECT_EQ(code, kExitConformant) << "shard " << i << "\n" << Verdicts(report);
    }
    shards += " " + ShellQuote(report);
  }
  const RunResult merged = RunShell(ShellQuote(HSMB_CONFORMANCE_PATH) + " --merge" + shards + args +
                                    " --report " + ShellQuote(dir + "/merged.json") + " 2>&1");
  EXPECT_EQ(merged.exit_code, unsharded) << merged.out;
  EXPECT_EQ(Verdicts(dir + "/merged.json"), Verdicts(dir + "/all.json"));
}

INSTANTIATE_TEST_SUITE_P(
    Mutants, ShardedMutant,
    ::testing::Values(
        ShardCase{"refuses-smk-shortcut", ""},
        // The vendor owns the mutant's fault: the run is conformant, and so
        // is every shard, the ones where OPT-SHORTCUTS only passes too.
        ShardCase{"refuses-smk-shortcut",
                  R"({"expected_failures":[{"clause":"OPT-SHORTCUTS","reason":"ACME-78"}]})"},
        // Its shards leave clauses without a verdict ("no verdict: ...
        // stopped at a failure of ...") that the unsharded run passes.
        ShardCase{"v0-continues-after-failure", ""},
        ShardCase{"v0-continues-after-failure",
                  R"({"expected_failures":[{"clause":"CLONE-STOP-V0V1","reason":"ACME-5"}]})"}),
    [](const ::testing::TestParamInfo<ShardCase>& param) {
      std::string name;
      for (char ch : param.param.mutant)
        name += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
      return name + (param.param.config.empty() ? "" : "_owned");
    });

}  // namespace
}  // namespace hsmbackup::conformance
