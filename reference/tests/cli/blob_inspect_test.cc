// hsmbackup blob inspect.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "cli_helpers.h"
#include "hsmbackup/blob.h"
#include "tool.h"

namespace hsmbackup::cli {
namespace {

using ::testing::HasSubstr;

TEST(BlobInspect, GarbageIsDataInvalidWithExitOne) {
  testing::TempDir dir;
  const std::string path = dir.File("garbage.blob");
  testing::WriteFile(path, "this is not a clone blob\n");
  auto r = testing::RunInProcess({"blob", "inspect", path});
  EXPECT_EQ(r.code, kExitCommandFailed);
  EXPECT_THAT(r.err, HasSubstr("CKR_DATA_INVALID"));
  EXPECT_THAT(r.err, HasSubstr(path));
}

TEST(BlobInspect, UnreadableFileIsExitThree) {
  testing::TempDir dir;
  auto r = testing::RunInProcess({"blob", "inspect", dir.File("none.blob")});
  EXPECT_EQ(r.code, kExitWorld);
  EXPECT_THAT(r.err, HasSubstr("cannot read blob file"));
  EXPECT_THAT(r.err, HasSubstr("none.blob"));
}

TEST(BlobInspect, ValidBlobPrintsItsHeader) {
  CloneBlob blob;
  blob.kind = BlobKind::kDomainObject;
  blob.source_kind = PartitionKind::kV0;
  blob.ouid.bytes[0] = 0x4a;
  blob.label = "sa78-signing-rsa2048-priv";
  blob.ciphertext = Bytes(48, 0xab);
  testing::TempDir dir;
  const std::string path = dir.File("object.blob");
  const Bytes bytes = SerializeBlob(blob);
  testing::WriteFile(path, std::string(bytes.begin(), bytes.end()));
  auto r = testing::RunInProcess({"blob", "inspect", path});
  EXPECT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(r.out, DescribeBlob(blob));
  EXPECT_THAT(r.out, HasSubstr("sa78-signing-rsa2048-priv"));
}

}  // namespace
}  // namespace hsmbackup::cli
