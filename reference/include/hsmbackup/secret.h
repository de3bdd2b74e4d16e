// Secret material: passwords, domain strings, keys and objects' values.
//
// Secret holds bytes that must never be printed, logged or left in freed
// memory. It wipes itself (WipeBytes) on destruction and reassignment,
// compares in constant time (CRYPTO_memcmp), and has no operator<< and no
// implicit conversion to bytes or a string: the only ways out are
// `secret_bytes()` for cryptography and encoding, and `Reveal()` for
// persistence, both easy to grep for.
//
// WipeOnExit is the scope guard for secret bytes that live, briefly, outside
// a Secret (plaintext scratch, a derived key on the stack): it wipes them
// however the scope is left.
#ifndef HSMBACKUP_SECRET_H_
#define HSMBACKUP_SECRET_H_

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hsmbackup/bytes.h"

namespace hsmbackup {

// WipeBytes overwrites `bytes` with zeros through volatile stores, which
// the compiler may not remove as dead (as OPENSSL_cleanse, but 64 bytes a
// turn: the clone path wipes a plaintext payload per object). The one way
// the reference wipes secret bytes.
void WipeBytes(std::span<uint8_t> bytes);

class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string_view text);
  explicit Secret(ByteSpan bytes);
  // Adopts `bytes`' buffer without copying it (nothing is left behind to
  // wipe); `bytes` is left empty.
  explicit Secret(Bytes&& bytes) noexcept;
  Secret(const Secret& other);
  Secret& operator=(const Secret& other);
  Secret(Secret&& other) noexcept;
  Secret& operator=(Secret&& other) noexcept;
  ~Secret();
  // Assign replaces the bytes with a copy of `bytes`, in place: the old ones
  // are wiped first, and a buffer large enough is reused (a decoder filling
  // an object needs no temporary Secret to move from). `bytes` must not view
  // this Secret's own bytes.
  void Assign(ByteSpan bytes);

  bool empty() const { return bytes_.empty(); }
  size_t size() const { return bytes_.size(); }
  ByteSpan secret_bytes() const { return bytes_; }
  // Reveal returns the secret as text, for the world file only.
  std::string Reveal() const;

  // Equals compares in time that depends only on the lengths.
  bool Equals(const Secret& other) const;
  friend bool operator==(const Secret& a, const Secret& b) {
    return a.Equals(b);
  }

 private:
  void Wipe();
  std::vector<uint8_t> bytes_;
};

// PrintTo (found by gtest through argument-dependent lookup) prints the
// length only: a failing comparison of two Secrets never shows their bytes.
void PrintTo(const Secret& secret, std::ostream* os);

// WipeOnExit wipes a span, or a buffer's current contents, when it goes out
// of scope. The buffer form wipes what the Bytes holds at that moment, so it
// stays right if the buffer is filled or resized after the guard is made;
// it also clears it.
class WipeOnExit {
 public:
  explicit WipeOnExit(std::span<uint8_t> bytes) : span_(bytes) {}
  explicit WipeOnExit(Bytes* buffer) : buffer_(buffer) {}
  WipeOnExit(const WipeOnExit&) = delete;
  WipeOnExit& operator=(const WipeOnExit&) = delete;
  ~WipeOnExit();

 private:
  std::span<uint8_t> span_;
  Bytes* buffer_ = nullptr;
};

}  // namespace hsmbackup

#endif  // HSMBACKUP_SECRET_H_
