// hsmbackup-mutant names the kit's version and the protocol it serves, as
// every tool of the kit does (issue 13, item 5).
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <string>

namespace {

TEST(MutantTool, PrintsTheKitVersion) {
  FILE* pipe = popen((std::string(HSMB_MUTANT_PATH) + " --version").c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string out;
  std::array<char, 256> buffer;
  for (size_t n; (n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0;)
    out.append(buffer.data(), n);
  EXPECT_EQ(pclose(pipe), 0);
  EXPECT_EQ(out, "hsmbackup-mutant " HSMB_PROJECT_VERSION " (protocol hsmbackup-target/1)\n");
}

}  // namespace
