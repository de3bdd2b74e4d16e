// Helpers shared by the crypto tests: hex literals, a scripted Rng, and the
// golden objects whose blobs BLOB-FORMAT.md lists as test vectors.
#ifndef HSMBACKUP_TESTS_CRYPTO_CRYPTO_TEST_UTIL_H_
#define HSMBACKUP_TESTS_CRYPTO_CRYPTO_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <span>
#include <string_view>
#include <utility>

#include "hsmbackup/blob.h"
#include "hsmbackup/bytes.h"
#include "hsmbackup/clone.h"
#include "hsmbackup/crypto.h"
#include "hsmbackup/env.h"
#include "hsmbackup/model.h"
#include "hsmbackup/secret.h"

namespace hsmbackup::testing {

// Hex decodes a literal that the test itself wrote, so bad hex is a test bug.
inline Bytes Hex(std::string_view hex) {
  Bytes out;
  EXPECT_TRUE(HexDecode(hex, &out)) << "bad hex literal in test: " << hex;
  return out;
}

template <size_t N>
std::array<uint8_t, N> HexArray(std::string_view hex) {
  Bytes b = Hex(hex);
  std::array<uint8_t, N> out{};
  EXPECT_EQ(b.size(), N);
  std::copy_n(b.begin(), std::min(N, b.size()), out.begin());
  return out;
}

// ScriptedRng hands out `bytes` cyclically, so nonces are known in advance.
class ScriptedRng final : public Rng {
 public:
  explicit ScriptedRng(Bytes bytes) : bytes_(std::move(bytes)) {}
  void Fill(std::span<uint8_t> out) override {
    for (auto& b : out) b = bytes_[next_++ % bytes_.size()];
  }

 private:
  Bytes bytes_;
  size_t next_ = 0;
};

// The golden vectors of BLOB-FORMAT.md, computed by an independent Python
// implementation of the spec (hashlib, hmac and pyca/cryptography).
inline constexpr std::string_view kGoldenDomain = "example-domain";
inline constexpr std::string_view kGoldenDomainKey =
    "632c76a75d55286940796460479dfe96d5b5cf7f2c8b4c62163945da474e53ac";
inline constexpr std::string_view kGoldenObjectNonce = "a0a1a2a3a4a5a6a7a8a9aaab";
inline constexpr std::string_view kGoldenPayload =
    "040002000f434b415f4558545241435441424c45000566616c7365000c434b415f4b45595f"
    "545950450007434b4b5f41455300000010000102030405060708090a0b0c0d0e0f";
inline constexpr std::string_view kGoldenObjectBlob =
    "484243420101010000000000000000000102030405060708090a0b0c0c64656d6f2061657320"
    "6b6579a0a1a2a3a4a5a6a7a8a9aaab0000004671359cec6b5c0212492e3ad9d252cba138d8d0"
    "828b580cfa020e8dac56cb71c012f398b5c0bc20408b177b051ee371b4bff2f9bb242ac3dc1d"
    "004313e83130ac3f463865b4d8c61d3bd49271a3bc19474c2a2a3f8516";
inline constexpr std::string_view kGoldenFingerprint =
    "d2f47a47ca7affb65a7f4b1641c10c9527a0b526";
inline constexpr std::string_view kGoldenSmk =
    "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f";
inline constexpr std::string_view kGoldenSmkId = "2c04a80f878a3558";
inline constexpr std::string_view kGoldenSmkNonce = "b0b1b2b3b4b5b6b7b8b9babb";
inline constexpr std::string_view kGoldenSmkBlob =
    "48424342010302002c04a80f878a355800000000000000000000000000b0b1b2b3b4b5b6b7b8"
    "b9babb00000020729f917e9426cc65f2fd3e69e269c161a5d1646519230fe2cd7422c27d6f71"
    "fcbf87d5c59cee268a738e71bed688292a";

// GoldenObject is the secret key the golden object blob carries.
inline Object GoldenObject() {
  Object o;
  o.handle = 7;
  o.ouid.bytes = HexArray<12>("0102030405060708090a0b0c");
  o.object_class = ObjectClass::kSecretKey;
  o.label = "demo aes key";
  o.attributes = {{"CKA_KEY_TYPE", "CKK_AES"}, {"CKA_EXTRACTABLE", "false"}};
  o.value = Secret(Hex("000102030405060708090a0b0c0d0e0f"));
  return o;
}

inline Aes256Gcm MustDomainCipher(std::string_view domain) {
  auto c = DomainCipher(Secret(domain));
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return std::move(c).value();
}

inline Aes256Gcm MustCipher(const Secret& key) {
  auto c = Aes256Gcm::Create(key);
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return std::move(c).value();
}

}  // namespace hsmbackup::testing

#endif  // HSMBACKUP_TESTS_CRYPTO_CRYPTO_TEST_UTIL_H_
