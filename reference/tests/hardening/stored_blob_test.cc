// Tampered blobs at rest: the engine's restore path reads clone blobs the
// backup HSM stored (a V1 backup's SMK blob and its opaque SKS objects),
// which a world file on disk can carry altered. Every single-bit flip,
// truncation and extension of one is rejected with a documented code, is
// never stored on the partition, and leaves the backup HSM as it was.
//
// The Receiver itself is covered exhaustively for every blob kind in
// crypto/hostile_blob_test.cc, and against a BackupHsm model by
// clone_open_fuzzer; this file checks the engine wiring on top of them.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "support/test_support.h"
#include "support/worlds.h"

namespace hsmbackup {
namespace {

using namespace hsmbackup::testing;  // NOLINT(build/namespaces)

// Mutations of `valid`: every single-bit flip, every truncation, and
// extensions (0x00 / 0xff tails of 1..16 bytes, the blob twice).
std::vector<std::pair<std::string, Bytes>> Mutations(const Bytes& valid) {
  std::vector<std::pair<std::string, Bytes>> out;
  for (size_t i = 0; i < valid.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      Bytes b = valid;
      b[i] ^= static_cast<uint8_t>(1u << bit);
      out.emplace_back("flip byte " + std::to_string(i) + " bit " + std::to_string(bit), b);
    }
  }
  for (size_t len = 0; len < valid.size(); ++len) {
    out.emplace_back("first " + std::to_string(len) + " bytes",
                     Bytes(valid.begin(), valid.begin() + static_cast<std::ptrdiff_t>(len)));
  }
  for (size_t extra = 1; extra <= 16; ++extra) {
    for (uint8_t fill : {uint8_t{0x00}, uint8_t{0xff}}) {
      Bytes b = valid;
      b.insert(b.end(), extra, fill);
      out.emplace_back("+" + std::to_string(extra) + " bytes", b);
    }
  }
  Bytes twice = valid;
  twice.insert(twice.end(), valid.begin(), valid.end());
  out.emplace_back("blob twice", twice);
  return out;
}

bool Documented(Ckr code) {
  return code == Ckr::kCertificateInvalid || code == Ckr::kDataInvalid ||
         code == Ckr::kSmkIdNotFound;
}

// V1Backup: a V1 partition (slot 0) backed up to "bk"; slot 1 is an empty
// V1 partition of the same domain, current, the CO logged in. With
// `same_smk` slot 1 already holds the source's SMK (objects restore).
struct V1Backup {
  explicit V1Backup(bool same_smk)
      : world(MakeWorld(MakeUser(PartitionKind::kV1, 3), MakeBackupHsm())), r(&world) {
    UserPartition target = MakeUser(PartitionKind::kV1, 0, "target");
    if (!same_smk) target.smk = Secret(ByteSpan(Bytes(32, 0x5C)));
    AddUserSlot(world, 1, std::move(target));
    r.LoginCo();
    EXPECT_TRUE(Succeeded(r, r.Do(BackupLine())));
    EXPECT_TRUE(Succeeded(r, r.Do("slot set -slot 1")));
    r.LoginCo();
  }
  BackupPartition& Part() { return HsmAt(world).partitions.at(0); }
  World world;
  Runner r;
};

TEST(StoredBlob, ATamperedSmkBlobIsRejectedAndNothingChanges) {
  HSMB_CLAUSE("CLONE-VERIFY", "CLONE-DISCARD", "RESTORE-SMK");
  V1Backup f(/*same_smk=*/false);
  ASSERT_FALSE(f.Part().smk_blob.empty());
  const World pristine = f.world;
  const Bytes valid = f.Part().smk_blob;
  size_t checked = 0;
  for (const auto& [what, blob] : Mutations(valid)) {
    f.world = pristine;
    f.Part().smk_blob = blob;
    const World before = f.world;
    const Result res = f.r.Do(RestoreLine("bk", "-smkonly"), {"proceed"});
    ASSERT_FALSE(res.status.ok()) << what << ": a tampered SMK blob was restored";
    // An empty SMK blob is how a world says "not a V1 backup" (no SMK to
    // restore), refused as such before any blob is read.
    const bool no_smk = blob.empty() && res.code() == Ckr::kOperationNotAllowed;
    EXPECT_TRUE(Documented(res.code()) || no_smk) << what << ": " << res.status.ToString();
    EXPECT_TRUE(f.world == before) << what << ": the restore changed the world";
    ++checked;
  }
  EXPECT_GT(checked, valid.size() * 8);
}

TEST(StoredBlob, ATamperedSealedObjectIsRejectedAndNeverStored) {
  HSMB_CLAUSE("CLONE-VERIFY", "CLONE-DISCARD", "CLONE-OPAQUE-V1");
  V1Backup f(/*same_smk=*/true);
  ASSERT_FALSE(f.Part().objects.empty());
  ASSERT_FALSE(f.Part().objects.front().sealed.empty()) << "V1 objects are held opaque";
  const World pristine = f.world;
  const Bytes valid = f.Part().objects.front().sealed;
  const Ouid ouid = f.Part().objects.front().object.ouid;
  for (const auto& [what, blob] : Mutations(valid)) {
    f.world = pristine;
    f.Part().objects.front().sealed = blob;
    const BackupHsm hsm_before = HsmAt(f.world);
    const UserPartition target_before = UserAt(f.world, 1);
    // The tampered object is the first one, and a V1 restore stops at the
    // first failure, so nothing at all reaches the partition.
    const Result res = f.r.Do(RestoreLine());
    ASSERT_FALSE(res.status.ok()) << what << ": a tampered object was restored";
    EXPECT_TRUE(Documented(res.code())) << what << ": " << res.status.ToString();
    EXPECT_TRUE(HsmAt(f.world) == hsm_before) << what;
    EXPECT_TRUE(UserAt(f.world, 1) == target_before) << what;
    for (const Object& o : UserAt(f.world, 1).objects) EXPECT_NE(o.ouid, ouid) << what;
  }
}

}  // namespace
}  // namespace hsmbackup
