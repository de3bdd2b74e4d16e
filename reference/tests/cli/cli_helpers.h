// Helpers for the hsmbackup tool tests: in-process runs, temporary files,
// and the real binary (through support/process.h).
#ifndef HSMBACKUP_TESTS_CLI_CLI_HELPERS_H_
#define HSMBACKUP_TESTS_CLI_CLI_HELPERS_H_

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <sstream>
#include <string>
#include <vector>

#include "support/process.h"
#include "support/test_support.h"
#include "tool.h"

namespace hsmbackup::cli::testing {

struct ToolResult {
  int code = -1;
  std::string out;
  std::string err;
};

// RunInProcess calls RunTool with string streams; `input` is stdin.
inline ToolResult RunInProcess(const std::vector<std::string>& args,
                               const std::string& input = "") {
  std::vector<const char*> argv = {"hsmbackup"};
  for (const auto& a : args) argv.push_back(a.c_str());
  std::istringstream in(input);
  std::ostringstream out;
  std::ostringstream err;
  ToolResult r;
  r.code = RunTool(static_cast<int>(argv.size()), argv.data(), Io{in, out, err, false});
  r.out = out.str();
  r.err = err.str();
  return r;
}

// RunBinary runs the built hsmbackup with stdin from /dev/null; `out` gets
// stdout and stderr together.
inline ToolResult RunBinary(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {HSMB_TOOL_PATH};
  argv.insert(argv.end(), args.begin(), args.end());
  hsmbackup::testing::ProcessResult p = hsmbackup::testing::RunProcess(argv);
  EXPECT_TRUE(p.started) << "cannot start " << HSMB_TOOL_PATH;
  ToolResult r;
  r.code = p.exit_code;
  r.out = std::move(p.output);
  return r;
}

// TempDir is a fresh directory removed (with its files) at scope end.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = ::testing::TempDir() + "hsmb_cli_XXXXXX";
    char* made = ::mkdtemp(tmpl.data());
    EXPECT_NE(made, nullptr);
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
  ASSERT_TRUE(out.good()) << path;
}

// CopyFixture copies fixtures/worlds/<name> to `path`.
inline void CopyFixture(const std::string& name, const std::string& path) {
  WriteFile(path, hsmbackup::testing::ReadFile(
                      hsmbackup::testing::SourcePath("fixtures/worlds/" + name)));
}

inline ino_t Inode(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_ino;
}

}  // namespace hsmbackup::cli::testing

#endif  // HSMBACKUP_TESTS_CLI_CLI_HELPERS_H_
