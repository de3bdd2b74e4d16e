#include "hsmbackup/secret.h"

#include <openssl/crypto.h>

#include <ostream>
#include <utility>

namespace hsmbackup {
namespace {

// Sixteen bytes, stored unaligned and allowed to alias anything (as SSE2's
// __m128i_u); generic vectors, so no intrinsic header is needed.
typedef uint8_t Block __attribute__((vector_size(16), may_alias, aligned(1)));

}  // namespace

void WipeBytes(std::span<uint8_t> bytes) {
  uint8_t* p = bytes.data();
  size_t n = bytes.size();
  const Block zero = {};
  for (; n >= 64; n -= 64, p += 64) {
    volatile Block* b = reinterpret_cast<volatile Block*>(p);
    b[0] = zero;
    b[1] = zero;
    b[2] = zero;
    b[3] = zero;
  }
  for (; n >= 16; n -= 16, p += 16) *reinterpret_cast<volatile Block*>(p) = zero;
  if (n != 0 && bytes.size() >= 16) {
    // The last few bytes as one block ending at the end, over bytes already
    // zeroed, rather than one store per byte.
    *reinterpret_cast<volatile Block*>(p + n - 16) = zero;
    return;
  }
  for (volatile uint8_t* q = p; n > 0; --n) *q++ = 0;
}

Secret::Secret(std::string_view text) : bytes_(text.begin(), text.end()) {}
Secret::Secret(ByteSpan bytes) : bytes_(bytes.begin(), bytes.end()) {}
Secret::Secret(Bytes&& bytes) noexcept : bytes_(std::move(bytes)) { bytes.clear(); }
Secret::Secret(const Secret& other) : bytes_(other.bytes_) {}

Secret& Secret::operator=(const Secret& other) {
  if (this != &other) {
    Wipe();
    bytes_ = other.bytes_;
  }
  return *this;
}

// Moving a vector hands over its buffer, so no copy is left behind to wipe.
Secret::Secret(Secret&& other) noexcept : bytes_(std::move(other.bytes_)) {
  other.bytes_.clear();
}

Secret& Secret::operator=(Secret&& other) noexcept {
  if (this != &other) {
    Wipe();
    bytes_ = std::move(other.bytes_);
    other.bytes_.clear();
  }
  return *this;
}

[[gnu::hot]] void Secret::Assign(ByteSpan bytes) {
  Wipe();
  bytes_.assign(bytes.begin(), bytes.end());
}

Secret::~Secret() { Wipe(); }

void Secret::Wipe() {
  WipeBytes(bytes_);
  bytes_.clear();
}

std::string Secret::Reveal() const {
  return std::string(bytes_.begin(), bytes_.end());
}

bool Secret::Equals(const Secret& other) const {
  if (bytes_.size() != other.bytes_.size()) return false;
  if (bytes_.empty()) return true;
  return CRYPTO_memcmp(bytes_.data(), other.bytes_.data(), bytes_.size()) == 0;
}

WipeOnExit::~WipeOnExit() {
  WipeBytes(span_);
  if (buffer_ != nullptr) {
    WipeBytes(*buffer_);
    buffer_->clear();
  }
}

void PrintTo(const Secret& secret, std::ostream* os) {
  *os << "<secret, " << secret.size() << " bytes>";
}

}  // namespace hsmbackup
