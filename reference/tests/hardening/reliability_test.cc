// Issue 12, in the library: one strict JSON reader with a depth bound on
// every path, the world lock and stale temporary files, and values checked
// before a command changes anything.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "hsmbackup/protocol.h"
#include "hsmbackup/strict_json.h"
#include "hsmbackup/world_io.h"
#include "support/test_support.h"
#include "support/worlds.h"

namespace hsmbackup {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::BackupLine;
using testing::FailedWith;
using testing::MakeBackupHsm;
using testing::MakeUser;
using testing::MakeWorld;
using testing::Runner;
using testing::Succeeded;

constexpr size_t kMillion = 1000000;

std::string Nested(size_t depth, char open, char close) {
  return std::string(depth, open) + std::string(depth, close);
}

std::string SmallWorldText() {
  return WorldToJson(MakeWorld(MakeUser(PartitionKind::kV0), MakeBackupHsm()));
}

TEST(StrictJson, RefusesAMillionLevelsWithoutRecursing) {
  for (const auto& [open, close] : {std::pair{'[', ']'}, std::pair{'{', '}'}}) {
    std::string text = Nested(kMillion, open, close);
    if (open == '{') {  // {"a":{"a":...}}
      text.clear();
      for (size_t i = 0; i < kMillion; ++i) text += "{\"a\":";
      text += "0" + std::string(kMillion, '}');
    }
    auto parsed = ParseStrictJson(text, "deep", 64);
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.status().code(), Ckr::kDataInvalid);
    EXPECT_THAT(parsed.status().message(), HasSubstr("nested deeper than 64 levels"));
    auto world = ParseWorld(text, "deep.json");
    ASSERT_FALSE(world.ok());
    EXPECT_THAT(world.status().message(), HasSubstr("nested deeper than 64 levels"));
  }
  EXPECT_TRUE(ParseStrictJson(Nested(64, '[', ']'), "ok", 64).ok());
  EXPECT_FALSE(ParseStrictJson(Nested(65, '[', ']'), "no", 64).ok());
}

TEST(StrictJson, RefusesAByteOrderMarkANulAndDuplicateKeys) {
  const std::string world = SmallWorldText();
  ASSERT_TRUE(ParseWorld(world, "w").ok());
  auto bom = ParseWorld("\xEF\xBB\xBF" + world, "w");
  ASSERT_FALSE(bom.ok());
  EXPECT_THAT(bom.status().message(), HasSubstr("byte order mark"));
  auto nul = ParseWorld(world + std::string(1, '\0') + "garbage", "w");
  ASSERT_FALSE(nul.ok());
  EXPECT_THAT(nul.status().message(),
              HasSubstr("byte " + std::to_string(world.size()) + " "));
  EXPECT_THAT(nul.status().message(), HasSubstr("NUL"));
  auto dup = ParseStrictJson(R"({"a":1,"a":2})", "d", 64);
  ASSERT_FALSE(dup.ok());
  EXPECT_THAT(dup.status().message(), HasSubstr("/a: duplicate key"));
}

TEST(ProtocolStrictness, ADeepRequestIsAnsweredNotACrash) {
  ProtocolServer server;
  // Deep in "id", and deep inside load's world.
  const std::string deep_id = "{\"id\":" + Nested(kMillion, '[', ']') + ",\"op\":\"hello\"}";
  EXPECT_THAT(server.Handle(deep_id), HasSubstr("\"ok\":false"));
  EXPECT_THAT(server.Handle(deep_id), HasSubstr("nested deeper than 65 levels"));
  const std::string deep_world =
      "{\"id\":2,\"op\":\"load\",\"world\":{\"x\":" + Nested(kMillion, '[', ']') + "}}";
  const std::string answer = server.Handle(deep_world);
  EXPECT_THAT(answer, HasSubstr("CKR_DATA_INVALID"));
  EXPECT_THAT(answer, HasSubstr("nested deeper"));
  // The server still works.
  EXPECT_THAT(server.Handle(R"({"id":3,"op":"hello","protocol":"hsmbackup-target/1"})"),
              HasSubstr("\"ok\":true"));
}

TEST(ProtocolStrictness, LoadRefusesWhatTheFileLoaderRefuses) {
  ProtocolServer server;
  const std::string world = SmallWorldText();
  const std::string good = "{\"id\":1,\"op\":\"load\",\"world\":" + world + "}";
  std::string flat = good;
  std::erase(flat, '\n');
  EXPECT_THAT(server.Handle(flat), HasSubstr("\"ok\":true"));
  // A duplicate "format" key inside the world.
  std::string dup = flat;
  dup.replace(dup.find("\"format\""), 0, "\"format\":\"hsmbackup-world/1\",");
  const std::string answer = server.Handle(dup);
  EXPECT_THAT(answer, HasSubstr("\"ok\":false"));
  EXPECT_THAT(answer, HasSubstr("CKR_DATA_INVALID"));
  EXPECT_THAT(answer, HasSubstr("duplicate key"));
  // A duplicate key in the envelope, a BOM, a NUL: all refused.
  EXPECT_THAT(server.Handle(R"({"id":1,"op":"hello","op":"bye"})"), HasSubstr("duplicate key"));
  EXPECT_THAT(server.Handle("\xEF\xBB\xBF{\"id\":1,\"op\":\"hello\"}"),
              HasSubstr("byte order mark"));
  EXPECT_THAT(server.Handle(std::string("{\"id\":1,\"op\":\"hello\"}\0x", 23)),
              HasSubstr("NUL"));
  EXPECT_FALSE(server.done());
}

class LockTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = fs::temp_directory_path().string() + "/reliability_test.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/w.json";
    ASSERT_TRUE(SaveWorld(MakeWorld(MakeUser(PartitionKind::kV0), MakeBackupHsm()), path_).ok());
  }
  void TearDown() override { fs::remove_all(dir_); }
  void Touch(const std::string& name) { std::ofstream(dir_ + "/" + name) << "secret"; }

  std::string dir_;
  std::string path_;
};

TEST_F(LockTest, ASecondLockerWaitsThenGivesUpWithItsOwnCode) {
  auto first = LockWorld(path_, 0);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_TRUE(first->held());
  // flock excludes across open file descriptions, even in one process.
  auto second = LockWorld(path_, 0);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), Ckr::kFunctionCanceled);
  EXPECT_THAT(second.status().message(), HasSubstr("locked by another process"));
  EXPECT_THAT(second.status().message(), HasSubstr("--lock-timeout"));
  *first = WorldLock();  // released
  auto third = LockWorld(path_, 0);
  EXPECT_TRUE(third.ok()) << third.status().ToString();
  struct stat st {};
  ASSERT_EQ(::stat((dir_ + "/.w.json.lock").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(LockTest, TakingTheLockRemovesOnlyThisWorldsStaleTemporaryFiles) {
  Touch(".w.json.tmp-Ab12Z9");         // a killed save's leftover
  Touch(".w.json.tmp-Ab12Z");          // not mkstemp's shape
  Touch(".other.json.tmp-Ab12Z9");     // another world's
  Touch("w.json.tmp-Ab12Z9");          // not hidden: not ours
  fs::create_symlink(path_, dir_ + "/.w.json.tmp-LINK00");  // not a regular file
  auto lock = LockWorld(path_, 0);
  ASSERT_TRUE(lock.ok());
  EXPECT_EQ(lock->stale_removed(), 1u);
  EXPECT_FALSE(fs::exists(dir_ + "/.w.json.tmp-Ab12Z9"));
  EXPECT_TRUE(fs::exists(dir_ + "/.w.json.tmp-Ab12Z"));
  EXPECT_TRUE(fs::exists(dir_ + "/.other.json.tmp-Ab12Z9"));
  EXPECT_TRUE(fs::exists(dir_ + "/w.json.tmp-Ab12Z9"));
  EXPECT_TRUE(fs::is_symlink(dir_ + "/.w.json.tmp-LINK00"));
}

// ModeOps notes the mode of the temporary file just before its rename.
class ModeOps final : public FileOps {
 public:
  int CreateTemp(std::string& t, int* fd) override { return real_.CreateTemp(t, fd); }
  int Write(int fd, const char* d, size_t n, size_t* w) override {
    return real_.Write(fd, d, n, w);
  }
  int Fsync(int fd) override { return real_.Fsync(fd); }
  int Close(int fd) override { return real_.Close(fd); }
  int Rename(const std::string& from, const std::string& to) override {
    struct stat st {};
    if (::stat(from.c_str(), &st) == 0) mode = st.st_mode & 0777;
    return real_.Rename(from, to);
  }
  int OpenDirectory(const std::string& d, int* fd) override {
    return real_.OpenDirectory(d, fd);
  }
  int Unlink(const std::string& p) override { return real_.Unlink(p); }
  mode_t mode = 0;

 private:
  PosixFileOps real_;
};

TEST_F(LockTest, TemporaryFilesAreOwnerOnlyWhateverTheUmask) {
  const mode_t old = ::umask(0);
  ModeOps ops;
  const Status saved =
      SaveWorld(MakeWorld(MakeUser(PartitionKind::kV0, 4), MakeBackupHsm()), path_, ops);
  ::umask(old);
  ASSERT_TRUE(saved.ok()) << saved.ToString();
  EXPECT_EQ(ops.mode, 0600u);
}

TEST(ValidateBeforeActing, AClockThatCannotAdvanceRunsNothing) {
  for (const auto& [now, step] :
       {std::pair<int64_t, int64_t>{kMaxWorldTime, 1},
        {1552150367, std::numeric_limits<int64_t>::max()},
        {kMaxWorldTime - 10, 11}}) {
    World world = MakeWorld(MakeUser(PartitionKind::kV0), MakeBackupHsm());
    world.clock = Clock{now, step};
    const World before = world;
    Runner r(&world);
    Result res = r.Do("slot list");
    EXPECT_TRUE(FailedWith(r, res, Ckr::kGeneralError)) << now << " + " << step;
    EXPECT_THAT(res.status.message(), HasSubstr("9999-12-31T23:59:59Z"));
    EXPECT_TRUE(world == before);
  }
  // Up to the last second is fine, and the world still saves.
  World world = MakeWorld(MakeUser(PartitionKind::kV0), MakeBackupHsm());
  world.clock = Clock{kMaxWorldTime - 1, 1};
  Runner r(&world);
  EXPECT_TRUE(Succeeded(r, r.Do("slot list")));
  EXPECT_EQ(world.clock.now, kMaxWorldTime);
  EXPECT_TRUE(ParseWorld(WorldToJson(world), "w").ok());
}

TEST(ValidateBeforeActing, ABackupPasswordTheWorldCannotHoldIsRefusedFirst) {
  World world = MakeWorld(MakeUser(PartitionKind::kV0), MakeBackupHsm());
  Runner r(&world);
  r.LoginCo();
  const World before = world;
  const std::string too_long(kMaxPasswordBytes + 1, 'p');
  const std::string line = "partition archive backup -slot 2 -partition bk -domain " +
                           std::string(testing::kDomain) + " -password " + too_long +
                           " -sopassword " + testing::kSoPassword;
  Result res = r.Do(line);
  EXPECT_TRUE(FailedWith(r, res, Ckr::kPinLenRange));
  EXPECT_THAT(r.LastText(), Not(HasSubstr(too_long)));
  EXPECT_TRUE(world == before);
  std::string at_limit = line;
  at_limit.replace(at_limit.find(too_long), too_long.size(), std::string(kMaxPasswordBytes, 'p'));
  EXPECT_TRUE(Succeeded(r, r.Do(at_limit)));
  EXPECT_TRUE(ParseWorld(WorldToJson(world), "w").ok()) << "what succeeded also saves";
}

}  // namespace
}  // namespace hsmbackup
