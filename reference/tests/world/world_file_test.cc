// LoadWorld and SaveWorld on a real file system.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "hsmbackup/world_io.h"
#include "support/test_support.h"
#include "world/world_test_data.h"

namespace hsmbackup {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class WorldFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = fs::temp_directory_path().string() + "/world_file_test.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    auto w = ParseWorld(testing::kFullWorld, "<test>");
    ASSERT_TRUE(w.ok()) << w.status().ToString();
    world_ = *w;
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::vector<std::string> Entries(const fs::path& dir) const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir)) {
      names.push_back(e.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }
  static void Write(const fs::path& p, const std::string& text) {
    std::ofstream(p, std::ios::binary) << text;
  }

  fs::path dir_;
  World world_;
};

TEST_F(WorldFileTest, SaveThenLoadGivesTheSameWorld) {
  const std::string path = (dir_ / "w.json").string();
  ASSERT_TRUE(SaveWorld(world_, path).ok());
  EXPECT_EQ(testing::ReadFile(path), WorldToJson(world_));
  auto back = LoadWorld(path);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE(*back == world_);
  ASSERT_TRUE(SaveWorld(*back, path).ok());
  EXPECT_EQ(testing::ReadFile(path), WorldToJson(world_));
  EXPECT_EQ(Entries(dir_), std::vector<std::string>{"w.json"});
  // The file holds secrets, so only its owner may read it.
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(WorldFileTest, SaveReplacesAnExistingFileEntirely) {
  const fs::path path = dir_ / "w.json";
  Write(path, std::string(200000, 'x'));  // longer than the world
  ASSERT_TRUE(SaveWorld(world_, path.string()).ok());
  EXPECT_EQ(testing::ReadFile(path.string()), WorldToJson(world_));
  EXPECT_EQ(Entries(dir_), std::vector<std::string>{"w.json"});
}

TEST_F(WorldFileTest, SaveIntoAMissingDirectoryFailsAndCreatesNothing) {
  const fs::path missing = dir_ / "no-such-dir";
  const std::string path = (missing / "w.json").string();
  Status s = SaveWorld(world_, path);
  EXPECT_EQ(s.code(), Ckr::kGeneralError);
  EXPECT_THAT(s.message(), HasSubstr(path));
  EXPECT_FALSE(fs::exists(missing));
  EXPECT_TRUE(Entries(dir_).empty());
}

TEST_F(WorldFileTest, SaveOverADirectoryFailsCleanly) {
  const fs::path target = dir_ / "w.json";
  fs::create_directory(target);
  Write(dir_ / "other.json", "keep me");
  Status s = SaveWorld(world_, target.string());
  EXPECT_EQ(s.code(), Ckr::kGeneralError);
  EXPECT_THAT(s.message(), HasSubstr(target.string()));
  EXPECT_TRUE(fs::is_directory(target));
  EXPECT_TRUE(Entries(target).empty());
  // No temporary file is left behind next to the target.
  EXPECT_EQ(Entries(dir_), (std::vector<std::string>{"other.json", "w.json"}));
  EXPECT_EQ(testing::ReadFile((dir_ / "other.json").string()), "keep me");
}

TEST_F(WorldFileTest, FailedSaveLeavesTheOriginalByteIdentical) {
  const fs::path path = dir_ / "w.json";
  const std::string original = "{\"original\": true}\n";
  Write(path, original);
  World broken = world_;
  broken.slots[0].user->label = std::string(40, 'L');  // would not load back
  Status s = SaveWorld(broken, path.string());
  EXPECT_EQ(s.code(), Ckr::kGeneralError);
  EXPECT_THAT(s.message(), HasSubstr(path.string()));
  EXPECT_THAT(s.message(), HasSubstr("/slots/0/user_partition/label"));
  EXPECT_EQ(testing::ReadFile(path.string()), original);
  EXPECT_EQ(Entries(dir_), std::vector<std::string>{"w.json"});
}

TEST_F(WorldFileTest, SaveRefusesAWorldThatDoesNotSurviveALoad) {
  const fs::path path = dir_ / "w.json";
  World unsorted = world_;
  std::swap(unsorted.slots[0], unsorted.slots[1]);  // loads back sorted
  Status s = SaveWorld(unsorted, path.string());
  EXPECT_EQ(s.code(), Ckr::kGeneralError);
  EXPECT_FALSE(fs::exists(path));
  EXPECT_TRUE(Entries(dir_).empty());
}

TEST_F(WorldFileTest, LoadMissingFileNamesPathAndReason) {
  const std::string path = (dir_ / "absent.json").string();
  auto w = LoadWorld(path);
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.status().code(), Ckr::kGeneralError);
  EXPECT_THAT(w.status().message(), HasSubstr(path));
  EXPECT_THAT(w.status().message(), HasSubstr("No such file or directory"));
}

TEST_F(WorldFileTest, LoadDirectoryFails) {
  auto w = LoadWorld(dir_.string());
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.status().code(), Ckr::kGeneralError);
  EXPECT_THAT(w.status().message(), HasSubstr(dir_.string()));
}

TEST_F(WorldFileTest, LoadInvalidContentNamesTheFile) {
  const fs::path path = dir_ / "bad.json";
  Write(path, "{\"format\": \"hsmbackup-world/1\"}");
  auto w = LoadWorld(path.string());
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.status().code(), Ckr::kDataInvalid);
  EXPECT_EQ(w.status().message(), path.string() + ": /client: required key is missing");
}

}  // namespace
}  // namespace hsmbackup
