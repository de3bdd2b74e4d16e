// A backup that deletes or overwrites backup objects asks proceed/quit first
// (OPT-REPLACE-CONFIRM); -force skips the question (OPT-FORCE).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "support/test_support.h"
#include "support/worlds.h"

namespace hsmbackup {
namespace {

using namespace hsmbackup::testing;  // NOLINT(build/namespaces)

constexpr char kPrompt[] = "Type 'proceed' to continue, or 'quit' to quit now ->";

size_t Asked(const Runner& r) {
  return static_cast<size_t>(std::count_if(r.last().begin(), r.last().end(), [](const auto& l) {
    return l.rfind(kPrompt, 0) == 0;
  }));
}

// Backed: a V0 source whose first object is backed up to "bk"; the CO stays
// logged in.
struct Backed {
  Backed() : world(WorldBuilder().Source(PartitionKind::kV0).Backup(MakeBackupHsm()).Build()),
             r(&world) {
    EXPECT_TRUE(Succeeded(r, r.Do(std::string("role login -name co -password ") + kCoPassword)));
    EXPECT_TRUE(Succeeded(r, r.Do(BackupLine("-objects 100"))));
  }
  World world;
  Runner r;
};

TEST(OptReplaceConfirm, ReplaceAsksAndQuitChangesNothing) {
  HSMB_CLAUSE("OPT-REPLACE-CONFIRM");
  for (const char* answer : {"quit", "no", ""}) {
    Backed b;
    const World before = b.world;
    Result res = b.r.Do(BackupLine("-replace"), {answer});
    EXPECT_TRUE(FailedWith(b.r, res, Ckr::kFunctionCanceled)) << answer;
    EXPECT_EQ(Asked(b.r), 1u);
    EXPECT_TRUE(b.world == before) << "a cancelled replace keeps the old backup";
    EXPECT_TRUE(b.r.LastText().find("Logging in as the SO") == std::string::npos)
        << "asked before the SO login, so no SO attempt is spent";
    EXPECT_TRUE(b.r.LastText().find("You are replacing the backup partition bk on slot 2.") !=
                std::string::npos);
  }
}

TEST(OptReplaceConfirm, ReplaceGoesAheadOnProceedOrForce) {
  HSMB_CLAUSE("OPT-REPLACE-CONFIRM", "OPT-FORCE");
  for (bool force : {false, true}) {
    Backed b;
    Result res = force ? b.r.Do(BackupLine("-replace -force"))
                       : b.r.Do(BackupLine("-replace"), {"proceed"});
    ASSERT_TRUE(Succeeded(b.r, res));
    EXPECT_EQ(Asked(b.r), force ? 0u : 1u);
    EXPECT_EQ(HsmAt(b.world).partitions.at(0).objects.size(), UserAt(b.world).objects.size());
  }
}

TEST(OptReplaceConfirm, AppendReplaceAsksOnlyWhenItOverwrites) {
  HSMB_CLAUSE("OPT-REPLACE-CONFIRM", "OPT-APPEND-REPLACE");
  {  // object 100 is on the backup: it would be overwritten
    Backed b;
    const World before = b.world;
    Result res = b.r.Do(BackupLine("-append -replace"));  // no answer: quit
    EXPECT_TRUE(FailedWith(b.r, res, Ckr::kFunctionCanceled));
    EXPECT_EQ(Asked(b.r), 1u);
    EXPECT_TRUE(b.world == before);
  }
  {  // only objects the backup lacks: nothing is overwritten, no question
    Backed b;
    Result res = b.r.Do(BackupLine("-append -replace -objects 101,102"));
    ASSERT_TRUE(Succeeded(b.r, res));
    EXPECT_EQ(Asked(b.r), 0u);
  }
  {  // -replace of a name that does not exist deletes nothing: no question
    Backed b;
    Result res = b.r.Do(std::string("partition archive backup -slot 2 -partition other -domain ") +
                        kDomain + " -password " + kNewPartitionPassword + " -sopassword " +
                        kSoPassword + " -replace");
    ASSERT_TRUE(Succeeded(b.r, res));
    EXPECT_EQ(Asked(b.r), 0u);
  }
}

TEST(OptReplaceConfirm, PlainBackupAndAppendDoNotAsk) {
  HSMB_CLAUSE("OPT-REPLACE-CONFIRM", "OPT-APPEND");
  Backed b;
  ASSERT_TRUE(Succeeded(b.r, b.r.Do(BackupLine("-append"))));
  EXPECT_EQ(Asked(b.r), 0u);
}

}  // namespace
}  // namespace hsmbackup
