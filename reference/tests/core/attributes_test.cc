// Attributes against the std::map it replaced: same pairs, same order, same
// answers, whatever the sequence of edits.
#include "hsmbackup/attributes.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <rapidcheck.h>

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

// Names from a small alphabet collide often; some are long enough to put
// the set on the heap (over Attributes::kInlineBytes), and bytes >= 0x80
// test the unsigned order.
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

// The blob payload's attribute section (BLOB-FORMAT.md, "Payload"), as the
// set holds it: a 16-bit count, then per entry a 16-bit length and the
// name, a 16-bit length and the value, big-endian.
TEST(Attributes, EncodedIsThePayloadsAttributeSection) {
  const Attributes a = {{"CKA_TOKEN", "true"}, {"CKA_SENSITIVE", "true"}};
  const std::string expected = std::string("\x00\x02", 2) + std::string("\x00\x0d", 2) +
                               "CKA_SENSITIVE" + std::string("\x00\x04", 2) + "true" +
                               std::string("\x00\x09", 2) + "CKA_TOKEN" +
                               std::string("\x00\x04", 2) + "true";
  EXPECT_EQ(a.Encoded(), expected);
  EXPECT_EQ(Attributes().Encoded(), std::string("\x00\x00", 2));
}

TEST(Attributes, AssignEncodedTakesASectionAsItIs) {
  const Attributes small = {{"CKA_TOKEN", "true"}};
  const Attributes large = {{"CKA_LABEL", std::string(300, 'l')}, {"CKA_ID", "01"}};
  for (const Attributes* source : {&small, &large}) {
    const std::string section(source->Encoded());
    const std::vector<uint8_t> bytes(section.begin(), section.end());
    Attributes into = {{"zz-old", std::string(100, 'o')}};  // on the heap before
    into.AssignEncoded(bytes);
    EXPECT_EQ(into, *source);
    EXPECT_EQ(Pairs(into), Pairs(*source));
    Attributes inline_before = {{"a", "b"}};
    inline_before.AssignEncoded(bytes);
    EXPECT_EQ(inline_before, *source);
  }
  Attributes emptied = small;
  const std::vector<uint8_t> zero_count = {0, 0};
  emptied.AssignEncoded(zero_count);
  EXPECT_TRUE(emptied.empty());
  EXPECT_EQ(emptied, Attributes());
}

TEST(Attributes, CopiesAndMovesKeepThePairsInlineOrOnTheHeap) {
  const Attributes small = {{"CKA_TOKEN", "true"}};
  const Attributes large = {{"CKA_LABEL", std::string(300, 'l')}};
  ASSERT_LE(small.Encoded().size(), Attributes::kInlineBytes);
  ASSERT_GT(large.Encoded().size(), Attributes::kInlineBytes);
  for (const Attributes* source : {&small, &large}) {
    Attributes copy = *source;
    EXPECT_EQ(copy, *source);
    Attributes moved = std::move(copy);
    EXPECT_EQ(moved, *source);
    EXPECT_TRUE(copy.empty());  // NOLINT(bugprone-use-after-move): moved-from is empty
    Attributes assigned = {{"x", "y"}};
    assigned = *source;
    EXPECT_EQ(assigned, *source);
    Attributes move_assigned = large;
    move_assigned = std::move(assigned);
    EXPECT_EQ(move_assigned, *source);
  }
}

TEST(Attributes, LengthsPastTheEncodingsWidthAreNotStored) {
  const std::string longest(Attributes::kMaxEncodedLength, 'v');
  const std::string too_long(Attributes::kMaxEncodedLength + 1, 'v');
  Attributes a = {{"k", "v"}};
  const Attributes before = a;
  a.Set("k", too_long);
  a.Set(too_long, "v");
  EXPECT_EQ(a, before);
  a.Set("k", longest);
  EXPECT_EQ(a.Find("k"), std::optional<std::string_view>(longest));
  const std::vector<Attributes::value_type> over = {{"k", too_long}};
  EXPECT_FALSE(Attributes::FromSorted(over).has_value());
}

TEST(Attributes, CountsPastOneByteOfCount) {
  Attributes a;
  Model m;
  for (int i = 0; i < 300; ++i) {  // past 255 entries
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
