// ScratchDir: a fresh directory for one test's files, removed with its
// contents when the test is done, so test runs leave nothing in /tmp.
#ifndef HSMBACKUP_CONFORMANCE_TESTS_SCRATCH_DIR_H_
#define HSMBACKUP_CONFORMANCE_TESTS_SCRATCH_DIR_H_

#include <gtest/gtest.h>

#include <stdlib.h>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <system_error>

namespace hsmbackup::conformance {

class ScratchDir {
 public:
  // Makes <gtest TempDir>/<prefix>-XXXXXX; throws if it cannot.
  explicit ScratchDir(const std::string& prefix)
      : path_(::testing::TempDir() + prefix + "-XXXXXX") {
    if (mkdtemp(path_.data()) == nullptr) throw std::runtime_error("mkdtemp failed: " + path_);
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace hsmbackup::conformance

#endif  // HSMBACKUP_CONFORMANCE_TESTS_SCRATCH_DIR_H_
