// The world save path under injected failures: a save interrupted at any
// step leaves the world file byte for byte as it was or as it was saved,
// never torn (the atomic-save contract of world_io.h).
//
// FailingOps wraps the real PosixFileOps and fails one chosen call (every
// call is a step: each write, each fsync, the close, the rename, the
// directory's open, fsync and close). Writes are cut into small chunks so a
// world takes several writes and a failure can land between two of them.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "hsmbackup/world_io.h"
#include "support/test_support.h"
#include "support/worlds.h"

namespace hsmbackup {
namespace {

namespace fs = std::filesystem;
using testing::MakeBackupHsm;
using testing::MakeUser;
using testing::MakeWorld;

constexpr size_t kChunk = 1024;

// FailingOps fails call number `fail_at` (counting every call from 0) with
// `error`. With `crash`, every later call fails too and does nothing, as if
// the process had died there (no clean-up runs); a closed descriptor is
// still released, as the kernel would on exit.
class FailingOps : public FileOps {
 public:
  FailingOps(std::optional<size_t> fail_at, bool crash, int error = EIO)
      : fail_at_(fail_at), crash_(crash), error_(error) {}

  // steps names each call made, in order, as SaveWorld's errors name them.
  const std::vector<std::string>& steps() const { return steps_; }

  int CreateTemp(std::string& path_template, int* fd) override {
    *fd = -1;
    if (Fails("create temporary file")) return error_;
    return real_.CreateTemp(path_template, fd);
  }
  int Write(int fd, const char* data, size_t size, size_t* written) override {
    *written = 0;
    if (Fails("write")) return error_;
    return real_.Write(fd, data, std::min(size, kChunk), written);
  }
  int Fsync(int fd) override {
    if (Fails(fd == dir_fd_ ? "fsync directory" : "fsync")) return error_;
    return real_.Fsync(fd);
  }
  int Close(int fd) override {
    const bool fails = Fails(fd == dir_fd_ ? "close directory" : "close");
    const int err = real_.Close(fd);  // close(2) releases fd even when it fails
    return fails ? error_ : err;
  }
  int Rename(const std::string& from, const std::string& to) override {
    if (Fails("rename")) return error_;
    return real_.Rename(from, to);
  }
  int OpenDirectory(const std::string& dir, int* fd) override {
    *fd = -1;
    if (Fails("open directory")) return error_;
    const int err = real_.OpenDirectory(dir, fd);
    dir_fd_ = *fd;
    return err;
  }
  int Unlink(const std::string& path) override {
    if (crash_ && fail_at_ && calls_ > *fail_at_) return error_;  // dead: no clean-up
    return real_.Unlink(path);  // clean-up is not a step; it never fails here
  }

 private:
  bool Fails(const char* step) {
    steps_.emplace_back(step);
    const size_t n = calls_++;
    if (!fail_at_) return false;
    return n == *fail_at_ || (crash_ && n > *fail_at_);
  }

  PosixFileOps real_;
  std::optional<size_t> fail_at_;
  bool crash_;
  int error_;
  size_t calls_ = 0;
  int dir_fd_ = -1;
  std::vector<std::string> steps_;
};

class SavePathTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = fs::temp_directory_path().string() + "/save_path_test.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    path_ = (dir_ / "w.json").string();
    // Before and after differ in a way a torn file would show: the after
    // world is longer (more objects), so a partial write is neither.
    before_ = MakeWorld(MakeUser(PartitionKind::kV0, 2), MakeBackupHsm());
    after_ = MakeWorld(MakeUser(PartitionKind::kV1, 12), MakeBackupHsm());
    after_.clock.now += 60;
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::vector<std::string> Entries() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir_)) names.push_back(e.path().filename());
    std::sort(names.begin(), names.end());
    return names;
  }

  // Steps runs a save that does not fail and returns the steps it took.
  std::vector<std::string> Steps() {
    FailingOps counting(std::nullopt, false);
    const Status s = SaveWorld(after_, path_, counting);
    EXPECT_TRUE(s.ok()) << s.ToString();
    fs::remove(path_);
    return counting.steps();
  }

  fs::path dir_;
  std::string path_;
  World before_;
  World after_;
};

TEST_F(SavePathTest, ASaveTakesEveryStepInOrder) {
  const std::vector<std::string> steps = Steps();
  const size_t chunks = (WorldToJson(after_).size() + kChunk - 1) / kChunk;
  ASSERT_GE(chunks, 3u) << "the world is too small to fail between writes";
  std::vector<std::string> want = {"create temporary file"};
  want.insert(want.end(), chunks, "write");
  for (const char* s : {"fsync", "close", "rename", "open directory", "fsync directory",
                        "close directory"}) {
    want.emplace_back(s);
  }
  EXPECT_EQ(steps, want);
}

// Every step fails once, with the file there before and without one.
TEST_F(SavePathTest, AFailureAtAnyStepLeavesTheFileBeforeOrAfter) {
  const std::vector<std::string> steps = Steps();
  const auto rename = std::find(steps.begin(), steps.end(), "rename");
  ASSERT_NE(rename, steps.end());
  const size_t rename_at = static_cast<size_t>(rename - steps.begin());
  const std::string after_text = WorldToJson(after_);
  for (bool existed : {true, false}) {
    for (size_t k = 0; k < steps.size(); ++k) {
      SCOPED_TRACE((existed ? "over a file, step " : "new file, step ") + std::to_string(k) +
                   " (" + steps[k] + ")");
      fs::remove(path_);
      std::optional<std::string> before_text;
      if (existed) {
        ASSERT_TRUE(SaveWorld(before_, path_).ok());
        before_text = testing::ReadFile(path_);
      }
      FailingOps ops(k, false, ENOSPC);
      const Status s = SaveWorld(after_, path_, ops);
      ASSERT_FALSE(s.ok());
      EXPECT_EQ(s.code(), Ckr::kGeneralError);
      EXPECT_NE(s.message().find(steps[k] + " failed"), std::string::npos) << s.message();
      EXPECT_NE(s.message().find(path_), std::string::npos) << s.message();
      EXPECT_EQ(s.message().find(testing::kCoPassword), std::string::npos);
      // Failed before the file was replaced: exactly as before; after: saved.
      const bool saved = k > rename_at;
      EXPECT_EQ(s.message().rfind("saved ", 0) == 0, saved) << s.message();
      if (saved) {
        EXPECT_EQ(testing::ReadFile(path_), after_text);
      } else if (before_text) {
        EXPECT_EQ(testing::ReadFile(path_), *before_text);
      } else {
        EXPECT_FALSE(fs::exists(path_));
      }
      // No temporary file is left behind.
      const std::vector<std::string> want =
          (saved || existed) ? std::vector<std::string>{"w.json"} : std::vector<std::string>{};
      EXPECT_EQ(Entries(), want);
    }
  }
}

// A crash at any step (nothing after it runs, not even the clean-up): the
// world file is still whole, as before or as after. Only a temporary file
// may be left, and it never has the world file's name.
TEST_F(SavePathTest, ACrashAtAnyStepLeavesTheFileBeforeOrAfter) {
  const std::vector<std::string> steps = Steps();
  const std::string after_text = WorldToJson(after_);
  for (size_t k = 0; k < steps.size(); ++k) {
    SCOPED_TRACE("crash at step " + std::to_string(k) + " (" + steps[k] + ")");
    fs::remove_all(dir_);
    fs::create_directory(dir_);
    ASSERT_TRUE(SaveWorld(before_, path_).ok());
    const std::string before_text = testing::ReadFile(path_);
    FailingOps ops(k, true);
    EXPECT_FALSE(SaveWorld(after_, path_, ops).ok());
    const std::string now = testing::ReadFile(path_);
    EXPECT_TRUE(now == before_text || now == after_text) << "torn: " << now.size() << " bytes";
    auto w = LoadWorld(path_);
    EXPECT_TRUE(w.ok()) << w.status().ToString();
    for (const std::string& name : Entries()) {
      if (name != "w.json") {
        EXPECT_EQ(name.rfind(".w.json.tmp-", 0), 0u) << name;
      }
    }
  }
}

// A write that reports success but writes nothing would loop forever; it is
// an I/O error instead.
class StalledWrites : public FileOps {
 public:
  int CreateTemp(std::string& t, int* fd) override { return real_.CreateTemp(t, fd); }
  int Write(int, const char*, size_t, size_t* written) override {
    *written = 0;
    return 0;
  }
  int Fsync(int fd) override { return real_.Fsync(fd); }
  int Close(int fd) override { return real_.Close(fd); }
  int Rename(const std::string& a, const std::string& b) override { return real_.Rename(a, b); }
  int OpenDirectory(const std::string& d, int* fd) override { return real_.OpenDirectory(d, fd); }
  int Unlink(const std::string& p) override { return real_.Unlink(p); }

 private:
  PosixFileOps real_;
};

TEST_F(SavePathTest, AWriteThatMakesNoProgressFails) {
  StalledWrites ops;
  const Status s = SaveWorld(after_, path_, ops);
  EXPECT_EQ(s.code(), Ckr::kGeneralError);
  EXPECT_NE(s.message().find("write failed"), std::string::npos) << s.message();
  EXPECT_TRUE(Entries().empty());
}

}  // namespace
}  // namespace hsmbackup
