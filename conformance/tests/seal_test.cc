// The suite's own blob sealer (model/seal.h) against the test vectors of
// reference/BLOB-FORMAT.md and WORLD-FORMAT.md, byte for byte: worlds the
// suite loads with stored V1 backups are only fair if they are.
#include "model/seal.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "checks/gen.h"
#include "conformance/target.h"

namespace hsmbackup::conformance::seal {
namespace {

Plain DemoKey() {
  Plain p;
  p.ouid_hex = "0102030405060708090a0b0c";
  p.label = "demo aes key";
  p.cls = "secret_key";
  p.attributes = {{"CKA_EXTRACTABLE", "false"}, {"CKA_KEY_TYPE", "CKK_AES"}};
  p.value = FromHex("000102030405060708090a0b0c0d0e0f");
  return p;
}

const Bytes kSmk = FromHex("202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f");

TEST(Seal, DerivedValuesMatchWorldFormat) {
  EXPECT_EQ(Hex(DerivedValue("000102030405060708090a0b", 20)),
            "9f62ad034b12db52fa98e1b2b22d16ad35b6878a");
  EXPECT_EQ(Hex(DerivedValue("000000000000000000000000", 8)), "afcd1d7b39a820e2");
}

TEST(Seal, PayloadAndFingerprintMatchBlobFormat) {
  EXPECT_EQ(Hex(Payload(DemoKey())),
            "040002000f434b415f4558545241435441424c45000566616c7365000c434b415f4b45595f5459504500"
            "07434b4b5f41455300000010000102030405060708090a0b0c0d0e0f");
  EXPECT_EQ(Fingerprint(DemoKey()), "d2f47a47ca7affb65a7f4b1641c10c9527a0b526");
}

TEST(Seal, DomainObjectBlobMatchesBlobFormat) {
  const Bytes blob = SealDomainObject("example-domain", 1, DemoKey(),
                                      FromHex("a0a1a2a3a4a5a6a7a8a9aaab"));
  EXPECT_EQ(Hex(blob),
            "4842434201010100" "0000000000000000" "0102030405060708090a0b0c" "0c"
            "64656d6f20616573206b6579" "a0a1a2a3a4a5a6a7a8a9aaab" "00000046"
            "71359cec6b5c0212492e3ad9d252cba138d8d0828b580cfa020e8dac56cb71c012f398b5c0bc20408b17"
            "7b051ee371b4bff2f9bb242ac3dc1d004313e83130ac3f463865b4d8"
            "c61d3bd49271a3bc19474c2a2a3f8516");
}

TEST(Seal, SmkBlobAndIdMatchBlobFormat) {
  EXPECT_EQ(SmkId(kSmk), "2c04a80f878a3558");
  EXPECT_EQ(Hex(SealSmk("example-domain", kSmk, FromHex("b0b1b2b3b4b5b6b7b8b9babb"))),
            "4842434201030200" "2c04a80f878a3558" "000000000000000000000000" "00"
            "b0b1b2b3b4b5b6b7b8b9babb" "00000020"
            "729f917e9426cc65f2fd3e69e269c161a5d1646519230fe2cd7422c27d6f71fc"
            "bf87d5c59cee268a738e71bed688292a");
}

TEST(Seal, SmkObjectBlobCarriesTheHeaderTheFormatFixes) {
  const Bytes blob = SealObject(kSmk, DemoKey(), FromHex("c0c1c2c3c4c5c6c7c8c9cacb"));
  ASSERT_EQ(blob.size(), 61 + 12 + Payload(DemoKey()).size());
  EXPECT_EQ(Hex(Bytes(blob.begin(), blob.begin() + 28)),
            "4842434201020200" "2c04a80f878a3558" "0102030405060708090a0b0c");
}

TEST(Seal, HexRejectsWhatIsNotHex) {
  EXPECT_TRUE(FromHex("abc").empty());
  EXPECT_TRUE(FromHex("zz").empty());
  EXPECT_EQ(Hex(FromHex("00Ff")), "00ff");
}

// A V1 backup the suite sealed, restored by the reference into a partition
// with the same SMK and domain, gives back each object with the class and
// fingerprint of what was sealed: the sealer, the world format and the
// reference agree, so StoredV1.* judges something real.
TEST(Seal, AStoredV1BackupRestoresToWhatWasSealed) {
  gen::UserSpec u;
  u.kind = "v1";
  u.smk = Hex(kSmk);
  std::vector<gen::ObjSpec> stored(3);
  for (uint32_t i = 0; i < stored.size(); ++i) {
    stored[i].handle = 900 + i;
    stored[i].ouid = "00000000000000000000000" + std::to_string(i + 1);
    stored[i].label = "stored " + std::to_string(i);
    stored[i].cls = i == 0 ? "private_key" : "secret_key";
    stored[i].size = 40 + i;
    stored[i].attributes = {{"CKA_ID", "0" + std::to_string(i)}};
  }
  gen::HsmSpec h;
  h.partitions.push_back(gen::StoredPartition("bk", u, "v1", "bk-password-1", stored));
  gen::WorldSpec w = gen::WorldOf(u, h);

  std::unique_ptr<Target> target = MakeInProcessTarget();
  TargetError e;
  ASSERT_TRUE(target->Handshake(&e)) << e.message;
  ASSERT_TRUE(target->Load(w.ToJson(), &e)) << e.message;
  for (const std::string& line : {gen::Login(u), gen::Restore(h, "bk", "bk-password-1")}) {
    std::optional<Outcome> o = target->Execute(line, {}, &e);
    ASSERT_TRUE(o) << e.message;
    ASSERT_EQ(o->result, "CKR_OK") << line << ": " << o->message;
  }
  std::optional<Json> state = target->Observe(&e);
  ASSERT_TRUE(state) << e.message;
  const Json& objects = (*state)["slots"][0]["objects"];
  ASSERT_EQ(objects.size(), stored.size());
  for (const gen::ObjSpec& o : stored) {
    const auto it = std::find_if(objects.begin(), objects.end(),
                                 [&](const Json& x) { return x["ouid"] == o.ouid; });
    ASSERT_NE(it, objects.end()) << o.ouid;
    EXPECT_EQ((*it)["class"], o.cls);
    EXPECT_EQ((*it)["fingerprint"], Fingerprint(gen::Plain(o)));
  }
}

}  // namespace
}  // namespace hsmbackup::conformance::seal
