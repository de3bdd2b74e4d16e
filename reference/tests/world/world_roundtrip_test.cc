// Loading the shipped worlds, what loading means, and the canonical writer.
#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "hsmbackup/world_io.h"
#include "support/test_support.h"
#include "world/world_test_data.h"

namespace hsmbackup {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::vector<std::string> ShippedWorlds() {
  std::vector<std::string> paths;
  for (const auto& e :
       std::filesystem::directory_iterator(testing::SourcePath("fixtures/worlds"))) {
    if (e.path().extension() == ".json") paths.push_back(e.path().string());
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

World MustParse(std::string_view text) {
  auto w = ParseWorld(text, "<test>");
  EXPECT_TRUE(w.ok()) << w.status().ToString();
  return w.ok() ? *w : World{};
}

void ExpectRoundTrip(const World& w) {
  const std::string text = WorldToJson(w);
  EXPECT_EQ(text, WorldToJson(w)) << "not deterministic";
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n');
  auto again = ParseWorld(text, "<canonical>");
  ASSERT_TRUE(again.ok()) << again.status().ToString() << "\n" << text;
  EXPECT_TRUE(*again == w) << text;
  EXPECT_EQ(WorldToJson(*again), text) << "not byte-stable";
}

TEST(WorldRoundTripTest, EveryShippedWorldLoadsAndRoundTrips) {
  const auto paths = ShippedWorlds();
  EXPECT_GE(paths.size(), 7u);
  for (const std::string& path : paths) {
    SCOPED_TRACE(path);
    auto w = LoadWorld(path);
    ASSERT_TRUE(w.ok()) << w.status().ToString();
    ExpectRoundTrip(*w);
  }
}

TEST(WorldRoundTripTest, FullWorldRoundTrips) { ExpectRoundTrip(MustParse(testing::kFullWorld)); }

TEST(WorldRoundTripTest, SeedExampleMatchesTheSeed) {
  auto w = LoadWorld(testing::SourcePath("fixtures/worlds/seed-example.json"));
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  EXPECT_EQ(w->client, (Version{10, 4, 0}));
  EXPECT_EQ(w->clock.now, 1552150367);  // 2019-03-09T16:52:47Z
  ASSERT_EQ(w->slots.size(), 2u);
  const Slot& src = w->slots[0];
  ASSERT_TRUE(src.user.has_value());
  EXPECT_EQ(src.user->label, "sa78");
  EXPECT_EQ(src.user->kind, PartitionKind::kV0);
  EXPECT_EQ(src.user->auth, AuthMode::kPassword);
  EXPECT_TRUE(src.user->domain == Secret("clientdomain"));
  EXPECT_TRUE(src.user->co_password == Secret("userpin1234"));
  std::vector<uint32_t> handles;
  for (const Object& o : src.user->objects) handles.push_back(o.handle);
  EXPECT_EQ(handles, (std::vector<uint32_t>{70, 69, 53, 54, 52, 47}));
  EXPECT_EQ(src.user->handles.next, 71u);
  const Slot& bh = w->slots[1];
  EXPECT_EQ(bh.id, 2u);
  ASSERT_TRUE(bh.backup.has_value());
  EXPECT_EQ(bh.backup->model, BackupModel::kBackupHsm7);
  EXPECT_EQ(bh.backup->firmware, (Version{7, 7, 2}));
  EXPECT_EQ(bh.backup->capacity, 16777216u);
  EXPECT_TRUE(bh.backup->so_password == Secret("backupSOpwd"));
  EXPECT_TRUE(bh.backup->partitions.empty());
  EXPECT_EQ(bh.backup->handles.queue, (std::vector<uint32_t>{14, 18, 19, 23, 24, 28}));
  EXPECT_EQ(bh.backup->handles.next, 29u);
}

TEST(WorldRoundTripTest, DefaultsApply) {
  World w = MustParse(R"({"format": "hsmbackup-world/1", "client": {"version": "10.3"},
    "clock": {"now": "1970-01-01T00:00:00Z"},
    "slots": [{"id": 4, "user_partition": {"label": "p", "serial": "1", "firmware": "7.8",
      "kind": "v0", "domain": "d", "capacity": 1, "credentials": {"co": "c"}}}]})");
  EXPECT_EQ(w.client, (Version{10, 3, 0}));
  EXPECT_TRUE(w.default_domain == Secret("defaultdomain"));
  EXPECT_EQ(w.clock.step_seconds, 0);
  EXPECT_EQ(w.rng.seed, 1u);
  EXPECT_EQ(w.rng.counter, 0u);
  EXPECT_TRUE(w.faults.empty());
  const UserPartition& u = *w.slots[0].user;
  EXPECT_EQ(u.firmware, (Version{7, 8, 0}));
  EXPECT_EQ(u.policies, Policies{});
  EXPECT_EQ(u.co_lockout_threshold, 10u);
  EXPECT_TRUE(u.po_password.empty());
  EXPECT_TRUE(u.cu_password.empty());
  EXPECT_FALSE(u.smk.has_value());
  EXPECT_EQ(u.handles.next, 1u);
  EXPECT_TRUE(u.objects.empty());
  ExpectRoundTrip(w);
  // Defaults are not written: the minimal world is close to canonical.
  EXPECT_THAT(WorldToJson(w), Not(HasSubstr("policies")));
  EXPECT_THAT(WorldToJson(w), Not(HasSubstr("default_domain")));
}

TEST(WorldRoundTripTest, SlotsLoadSortedById) {
  World w = MustParse(R"({"format": "hsmbackup-world/1", "client": {"version": "10.4.0"},
    "clock": {"now": "2019-03-09T16:52:47Z"},
    "slots": [
      {"backup_hsm": {"model": "backup_hsm_7", "label": "b", "serial": "2", "firmware": "7.7.2",
                      "capacity": 100000, "so_password": "s"}, "id": 9},
      {"id": 3, "user_partition": {"label": "p", "serial": "1", "firmware": "7.8.0",
       "kind": "v0", "domain": "d", "capacity": 100, "credentials": {"co": "c"}}}]})");
  ASSERT_EQ(w.slots.size(), 2u);
  EXPECT_EQ(w.slots[0].id, 3u);
  EXPECT_EQ(w.slots[1].id, 9u);
  ExpectRoundTrip(w);
}

TEST(WorldRoundTripTest, BackupObjectsCarryTheirOuterIdentity) {
  World w = MustParse(testing::kFullWorld);
  const BackupPartition& b1 = w.slots[2].backup->partitions[0];
  EXPECT_EQ(b1.objects[0].object.handle, 14u);
  EXPECT_EQ(b1.objects[0].object.label, "k1");
  EXPECT_EQ(b1.objects[0].object.ouid.ToHex(), "000000000000000000000005");
  EXPECT_FALSE(b1.objects[0].opaque());
  // A derived value depends on the OUID only: the source copy has the same.
  EXPECT_EQ(b1.objects[0].object.value, w.slots[0].user->objects[0].value);
  const BackupPartition& b2 = w.slots[2].backup->partitions[1];
  EXPECT_TRUE(b2.objects[0].opaque());
  EXPECT_EQ(HexEncode(b2.objects[0].sealed), "5ea1ed5ea1ed");
  EXPECT_EQ(HexEncode(b2.smk_blob), "b10bb10bb10bb10b");
  // Backup HSM handles default to one past the largest on the whole HSM.
  EXPECT_EQ(w.slots[2].backup->handles.next, 17u);
  EXPECT_EQ(w.faults.size(), 3u);
  EXPECT_EQ(w.faults[1].type, FaultType::kPartitionFull);
  EXPECT_EQ(w.faults[1].at, 2u);
  EXPECT_FALSE(w.faults[1].slot.has_value());
}

// The derivation documented in WORLD-FORMAT.md, pinned.
TEST(WorldRoundTripTest, SizeDerivesTheDocumentedValue) {
  World w = MustParse(R"({"format": "hsmbackup-world/1", "client": {"version": "10.4.0"},
    "clock": {"now": "2019-03-09T16:52:47Z"},
    "slots": [{"id": 0, "user_partition": {"label": "p", "serial": "1", "firmware": "7.8.0",
      "kind": "v0", "domain": "d", "capacity": 100, "credentials": {"co": "c"},
      "objects": [
        {"handle": 1, "ouid": "000102030405060708090a0b", "class": "data", "label": "", "size": 20},
        {"handle": 2, "ouid": "000000000000000000000000", "class": "data", "label": "",
         "value": "AFCD1D7B39A820E2"},
        {"handle": 3, "ouid": "000000000000000000000001", "class": "data", "label": "",
         "value": "afcd1d7b39a820e2"}]}}]})");
  const auto& objects = w.slots[0].user->objects;
  EXPECT_EQ(HexEncode(objects[0].value.secret_bytes()), "9f62ad034b12db52fa98e1b2b22d16ad35b6878a");
  const std::string text = WorldToJson(w);
  // A value equal to its derivation is written as "size"; any other as hex.
  EXPECT_THAT(text, HasSubstr("\"size\": 8"));
  EXPECT_THAT(text, HasSubstr("\"value\": \"afcd1d7b39a820e2\""));
  EXPECT_THAT(text, Not(HasSubstr("AFCD")));
  ExpectRoundTrip(w);
}

// The complete example in WORLD-FORMAT.md is a valid world.
TEST(WorldRoundTripTest, DocumentedExampleLoads) {
  const std::string doc = testing::ReadFile(testing::SourcePath("reference/WORLD-FORMAT.md"));
  const size_t start = doc.find("```json\n");
  ASSERT_NE(start, std::string::npos);
  const size_t end = doc.find("```", start + 8);
  ASSERT_NE(end, std::string::npos);
  auto w = ParseWorld(doc.substr(start + 8, end - start - 8), "WORLD-FORMAT.md");
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  EXPECT_EQ(w->slots[1].backup->partitions[0].used(BackupModel::kBackupHsm7), 11008u);
  ExpectRoundTrip(*w);
}

TEST(WorldRoundTripTest, CanonicalTextHasFixedShape) {
  World w = MustParse(testing::kFullWorld);
  const std::string text = WorldToJson(w);
  EXPECT_EQ(text.rfind("{\n  \"format\": \"hsmbackup-world/1\",\n  \"client\": {\n", 0), 0u)
      << text;
  // Keys in schema order, not alphabetical.
  EXPECT_LT(text.find("\"label\": \"src\""), text.find("\"serial\": \"1234\""));
  EXPECT_LT(text.find("\"slots\""), text.find("\"faults\""));
  EXPECT_THAT(text, HasSubstr("\"now\": \"2019-03-09T16:52:47Z\""));
}

TEST(WorldRoundTripTest, ProgrammaticChangesRoundTrip) {
  World w = MustParse(testing::kFullWorld);
  // What the engine does: allocate handles, advance the RNG, add backups.
  w.rng.counter = 123456789012345ULL;
  w.slots[2].backup->handles.queue.clear();
  w.slots[2].backup->handles.next = 4294967295u;
  BackupPartition p = w.slots[2].backup->partitions[0];
  p.name = "b3";
  p.objects.clear();
  p.allocated = kPartitionOverheadBytes;
  w.slots[2].backup->partitions.push_back(p);
  w.slots[0].user->objects[1].value = Secret(Bytes{0x00});
  ExpectRoundTrip(w);
}

// DOM-MISMATCH-EMPTY can leave a V1 backup partition with no SMK and no objects.
TEST(WorldRoundTripTest, EmptyV1BackupRoundTrips) {
  World w = MustParse(testing::kFullWorld);
  BackupPartition& b2 = w.slots[2].backup->partitions[1];
  b2.objects.clear();
  b2.smk_blob.clear();
  ExpectRoundTrip(w);
  EXPECT_THAT(WorldToJson(w), HasSubstr("\"smk_blob\": \"\""));
}

TEST(WorldRoundTripTest, ExhaustedHandleSpaceRoundTrips) {
  World w = MustParse(testing::kFullWorld);
  w.slots[0].user->handles = HandleAllocator{};
  w.slots[0].user->handles.next = 0;  // AllocateHandle's "nothing left"
  ExpectRoundTrip(w);
}

}  // namespace
}  // namespace hsmbackup
