#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "hsmbackup/command.h"
#include "support/test_support.h"

namespace hsmbackup {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(RedactCommandLine, HidesEverySecretOfTheSeedExample) {
  HSMB_CLAUSE("OUT-NO-SECRETS");
  EXPECT_EQ(RedactCommandLine(
                "partition archive backup -slot 2 -partition sa78backup -domain "
                "clientdomain -password newPa$$w0rd -sopassword backupSOpwd"),
            "partition archive backup -slot 2 -partition sa78backup -domain "
            "******** -password ******** -sopassword ********");
}

TEST(RedactCommandLine, HidesAbbreviationsInAnyCase) {
  HSMB_CLAUSE("OUT-NO-SECRETS");
  EXPECT_EQ(RedactCommandLine("partition archive backup -s 2 -PAS a -Sop b -dO c"),
            "partition archive backup -s 2 -PAS ******** -Sop ******** -dO ********");
  EXPECT_EQ(RedactCommandLine("partition archive list -s 1 -sopass x -deb"),
            "partition archive list -s 1 -sopass ******** -deb");
  EXPECT_EQ(RedactCommandLine("role login -name co -password x"),
            "role login -name co -password ********");
  EXPECT_EQ(RedactCommandLine("ROLE LOGIN -n co -p x"), "ROLE LOGIN -n co -p ********");
}

TEST(RedactCommandLine, KeepsEverythingElseByteForByte) {
  HSMB_CLAUSE("OUT-NO-SECRETS");
  const std::string plain = "  partition  archive\tbackup -slot direct -par p1 -o 3,4 ";
  EXPECT_EQ(RedactCommandLine(plain), plain);
  EXPECT_EQ(RedactCommandLine(""), "");
  EXPECT_EQ(RedactCommandLine("slot list"), "slot list");
  EXPECT_EQ(RedactCommandLine("  -password  x\t-slot 1"), "  -password  ********\t-slot 1");
}

TEST(RedactCommandLine, ReplacesWholeQuotedTokens) {
  HSMB_CLAUSE("OUT-NO-SECRETS");
  EXPECT_EQ(RedactCommandLine(R"(partition archive backup -s 1 -pas "a b \" c" -f)"),
            "partition archive backup -s 1 -pas ******** -f");
  EXPECT_EQ(RedactCommandLine("partition archive backup -s 1 -do 'my dom'x -f"),
            "partition archive backup -s 1 -do ******** -f");
  EXPECT_EQ(RedactCommandLine(R"(partition archive backup -s 1 -pas "never closed -f)"),
            "partition archive backup -s 1 -pas ********");
}

TEST(RedactCommandLine, HidesMisplacedAndMalformedSecrets) {
  HSMB_CLAUSE("OUT-NO-SECRETS");
  EXPECT_EQ(RedactCommandLine("partition archive backup -s 1 -password=abc"),
            "partition archive backup -s 1 -password=********");
  EXPECT_EQ(RedactCommandLine("partition archive backup -s 1 -passwordabc"),
            "partition archive backup -s 1 -password********");
  EXPECT_EQ(RedactCommandLine("partition archive backup -s 1 --password abc"),
            "partition archive backup -s 1 --password ********");
  EXPECT_EQ(RedactCommandLine("partition archive backup -s 1 -pa abc -d def -so ghi"),
            "partition archive backup -s 1 -pa ******** -d ******** -so ********");
  EXPECT_EQ(RedactCommandLine("partition archive backup -s 1 -password pass word -f"),
            "partition archive backup -s 1 -password ******** ******** -f");
  EXPECT_EQ(RedactCommandLine("fnord -password abc"), "fnord -password ********");
}

TEST(RedactCommandLine, DoesNotTakeTheNextOptionForAValue) {
  HSMB_CLAUSE("OUT-NO-SECRETS");
  EXPECT_EQ(RedactCommandLine("partition archive backup -password -slot 1"),
            "partition archive backup -password -slot 1");
  // Not an option of backup, so the parser takes it as the password.
  EXPECT_EQ(RedactCommandLine("partition archive backup -s 1 -password -name"),
            "partition archive backup -s 1 -password ********");
  EXPECT_EQ(RedactCommandLine("partition archive backup -s 1 -password '-slot'"),
            "partition archive backup -s 1 -password ********");
}

// Lines a user might get wrong, each with {S} where a secret goes.
const std::vector<std::string> kMalformed = {
    "partition archive backup -slot 2 -password {S}",
    "partition archive backup -slot 2 -password {S} -password {S}",
    "partition archive backup -password {S}",
    "partition archive backup -slot x -password {S}",
    "partition archive backup -slot 2 -password {S} extra",
    "partition archive backup -slot 2 -password {S} {S}",
    "partition archive backup -slot 2 -password {S} \"-quoted\"",
    "partition archive backup -slot 2 -password {S} -foo",
    "partition archive backup -slot 2 -password {S} -slot",
    "partition archive backup -slot 2 -pa {S}",
    "partition archive backup -slot 2 -p {S}",
    "partition archive backup -slot 2 -d {S}",
    "partition archive backup -slot 2 -so {S}",
    "partition archive backup -slot 2 --password {S}",
    "partition archive backup -slot 2 -password={S}",
    "partition archive backup -slot 2 -password:{S}",
    "partition archive backup -slot 2 -sop={S}",
    "partition archive backup -slot 2 -do:{S}",
    "partition archive backup -slot 2 -password{S}",
    "partition archive backup -slot 2 \"-password={S}\"",
    "partition archive backup -slot 2 \"-password\" {S}",
    "partition archive backup -slot 2 -partition -pa {S}",
    "partition archive backup -slot 2 -domain {S} -defaultdomain",
    "partition archive backup -slot 2 -domain {S}{S}{S}{S}{S}{S}{S}{S}{S}{S}{S}{S}",
    "partition archive backup -slot 2 -sopassword {S} -objects 3,,4",
    "partition archive backup -slot 2 -do {S} -par " + std::string(40, 'n'),
    "partition archive backup -slot 2 -password \"{S}",
    "partition archive backup -slot 2 -password {S} -partition 'bad name'",
    "PARTITION ARCHIVE BACKUP -SLOT 2 -PASSWORD {S} -SOPASSWORD {S} -DOMAIN {S}",
    "partition archive list -slot 1 -password {S}",
    "partition archive list -slot 1 -sopassword {S} -sopassword {S}",
    "partition archive list -slot -password {S}",
    "partition archive delete -slot 1 -partition -password {S}",
    "partition archive contents -slot 1 -pas {S} -o 1",
    "partition archive restore -slot 1 -password {S} -domain {S}",
    "role login -name co -password {S} extra",
    "role login -n co -p {S} -p {S}",
    "role login -p {S}",
    "role login -n -p {S}",
    "slot list -password {S}",
    "slot set -slot 1 -password {S}",
    "foo -password {S}",
    "partition archive frob -password {S}",
    "-password {S}",
    "-domain={S} slot list",
};

// Ways to write the secret; every one contains "Zx7" and none survives.
const char* const kSecretForms[] = {
    "Zx7Secret",       "\"Zx7 Sec ret\"", "'Zx7 Sec ret'", "-Zx7Secret",
    "\"Zx7\\\"quo\\\\te\"", "Zx7\"glued part\"", "Zx7 Sec ret",
};

std::string Fill(std::string line, const std::string& secret) {
  for (size_t pos; (pos = line.find("{S}")) != std::string::npos;) {
    line.replace(pos, 3, secret);
  }
  return line;
}

TEST(RedactCommandLine, NoSecretSurvivesRedactionOrErrorsOnMalformedLines) {
  HSMB_CLAUSE("OUT-NO-SECRETS");
  int failures = 0;
  for (const std::string& tmpl : kMalformed) {
    for (const char* form : kSecretForms) {
      const std::string line = Fill(tmpl, form);
      const std::string redacted = RedactCommandLine(line);
      EXPECT_THAT(redacted, Not(HasSubstr("Zx7"))) << line;
      EXPECT_THAT(redacted, Not(HasSubstr("Sec"))) << line;
      auto command = ParseCommand(line);
      if (!command.ok()) {
        ++failures;
        EXPECT_EQ(command.status().code(), Ckr::kArgumentsBad) << line;
        EXPECT_THAT(command.status().ToString(), Not(HasSubstr("Zx7"))) << line;
        EXPECT_THAT(command.status().ToString(), Not(HasSubstr("Sec"))) << line;
      }
    }
  }
  // Nearly every line is malformed: the messages were really looked at.
  EXPECT_GT(failures, 250);
}

TEST(RedactCommandLine, ErrorsNameTheOptionNotTheSecret) {
  HSMB_CLAUSE("OUT-NO-SECRETS");
  auto c = ParseCommand("partition archive backup -s 1 -pas Zx7Secret -pas Zx7Secret");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message(), "option -password given twice");
  c = ParseCommand("partition archive backup -s 1 -password=Zx7Secret");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message(),
            "unknown option -password=******** for partition archive backup");
  c = ParseCommand("partition archive backup -s 1 -password Zx7 Secret");
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.status().message(),
              HasSubstr("unexpected argument after a secret value, not shown"));
}

// Issue 12: a PIN typed without -password is a stray word; on a verb that
// takes credentials it is masked in the echo and never quoted in the error.
TEST(RedactCommandLine, HidesAStrayWordOnAVerbThatTakesCredentials) {
  HSMB_CLAUSE("OUT-NO-SECRETS");
  EXPECT_EQ(RedactCommandLine("role login -name co userpin1234"),
            "role login -name co ********");
  EXPECT_EQ(RedactCommandLine("role login userpin1234 -name co"),
            "role login ******** -name co");
  EXPECT_EQ(RedactCommandLine("partition archive list -slot 2 backupSOpwd"),
            "partition archive list -slot 2 ********");
  EXPECT_EQ(RedactCommandLine("partition archive delete -slot 2 -partition p 'so pwd' -force"),
            "partition archive delete -slot 2 -partition p ******** -force");
  // Values of options stay visible, and verbs without credentials are as before.
  EXPECT_EQ(RedactCommandLine("partition archive backup -slot 2 -partition p -objects 3,4"),
            "partition archive backup -slot 2 -partition p -objects 3,4");
  EXPECT_EQ(RedactCommandLine("slot set -slot 1 extra"), "slot set -slot 1 extra");
  for (const char* line : {"role login -name co userpin1234",
                           "partition archive list -slot 2 backupSOpwd"}) {
    auto c = ParseCommand(line);
    ASSERT_FALSE(c.ok()) << line;
    EXPECT_EQ(c.status().code(), Ckr::kArgumentsBad);
    EXPECT_THAT(c.status().message(), HasSubstr("not shown"));
    EXPECT_THAT(c.status().message(), Not(HasSubstr("userpin1234")));
    EXPECT_THAT(c.status().message(), Not(HasSubstr("backupSOpwd")));
  }
}

}  // namespace
}  // namespace hsmbackup
