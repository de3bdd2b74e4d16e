// help, and command words that stop at a group, list the commands under
// them and change nothing, not even the clock (PROJ-COMMAND-WORDS).
#include <gtest/gtest.h>

#include <string>

#include "support/test_support.h"
#include "support/worlds.h"

namespace hsmbackup {
namespace {

using namespace hsmbackup::testing;  // NOLINT(build/namespaces)

TEST(CommandWords, HelpListsAndChangesNothing) {
  HSMB_CLAUSE("PROJ-COMMAND-WORDS");
  World w = MakeWorld(MakeUser(PartitionKind::kV0), MakeBackupHsm());
  w.clock.step_seconds = 60;
  Runner r(&w);
  const World before = w;
  for (const char* line : {"partition archive", "par arch", "help p a", "help"}) {
    ASSERT_TRUE(Succeeded(r, r.Do(line))) << line;
    for (const char* verb : {"backup", "restore", "list", "contents", "delete"}) {
      EXPECT_NE(r.LastText().find(std::string("partition archive ") + verb), std::string::npos)
          << line;
    }
    EXPECT_TRUE(w == before) << line << " moved the clock or changed a device";
  }
  ASSERT_TRUE(Succeeded(r, r.Do("help partition archive backup")));
  EXPECT_NE(r.LastText().find("-sopassword <sopassword>"), std::string::npos);
  EXPECT_EQ(r.LastText().find("partition archive restore"), std::string::npos);
}

TEST(CommandWords, AbbreviatedWordsRunTheCommand) {
  HSMB_CLAUSE("PROJ-COMMAND-WORDS");
  World w = MakeWorld(MakeUser(PartitionKind::kV0), MakeBackupHsm());
  Runner r(&w);
  ASSERT_TRUE(Succeeded(r, r.Do(std::string("rol logi -name co -password ") + kCoPassword)));
  std::string line = BackupLine();
  line.replace(0, std::string("partition archive backup").size(), "par arch back");
  ASSERT_TRUE(Succeeded(r, r.Do(line)));
  EXPECT_EQ(HsmAt(w).partitions.size(), 1u);
  EXPECT_EQ(r.LastText().find(kSoPassword), std::string::npos);
}

}  // namespace
}  // namespace hsmbackup
