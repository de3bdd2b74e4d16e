// The engine's per-command indexes against the std containers they replaced.
#include "engine/object_index.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <limits>
#include <map>
#include <set>
#include <vector>

namespace hsmbackup::engine {
namespace {

// Handles near 0, around a small dense limit, and near 2^32.
rc::Gen<uint32_t> GenHandle() {
  return rc::gen::oneOf(rc::gen::inRange<uint32_t>(0, 200),
                        rc::gen::inRange<uint32_t>(std::numeric_limits<uint32_t>::max() - 50,
                                                   std::numeric_limits<uint32_t>::max()),
                        rc::gen::arbitrary<uint32_t>());
}

RC_GTEST_PROP(HandleSet, BehavesLikeASetWhateverTheDenseLimit, ()) {
  HandleSet set(*rc::gen::inRange<uint64_t>(0, 300));
  std::set<uint32_t> model;
  const int steps = *rc::gen::inRange(0, 200);
  for (int i = 0; i < steps; ++i) {
    const uint32_t h = *GenHandle();
    if (*rc::gen::inRange(0, 3) == 0) {
      set.erase(h);
      model.erase(h);
    } else {
      set.insert(h);
      model.insert(h);
    }
    const uint32_t probe = *rc::gen::oneOf(rc::gen::just(h), GenHandle());
    RC_ASSERT(set.contains(probe) == (model.count(probe) == 1));
  }
  for (uint32_t h : model) RC_ASSERT(set.contains(h));
}

TEST(DenseLimitFor, CoversTheAllocatorsNextHandlesAndItsQueue) {
  HandleAllocator alloc;
  alloc.next = 10;
  EXPECT_EQ(DenseLimitFor(alloc, 5), 16u);  // 10..15 may be handed out
  alloc.queue = {300};
  EXPECT_EQ(DenseLimitFor(alloc, 5), 301u);
}

TEST(DenseLimitFor, IsCappedWhenAWorldScriptsHugeHandles) {
  HandleAllocator alloc;
  alloc.next = std::numeric_limits<uint32_t>::max() - 1;
  EXPECT_EQ(DenseLimitFor(alloc, 10), 64u * 11 + 4096);
  HandleSet set(DenseLimitFor(alloc, 10));  // a few bits, not 2^32
  set.insert(alloc.next);
  EXPECT_TRUE(set.contains(alloc.next));
  EXPECT_FALSE(set.contains(alloc.next - 1));
}

Object WithOuid(uint8_t a, uint8_t b) {
  Object o;
  o.ouid.bytes[0] = a;
  o.ouid.bytes[11] = b;
  return o;
}

RC_GTEST_PROP(OuidIndex, FindsEveryObjectByOuidAsTheVectorGrows, ()) {
  // Few distinct OUIDs, so replacements and collisions are common; a small
  // initial capacity, so the table grows while in use.
  auto gen_ouid = rc::gen::pair(rc::gen::inRange<uint8_t>(0, 4), rc::gen::inRange<uint8_t>(0, 40));
  std::vector<Object> objects;
  std::map<Ouid, size_t> model;  // the last position of each OUID
  const int initial = *rc::gen::inRange(0, 30);
  for (int i = 0; i < initial; ++i) {
    const auto [a, b] = *gen_ouid;
    objects.push_back(WithOuid(a, b));
    model[objects.back().ouid] = objects.size() - 1;  // a repeated OUID: the last
  }
  OuidIndex<Object> index(&objects, *rc::gen::inRange<size_t>(0, 8));
  const int steps = *rc::gen::inRange(0, 150);
  for (int i = 0; i < steps; ++i) {
    const auto [a, b] = *gen_ouid;
    const Object o = WithOuid(a, b);
    // Look and AddAt (the clone loop's single probe, growing the table when
    // it must) or Find and Add: either way the same index results.
    const bool probe_once = *rc::gen::arbitrary<bool>();
    const auto probe = index.Look(o.ouid);
    const std::optional<size_t> found = index.Find(o.ouid);
    RC_ASSERT(probe.position == found);
    const auto it = model.find(o.ouid);
    RC_ASSERT(found.has_value() == (it != model.end()));
    if (found) {
      RC_ASSERT(*found == it->second);
      objects[*found].label = "replaced";  // replaced in place: the index still holds
    } else {
      objects.push_back(o);
      if (probe_once) {
        index.AddAt(probe, objects.size() - 1);
      } else {
        index.Add(objects.size() - 1);
      }
      model[o.ouid] = objects.size() - 1;
    }
  }
  for (const auto& [ouid, position] : model) RC_ASSERT(index.Find(ouid) == position);
}

TEST(OuidIndex, IndexesBackupObjectsByTheirObjectsOuid) {
  std::vector<BackupObject> objects(3);
  for (size_t i = 0; i < objects.size(); ++i) objects[i].object.ouid.bytes[5] = uint8_t(i + 1);
  OuidIndex<BackupObject> index(&objects, objects.size());
  Ouid absent;
  absent.bytes[5] = 9;
  EXPECT_EQ(index.Find(objects[2].object.ouid), 2u);
  EXPECT_EQ(index.Find(absent), std::nullopt);
}

}  // namespace
}  // namespace hsmbackup::engine
