#include <gtest/gtest.h>

#include "support/test_support.h"
#include "support/worlds.h"

namespace hsmbackup {
namespace {

using testing::BackupLine;
using testing::MakeBackupHsm;
using testing::MakeUser;
using testing::MakeWorld;
using testing::Runner;

TEST(EngineSmoke, BacksUpEveryKind) {
  for (PartitionKind kind : {PartitionKind::kPre77, PartitionKind::kV0, PartitionKind::kV1}) {
    World w = MakeWorld(MakeUser(kind), MakeBackupHsm());
    Runner r(&w);
    r.LoginCo();
    Result res = r.Do(BackupLine());
    EXPECT_TRUE(res.status.ok()) << res.status.ToString() << "\n" << r.LastText();
    const BackupHsm& hsm = *w.FindSlot(2)->backup;
    ASSERT_EQ(hsm.partitions.size(), 1u);
    EXPECT_EQ(hsm.partitions[0].objects.size(), 3u);
    EXPECT_EQ(hsm.partitions[0].objects[0].opaque(), kind == PartitionKind::kV1);
  }
}

}  // namespace
}  // namespace hsmbackup
