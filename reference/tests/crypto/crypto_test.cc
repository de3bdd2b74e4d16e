// AES-256-GCM, HKDF, SMK ids and hashes against known answers.
#include "hsmbackup/crypto.h"

#include <gtest/gtest.h>
#include <openssl/hmac.h>
#include <openssl/evp.h>

#include <string>

#include "crypto/crypto_test_util.h"
#include "hsmbackup/clone.h"
#include "support/test_support.h"

namespace hsmbackup {
namespace {

using ::hsmbackup::testing::Hex;
using ::hsmbackup::testing::HexArray;
using ::hsmbackup::testing::MustCipher;

// A GCM known answer: McGrew & Viega, "The Galois/Counter Mode of Operation",
// appendix B, the AES-256 test cases.
struct GcmVector {
  const char* name;
  std::string_view key, iv, aad, plaintext, ciphertext, tag;
};

constexpr std::string_view kSpecKey =
    "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308";
constexpr std::string_view kSpecIv = "cafebabefacedbaddecaf888";
constexpr std::string_view kZeroKey =
    "0000000000000000000000000000000000000000000000000000000000000000";
constexpr std::string_view kZeroIv = "000000000000000000000000";

const GcmVector kGcmVectors[] = {
    {"case13", kZeroKey, kZeroIv, "", "", "",
     "530f8afbc74536b9a963b4f1c4cb738b"},
    {"case14", kZeroKey, kZeroIv, "",
     "00000000000000000000000000000000", "cea7403d4d606b6e074ec5d3baf39d18",
     "d0d1c8a799996bf0265b98b5d48ab919"},
    {"case15", kSpecKey, kSpecIv, "",
     "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
     "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255",
     "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
     "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad",
     "b094dac5d93471bdec1a502270e3cc6c"},
    {"case16", kSpecKey, kSpecIv, "feedfacedeadbeeffeedfacedeadbeefabaddad2",
     "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
     "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
     "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
     "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
     "76fc6ece0f4e1768cddf8853bb2d551b"},
};

TEST(Aes256Gcm, MatchesGcmSpecKnownAnswers) {
  for (const auto& v : kGcmVectors) {
    SCOPED_TRACE(v.name);
    Aes256Gcm gcm = MustCipher(Secret(ByteSpan(Hex(v.key))));
    Nonce iv = HexArray<kAeadNonceBytes>(v.iv);
    Bytes ct;
    Tag tag{};
    ASSERT_TRUE(gcm.Seal(iv, Hex(v.aad), Hex(v.plaintext), &ct, &tag).ok());
    EXPECT_EQ(HexEncode(ct), v.ciphertext);
    EXPECT_EQ(HexEncode(tag), v.tag);
    Bytes pt;
    ASSERT_TRUE(gcm.Open(iv, Hex(v.aad), Hex(v.ciphertext),
                         HexArray<kAeadTagBytes>(v.tag), &pt).ok());
    EXPECT_EQ(HexEncode(pt), v.plaintext);
  }
}

// One context serves every call, so state from one call (direction, a failed
// tag, a longer message) must never leak into the next.
TEST(Aes256Gcm, ReusedContextGivesTheSameAnswers) {
  Aes256Gcm gcm = MustCipher(Secret(ByteSpan(Hex(kSpecKey))));
  const GcmVector& v = kGcmVectors[3];
  Nonce iv = HexArray<kAeadNonceBytes>(v.iv);
  for (int round = 0; round < 3; ++round) {
    Bytes ct, pt;
    Tag tag{};
    ASSERT_TRUE(gcm.Seal(iv, Hex(v.aad), Hex(v.plaintext), &ct, &tag).ok());
    EXPECT_EQ(HexEncode(tag), v.tag);
    Tag bad = tag;
    bad[0] ^= 1;
    EXPECT_FALSE(gcm.Open(iv, Hex(v.aad), ct, bad, &pt).ok());
    ASSERT_TRUE(gcm.Open(iv, Hex(v.aad), ct, tag, &pt).ok());
    EXPECT_EQ(HexEncode(pt), v.plaintext);
    ASSERT_TRUE(gcm.Seal(iv, {}, {}, &ct, &tag).ok());  // a shorter message
    EXPECT_TRUE(ct.empty());
  }
}

TEST(Aes256Gcm, RejectsKeysThatAreNot32Bytes) {
  EXPECT_EQ(Aes256Gcm::Create(Secret(std::string(16, 'k'))).status().code(),
            Ckr::kArgumentsBad);
  EXPECT_EQ(Aes256Gcm::Create(Secret()).status().code(), Ckr::kArgumentsBad);
  EXPECT_EQ(Aes256Gcm::Create(Secret(std::string(33, 'k'))).status().code(),
            Ckr::kArgumentsBad);
}

TEST(Aes256Gcm, SealOpenRoundTrip) {
  Aes256Gcm gcm = MustCipher(Secret(std::string(32, 'k')));
  Nonce nonce{};
  nonce[11] = 1;
  const Bytes aad = {1, 2, 3};
  const Bytes msg(1000, 0x5a);
  Bytes ct, pt;
  Tag tag{};
  ASSERT_TRUE(gcm.Seal(nonce, aad, msg, &ct, &tag).ok());
  EXPECT_EQ(ct.size(), msg.size());
  EXPECT_NE(ct, msg);
  ASSERT_TRUE(gcm.Open(nonce, aad, ct, tag, &pt).ok());
  EXPECT_EQ(pt, msg);
}

TEST(Aes256Gcm, WrongKeyFailsWithCertificateInvalidAndNoPlaintext) {
  HSMB_CLAUSE("DOM-ERROR-CODE");
  Aes256Gcm right = MustCipher(Secret(std::string(32, 'a')));
  Aes256Gcm wrong = MustCipher(Secret(std::string(32, 'b')));
  Nonce nonce{};
  Bytes ct;
  Tag tag{};
  ASSERT_TRUE(right.Seal(nonce, {}, Bytes(64, 0x11), &ct, &tag).ok());
  Bytes pt(7, 0xEE);  // stale content must not survive a failure either
  Status s = wrong.Open(nonce, {}, ct, tag, &pt);
  EXPECT_EQ(s.code(), Ckr::kCertificateInvalid);
  EXPECT_EQ(s.message(), "blob failed authentication");
  EXPECT_TRUE(pt.empty());
}

TEST(Aes256Gcm, EveryFailureLooksTheSame) {
  Aes256Gcm gcm = MustCipher(Secret(std::string(32, 'a')));
  Aes256Gcm other = MustCipher(Secret(std::string(32, 'z')));
  Nonce nonce{};
  const Bytes aad = {9, 9, 9};
  Bytes ct;
  Tag tag{};
  ASSERT_TRUE(gcm.Seal(nonce, aad, Bytes(40, 0x22), &ct, &tag).ok());
  Bytes pt;
  const Status wrong_key = other.Open(nonce, aad, ct, tag, &pt);
  Tag bad_tag = tag;
  bad_tag[15] ^= 0x80;
  Bytes bad_ct = ct;
  bad_ct[3] ^= 1;
  Nonce bad_nonce = nonce;
  bad_nonce[0] = 1;
  const Status results[] = {
      gcm.Open(nonce, aad, ct, bad_tag, &pt),
      gcm.Open(nonce, aad, bad_ct, tag, &pt),
      gcm.Open(nonce, Bytes{9, 9, 8}, ct, tag, &pt),
      gcm.Open(nonce, {}, ct, tag, &pt),
      gcm.Open(bad_nonce, aad, ct, tag, &pt),
      gcm.Open(nonce, aad, Bytes(ct.begin(), ct.end() - 1), tag, &pt),
  };
  EXPECT_EQ(wrong_key.code(), Ckr::kCertificateInvalid);
  for (const Status& s : results) {
    EXPECT_EQ(s, wrong_key);
    EXPECT_TRUE(pt.empty());
  }
}

// HkdfSha256 recomputes RFC 5869 with HMAC directly, pinning the salt, info
// and length independently of the EVP_KDF code path.
Bytes HkdfSha256(std::string_view ikm, std::string_view salt, std::string_view info) {
  uint8_t prk[32], okm[32];
  unsigned int len = 0;
  HMAC(EVP_sha256(), salt.data(), static_cast<int>(salt.size()),
       reinterpret_cast<const uint8_t*>(ikm.data()), ikm.size(), prk, &len);
  std::string t1(info);
  t1.push_back('\x01');
  HMAC(EVP_sha256(), prk, sizeof(prk), reinterpret_cast<const uint8_t*>(t1.data()),
       t1.size(), okm, &len);
  return Bytes(okm, okm + sizeof(okm));
}

// Derive is DeriveDomainKey for a domain that must derive.
Secret Derive(const Secret& domain) {
  StatusOr<Secret> key = DeriveDomainKey(domain);
  EXPECT_TRUE(key.ok()) << key.status().ToString();
  return key.ok() ? std::move(key).value() : Secret();
}

TEST(DeriveDomainKey, IsHkdfSha256WithTheDocumentedParameters) {
  for (std::string_view domain : {"example-domain", "x", "a much longer cloning domain 123"}) {
    Secret key = Derive(Secret(domain));
    EXPECT_EQ(Bytes(key.secret_bytes().begin(), key.secret_bytes().end()),
              HkdfSha256(domain, "hsmbackup domain salt v1", "hsmbackup clone key v1"));
  }
  EXPECT_EQ(HexEncode(Derive(Secret(testing::kGoldenDomain)).secret_bytes()),
            testing::kGoldenDomainKey);
}

TEST(DeriveDomainKey, SameDomainSameKeyDifferentDomainDifferentKey) {
  Secret a1 = Derive(Secret("domain-a"));
  Secret a2 = Derive(Secret("domain-a"));
  Secret b = Derive(Secret("domain-b"));
  Secret a_prefix = Derive(Secret("domain-"));
  EXPECT_EQ(a1.size(), kAeadKeyBytes);
  EXPECT_EQ(a1, a2);
  EXPECT_FALSE(a1 == b);
  EXPECT_FALSE(a1 == a_prefix);
  EXPECT_FALSE(a1 == Secret("domain-a"));  // never the raw domain
}

TEST(DeriveDomainKey, AcceptsAnEmptyDomain) {
  Secret key = Derive(Secret());
  EXPECT_EQ(key.size(), kAeadKeyBytes);
  EXPECT_EQ(Bytes(key.secret_bytes().begin(), key.secret_bytes().end()),
            HkdfSha256("", "hsmbackup domain salt v1", "hsmbackup clone key v1"));
  EXPECT_TRUE(DomainCipher(Secret()).ok());
}

TEST(ComputeSmkId, IsATruncatedPrefixedSha256) {
  Secret smk(ByteSpan(Hex(testing::kGoldenSmk)));
  EXPECT_EQ(HexEncode(ComputeSmkId(smk)), testing::kGoldenSmkId);
  std::string prefixed = "hsmbackup smk id" + smk.Reveal();
  auto full = Sha256(AsBytes(prefixed));
  EXPECT_EQ(HexEncode(ComputeSmkId(smk)), HexEncode(ByteSpan(full).first(8)));
  Bytes other = Hex(testing::kGoldenSmk);
  other[31] ^= 1;
  EXPECT_NE(ComputeSmkId(smk), ComputeSmkId(Secret(ByteSpan(other))));
}

TEST(KeyCache, AnswersAsDeriveDomainKeyAndComputeSmkIdDo) {
  KeyCache keys;
  for (std::string_view domain : {"example-domain", "", "x", "example-domain"}) {
    StatusOr<Secret> key = keys.DomainKey(Secret(domain));
    ASSERT_TRUE(key.ok()) << key.status().ToString();
    EXPECT_EQ(*key, Derive(Secret(domain))) << "domain '" << domain << "'";
  }
  Secret smk(ByteSpan(Hex(testing::kGoldenSmk)));
  EXPECT_EQ(HexEncode(keys.SmkIdOf(smk)), testing::kGoldenSmkId);
  EXPECT_EQ(HexEncode(keys.SmkIdOf(smk)), testing::kGoldenSmkId);
  Bytes other = Hex(testing::kGoldenSmk);
  other[31] ^= 1;
  EXPECT_EQ(keys.SmkIdOf(Secret(ByteSpan(other))), ComputeSmkId(Secret(ByteSpan(other))));
}

TEST(KeyCache, ComputesOncePerSecretAndDropsTheOldestBeyondItsCapacity) {
  KeyCache keys;
  ASSERT_TRUE(keys.DomainKey(Secret("domain-0")).ok());
  ASSERT_TRUE(keys.DomainKey(Secret("domain-0")).ok());
  EXPECT_EQ(keys.computed(), 1u);
  // A domain that is a prefix of a cached one is another domain.
  ASSERT_TRUE(keys.DomainKey(Secret("domain-")).ok());
  EXPECT_EQ(keys.computed(), 2u);
  for (size_t i = 1; i < KeyCache::kCapacity; ++i) {
    ASSERT_TRUE(keys.DomainKey(Secret("domain-" + std::to_string(i))).ok());
  }
  EXPECT_EQ(keys.computed(), KeyCache::kCapacity + 1);
  // "domain-0" was the oldest of kCapacity + 1: dropped, derived again.
  ASSERT_TRUE(keys.DomainKey(Secret("domain-" + std::to_string(KeyCache::kCapacity - 1))).ok());
  EXPECT_EQ(keys.computed(), KeyCache::kCapacity + 1);
  StatusOr<Secret> again = keys.DomainKey(Secret("domain-0"));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, Derive(Secret("domain-0")));
  EXPECT_EQ(keys.computed(), KeyCache::kCapacity + 2);
  // SMK ids are counted apart from domain keys.
  const Secret smk(ByteSpan(Hex(testing::kGoldenSmk)));
  (void)keys.SmkIdOf(smk);
  (void)keys.SmkIdOf(smk);
  EXPECT_EQ(keys.computed(), KeyCache::kCapacity + 3);
}

TEST(Hash, KnownAnswers) {
  EXPECT_EQ(HexEncode(Sha1(AsBytes("abc"))), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(HexEncode(Sha1({})), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  EXPECT_EQ(HexEncode(Sha256(AsBytes("abc"))),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(HexEncode(Sha256({})),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

}  // namespace
}  // namespace hsmbackup
