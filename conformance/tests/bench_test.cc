// hsmbackup-conformance bench: the reference times its clone path inside
// itself, in process and through `hsmbackup serve`; a target without the
// capability is refused with a reason.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <unistd.h>
#include <regex>
#include <string>

#include "shell_support.h"

namespace {

using Ran = hsmbackup::conformance::shell_testing::RunResult;

Ran RunBench(const std::string& args) {
  return hsmbackup::conformance::shell_testing::RunMerged(std::string(HSMB_CONFORMANCE_PATH) + " bench " + args);
}

// Every requested row is printed with a positive objects/s.
void ExpectRows(const Ran& r) {
  ASSERT_EQ(r.exit_code, 0) << r.out;
  for (const char* kind : {"pre77", "v1"}) {
    std::smatch m;
    const std::regex row(std::string(kind) + R"(\s+64\s+50\s+(\d+))");
    ASSERT_TRUE(std::regex_search(r.out, m, row)) << r.out;
    EXPECT_GT(std::stoll(m[1]), 0) << r.out;
  }
}

TEST(Bench, ReferenceInProcess) {
  ExpectRows(RunBench("--kinds pre77,v1 --sizes 64 --count 50 --repetitions 2"));
}

TEST(Bench, ReferenceThroughServe) {
  ExpectRows(RunBench("--target-cmd '" + std::string(HSMB_TOOL_PATH) +
                 " serve' --kinds pre77,v1 --sizes 64 --count 50 --repetitions 2"));
}

TEST(Bench, TargetWithoutTheCapabilityIsRefused) {
  const std::string hello =
      R"({"id":1,"ok":true,"protocol":"hsmbackup-target/1","implementation":"no-bench","capabilities":[]})";
  // A target written as a script file: no shell quoting between here and it.
  const std::string script = ::testing::TempDir() + "no_bench_target_" + std::to_string(getpid()) + ".sh";
  {
    std::ofstream out(script);
    out << "read l\necho '" << hello << "'\nread l\n";
  }
  Ran r = RunBench("--target-cmd 'sh " + script + "'");
  std::remove(script.c_str());
  EXPECT_EQ(r.exit_code, 4) << r.out;
  EXPECT_NE(r.out.find("does not list the \"bench\" capability"), std::string::npos) << r.out;
}

TEST(Bench, BadSizeIsAUsageError) {
  EXPECT_EQ(RunBench("--sizes 0").exit_code, 3);
}

}  // namespace
