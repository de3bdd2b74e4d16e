#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "hsmbackup/command.h"
#include "support/test_support.h"

namespace hsmbackup {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

std::vector<std::string> Tokens(std::string_view line) {
  auto tokens = Tokenize(line);
  EXPECT_TRUE(tokens.ok()) << tokens.status().ToString();
  return tokens.ok() ? *tokens : std::vector<std::string>{};
}

TEST(Tokenize, SplitsOnAnyWhitespace) {
  EXPECT_THAT(Tokens("  slot\tlist \r\n"), ElementsAre("slot", "list"));
  EXPECT_THAT(Tokens(""), ElementsAre());
  EXPECT_THAT(Tokens(" \t "), ElementsAre());
}

TEST(Tokenize, SingleQuotesKeepEverythingLiterally) {
  EXPECT_THAT(Tokens(R"(-password 'a b\"c\\')"),
              ElementsAre("-password", R"(a b\"c\\)"));
}

TEST(Tokenize, DoubleQuotesEscapeOnlyQuoteAndBackslash) {
  EXPECT_THAT(Tokens(R"(-p "a \"b\" \\ \n")"),
              ElementsAre("-p", R"(a "b" \ \n)"));
}

TEST(Tokenize, QuotedPiecesJoinTheirWord) {
  EXPECT_THAT(Tokens(R"(ab"c d"'e f'g h)"), ElementsAre("abc de fg", "h"));
}

TEST(Tokenize, EmptyQuotesMakeAnEmptyToken) {
  EXPECT_THAT(Tokens(R"(-partition "" x '')"),
              ElementsAre("-partition", "", "x", ""));
}

TEST(Tokenize, BackslashOutsideQuotesIsLiteral) {
  EXPECT_THAT(Tokens(R"(a\ b)"), ElementsAre(R"(a\)", "b"));
}

TEST(Tokenize, UnterminatedQuoteFailsWithoutEchoingText) {
  for (const char* line : {R"(-password "Zq9SecretPw)", "-password 'Zq9SecretPw",
                           R"(-password "Zq9SecretPw\")"}) {
    auto tokens = Tokenize(line);
    ASSERT_FALSE(tokens.ok()) << line;
    EXPECT_EQ(tokens.status().code(), Ckr::kArgumentsBad);
    EXPECT_THAT(tokens.status().message(), HasSubstr("unterminated"));
    EXPECT_THAT(tokens.status().message(), Not(HasSubstr("Zq9")));
  }
}

}  // namespace
}  // namespace hsmbackup
