#include "hsmbackup/crypto.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <utility>
#include <vector>

namespace hsmbackup {
namespace {

struct CipherCtxDeleter {
  void operator()(EVP_CIPHER_CTX* p) const { EVP_CIPHER_CTX_free(p); }
};
struct CipherDeleter {
  void operator()(EVP_CIPHER* p) const { EVP_CIPHER_free(p); }
};
struct KdfDeleter {
  void operator()(EVP_KDF* p) const { EVP_KDF_free(p); }
};
struct KdfCtxDeleter {
  void operator()(EVP_KDF_CTX* p) const { EVP_KDF_CTX_free(p); }
};
struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};
using CipherCtxPtr = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxDeleter>;
using CipherPtr = std::unique_ptr<EVP_CIPHER, CipherDeleter>;
using KdfPtr = std::unique_ptr<EVP_KDF, KdfDeleter>;
using KdfCtxPtr = std::unique_ptr<EVP_KDF_CTX, KdfCtxDeleter>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;

constexpr std::string_view kHkdfSalt = "hsmbackup domain salt v1";
constexpr std::string_view kHkdfInfo = "hsmbackup clone key v1";
constexpr std::string_view kSmkIdPrefix = "hsmbackup smk id";

// The hash functions have no error path in their contract: OpenSSL failing
// to hash means the library is unusable, and a wrong digest would silently
// corrupt fingerprints, so stopping is the only honest outcome.
[[noreturn]] void DieOpenSsl(const char* what) {
  std::fprintf(stderr, "hsmbackup: OpenSSL failed: %s\n", what);
  std::abort();
}

// One status for every way Open can fail, so a caller (or an attacker
// watching messages) cannot tell a wrong key from a flipped bit.
Status AuthFailure() {
  return Status(Ckr::kCertificateInvalid, "blob failed authentication");
}

// OpenSSL's int lengths bound what one call can take.
bool FitsInt(size_t n) { return n <= static_cast<size_t>(INT_MAX); }

}  // namespace

struct Aes256Gcm::Impl {
  CipherPtr cipher;  // kept so the context's cipher outlives any cache
  CipherCtxPtr ctx;  // keyed once in Create; each call only sets the IV
};

Aes256Gcm::Aes256Gcm(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Aes256Gcm::Aes256Gcm(Aes256Gcm&&) noexcept = default;
Aes256Gcm& Aes256Gcm::operator=(Aes256Gcm&&) noexcept = default;
Aes256Gcm::~Aes256Gcm() = default;

StatusOr<Aes256Gcm> Aes256Gcm::Create(const Secret& key) {
  if (key.size() != kAeadKeyBytes) {
    return Status(Ckr::kArgumentsBad, "AES-256-GCM needs a 32-byte key");
  }
  auto impl = std::make_unique<Impl>();
  impl->cipher.reset(EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr));
  impl->ctx.reset(EVP_CIPHER_CTX_new());
  // The key schedule is computed here once; GCM uses the same forward AES
  // schedule to seal and to open, so one context serves both directions.
  if (impl->cipher == nullptr || impl->ctx == nullptr ||
      EVP_EncryptInit_ex(impl->ctx.get(), impl->cipher.get(), nullptr,
                         key.secret_bytes().data(), nullptr) != 1) {
    ERR_clear_error();
    return Status(Ckr::kGeneralError, "OpenSSL cannot provide AES-256-GCM");
  }
  return Aes256Gcm(std::move(impl));
}

namespace {

// SealRaw and OpenRaw are the one sequence of OpenSSL calls behind every
// Seal and Open; `in` and `out` may be the same buffer (EVP allows exactly
// in-place, never a partial overlap). Both are inlined into their callers:
// SealInPlace and OpenInto run once per object cloned.
[[gnu::always_inline]] inline bool SealRaw(EVP_CIPHER_CTX* ctx, const Nonce& nonce, ByteSpan aad,
                                           const uint8_t* in, uint8_t* out, size_t n, Tag* tag) {
  int len = 0;
  // GCM emits nothing at Final; the scratch block only gives it a valid
  // pointer when the ciphertext is empty.
  uint8_t final_block[16];
  bool ok = EVP_EncryptInit_ex(ctx, nullptr, nullptr, nullptr, nonce.data()) == 1;
  if (ok && !aad.empty()) {
    ok = EVP_EncryptUpdate(ctx, nullptr, &len, aad.data(), static_cast<int>(aad.size())) == 1;
  }
  if (ok && n != 0) {
    ok = EVP_EncryptUpdate(ctx, out, &len, in, static_cast<int>(n)) == 1 &&
         static_cast<size_t>(len) == n;
  }
  ok = ok && EVP_EncryptFinal_ex(ctx, final_block, &len) == 1 && len == 0 &&
       EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, kAeadTagBytes, tag->data()) == 1;
  if (!ok) ERR_clear_error();
  return ok;
}

[[gnu::always_inline]] inline bool OpenRaw(EVP_CIPHER_CTX* ctx, const Nonce& nonce, ByteSpan aad,
                                           ByteSpan ciphertext, const Tag& tag, uint8_t* out) {
  int len = 0;
  uint8_t final_block[16];
  // The tag is set before any data so Final compares it (in constant time).
  bool ok = EVP_DecryptInit_ex(ctx, nullptr, nullptr, nullptr, nonce.data()) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, kAeadTagBytes,
                                const_cast<uint8_t*>(tag.data())) == 1;
  if (ok && !aad.empty()) {
    ok = EVP_DecryptUpdate(ctx, nullptr, &len, aad.data(), static_cast<int>(aad.size())) == 1;
  }
  if (ok && !ciphertext.empty()) {
    ok = EVP_DecryptUpdate(ctx, out, &len, ciphertext.data(),
                           static_cast<int>(ciphertext.size())) == 1 &&
         static_cast<size_t>(len) == ciphertext.size();
  }
  ok = ok && EVP_DecryptFinal_ex(ctx, final_block, &len) == 1 && len == 0;
  if (!ok) ERR_clear_error();
  return ok;
}

Status SealFailure() { return Status(Ckr::kGeneralError, "AES-256-GCM sealing failed"); }

}  // namespace

Status Aes256Gcm::Seal(const Nonce& nonce, ByteSpan aad, ByteSpan plaintext,
                       Bytes* ciphertext, Tag* tag) {
  if (impl_ == nullptr) {
    return Status(Ckr::kGeneralError, "AES-256-GCM used after move");
  }
  if (!FitsInt(aad.size()) || !FitsInt(plaintext.size())) {
    return Status(Ckr::kArgumentsBad, "input too large for AES-256-GCM");
  }
  ciphertext->resize(plaintext.size());
  if (!SealRaw(impl_->ctx.get(), nonce, aad, plaintext.data(), ciphertext->data(),
               plaintext.size(), tag)) {
    ciphertext->clear();
    return SealFailure();
  }
  return OkStatus();
}

[[gnu::hot]] Status Aes256Gcm::SealInPlace(const Nonce& nonce, ByteSpan aad,
                                           std::span<uint8_t> data, Tag* tag) {
  Status refused;
  if (impl_ == nullptr) {
    refused = Status(Ckr::kGeneralError, "AES-256-GCM used after move");
  } else if (!FitsInt(aad.size()) || !FitsInt(data.size())) {
    refused = Status(Ckr::kArgumentsBad, "input too large for AES-256-GCM");
  } else if (!SealRaw(impl_->ctx.get(), nonce, aad, data.data(), data.data(), data.size(),
                      tag)) {
    refused = SealFailure();
  }
  // A failed call may leave the plaintext, or part of it, in `data`.
  if (!refused.ok()) WipeBytes(data);
  return refused;
}

Status Aes256Gcm::Open(const Nonce& nonce, ByteSpan aad, ByteSpan ciphertext,
                       const Tag& tag, Bytes* plaintext) {
  if (impl_ == nullptr || !FitsInt(aad.size()) || !FitsInt(ciphertext.size())) {
    plaintext->clear();
    return AuthFailure();
  }
  plaintext->resize(ciphertext.size());
  if (!OpenRaw(impl_->ctx.get(), nonce, aad, ciphertext, tag, plaintext->data())) {
    // Unauthenticated plaintext must never be seen, even in freed memory.
    WipeBytes(*plaintext);
    plaintext->clear();
    return AuthFailure();
  }
  return OkStatus();
}

[[gnu::hot]] Status Aes256Gcm::OpenInto(const Nonce& nonce, ByteSpan aad, ByteSpan ciphertext,
                                        const Tag& tag, std::span<uint8_t> plaintext) {
  if (impl_ == nullptr || !FitsInt(aad.size()) || !FitsInt(ciphertext.size()) ||
      plaintext.size() != ciphertext.size()) {
    return AuthFailure();
  }
  if (!OpenRaw(impl_->ctx.get(), nonce, aad, ciphertext, tag, plaintext.data())) {
    WipeBytes(plaintext);
    return AuthFailure();
  }
  return OkStatus();
}

StatusOr<Secret> DeriveDomainKey(const Secret& domain) {
  KdfPtr kdf(EVP_KDF_fetch(nullptr, "HKDF", nullptr));
  KdfCtxPtr kctx(kdf == nullptr ? nullptr : EVP_KDF_CTX_new(kdf.get()));
  if (kctx == nullptr) {
    ERR_clear_error();
    return Status(Ckr::kGeneralError, "cannot derive the domain key: HKDF unavailable");
  }
  // OSSL_PARAM wants non-const pointers but only reads through them. An
  // empty domain still needs a non-null key pointer for HKDF to accept it.
  static const uint8_t kEmpty = 0;
  const uint8_t* ikm = domain.empty() ? &kEmpty : domain.secret_bytes().data();
  char digest[] = "SHA256";
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
                                        const_cast<uint8_t*>(ikm), domain.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT,
                                        const_cast<char*>(kHkdfSalt.data()),
                                        kHkdfSalt.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO,
                                        const_cast<char*>(kHkdfInfo.data()),
                                        kHkdfInfo.size()),
      OSSL_PARAM_construct_end(),
  };
  uint8_t out[kAeadKeyBytes];
  WipeOnExit wipe_out{std::span(out)};
  if (EVP_KDF_derive(kctx.get(), out, sizeof(out), params) != 1) {
    ERR_clear_error();
    return Status(Ckr::kGeneralError, "cannot derive the domain key");
  }
  return Secret(ByteSpan(out, sizeof(out)));
}

SmkId ComputeSmkId(const Secret& smk) {
  MdCtxPtr md(EVP_MD_CTX_new());
  uint8_t digest[32];
  unsigned int len = 0;
  if (md == nullptr || EVP_DigestInit_ex(md.get(), EVP_sha256(), nullptr) != 1 ||
      EVP_DigestUpdate(md.get(), kSmkIdPrefix.data(), kSmkIdPrefix.size()) != 1 ||
      EVP_DigestUpdate(md.get(), smk.secret_bytes().data(), smk.size()) != 1 ||
      EVP_DigestFinal_ex(md.get(), digest, &len) != 1 || len != sizeof(digest)) {
    DieOpenSsl("SHA-256");
  }
  SmkId id;
  std::copy(digest, digest + id.size(), id.begin());
  return id;
}

namespace {

// Find returns the entry for `secret`, comparing in constant time.
template <typename E>
E* Find(std::vector<E>& entries, const Secret& secret) {
  for (E& e : entries) {
    if (e.secret.Equals(secret)) return &e;
  }
  return nullptr;
}

template <typename E>
E& Add(std::vector<E>& entries, E entry) {
  if (entries.size() == KeyCache::kCapacity) entries.erase(entries.begin());
  entries.push_back(std::move(entry));
  return entries.back();
}

}  // namespace

StatusOr<Secret> KeyCache::DomainKey(const Secret& domain) {
  if (const auto* hit = Find(domain_keys_, domain)) return hit->value;
  ++computed_;
  HSMB_ASSIGN_OR_RETURN(Secret key, DeriveDomainKey(domain));
  return Add(domain_keys_, {domain, std::move(key)}).value;
}

SmkId KeyCache::SmkIdOf(const Secret& smk) {
  if (const auto* hit = Find(smk_ids_, smk)) return hit->value;
  ++computed_;
  return Add(smk_ids_, {smk, ComputeSmkId(smk)}).value;
}

std::array<uint8_t, 20> Sha1(ByteSpan data) {
  std::array<uint8_t, 20> out;
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha1(), nullptr) != 1 ||
      len != out.size()) {
    DieOpenSsl("SHA-1");
  }
  return out;
}

std::array<uint8_t, 32> Sha256(ByteSpan data) {
  std::array<uint8_t, 32> out;
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha256(), nullptr) != 1 ||
      len != out.size()) {
    DieOpenSsl("SHA-256");
  }
  return out;
}

bool PrepareCrypto() {
  // OpenSSL 3 registers some 200 legacy cipher and digest names and copies
  // them into its name map on the first fetch, and reads openssl.cnf: half
  // of what a fresh process's first backup spent in OpenSSL. The
  // reference's results must not depend on the machine's OpenSSL
  // configuration anyway: it uses the default provider's algorithms only.
  // Nor does it print OpenSSL's error strings (it clears the queue and says
  // what failed itself), so it skips loading them: a fifth of the
  // instructions a fresh `serve` ran before its first request.
  OPENSSL_init_crypto(OPENSSL_INIT_NO_ADD_ALL_CIPHERS | OPENSSL_INIT_NO_ADD_ALL_DIGESTS |
                          OPENSSL_INIT_NO_LOAD_CONFIG | OPENSSL_INIT_NO_ATEXIT |
                          OPENSSL_INIT_NO_LOAD_CRYPTO_STRINGS,
                      nullptr);
  const std::array<uint8_t, kAeadKeyBytes> zeros{};
  const Secret dummy(ByteSpan(zeros.data(), zeros.size()));
  StatusOr<Aes256Gcm> aead = Aes256Gcm::Create(dummy);
  StatusOr<Secret> derived = DeriveDomainKey(dummy);
  if (!aead.ok() || !derived.ok()) return false;
  std::array<uint8_t, 1> byte{};
  Tag tag;
  if (!aead->SealInPlace(Nonce{}, {}, byte, &tag).ok()) return false;
  (void)ComputeSmkId(dummy);
  (void)Sha1({});
  return true;
}

}  // namespace hsmbackup
