// Attributes against the std::map it replaced: same pairs, same order, same
// answers, whatever the sequence of edits.
#include "hsmbackup/attributes.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace hsmbackup {
namespace {

using Model = std::map<std::string, std::string>;

std::vector<std::pair<std::string, std::string>> Pairs(const Attributes& a) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [name, value] : a) out.emplace_back(name, value);
  return out;
}

std::vector<std::pair<std::string, std::string>> Pairs(const Model& m) {
  return {m.begin(), m.end()};
}

// Names from a small alphabet collide often; some are long enough for
// two-byte lengths (>= 128), and bytes >= 0x80 test the unsigned order.
rc::Gen<std::string> GenName() {
  return rc::gen::oneOf(
      rc::gen::container<std::string>(rc::gen::elementOf(std::string("abAB\x80\xff"))),
      rc::gen::map(rc::gen::inRange<size_t>(120, 300),
                   [](size_t n) { return std::string(n, 'n'); }));
}

rc::Gen<std::string> GenValue() {
  return rc::gen::oneOf(rc::gen::string<std::string>(),
                        rc::gen::map(rc::gen::inRange<size_t>(0, 20000),
                                     [](size_t n) { return std::string(n, 'v'); }));
}

RC_GTEST_PROP(Attributes, BehavesLikeASortedMap, ()) {
  Attributes a;
  Model m;
  const int steps = *rc::gen::inRange(0, 40);
  for (int i = 0; i < steps; ++i) {
    const std::string name = *GenName();
    if (*rc::gen::inRange(0, 3) == 0) {
      RC_ASSERT(a.Erase(name) == (m.erase(name) == 1));
    } else {
      const std::string value = *GenValue();
      a.Set(name, value);
      m[name] = value;
    }
    RC_ASSERT(Pairs(a) == Pairs(m));
    RC_ASSERT(a.size() == m.size());
    RC_ASSERT(a.empty() == m.empty());
    const std::string probe = *GenName();
    const auto found = a.Find(probe);
    RC_ASSERT(found.has_value() == (m.count(probe) == 1));
    if (found) RC_ASSERT(std::string(*found) == m.at(probe));
    RC_ASSERT(a.count(probe) == m.count(probe));
  }
  // One canonical encoding: built in any order, or from sorted entries, the
  // same pairs compare equal.
  Attributes rebuilt;
  for (auto it = m.rbegin(); it != m.rend(); ++it) rebuilt.Set(it->first, it->second);
  RC_ASSERT(rebuilt == a);
  std::vector<Attributes::value_type> sorted(m.begin(), m.end());
  const auto from_sorted = Attributes::FromSorted(sorted);
  RC_ASSERT(from_sorted.has_value());
  RC_ASSERT(*from_sorted == a);
  // AssignSorted over a set already holding other pairs (a longer or a
  // shorter buffer) gives the same set.
  Attributes assigned = {{"zz-old", std::string(40, 'v')}};
  RC_ASSERT(assigned.AssignSorted(sorted));
  RC_ASSERT(assigned == a);
  if (!m.empty()) {
    Attributes other = a;
    other.Set(m.begin()->first, m.begin()->second + "x");
    RC_ASSERT(!(other == a));
  }
}

TEST(Attributes, FromSortedRefusesDisorderAndDuplicates) {
  const std::vector<Attributes::value_type> disorder = {{"b", "1"}, {"a", "2"}};
  const std::vector<Attributes::value_type> duplicate = {{"a", "1"}, {"a", "2"}};
  EXPECT_FALSE(Attributes::FromSorted(disorder).has_value());
  EXPECT_FALSE(Attributes::FromSorted(duplicate).has_value());
  EXPECT_TRUE(Attributes::FromSorted({}).has_value());
  // AssignSorted refuses the same and leaves the set as it was.
  Attributes kept = {{"k", "v"}};
  const Attributes before = kept;
  EXPECT_FALSE(kept.AssignSorted(disorder));
  EXPECT_FALSE(kept.AssignSorted(duplicate));
  EXPECT_EQ(kept, before);
  EXPECT_TRUE(kept.AssignSorted({}));
  EXPECT_TRUE(kept.empty());
}

TEST(Attributes, InitializerListKeepsTheLastValueOfARepeatedName) {
  const Attributes a = {{"CKA_TOKEN", "true"}, {"CKA_ID", "01"}, {"CKA_TOKEN", "false"}};
  EXPECT_EQ(Pairs(a), (Pairs(Model{{"CKA_ID", "01"}, {"CKA_TOKEN", "false"}})));
}

TEST(Attributes, EmptyNamesAndValuesAreHeld) {
  Attributes a;
  a.Set("", "");
  a.Set("x", "");
  EXPECT_EQ(a.size(), 2u);
  EXPECT_EQ(a.Find(""), std::optional<std::string_view>(""));
  EXPECT_TRUE(a.Erase(""));
  EXPECT_FALSE(a.Erase(""));
  EXPECT_EQ(Pairs(a), (Pairs(Model{{"x", ""}})));
  a.clear();
  EXPECT_TRUE(a.empty());
  EXPECT_EQ(a.begin(), a.end());
}

TEST(Attributes, CountsPastOneByteOfCount) {
  Attributes a;
  Model m;
  for (int i = 0; i < 300; ++i) {  // 128 and 256 need a longer count
    const std::string name = "n" + std::to_string(i * 7919 % 300);
    a.Set(name, std::to_string(i));
    m[name] = std::to_string(i);
    ASSERT_EQ(a.size(), m.size());
  }
  EXPECT_EQ(Pairs(a), Pairs(m));
  for (int i = 0; i < 300; ++i) {
    const std::string name = "n" + std::to_string(i);
    ASSERT_TRUE(a.Erase(name));
    m.erase(name);
    ASSERT_EQ(a.size(), m.size());
    ASSERT_EQ(Pairs(a), Pairs(m));
  }
  EXPECT_TRUE(a.empty());
  EXPECT_EQ(a, Attributes());
}

}  // namespace
}  // namespace hsmbackup
