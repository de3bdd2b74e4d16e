// Linked into every GoogleTest executable by hsmb_add_gtest (Tests.cmake).
//
// A sharded run passes GTEST_TOTAL_SHARDS and GTEST_SHARD_INDEX in the
// environment, and every process a test starts would inherit them: the
// conformance runner is a GoogleTest program too, so a runner a test starts
// would run only its own share of the checks. GoogleTest reads the two
// variables when it chooses the tests to run, before any environment's
// SetUp; this environment then removes them, so what the tests start sees
// the environment a developer's run would give it.
#include <gtest/gtest.h>

#include <cstdlib>

namespace {

class HsmbForgetShards final : public ::testing::Environment {
 public:
  void SetUp() override {
    unsetenv("GTEST_TOTAL_SHARDS");
    unsetenv("GTEST_SHARD_INDEX");
    unsetenv("GTEST_SHARD_STATUS_FILE");
  }
};

[[maybe_unused]] ::testing::Environment* const kHsmbForgetShards =
    ::testing::AddGlobalTestEnvironment(new HsmbForgetShards);

}  // namespace
