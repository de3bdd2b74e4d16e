// PrepareCrypto in a fresh process: OpenSSL initialized its way still gives
// every known answer the reference relies on.
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "hsmbackup/crypto.h"

namespace hsmbackup {
namespace {

// KnownAnswersAfterPrepare runs in the death test's child, a re-executed
// test binary in which PrepareCrypto is the first OpenSSL call; it prints
// what differed and exits 0 only if nothing did.
[[noreturn]] void KnownAnswersAfterPrepare() {
  bool ok = PrepareCrypto();
  if (!ok) std::fputs("PrepareCrypto returned false\n", stderr);
  // The legacy name table was skipped: proof that the flags took effect,
  // i.e. that nothing in this process called OpenSSL first.
  if (EVP_get_cipherbyname("AES-256-GCM") != nullptr) {
    std::fputs("the legacy cipher names were loaded\n", stderr);
    ok = false;
  }
  const auto expect = [&ok](const std::string& what, const std::string& got,
                            const std::string& want) {
    if (got == want) return;
    std::fprintf(stderr, "%s: got %s, want %s\n", what.c_str(), got.c_str(), want.c_str());
    ok = false;
  };
  expect("SHA-1(abc)", HexEncode(Sha1(AsBytes("abc"))), "a9993e364706816aba3e25717850c26c9cd0d89d");
  expect("SHA-256(abc)", HexEncode(Sha256(AsBytes("abc"))),
         "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // McGrew & Viega, appendix B, test case 14: zero key, zero IV, one zero block.
  const Bytes zero_key(kAeadKeyBytes, 0);
  StatusOr<Aes256Gcm> gcm = Aes256Gcm::Create(Secret(ByteSpan(zero_key)));
  if (!gcm.ok()) {
    std::fputs("AES-256-GCM unavailable\n", stderr);
    std::exit(1);
  }
  const Bytes block(16, 0);
  Bytes ct;
  Tag tag;
  if (!gcm->Seal(Nonce{}, {}, block, &ct, &tag).ok()) {
    std::fputs("AES-256-GCM seal failed\n", stderr);
    ok = false;
  }
  expect("GCM case 14 ciphertext", HexEncode(ct), "cea7403d4d606b6e074ec5d3baf39d18");
  expect("GCM case 14 tag", HexEncode(tag), "d0d1c8a799996bf0265b98b5d48ab919");
  StatusOr<Secret> a = DeriveDomainKey(Secret(std::string_view("domain-a")));
  StatusOr<Secret> b = DeriveDomainKey(Secret(std::string_view("domain-b")));
  if (!a.ok() || !b.ok() || a->size() != kAeadKeyBytes || *a == *b) {
    std::fputs("HKDF did not derive two distinct 32-byte keys\n", stderr);
    ok = false;
  }
  std::exit(ok ? 0 : 1);
}

TEST(PrepareCrypto, FreshProcessStillGivesTheKnownAnswers) {
  // "threadsafe" re-executes the binary for this test alone: a process in
  // which OpenSSL has not been touched, like `hsmbackup serve` at start.
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(KnownAnswersAfterPrepare(), ::testing::ExitedWithCode(0), "");
}

}  // namespace
}  // namespace hsmbackup
