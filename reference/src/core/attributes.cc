#include "hsmbackup/attributes.h"

#include <cstdint>

namespace hsmbackup {
namespace {

void PutLength(std::string& out, size_t n) {
  while (n >= 0x80) {
    out.push_back(static_cast<char>((n & 0x7f) | 0x80));
    n >>= 7;
  }
  out.push_back(static_cast<char>(n));
}

size_t LengthBytes(size_t n) {
  size_t k = 1;
  for (; n >= 0x80; n >>= 7) ++k;
  return k;
}

// The buffer is only ever written by PutLength, so the reads need no
// bounds checks beyond the end pointer the loop is given.
const char* GetLength(const char* p, size_t* n) {
  size_t v = 0;
  int shift = 0;
  uint8_t b = 0;
  do {
    b = static_cast<uint8_t>(*p++);
    v |= static_cast<size_t>(b & 0x7f) << shift;
    shift += 7;
  } while (b & 0x80);
  *n = v;
  return p;
}

// ReadEntry decodes the entry at `p` and returns the byte after it.
const char* ReadEntry(const char* p, Attributes::value_type* entry) {
  size_t len = 0;
  p = GetLength(p, &len);
  entry->first = std::string_view(p, len);
  p = GetLength(p + len, &len);
  entry->second = std::string_view(p, len);
  return p + len;
}

}  // namespace

Attributes::const_iterator::const_iterator(const char* at, const char* end)
    : at_(at), next_(at), end_(end) {
  if (at_ != end_) next_ = ReadEntry(at_, &entry_);
}

Attributes::const_iterator& Attributes::const_iterator::operator++() {
  at_ = next_;
  if (at_ != end_) next_ = ReadEntry(at_, &entry_);
  return *this;
}

Attributes::Attributes(std::initializer_list<value_type> entries) {
  for (const auto& [name, value] : entries) Set(name, value);
}

size_t Attributes::size() const { return static_cast<size_t>(std::distance(begin(), end())); }

std::pair<size_t, bool> Attributes::Locate(std::string_view name) const {
  for (auto it = begin(); it != end(); ++it) {
    const std::string_view held = (*it).first;
    if (held >= name) return {static_cast<size_t>(it.at_ - data_.data()), held == name};
  }
  return {data_.size(), false};
}

std::string Attributes::Encode(std::string_view name, std::string_view value) {
  std::string out;
  out.reserve(LengthBytes(name.size()) + name.size() + LengthBytes(value.size()) + value.size());
  PutLength(out, name.size());
  out.append(name);
  PutLength(out, value.size());
  out.append(value);
  return out;
}

std::optional<std::string_view> Attributes::Find(std::string_view name) const {
  for (const auto& [held, value] : *this) {
    if (held == name) return value;
    if (held > name) break;
  }
  return std::nullopt;
}

void Attributes::Set(std::string_view name, std::string_view value) {
  const auto [at, found] = Locate(name);
  const std::string entry = Encode(name, value);
  if (found) {
    value_type old;
    const char* after = ReadEntry(data_.data() + at, &old);
    data_.replace(at, static_cast<size_t>(after - (data_.data() + at)), entry);
  } else {
    data_.insert(at, entry);
  }
}

bool Attributes::Erase(std::string_view name) {
  const auto [at, found] = Locate(name);
  if (!found) return false;
  value_type old;
  const char* after = ReadEntry(data_.data() + at, &old);
  data_.erase(at, static_cast<size_t>(after - (data_.data() + at)));
  return true;
}

std::optional<Attributes> Attributes::FromSorted(std::span<const value_type> entries) {
  size_t bytes = 0;
  for (size_t i = 0; i < entries.size(); ++i) {
    if (i > 0 && entries[i].first <= entries[i - 1].first) return std::nullopt;
    const auto& [name, value] = entries[i];
    bytes += LengthBytes(name.size()) + name.size() + LengthBytes(value.size()) + value.size();
  }
  Attributes out;
  out.data_.reserve(bytes);
  for (const auto& [name, value] : entries) {
    PutLength(out.data_, name.size());
    out.data_.append(name);
    PutLength(out.data_, value.size());
    out.data_.append(value);
  }
  return out;
}

}  // namespace hsmbackup
