// The data directory (issue 13, item 2): --data-dir, then HSMB_DATA_DIR,
// then ../share/hsmbackup beside the executable, then a build tree's; a
// named directory without clauses.json is refused, never passed over.
#include "conformance/data_dir.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include <unistd.h>

namespace hsmbackup::conformance {
namespace {

namespace fs = std::filesystem;

// A scratch tree: <root>/prefix/{bin,share/hsmbackup}, <root>/build with a
// CMakeCache.txt, <root>/flag and <root>/env data directories.
class DataDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "hsmb-data-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    root_ = pattern;
    for (const char* d : {"prefix/share/hsmbackup", "build/share/hsmbackup", "flag", "env"}) {
      Data(root_ / d);
    }
    fs::create_directories(root_ / "prefix/bin");
    fs::create_directories(root_ / "build/conformance/src/runner");
    std::ofstream(root_ / "build/CMakeCache.txt") << "# a build tree\n";
  }
  void TearDown() override { fs::remove_all(root_); }

  static void Data(const fs::path& dir) {
    fs::create_directories(dir);
    std::ofstream(dir / "clauses.json") << "{}";
  }

  fs::path root_;
};

TEST_F(DataDirTest, EachRuleInItsTurn) {
  const fs::path installed = root_ / "prefix/bin/hsmbackup-conformance";
  const fs::path built = root_ / "build/conformance/src/runner/hsmbackup-conformance";
  std::string error;
  const std::string env = (root_ / "env").string();

  auto d = FindDataDir((root_ / "flag").string(), env.c_str(), installed, &error);
  ASSERT_TRUE(d) << error;
  EXPECT_EQ(d->path, root_ / "flag");
  EXPECT_EQ(d->source, DataDir::Source::kFlag);

  d = FindDataDir("", env.c_str(), installed, &error);
  ASSERT_TRUE(d) << error;
  EXPECT_EQ(d->path, root_ / "env");
  EXPECT_STREQ(DataDirSourceName(d->source), "HSMB_DATA_DIR");

  d = FindDataDir("", "", installed, &error);
  ASSERT_TRUE(d) << error;
  EXPECT_EQ(d->path, root_ / "prefix/share/hsmbackup");
  EXPECT_EQ(d->source, DataDir::Source::kBesideExecutable);

  d = FindDataDir("", nullptr, built, &error);
  ASSERT_TRUE(d) << error;
  EXPECT_EQ(d->path, root_ / "build/share/hsmbackup");
  EXPECT_EQ(d->source, DataDir::Source::kBuildTree);
}

TEST_F(DataDirTest, ANamedDirectoryWithoutTheCatalogueIsAnError) {
  const fs::path installed = root_ / "prefix/bin/hsmbackup-conformance";
  std::string error;
  EXPECT_FALSE(FindDataDir((root_ / "prefix").string(), nullptr, installed, &error));
  EXPECT_NE(error.find("--data-dir " + (root_ / "prefix").string() + " holds no clauses.json"),
            std::string::npos)
      << error;
  const std::string env = (root_ / "nowhere").string();
  EXPECT_FALSE(FindDataDir("", env.c_str(), installed, &error));
  EXPECT_NE(error.find("HSMB_DATA_DIR=" + env + " holds no clauses.json"), std::string::npos)
      << error;
}

TEST_F(DataDirTest, NothingFoundNamesWhatWasTriedAndHowToPointAtIt) {
  fs::remove(root_ / "prefix/share/hsmbackup/clauses.json");
  std::string error;
  EXPECT_FALSE(FindDataDir("", nullptr, root_ / "prefix/bin/hsmbackup-conformance", &error));
  EXPECT_NE(error.find((root_ / "prefix/share/hsmbackup").string()), std::string::npos) << error;
  EXPECT_NE(error.find("--data-dir"), std::string::npos) << error;
  EXPECT_NE(error.find("HSMB_DATA_DIR"), std::string::npos) << error;
  // A build tree's own data is only looked for in a build tree.
  fs::remove(root_ / "build/CMakeCache.txt");
  EXPECT_FALSE(FindDataDir("", nullptr, root_ / "build/conformance/src/runner/x", &error));
}

TEST_F(DataDirTest, MissingDataIsNamed) {
  const fs::path data = root_ / "flag";
  EXPECT_NE(MissingData(data).find("fixtures/vectors, fixtures/worlds, fixtures/regressions"),
            std::string::npos)
      << MissingData(data);
  for (const char* sub : {"fixtures/vectors", "fixtures/worlds", "fixtures/regressions"}) {
    fs::create_directories(data / sub);
  }
  EXPECT_EQ(MissingData(data), "");
}

// This build's own data directory is what the tools find.
TEST(DataDir, TheBuildTreeHasOne) {
  EXPECT_EQ(MissingData(HSMB_BUILD_DATA_DIR), "");
  std::string error;
  const auto d = FindDataDir("", nullptr, CurrentExecutable(), &error);
  ASSERT_TRUE(d) << error;
  EXPECT_EQ(d->source, DataDir::Source::kBuildTree);
  EXPECT_TRUE(fs::equivalent(d->path, HSMB_BUILD_DATA_DIR));
}

}  // namespace
}  // namespace hsmbackup::conformance
