// Cryptography for cloning, on OpenSSL 3: AES-256-GCM, HKDF, SHA-1/256.
//
// OpenSSL objects live in unique_ptrs with per-type deleters. Aes256Gcm keeps
// one prefetched cipher and one context per key, so sealing an object costs a
// nonce and a pass over the bytes, not a key schedule or a fetch.
#ifndef HSMBACKUP_CRYPTO_H_
#define HSMBACKUP_CRYPTO_H_

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "hsmbackup/bytes.h"
#include "hsmbackup/model.h"
#include "hsmbackup/secret.h"
#include "hsmbackup/status.h"

namespace hsmbackup {

inline constexpr size_t kAeadKeyBytes = 32;
inline constexpr size_t kAeadNonceBytes = 12;
inline constexpr size_t kAeadTagBytes = 16;
using Nonce = std::array<uint8_t, kAeadNonceBytes>;
using Tag = std::array<uint8_t, kAeadTagBytes>;
using SmkId = std::array<uint8_t, 8>;

// Aes256Gcm seals and opens with one 256-bit key. Not thread-safe: one
// instance per thread.
class Aes256Gcm {
 public:
  // Create fails with CKR_ARGUMENTS_BAD if the key is not 32 bytes, or
  // CKR_GENERAL_ERROR if OpenSSL cannot provide the cipher.
  static StatusOr<Aes256Gcm> Create(const Secret& key);
  Aes256Gcm(Aes256Gcm&&) noexcept;
  Aes256Gcm& operator=(Aes256Gcm&&) noexcept;
  ~Aes256Gcm();

  // Seal encrypts `plaintext` into `ciphertext` (resized to its length) and
  // writes the tag; `aad` is authenticated, not encrypted.
  Status Seal(const Nonce& nonce, ByteSpan aad, ByteSpan plaintext,
              Bytes* ciphertext, Tag* tag);
  // Open authenticates and decrypts. On any failure it returns
  // CKR_CERTIFICATE_INVALID with one message whatever the cause, and leaves
  // `plaintext` empty (partial plaintext is wiped).
  Status Open(const Nonce& nonce, ByteSpan aad, ByteSpan ciphertext,
              const Tag& tag, Bytes* plaintext);

  // SealInPlace is Seal with the ciphertext written over `data` (same
  // length), so a caller can encode the plaintext straight into its output
  // buffer. On failure `data` is wiped (it held plaintext) and the result is
  // CKR_GENERAL_ERROR.
  Status SealInPlace(const Nonce& nonce, ByteSpan aad, std::span<uint8_t> data, Tag* tag);
  // OpenInto is Open into a caller's buffer: `plaintext` must be exactly as
  // long as `ciphertext` (else CKR_CERTIFICATE_INVALID, nothing written). On
  // any failure `plaintext` is wiped.
  Status OpenInto(const Nonce& nonce, ByteSpan aad, ByteSpan ciphertext, const Tag& tag,
                  std::span<uint8_t> plaintext);

 private:
  struct Impl;
  explicit Aes256Gcm(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// DeriveDomainKey is HKDF-SHA256 of the cloning-domain secret with a fixed
// salt and info: the 32-byte key that seals objects in transit. Fails with
// CKR_GENERAL_ERROR when OpenSSL cannot derive it (never an empty key).
StatusOr<Secret> DeriveDomainKey(const Secret& domain);

// ComputeSmkId names an SMK without revealing it: the first 8 bytes of
// SHA-256("hsmbackup smk id" || smk).
SmkId ComputeSmkId(const Secret& smk);

// KeyCache is what one session has derived: a domain's key (DeriveDomainKey)
// and an SMK's id (ComputeSmkId), each computed once per distinct secret for
// as long as the cache lives, as an HSM keeps a session's working keys. A
// backup command otherwise spent a third of its fixed cost on them (an HKDF
// and three SHA-256s through OpenSSL's provider look-ups; bench/BENCHMARKS.md).
// It holds at most kCapacity secrets of each kind, dropping the oldest; every
// secret and key it holds is a Secret, so it is wiped when dropped and when
// the cache is destroyed. Not thread-safe: one per session.
class KeyCache {
 public:
  static constexpr size_t kCapacity = 4;

  // DomainKey is DeriveDomainKey(domain), derived on the first call for
  // that domain; a failure is not kept (the next call tries again).
  StatusOr<Secret> DomainKey(const Secret& domain);
  // SmkIdOf is ComputeSmkId(smk), computed on the first call for that SMK.
  SmkId SmkIdOf(const Secret& smk);

  // How many derivations and hashes the cache has run: what a test counts
  // to see a second call for the same secret answered from the cache.
  size_t computed() const { return computed_; }

 private:
  template <typename V>
  struct Entry {
    Secret secret;
    V value;
  };
  std::vector<Entry<Secret>> domain_keys_;
  std::vector<Entry<SmkId>> smk_ids_;
  size_t computed_ = 0;
};

std::array<uint8_t, 20> Sha1(ByteSpan data);
std::array<uint8_t, 32> Sha256(ByteSpan data);

// PrepareCrypto readies OpenSSL for a process that is about to serve
// commands, and must come before any other OpenSSL call to have its full
// effect: OpenSSL is initialized without its legacy name tables (every
// algorithm here is fetched by its provider name), without reading the
// machine's openssl.cnf (the default provider serves every algorithm here),
// without its error strings (nothing here prints them) and without its
// clean-up at exit (the process frees its own keys; OpenSSL's caches go
// with the process), and each algorithm above is used once on dummy data,
// so the first command a fresh process runs does not pay for the fetches.
// False if
// OpenSSL could not provide one of them (every later use then fails on its
// own, with its own error).
bool PrepareCrypto();

}  // namespace hsmbackup

#endif  // HSMBACKUP_CRYPTO_H_
