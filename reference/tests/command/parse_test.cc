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

Command Parse(std::string_view line) {
  auto command = ParseCommand(line);
  EXPECT_TRUE(command.ok()) << line << ": " << command.status().ToString();
  return command.ok() ? *command : Command{};
}

// ExpectBad checks that `line` fails with CKR_ARGUMENTS_BAD and a message
// holding `part`.
void ExpectBad(std::string_view line, std::string_view part) {
  auto command = ParseCommand(line);
  ASSERT_FALSE(command.ok()) << "accepted: " << line;
  EXPECT_EQ(command.status().code(), Ckr::kArgumentsBad) << line;
  EXPECT_THAT(command.status().message(), HasSubstr(std::string(part))) << line;
}

TEST(ParseCommand, SeedBackupExample) {
  HSMB_CLAUSE("OUT-TRANSCRIPT", "OPT-SLOT");
  Command c = Parse(
      "partition archive backup -slot 2 -partition sa78backup -domain "
      "clientdomain -password newPa$$w0rd -sopassword backupSOpwd");
  EXPECT_EQ(c.verb, Verb::kArchiveBackup);
  ASSERT_TRUE(c.slot.has_value());
  EXPECT_FALSE(c.slot->direct);
  EXPECT_EQ(c.slot->number, 2u);
  EXPECT_EQ(c.partition, "sa78backup");
  ASSERT_TRUE(c.domain.has_value());
  EXPECT_EQ(*c.domain, Secret("clientdomain"));
  ASSERT_TRUE(c.password.has_value());
  EXPECT_EQ(*c.password, Secret("newPa$$w0rd"));
  ASSERT_TRUE(c.sopassword.has_value());
  EXPECT_EQ(*c.sopassword, Secret("backupSOpwd"));
  EXPECT_FALSE(c.defaultdomain || c.append || c.replace || c.smkonly ||
               c.debug || c.force);
  EXPECT_FALSE(c.objects.has_value());
}

TEST(ParseCommand, SeedSksExample) {
  HSMB_CLAUSE("OPT-SMKONLY");
  Command c = Parse("partition archive backup -slot 5 -smkonly");
  EXPECT_EQ(c.verb, Verb::kArchiveBackup);
  EXPECT_EQ(c.slot->number, 5u);
  EXPECT_TRUE(c.smkonly);
  EXPECT_FALSE(c.partition.has_value());
  EXPECT_FALSE(c.password.has_value());
}

TEST(ParseCommand, EverySeedShortcut) {
  HSMB_CLAUSE("OPT-SHORTCUTS");
  Command c = Parse(
      "partition archive backup -s 2 -par p1 -pas pw -sop so -do dom -a -rep "
      "-o 3,4,6 -smk -deb -f");
  EXPECT_EQ(c.slot->number, 2u);
  EXPECT_EQ(c.partition, "p1");
  EXPECT_EQ(*c.password, Secret("pw"));
  EXPECT_EQ(*c.sopassword, Secret("so"));
  EXPECT_EQ(*c.domain, Secret("dom"));
  EXPECT_TRUE(c.append && c.replace && c.smkonly && c.debug && c.force);
  EXPECT_THAT(c.objects->handles, ElementsAre(3u, 4u, 6u));
  EXPECT_TRUE(Parse("partition archive backup -s 2 -def").defaultdomain);
}

TEST(ParseCommand, AnyPrefixFromShortcutToFullNameInAnyCase) {
  HSMB_CLAUSE("OPT-SHORTCUTS");
  const std::vector<std::string> names = {
      "slot", "partition", "password", "sopassword", "domain", "defaultdomain",
      "append", "replace", "objects", "smkonly", "debug", "force"};
  const std::vector<size_t> shortcut = {1, 3, 3, 3, 2, 3, 1, 3, 1, 3, 3, 1};
  for (size_t k = 0; k < names.size(); ++k) {
    for (size_t len = shortcut[k]; len <= names[k].size(); ++len) {
      std::string spelling = "-" + names[k].substr(0, len);
      if (len % 2 == 0) spelling[1] = static_cast<char>(std::toupper(spelling[1]));
      std::string line = "partition archive backup";
      if (names[k] != "slot") line += " -slot 1";
      line += " " + spelling;
      if (names[k] == "slot" || names[k] == "partition" ||
          names[k] == "password" || names[k] == "sopassword" ||
          names[k] == "domain" || names[k] == "objects") {
        line += names[k] == "slot" || names[k] == "objects" ? " 9" : " v";
      }
      auto c = ParseCommand(line);
      EXPECT_TRUE(c.ok()) << line << ": " << c.status().ToString();
    }
  }
}

TEST(ParseCommand, SpellingsShorterThanTheShortcutAreUnknown) {
  HSMB_CLAUSE("OPT-SHORTCUTS");
  for (const char* spelling :
       {"-p", "-pa", "-d", "-de", "-sm", "-so", "-re", "-r", "-slots", "-", "--slot",
        "-forced", "-n", "-name"}) {
    ExpectBad(std::string("partition archive backup -slot 1 ") + spelling + " x",
              std::string("unknown option ") + spelling +
                  " for partition archive backup");
  }
}

TEST(ParseCommand, VerbsAreCaseInsensitiveWords) {
  EXPECT_EQ(Parse("SLOT LIST").verb, Verb::kSlotList);
  EXPECT_EQ(Parse("Partition Contents").verb, Verb::kPartitionContents);
  EXPECT_EQ(Parse("role LOGOUT").verb, Verb::kRoleLogout);
  EXPECT_EQ(Parse("partition ARCHIVE Backup -SLOT 1").verb, Verb::kArchiveBackup);
  EXPECT_EQ(Parse("partition archive restore -s 1").verb, Verb::kArchiveRestore);
  EXPECT_EQ(Parse("partition archive list -s 1").verb, Verb::kArchiveList);
  EXPECT_EQ(Parse("partition archive contents -s 1").verb, Verb::kArchiveContents);
  EXPECT_EQ(Parse("partition archive delete -s 1").verb, Verb::kArchiveDelete);
}

TEST(ParseCommand, OtherArchiveVerbsTakeTheirOwnOptions) {
  HSMB_CLAUSE("OPT-SHORTCUTS");
  Command r = Parse(
      "partition archive restore -s 4 -par bk -pas pw -o all -smk -rep -deb -f");
  EXPECT_EQ(r.verb, Verb::kArchiveRestore);
  EXPECT_EQ(r.partition, "bk");
  EXPECT_TRUE(r.objects->all);
  EXPECT_TRUE(r.smkonly && r.replace && r.debug && r.force);

  Command l = Parse("partition archive list -s direct -sop so -deb");
  EXPECT_TRUE(l.slot->direct);
  EXPECT_EQ(*l.sopassword, Secret("so"));

  Command c = Parse("partition archive contents -s 4 -par bk -pas pw -deb");
  EXPECT_EQ(c.partition, "bk");
  EXPECT_EQ(*c.password, Secret("pw"));

  Command d = Parse("partition archive delete -s 4 -par bk -sop so -f -deb");
  EXPECT_TRUE(d.force && d.debug);

  ExpectBad("partition archive restore -s 1 -domain d",
            "unknown option -domain for partition archive restore");
  ExpectBad("partition archive restore -s 1 -append",
            "unknown option -append for partition archive restore");
  ExpectBad("partition archive restore -s 1 -sopassword x",
            "unknown option -sopassword for partition archive restore");
  ExpectBad("partition archive list -s 1 -objects 3",
            "unknown option -objects for partition archive list");
  ExpectBad("partition archive list -s 1 -partition p",
            "unknown option -partition for partition archive list");
  ExpectBad("partition archive contents -s 1 -force",
            "unknown option -force for partition archive contents");
  ExpectBad("partition archive delete -s 1 -password x",
            "unknown option -password for partition archive delete");
}

TEST(ParseCommand, SlotAndRoleCommands) {
  EXPECT_EQ(Parse("slot set -slot 3").slot->number, 3u);
  EXPECT_EQ(Parse("slot set -s 0").slot->number, 0u);
  ExpectBad("slot set", "slot set needs -slot");
  ExpectBad("slot set -slot direct", "-slot: direct");
  ExpectBad("slot list -slot 1", "unknown option -slot for slot list");
  ExpectBad("slot list now", "unexpected argument 'now' for slot list");
  ExpectBad("role logout -force", "unknown option -force for role logout");
  ExpectBad("partition contents -slot 1", "unknown option -slot for partition contents");

  Command login = Parse("role login -name co -password userpin");
  EXPECT_EQ(login.verb, Verb::kRoleLogin);
  EXPECT_EQ(login.role, Role::kCo);
  EXPECT_EQ(*login.password, Secret("userpin"));
  EXPECT_EQ(Parse("role login -n PO -p x").role, Role::kPo);
  EXPECT_EQ(Parse("role login -na so").role, Role::kSo);
  EXPECT_EQ(Parse("role login -n Cu").role, Role::kCu);
  EXPECT_FALSE(Parse("role login -n co").password.has_value());
  ExpectBad("role login -n admin", "unknown role 'admin' (want co, po, so or cu)");
  ExpectBad("role login -password x", "role login needs -name");
  ExpectBad("role login -n co -slot 1", "unknown option -slot for role login");
}

TEST(ParseCommand, SlotTakesANumberOrDirect) {
  HSMB_CLAUSE("OPT-SLOT");
  EXPECT_TRUE(Parse("partition archive backup -slot direct").slot->direct);
  EXPECT_TRUE(Parse("partition archive backup -slot DiReCt").slot->direct);
  EXPECT_EQ(Parse("partition archive backup -slot 4294967295").slot->number,
            4294967295u);
  EXPECT_EQ(Parse("partition archive backup -slot 007").slot->number, 7u);
  EXPECT_FALSE(Parse("partition archive backup -slot 5").slot->direct);
  ExpectBad("partition archive backup -slot 4294967296", "is larger than 4294967295");
  ExpectBad("partition archive backup -slot 99999999999999999999999999",
            "is larger than 4294967295");
  for (const char* bad : {"+1", "-1", "1.5", "0x2", "two", "'1 '", "usb", "\"\""}) {
    ExpectBad(std::string("partition archive backup -slot ") + bad, "-slot:");
  }
}

TEST(ParseCommand, PartitionNameLimit) {
  HSMB_CLAUSE("OPT-PARTITION-MAXLEN");
  const std::string name32(32, 'n');
  EXPECT_EQ(Parse("partition archive backup -s 1 -par " + name32).partition, name32);
  const std::string name33(33, 'n');
  ExpectBad("partition archive backup -s 1 -par " + name33,
            "-partition: '" + name33 + "' is 33 characters; the maximum is 32");
  ExpectBad("partition archive backup -s 1 -par \"two words\"",
            "-partition: 'two words' has a character outside printable ASCII");
  ExpectBad("partition archive backup -s 1 -par \"tab\tname\"", "tab\\x09name");
  ExpectBad("partition archive backup -s 1 -par ''", "-partition: the name is empty");
  ExpectBad("partition archive backup -s 1 -par caf\xc3\xa9", "printable ASCII");
  EXPECT_EQ(Parse("partition archive backup -s 1 -par !~a:b/c_2019:03:09").partition,
            "!~a:b/c_2019:03:09");
}

TEST(ParseCommand, DomainAndDefaultDomainExcludeEachOther) {
  HSMB_CLAUSE("DOM-OPTION");
  ExpectBad("partition archive backup -s 1 -domain d -defaultdomain",
            "-domain and -defaultdomain exclude each other");
  ExpectBad("partition archive backup -s 1 -def -do d",
            "-domain and -defaultdomain exclude each other");
  EXPECT_TRUE(Parse("partition archive backup -s 1 -def").defaultdomain);
  EXPECT_EQ(Parse("partition archive backup -s 1 -do " + std::string(128, 'd'))
                .domain->size(),
            128u);
  ExpectBad("partition archive backup -s 1 -do " + std::string(129, 'd'),
            "-domain is longer than 128 bytes");
  ExpectBad("partition archive backup -s 1 -do ''", "-domain needs a non-empty value");
}

TEST(ParseCommand, ObjectsOption) {
  HSMB_CLAUSE("OPT-OBJECTS-FORMS", "OPT-OBJECTS-INVALID");
  EXPECT_TRUE(Parse("partition archive backup -s 1 -o 0").objects->all);
  EXPECT_THAT(Parse("partition archive backup -s 1 -objects 7").objects->handles,
              ElementsAre(7u));
  ExpectBad("partition archive backup -s 1 -o 3,,4",
            "-objects: empty handle in list '3,,4'");
  ExpectBad("partition archive backup -s 1 -o 3,4,4", "duplicate handle 4");
}

TEST(ParseCommand, CommandWordsTakeAUniquePrefix) {
  HSMB_CLAUSE("PROJ-COMMAND-WORDS");
  EXPECT_EQ(Parse("par arch backup -s 1").verb, Verb::kArchiveBackup);
  EXPECT_EQ(Parse("P A B -s 1").verb, Verb::kArchiveBackup);
  EXPECT_EQ(Parse("part arch rest -s 1").verb, Verb::kArchiveRestore);
  EXPECT_EQ(Parse("p a l -s 1").verb, Verb::kArchiveList);
  EXPECT_EQ(Parse("p a c -s 1").verb, Verb::kArchiveContents);
  EXPECT_EQ(Parse("p a d -s 1").verb, Verb::kArchiveDelete);
  EXPECT_EQ(Parse("p c").verb, Verb::kPartitionContents);
  EXPECT_EQ(Parse("s l").verb, Verb::kSlotList);
  EXPECT_EQ(Parse("sl se -s 1").verb, Verb::kSlotSet);
  EXPECT_EQ(Parse("r logi -n co").verb, Verb::kRoleLogin);
  EXPECT_EQ(Parse("r logo").verb, Verb::kRoleLogout);
  ExpectBad("r lo", "unknown command 'r lo'");          // login or logout
  ExpectBad("partitions archive backup -s 1", "unknown command");  // longer than the word
  ExpectBad("par archive backupx -s 1", "unknown command");
}

TEST(ParseCommand, HelpAndCommandGroupsAskForTheCommandsUnderThem) {
  HSMB_CLAUSE("PROJ-COMMAND-WORDS");
  const Command all = Parse("help");
  EXPECT_EQ(all.verb, Verb::kHelp);
  EXPECT_EQ(all.help_topic, "");
  EXPECT_EQ(Parse("partition archive").help_topic, "partition archive");
  EXPECT_EQ(Parse("par arch").verb, Verb::kHelp);
  EXPECT_EQ(Parse("HELP p a").help_topic, "partition archive");
  EXPECT_EQ(Parse("help par arch b").help_topic, "partition archive backup");
  EXPECT_EQ(Parse("slot").help_topic, "slot");
  ExpectBad("partition archive -slot 1", "unknown command 'partition archive'");
  ExpectBad("help foo", "unknown command 'help foo'");
  const std::string group = CommandHelp("partition archive");
  EXPECT_THAT(group, HasSubstr("The 'partition archive' command has these subcommands:"));
  for (const char* verb : {"backup", "restore", "list", "contents", "delete"}) {
    EXPECT_THAT(group, HasSubstr(std::string("partition archive ") + verb));
  }
  EXPECT_THAT(group, ::testing::Not(HasSubstr("slot list")));
  const std::string one = CommandHelp("partition archive backup");
  EXPECT_THAT(one, HasSubstr("Syntax:"));
  EXPECT_THAT(one, HasSubstr("-sopassword <sopassword>"));
  EXPECT_THAT(one, ::testing::Not(HasSubstr("partition archive restore")));
}

TEST(ParseCommand, StructuralErrors) {
  ExpectBad("foo", "unknown command 'foo'; try 'help'");
  ExpectBad("partition archive frob -slot 1",
            "unknown command 'partition archive frob'; try 'help'");
  ExpectBad("role lo", "unknown command 'role lo'");  // login or logout
  ExpectBad("", "empty command");
  ExpectBad("   ", "empty command");
  ExpectBad("partition archive backup -foo",
            "unknown option -foo for partition archive backup");
  ExpectBad("partition archive backup -s 1 -s 2", "option -slot given twice");
  ExpectBad("partition archive backup -slot 1 -SL 2", "option -slot given twice");
  ExpectBad("partition archive backup -s 1 -force -f", "option -force given twice");
  ExpectBad("partition archive backup -s 1 -par", "option -partition needs a value");
  ExpectBad("partition archive backup -s 1 -par -force",
            "option -partition needs a value");
  ExpectBad("partition archive backup -slot -par x", "option -slot needs a value");
  ExpectBad("partition archive backup -s 1 -o", "option -objects needs a value");
  // A stray word on a verb that takes credentials may be a secret: not quoted.
  ExpectBad("partition archive backup -s 1 stray",
            "unexpected argument for partition archive backup, not shown");
  ExpectBad("partition archive backup -s 1 -par a b", "unexpected argument for");
  ExpectBad("partition archive backup \"-slot\" 1", "unexpected argument for");
  ExpectBad("partition archive backup -s 1 -par \"x", "unterminated");
  for (const char* verb : {"backup", "restore", "list", "contents", "delete"}) {
    ExpectBad(std::string("partition archive ") + verb,
              std::string("partition archive ") + verb + " needs -slot");
    ExpectBad(std::string("partition archive ") + verb + " -debug",
              std::string("partition archive ") + verb + " needs -slot");
  }
}

TEST(ParseCommand, ValuesMayStartWithADashWhenNotAnOption) {
  Command c = Parse("partition archive backup -s 1 -pas -sm -sop '-slot' -par -x");
  EXPECT_EQ(*c.password, Secret("-sm"));
  EXPECT_EQ(*c.sopassword, Secret("-slot"));
  EXPECT_EQ(c.partition, "-x");
}

TEST(ParseCommand, QuotedValuesKeepSpaces) {
  Command c = Parse(R"(partition archive backup -s 1 -pas "pass word" -do 'my dom')");
  EXPECT_EQ(*c.password, Secret("pass word"));
  EXPECT_EQ(*c.domain, Secret("my dom"));
}

TEST(ParseCommand, EmptySecretsAreRejected) {
  ExpectBad("partition archive backup -s 1 -password \"\"",
            "-password needs a non-empty value");
  ExpectBad("partition archive list -s 1 -sop ''", "-sopassword needs a non-empty value");
  ExpectBad("role login -n co -p ''", "-password needs a non-empty value");
}

}  // namespace
}  // namespace hsmbackup
