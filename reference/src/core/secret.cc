#include "hsmbackup/secret.h"

#include <openssl/crypto.h>

#include <ostream>
#include <utility>

namespace hsmbackup {

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

Secret::~Secret() { Wipe(); }

void Secret::Wipe() {
  if (!bytes_.empty()) OPENSSL_cleanse(bytes_.data(), bytes_.size());
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
  if (!span_.empty()) OPENSSL_cleanse(span_.data(), span_.size());
  if (buffer_ != nullptr) {
    if (!buffer_->empty()) OPENSSL_cleanse(buffer_->data(), buffer_->size());
    buffer_->clear();
  }
}

void PrintTo(const Secret& secret, std::ostream* os) {
  *os << "<secret, " << secret.size() << " bytes>";
}

}  // namespace hsmbackup
