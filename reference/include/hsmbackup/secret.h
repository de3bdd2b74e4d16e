// Secret material: passwords, domain strings and keys.
//
// Secret holds bytes that must never be printed, logged or left in freed
// memory. It wipes itself (OPENSSL_cleanse) on destruction and reassignment,
// compares in constant time (CRYPTO_memcmp), and has no operator<< and no
// implicit conversion to a string: the only ways out are `span()` for
// cryptography and `Reveal()` for persistence, both easy to grep for.
#ifndef HSMBACKUP_SECRET_H_
#define HSMBACKUP_SECRET_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "hsmbackup/bytes.h"

namespace hsmbackup {

class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string_view text);
  explicit Secret(ByteSpan bytes);
  Secret(const Secret& other);
  Secret& operator=(const Secret& other);
  Secret(Secret&& other) noexcept;
  Secret& operator=(Secret&& other) noexcept;
  ~Secret();

  bool empty() const { return bytes_.empty(); }
  size_t size() const { return bytes_.size(); }
  ByteSpan span() const { return bytes_; }
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

}  // namespace hsmbackup

#endif  // HSMBACKUP_SECRET_H_
