// The mutants that get one fact of a line (or a counter) wrong, or
// mishandle a bad world through `load`: each
// scenario shows, without the suite, that the mutant's transcript differs
// from the reference's in the fact its clause is about.
#include "mutant_support.h"

namespace hsmbackup::conformance::mutant_testing {

namespace {

// Misspelt: `world` with its first user partition's "label" also given as
// "lable", a key WORLD-FORMAT.md does not have.
Json Misspelt(Json world) {
  for (Json& slot : world["slots"]) {
    if (slot.contains("user_partition")) {
      slot["user_partition"]["lable"] = slot["user_partition"]["label"];
      break;
    }
  }
  return world;
}

}  // namespace

std::vector<Scenario> TextScenarios() {
  std::vector<Scenario> all;
  all.push_back({"drops-failure-line", "seed V0, verify_fail on handle 53: backup",
                 [] { return Fixture("faults/seed-verify-fail.json"); },
                 {{kSeedLogin, {}}, {kSeedBackup, {}}},
                 [](const Seen& ref, const Seen& mut) {
                   EXPECT_TRUE(Has(ref.last(), "Failed to clone object 53"));
                   EXPECT_FALSE(Has(mut.last(), "Failed to clone object 53"));
                   EXPECT_EQ(mut.last().result, ref.last().result);
                 }});
  all.push_back({"help-omits-restore", "seed V0: help on the archive commands",
                 [] { return Fixture("seed-example.json"); },
                 {{"help partition archive", {}}},
                 [](const Seen& ref, const Seen& mut) {
                   EXPECT_EQ(ref.last().result, "CKR_OK");
                   EXPECT_TRUE(Has(ref.last(), "restore"));
                   EXPECT_EQ(mut.last().result, "CKR_OK");
                   EXPECT_FALSE(Has(mut.last(), "restore"));
                   EXPECT_TRUE(Has(mut.last(), "backup"));
                 }});
  all.push_back({"wrong-backed-up-count", "seed V0: backup",
                 [] { return Fixture("seed-example.json"); },
                 {{kSeedLogin, {}}, {kSeedBackup, {}}},
                 [](const Seen& ref, const Seen& mut) {
                   EXPECT_TRUE(Has(ref.last(), "6 objects have been backed up"));
                   EXPECT_TRUE(Has(mut.last(), "7 objects have been backed up"));
                 }});
  all.push_back({"list-wrong-count", "seed V0: backup, then archive list",
                 [] { return Fixture("seed-example.json"); },
                 {{kSeedLogin, {}}, {kSeedBackup, {}}, {kSeedList, {}}},
                 [](const Seen& ref, const Seen& mut) {
                   EXPECT_TRUE(Has(ref.last(), "Objects:         6"));
                   EXPECT_TRUE(Has(mut.last(), "Objects:         7"));
                 }});
  all.push_back({"list-wrong-used", "seed V0: backup, then archive list",
                 [] { return Fixture("seed-example.json"); },
                 {{kSeedLogin, {}}, {kSeedBackup, {}}, {kSeedList, {}}},
                 [](const Seen& ref, const Seen& mut) {
                   const uint64_t used = (*Partition(ref.state(), 2, "p1"))["used"];
                   EXPECT_TRUE(Has(ref.last(), std::to_string(used) + " / "));
                   EXPECT_TRUE(Has(mut.last(), std::to_string(used - 9648) + " / "));
                 }});
  all.push_back({"list-omits-origin", "seed V0: backup, then archive list",
                 [] { return Fixture("seed-example.json"); },
                 {{kSeedLogin, {}}, {kSeedBackup, {}}, {kSeedList, {}}},
                 [](const Seen& ref, const Seen& mut) {
                   EXPECT_TRUE(Has(ref.last(), "Origin:"));
                   EXPECT_FALSE(Has(mut.last(), "Origin:"));
                 }});
  all.push_back({"contents-wrong-handle", "seed V0: backup, then archive contents",
                 [] { return Fixture("seed-example.json"); },
                 {{kSeedLogin, {}},
                  {kSeedBackup, {}},
                  {"partition archive contents -slot 2 -partition p1 -password newPa$$w0rd", {}}},
                 [](const Seen& ref, const Seen& mut) {
                   EXPECT_TRUE(Has(ref.last(), "Handle:          14"));
                   EXPECT_FALSE(Has(mut.last(), "Handle:          14"));
                   EXPECT_TRUE(Has(mut.last(), "Handle:          1014"));
                 }});
  all.push_back({"contents-wrong-type", "seed V0: backup, then archive contents",
                 [] { return Fixture("seed-example.json"); },
                 {{kSeedLogin, {}},
                  {kSeedBackup, {}},
                  {"partition archive contents -slot 2 -partition p1 -password newPa$$w0rd", {}}},
                 [](const Seen& ref, const Seen& mut) {
                   EXPECT_TRUE(Has(ref.last(), "Object Type:     Private Key"));
                   EXPECT_FALSE(Has(mut.last(), "Object Type:     Private Key"));
                   EXPECT_TRUE(Has(mut.last(), "Object Type:     Data"));
                 }});
  all.push_back({"co-failures-not-reset", "seed V0: a wrong CO PIN, then the right one",
                 [] { return Fixture("seed-example.json"); },
                 {{"role login -name co -password wrong-pin", {}}, {kSeedLogin, {}}},
                 [](const Seen& ref, const Seen& mut) {
                   EXPECT_EQ(mut.last().result, "CKR_OK");
                   EXPECT_EQ((*SlotById(ref.state(), 0))["co_failures"], 0);
                   EXPECT_EQ((*SlotById(mut.state(), 0))["co_failures"], 1);
                 }});
  all.push_back({"load-ignores-unknown-keys", "seed V0, a user partition key misspelt: load",
                 [] { return Fixture("seed-example.json"); },
                 {Step::LoadOf(Misspelt(Fixture("seed-example.json")))},
                 [](const Seen& ref, const Seen& mut) {
                   EXPECT_EQ(ref.last().result, "CKR_DATA_INVALID");
                   EXPECT_EQ(mut.last().result, "CKR_OK");
                 }});
  all.push_back({"load-forgets-on-refusal", "seed V0: load a document that is not a world",
                 [] { return Fixture("seed-example.json"); },
                 {Step::LoadOf(Json{{"format", "not-a-world"}})},
                 [](const Seen& ref, const Seen& mut) {
                   EXPECT_EQ(ref.last().result, "CKR_DATA_INVALID");
                   EXPECT_EQ(mut.last().result, "CKR_DATA_INVALID");
                   EXPECT_NE(SlotById(ref.state(), 0), nullptr);
                   EXPECT_TRUE(mut.state().is_null());
                 }});
  return all;
}

}  // namespace hsmbackup::conformance::mutant_testing
