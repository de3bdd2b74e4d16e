// Sealing and opening clone blobs: objects under the domain key or an SMK,
// and the SMK itself under the domain key.
#include "hsmbackup/clone.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "crypto/crypto_test_util.h"
#include "support/test_support.h"

namespace hsmbackup {
namespace {

using ::hsmbackup::testing::GoldenObject;
using ::hsmbackup::testing::Hex;
using ::hsmbackup::testing::HexArray;
using ::hsmbackup::testing::MustCipher;
using ::hsmbackup::testing::MustDomainCipher;
using ::hsmbackup::testing::ScriptedRng;

Secret GoldenSmk() { return Secret(ByteSpan(Hex(testing::kGoldenSmk))); }

Object Expected(Object o) {
  o.handle = 0;
  return o;
}

TEST(SealObject, ProducesTheGoldenBlob) {
  HSMB_CLAUSE("CLONE-ONE-AT-A-TIME");
  Aes256Gcm key = MustDomainCipher(testing::kGoldenDomain);
  ScriptedRng rng(Hex(testing::kGoldenObjectNonce));
  auto blob = SealObject(GoldenObject(), PartitionKind::kV0, BlobKind::kDomainObject,
                         SmkId{}, key, rng);
  ASSERT_TRUE(blob.ok()) << blob.status().ToString();
  EXPECT_EQ(HexEncode(SerializeBlob(*blob)), testing::kGoldenObjectBlob);
}

TEST(OpenObject, VerifiesAndRestoresTheGoldenObject) {
  HSMB_CLAUSE("CLONE-VERIFY");
  Aes256Gcm key = MustDomainCipher(testing::kGoldenDomain);
  auto blob = ParseBlob(Hex(testing::kGoldenObjectBlob));
  ASSERT_TRUE(blob.ok());
  auto object = OpenObject(*blob, key);
  ASSERT_TRUE(object.ok()) << object.status().ToString();
  EXPECT_EQ(*object, Expected(GoldenObject()));
  EXPECT_EQ(HexEncode(ComputeFingerprint(*object)), testing::kGoldenFingerprint);
}

TEST(SealObject, EachObjectTravelsOnItsOwn) {
  HSMB_CLAUSE("CLONE-ONE-AT-A-TIME");
  Aes256Gcm key = MustDomainCipher("one-at-a-time");
  RngState state;
  DeterministicRng rng(&state);
  std::vector<Object> objects;
  std::vector<CloneBlob> blobs;
  for (int i = 0; i < 3; ++i) {
    Object o = GoldenObject();
    o.ouid.bytes[0] = static_cast<uint8_t>(i);
    o.label = "object " + std::to_string(i);
    o.value = Secret(Bytes(static_cast<size_t>(i) * 10, static_cast<uint8_t>(i)));
    auto blob = SealObject(o, PartitionKind::kPre77, BlobKind::kDomainObject, SmkId{}, key, rng);
    ASSERT_TRUE(blob.ok());
    objects.push_back(o);
    blobs.push_back(*blob);
  }
  EXPECT_NE(blobs[0].nonce, blobs[1].nonce);
  EXPECT_NE(blobs[1].nonce, blobs[2].nonce);
  for (size_t i = 0; i < blobs.size(); ++i) {
    auto opened = OpenObject(*ParseBlob(SerializeBlob(blobs[i])), key);
    ASSERT_TRUE(opened.ok());
    EXPECT_EQ(*opened, Expected(objects[i]));
  }
  // A header cannot be paired with another object's ciphertext.
  CloneBlob spliced = blobs[1];
  spliced.ciphertext = blobs[2].ciphertext;
  spliced.tag = blobs[2].tag;
  EXPECT_EQ(OpenObject(spliced, key).status().code(), Ckr::kCertificateInvalid);
}

TEST(OpenObject, WrongDomainFailsWithCertificateInvalid) {
  HSMB_CLAUSE("DOM-ERROR-CODE");
  Aes256Gcm wrong = MustDomainCipher("not-the-domain");
  auto blob = ParseBlob(Hex(testing::kGoldenObjectBlob));
  ASSERT_TRUE(blob.ok());
  auto opened = OpenObject(*blob, wrong);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), Ckr::kCertificateInvalid);
  EXPECT_EQ(opened.status().message(), "blob failed authentication");
}

TEST(OpenObject, EverySingleBitFlipIsRejected) {
  HSMB_CLAUSE("CLONE-DISCARD");
  Aes256Gcm key = MustDomainCipher(testing::kGoldenDomain);
  const Bytes wire = Hex(testing::kGoldenObjectBlob);
  int parse_failures = 0, auth_failures = 0;
  for (size_t bit = 0; bit < wire.size() * 8; ++bit) {
    Bytes flipped = wire;
    flipped[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    auto blob = ParseBlob(flipped);
    if (!blob.ok()) {
      EXPECT_EQ(blob.status().code(), Ckr::kDataInvalid);
      ++parse_failures;
      continue;
    }
    auto opened = OpenObject(*blob, key);
    ASSERT_FALSE(opened.ok()) << "bit " << bit << " went unnoticed";
    EXPECT_EQ(opened.status().code(), Ckr::kCertificateInvalid) << "bit " << bit;
    ++auth_failures;
  }
  EXPECT_EQ(parse_failures + auth_failures, static_cast<int>(wire.size() * 8));
  EXPECT_GT(auth_failures, 0);  // the label, OUID, nonce, ciphertext and tag bits
  EXPECT_GT(parse_failures, 0);  // magic, version, flags, lengths
}

TEST(OpenObject, AuthenticPayloadThatDoesNotDecodeIsDataInvalid) {
  Aes256Gcm key = MustDomainCipher("d");
  CloneBlob blob;
  blob.label = "junk";
  Bytes junk = {4, 0, 0, 0};  // class, count, then a truncated value length
  ASSERT_TRUE(key.Seal(blob.nonce, BlobAad(blob), junk, &blob.ciphertext, &blob.tag).ok());
  EXPECT_EQ(OpenObject(blob, key).status().code(), Ckr::kDataInvalid);
}

TEST(OpenObject, RefusesAnSmkBlob) {
  Aes256Gcm key = MustDomainCipher("d");
  ScriptedRng rng({1});
  auto smk_blob = SealSmk(GoldenSmk(), PartitionKind::kV1, key, rng);
  ASSERT_TRUE(smk_blob.ok());
  EXPECT_EQ(OpenObject(*smk_blob, key).status().code(), Ckr::kDataInvalid);
}

TEST(SealObject, V1ObjectsStayOpaqueWithoutTheSmk) {
  HSMB_CLAUSE("CLONE-OPAQUE-V1");
  const Secret smk = GoldenSmk();
  Aes256Gcm smk_key = MustCipher(smk);
  Aes256Gcm domain_key = MustDomainCipher(testing::kGoldenDomain);
  RngState state;
  DeterministicRng rng(&state);
  Object o = GoldenObject();
  o.value = Secret(Bytes(48, 0x77));
  auto blob = SealObject(o, PartitionKind::kV1, BlobKind::kSmkObject, ComputeSmkId(smk),
                         smk_key, rng);
  ASSERT_TRUE(blob.ok()) << blob.status().ToString();
  const Bytes wire = SerializeBlob(*blob);
  const std::string wire_text(wire.begin(), wire.end());
  EXPECT_EQ(wire_text.find(std::string(48, '\x77')), std::string::npos);
  EXPECT_EQ(wire_text.find("CKK_AES"), std::string::npos);
  EXPECT_NE(wire_text.find("demo aes key"), std::string::npos);  // the label is visible

  auto parsed = ParseBlob(wire);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->ouid, o.ouid);
  EXPECT_EQ(parsed->key_id, ComputeSmkId(smk));
  // Holding only the domain (as a backup HSM does) is not enough to read it.
  EXPECT_EQ(OpenObject(*parsed, domain_key).status().code(), Ckr::kCertificateInvalid);
  auto opened = OpenObject(*parsed, smk_key);
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(*opened, Expected(o));
}

TEST(SealObject, RejectsMismatchedKindsAndOutOfLimitObjects) {
  Aes256Gcm key = MustDomainCipher("d");
  ScriptedRng rng({0});
  const Object o = GoldenObject();
  auto code = [&](const Object& obj, PartitionKind src, BlobKind kind, SmkId id = {}) {
    return SealObject(obj, src, kind, id, key, rng).status().code();
  };
  EXPECT_EQ(code(o, PartitionKind::kV1, BlobKind::kDomainObject), Ckr::kArgumentsBad);
  EXPECT_EQ(code(o, PartitionKind::kV0, BlobKind::kSmkObject), Ckr::kArgumentsBad);
  EXPECT_EQ(code(o, PartitionKind::kV1, BlobKind::kSmk), Ckr::kArgumentsBad);
  EXPECT_EQ(code(o, PartitionKind::kV0, BlobKind::kDomainObject, SmkId{1}),
            Ckr::kArgumentsBad);

  Object long_label = o;
  long_label.label = std::string(kMaxObjectLabelLength + 1, 'x');
  Object ctl_label = o;
  ctl_label.label = "tab\there";
  Object many = o;
  for (size_t i = 0; i <= kMaxAttributes; ++i) many.attributes.Set("a" + std::to_string(i), "");
  Object empty_name = o;
  empty_name.attributes.Set("", "v");
  Object long_attr = o;
  long_attr.attributes.Set("x", std::string(kMaxAttributeValueLength + 1, 'v'));
  Object big = o;
  big.value = Secret(Bytes(kMaxObjectValueBytes + 1));
  for (const Object& bad : {long_label, ctl_label, many, empty_name, long_attr, big}) {
    EXPECT_EQ(code(bad, PartitionKind::kV0, BlobKind::kDomainObject), Ckr::kDataInvalid);
  }
}

TEST(SealObject, RefusesALabelByteOutsidePrintableAsciiAtAnyPosition) {
  Aes256Gcm key = MustDomainCipher("d");
  for (size_t len : {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 128}) {
    for (size_t at = 0; at < len; ++at) {
      for (int byte : {0x09, 0x1f, 0x20, 0x7e, 0x7f, 0x80, 0xff}) {
        Object o = GoldenObject();
        o.label = std::string(len, 'z');
        o.label[at] = static_cast<char>(byte);
        ScriptedRng rng({1});
        auto sealed =
            SealObject(o, PartitionKind::kV0, BlobKind::kDomainObject, SmkId{}, key, rng);
        const bool printable = byte >= 0x20 && byte <= 0x7e;
        ASSERT_EQ(sealed.ok(), printable) << "length " << len << ", byte " << byte << " at " << at;
        if (!printable) {
          EXPECT_EQ(sealed.status().code(), Ckr::kDataInvalid);
        }
      }
    }
  }
}

TEST(SealObject, TheLargestObjectFitsTheCiphertextLimit) {
  Aes256Gcm key = MustDomainCipher("d");
  ScriptedRng rng({5});
  Object o;
  o.label = std::string(kMaxObjectLabelLength, 'L');
  for (size_t i = 0; i < kMaxAttributes; ++i) {
    std::string name(kMaxAttributeNameLength, 'n');
    name[0] = static_cast<char>('!' + i);
    o.attributes.Set(name, std::string(kMaxAttributeValueLength, 'v'));
  }
  o.value = Secret(Bytes(kMaxObjectValueBytes, 0x33));
  auto blob = SealObject(o, PartitionKind::kV0, BlobKind::kDomainObject, SmkId{}, key, rng);
  ASSERT_TRUE(blob.ok()) << blob.status().ToString();
  EXPECT_EQ(blob->ciphertext.size(), kMaxBlobCiphertext);
  auto parsed = ParseBlob(SerializeBlob(*blob));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  auto opened = OpenObject(*parsed, key);
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(*opened, o);
}

TEST(SealSmk, ProducesTheGoldenBlobAndOpens) {
  Aes256Gcm key = MustDomainCipher(testing::kGoldenDomain);
  ScriptedRng rng(Hex(testing::kGoldenSmkNonce));
  auto blob = SealSmk(GoldenSmk(), PartitionKind::kV1, key, rng);
  ASSERT_TRUE(blob.ok()) << blob.status().ToString();
  EXPECT_EQ(HexEncode(SerializeBlob(*blob)), testing::kGoldenSmkBlob);
  EXPECT_EQ(HexEncode(blob->key_id), testing::kGoldenSmkId);

  auto parsed = ParseBlob(Hex(testing::kGoldenSmkBlob));
  ASSERT_TRUE(parsed.ok());
  auto smk = OpenSmk(*parsed, key);
  ASSERT_TRUE(smk.ok()) << smk.status().ToString();
  EXPECT_EQ(*smk, GoldenSmk());
}

TEST(OpenSmk, WrongDomainFailsWithCertificateInvalid) {
  HSMB_CLAUSE("DOM-ERROR-CODE");
  Aes256Gcm wrong = MustDomainCipher("another-domain");
  auto parsed = ParseBlob(Hex(testing::kGoldenSmkBlob));
  ASSERT_TRUE(parsed.ok());
  auto smk = OpenSmk(*parsed, wrong);
  ASSERT_FALSE(smk.ok());
  EXPECT_EQ(smk.status().code(), Ckr::kCertificateInvalid);
  EXPECT_EQ(smk.status().message(), "blob failed authentication");
}

TEST(OpenSmk, RejectsWrongSizesKindsAndIds) {
  Aes256Gcm key = MustDomainCipher("d");
  // Authentic blobs whose contents are wrong: sealed by hand.
  auto hand_sealed = [&](ByteSpan payload, SmkId id) {
    CloneBlob b;
    b.kind = BlobKind::kSmk;
    b.source_kind = PartitionKind::kV1;
    b.key_id = id;
    EXPECT_TRUE(key.Seal(b.nonce, BlobAad(b), payload, &b.ciphertext, &b.tag).ok());
    return b;
  };
  const Secret smk = GoldenSmk();
  Bytes short_smk(smk.secret_bytes().begin(), smk.secret_bytes().end() - 1);
  EXPECT_EQ(OpenSmk(hand_sealed(short_smk, ComputeSmkId(smk)), key).status().code(),
            Ckr::kDataInvalid);
  Status mismatch = OpenSmk(hand_sealed(smk.secret_bytes(), SmkId{1, 2, 3}), key).status();
  EXPECT_EQ(mismatch.code(), Ckr::kDataInvalid);
  EXPECT_EQ(mismatch.message(), "SMK does not match the blob's key id");
  EXPECT_TRUE(OpenSmk(hand_sealed(smk.secret_bytes(), ComputeSmkId(smk)), key).ok());

  auto object_blob = ParseBlob(Hex(testing::kGoldenObjectBlob));
  ASSERT_TRUE(object_blob.ok());
  EXPECT_EQ(OpenSmk(*object_blob, key).status().code(), Ckr::kDataInvalid);
}

TEST(SealSmk, RejectsBadSmksAndNonV1Sources) {
  Aes256Gcm key = MustDomainCipher("d");
  ScriptedRng rng({0});
  EXPECT_EQ(SealSmk(Secret(std::string(31, 's')), PartitionKind::kV1, key, rng).status().code(),
            Ckr::kArgumentsBad);
  EXPECT_EQ(SealSmk(GoldenSmk(), PartitionKind::kV0, key, rng).status().code(),
            Ckr::kArgumentsBad);
}

}  // namespace
}  // namespace hsmbackup
