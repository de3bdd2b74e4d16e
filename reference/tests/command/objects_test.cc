#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "hsmbackup/command.h"
#include "support/test_support.h"

namespace hsmbackup {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(ParseObjectList, AcceptsEveryDocumentedForm) {
  HSMB_CLAUSE("OPT-OBJECTS-FORMS");
  for (const char* all : {"0", "all", "ALL", "All"}) {
    auto sel = ParseObjectList(all);
    ASSERT_TRUE(sel.ok()) << all << ": " << sel.status().ToString();
    EXPECT_TRUE(sel->all) << all;
    EXPECT_TRUE(sel->handles.empty()) << all;
  }
  auto one = ParseObjectList("7");
  ASSERT_TRUE(one.ok());
  EXPECT_FALSE(one->all);
  EXPECT_THAT(one->handles, ElementsAre(7u));

  auto list = ParseObjectList("3,4,6");
  ASSERT_TRUE(list.ok());
  EXPECT_FALSE(list->all);
  EXPECT_THAT(list->handles, ElementsAre(3u, 4u, 6u));
}

TEST(ParseObjectList, KeepsTheOrderGiven) {
  HSMB_CLAUSE("OPT-OBJECTS-FORMS");
  auto list = ParseObjectList("70,69,53,4294967295,1");
  ASSERT_TRUE(list.ok());
  EXPECT_THAT(list->handles, ElementsAre(70u, 69u, 53u, 4294967295u, 1u));
}

TEST(ParseObjectList, LeadingZerosAreDecimal) {
  HSMB_CLAUSE("OPT-OBJECTS-FORMS");
  auto list = ParseObjectList("010,007");
  ASSERT_TRUE(list.ok());
  EXPECT_THAT(list->handles, ElementsAre(10u, 7u));
  auto zero = ParseObjectList("00");
  ASSERT_TRUE(zero.ok());
  EXPECT_TRUE(zero->all);
}

struct Invalid {
  const char* text;
  const char* message;  // a substring the message must hold
};

TEST(ParseObjectList, RejectsMalformedListsNamingTheProblem) {
  HSMB_CLAUSE("OPT-OBJECTS-INVALID");
  const Invalid cases[] = {
      {"", "-objects: empty value"},
      {"3,,4", "-objects: empty handle in list '3,,4'"},
      {"3,", "-objects: empty handle in list '3,'"},
      {",3", "-objects: empty handle in list ',3'"},
      {",", "empty handle"},
      {"3a", "'3a' is not a decimal handle"},
      {"x", "'x' is not a decimal handle"},
      {"all,3", "'all' is not a decimal handle"},
      {"3;4", "'3;4' is not a decimal handle"},
      {"3, 4", "space in list '3, 4'"},
      {" 3", "space"},
      {"3 ", "space"},
      {"0,3", "handle 0"},
      {"3,0", "handle 0"},
      {"3,4,3", "duplicate handle 3 in list '3,4,3'"},
      {"007,7", "duplicate handle 7"},
      {"4294967296", "'4294967296' is larger than 4294967295"},
      {"3,99999999999999999999999", "is larger than 4294967295"},
      {"-3", "signed handle '-3'"},
      {"+3", "signed handle '+3'"},
      {"3,+4", "signed handle '+4'"},
      {"0x10", "'0x10' is not a decimal handle"},
  };
  for (const Invalid& c : cases) {
    auto sel = ParseObjectList(c.text);
    ASSERT_FALSE(sel.ok()) << "'" << c.text << "' was accepted";
    EXPECT_EQ(sel.status().code(), Ckr::kArgumentsBad) << c.text;
    EXPECT_THAT(sel.status().message(), HasSubstr(c.message)) << c.text;
    EXPECT_EQ(sel.status().message().rfind("-objects: ", 0), 0u) << c.text;
  }
}

TEST(ParseObjectList, ShortensHugeListsInMessages) {
  HSMB_CLAUSE("OPT-OBJECTS-INVALID");
  std::string text;
  for (int i = 1; i <= 2000; ++i) text += std::to_string(i) + ",";
  auto sel = ParseObjectList(text);
  ASSERT_FALSE(sel.ok());
  EXPECT_LT(sel.status().message().size(), 200u);
}

TEST(ParseObjectList, AcceptsLongValidLists) {
  HSMB_CLAUSE("OPT-OBJECTS-FORMS");
  std::string text;
  for (int i = 1; i <= 5000; ++i) text += (i > 1 ? "," : "") + std::to_string(i);
  auto sel = ParseObjectList(text);
  ASSERT_TRUE(sel.ok());
  EXPECT_EQ(sel->handles.size(), 5000u);
}

}  // namespace
}  // namespace hsmbackup
