#include "hsmbackup/attributes.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

namespace hsmbackup {
namespace {

// PutU16 is StoreU16 (bytes.h) on the set's char buffer; `n` fits 16 bits
// (AssignSorted checks every length first).
char* PutU16(char* p, size_t n) {
  StoreU16(reinterpret_cast<uint8_t*>(p), static_cast<uint16_t>(n));
  return p + 2;
}

}  // namespace

char* Attributes::Buffer::Reset(size_t n) {
  if (n > capacity_) {
    char* grown = new char[n];
    Free();
    heap_ = grown;
    capacity_ = static_cast<uint32_t>(n);
  }
  size_ = static_cast<uint32_t>(n);
  return on_heap() ? heap_ : inline_;
}

Attributes::Attributes(std::initializer_list<value_type> entries) {
  for (const auto& [name, value] : entries) Set(name, value);
}

std::optional<std::string_view> Attributes::Find(std::string_view name) const {
  for (const auto& [held, value] : *this) {
    if (held == name) return value;
    if (held > name) break;
  }
  return std::nullopt;
}

// Set and Erase re-encode the whole set into a new one: edits are rare (a
// world being built or loaded), and the old buffer stays valid while the
// new one is written, so `name` and `value` may view this set.
void Attributes::Set(std::string_view name, std::string_view value) {
  std::vector<value_type> entries;
  entries.reserve(size() + 1);
  bool placed = false;
  for (const value_type& held : *this) {
    if (!placed && held.first >= name) {
      entries.emplace_back(name, value);
      placed = true;
      if (held.first == name) continue;
    }
    entries.push_back(held);
  }
  if (!placed) entries.emplace_back(name, value);
  Attributes out;
  if (out.AssignSorted(entries)) *this = std::move(out);  // ordered; false: too long
}

bool Attributes::Erase(std::string_view name) {
  std::vector<value_type> entries;
  entries.reserve(size());
  bool found = false;
  for (const value_type& held : *this) {
    if (held.first == name) {
      found = true;
    } else {
      entries.push_back(held);
    }
  }
  if (!found) return false;
  Attributes out;
  if (out.AssignSorted(entries)) *this = std::move(out);  // a subsequence of an ordered set
  return true;
}

std::optional<Attributes> Attributes::FromSorted(std::span<const value_type> entries) {
  Attributes out;
  if (!out.AssignSorted(entries)) return std::nullopt;
  return out;
}

bool Attributes::AssignSorted(std::span<const value_type> entries) {
  if (entries.size() > kMaxEncodedLength) return false;
  size_t bytes = 2;
  for (size_t i = 0; i < entries.size(); ++i) {
    if (i > 0 && entries[i].first <= entries[i - 1].first) return false;
    if (entries[i].first.size() > kMaxEncodedLength ||
        entries[i].second.size() > kMaxEncodedLength) {
      return false;
    }
    bytes += 2 + entries[i].first.size() + 2 + entries[i].second.size();
  }
  if (entries.empty()) {
    data_.clear();
    return true;
  }
  if (bytes > UINT32_MAX) return false;  // the buffer's size is 32 bits
  char* p = PutU16(data_.Reset(bytes), entries.size());
  for (const auto& [name, value] : entries) {
    p = PutU16(p, name.size());
    p = std::copy(name.begin(), name.end(), p);
    p = PutU16(p, value.size());
    p = std::copy(value.begin(), value.end(), p);
  }
  return true;
}

void Attributes::AssignEncoded(std::span<const uint8_t> section) {
  if (section.size() <= 2) {  // a zero count: the empty set
    data_.clear();
    return;
  }
  std::memcpy(data_.Reset(section.size()), section.data(), section.size());
}

}  // namespace hsmbackup
