// `hsmbackup serve --fixed-world W.json` (conformance/FIXED-WORLD.md): a
// target whose world lives in a file, refuses `load`, and saves every
// change back so the next process finds it.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "cli/cli_helpers.h"
#include "hsmbackup/protocol.h"
#include "hsmbackup/world_io.h"

namespace hsmbackup::cli::testing {
namespace {

using Json = nlohmann::json;

// Responses splits serve's stdout into one JSON object per line.
std::vector<Json> Responses(const std::string& out) {
  std::vector<Json> r;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) r.push_back(Json::parse(line));
  return r;
}

std::string Requests(const std::vector<std::string>& lines) {
  std::string s;
  for (const std::string& l : lines) s += l + "\n";
  return s;
}

const std::string kHello = R"({"id":1,"op":"hello","protocol":"hsmbackup-target/1"})";
const std::string kObserve = R"({"id":9,"op":"observe"})";
const std::string kBye = R"({"id":10,"op":"bye"})";

TEST(ServeFixedWorld, ListsTheCapabilityAndRefusesLoadChangingNothing) {
  TempDir dir;
  const std::string world = dir.File("w.json");
  CopyFixture("seed-example.json", world);
  const std::string before = hsmbackup::testing::ReadFile(world);
  const ToolResult r =
      RunInProcess({"serve", "--fixed-world", world},
                   Requests({kHello, kObserve,
                             R"({"id":2,"op":"load","world":)" + Json::parse(before).dump() + "}",
                             kObserve, kBye}));
  ASSERT_EQ(r.code, kExitOk) << r.err;
  const std::vector<Json> got = Responses(r.out);
  ASSERT_EQ(got.size(), 5u) << r.out;
  const Json caps = got[0]["capabilities"];
  EXPECT_NE(std::find(caps.begin(), caps.end(), "fixed-world"), caps.end()) << caps;
  EXPECT_FALSE(got[2]["ok"].get<bool>());
  EXPECT_EQ(got[2]["error"]["code"], std::string(CkrName(kFixedWorldLoadRefusal)));
  EXPECT_EQ(got[2]["error"]["code"], "CKR_OPERATION_NOT_ALLOWED");
  EXPECT_EQ(got[1]["state"], got[3]["state"]);
  EXPECT_EQ(hsmbackup::testing::ReadFile(world), before);  // nothing changed, nothing saved
}

TEST(ServeFixedWorld, StateOutlivesTheProcess) {
  TempDir dir;
  const std::string world = dir.File("w.json");
  CopyFixture("seed-example.json", world);
  const std::string backup =
      R"({"id":4,"op":"execute","line":"partition archive backup -slot 2 -partition kept )"
      R"(-domain clientdomain -password newPa$$w0rd -sopassword backupSOpwd"})";
  // The first process logs in, backs up, and is gone.
  const ToolResult first = RunInProcess(
      {"serve", "--fixed-world", world},
      Requests({kHello,
                R"({"id":3,"op":"execute","line":"role login -name co -password userpin1234"})",
                backup, kBye}));
  ASSERT_EQ(first.code, kExitOk) << first.err;
  const std::vector<Json> ran = Responses(first.out);
  ASSERT_EQ(ran.size(), 4u);
  ASSERT_EQ(ran[2]["result"], "CKR_OK") << ran[2];
  // The second finds the backup; a wrong SO password it spends is saved too.
  const ToolResult second = RunInProcess(
      {"serve", "--fixed-world", world},
      Requests(
          {kHello, kObserve,
           R"({"id":5,"op":"execute","line":"partition archive list -slot 2 -sopassword nope12345"})",
           kBye}));
  ASSERT_EQ(second.code, kExitOk) << second.err;
  const std::vector<Json> seen = Responses(second.out);
  ASSERT_EQ(seen.size(), 4u);
  const Json hsm = seen[1]["state"]["slots"][1];
  ASSERT_EQ(hsm["partitions"].size(), 1u) << hsm;
  EXPECT_EQ(hsm["partitions"][0]["name"], "kept");
  EXPECT_EQ(seen[2]["result"], "CKR_PIN_INCORRECT") << seen[2];
  StatusOr<World> saved = LoadWorld(world);
  ASSERT_TRUE(saved.ok()) << saved.status().ToString();
  EXPECT_EQ(saved->slots[1].backup->so_lockout.failures, 1u);
  EXPECT_EQ(saved->slots[1].backup->partitions.size(), 1u);
}

TEST(ServeFixedWorld, ABadWorldFileIsRefusedBeforeAnyRequest) {
  TempDir dir;
  const std::string world = dir.File("w.json");
  WriteFile(world, R"({"format":"hsmbackup-world/2"})");
  const ToolResult bad = RunBinary({"serve", "--fixed-world", world});
  EXPECT_EQ(bad.code, kExitWorld) << bad.out;
  EXPECT_NE(bad.out.find("serve --fixed-world"), std::string::npos) << bad.out;
  EXPECT_NE(bad.out.find("CKR_DATA_INVALID"), std::string::npos) << bad.out;
  EXPECT_EQ(hsmbackup::testing::ReadFile(world), R"({"format":"hsmbackup-world/2"})");
  const ToolResult missing = RunBinary({"serve", "--fixed-world", dir.File("none.json")});
  EXPECT_EQ(missing.code, kExitWorld) << missing.out;
}

TEST(ServeFixedWorld, WaitsForTheLockAndGivesUpWithExitFive) {
  TempDir dir;
  const std::string world = dir.File("w.json");
  CopyFixture("seed-example.json", world);
  StatusOr<WorldLock> held = LockWorld(world, 0);  // another process's save in progress
  ASSERT_TRUE(held.ok());
  const ToolResult r = RunInProcess({"serve", "--fixed-world", world, "--lock-timeout", "0"},
                                    Requests({kHello, kBye}));
  EXPECT_EQ(r.code, kExitLocked) << r.err;
  EXPECT_EQ(r.out, "");  // no answer it could not stand behind
}

}  // namespace
}  // namespace hsmbackup::cli::testing
