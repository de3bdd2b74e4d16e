#include "hsmbackup/attributes.h"

#include <algorithm>
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

// PutLength writes `n` at `p`, which has LengthBytes(n) bytes of room, and
// returns the byte after it.
char* PutLength(char* p, size_t n) {
  while (n >= 0x80) {
    *p++ = static_cast<char>((n & 0x7f) | 0x80);
    n >>= 7;
  }
  *p++ = static_cast<char>(n);
  return p;
}

size_t LengthBytes(size_t n) {
  size_t k = 1;
  for (; n >= 0x80; n >>= 7) ++k;
  return k;
}

size_t EntryBytes(std::string_view name, std::string_view value) {
  return LengthBytes(name.size()) + name.size() + LengthBytes(value.size()) + value.size();
}

void AppendEntry(std::string& out, std::string_view name, std::string_view value) {
  PutLength(out, name.size());
  out.append(name);
  PutLength(out, value.size());
  out.append(value);
}

}  // namespace

Attributes::Attributes(std::initializer_list<value_type> entries) {
  for (const auto& [name, value] : entries) Set(name, value);
}

void Attributes::SetCount(size_t old_count, size_t new_count) {
  if (new_count == 0) {
    data_.clear();
    return;
  }
  std::string prefix;
  PutLength(prefix, new_count);
  data_.replace(0, old_count == 0 ? 0 : LengthBytes(old_count), prefix);
}

Attributes::Place Attributes::Locate(std::string_view name) const {
  for (auto it = begin(); it != end(); ++it) {
    const std::string_view held = (*it).first;
    if (held >= name) {
      return {static_cast<size_t>(it.at_ - data_.data()),
              static_cast<size_t>(it.next_ - data_.data()), held == name};
    }
  }
  return {data_.size(), data_.size(), false};
}

std::optional<std::string_view> Attributes::Find(std::string_view name) const {
  for (const auto& [held, value] : *this) {
    if (held == name) return value;
    if (held > name) break;
  }
  return std::nullopt;
}

void Attributes::Set(std::string_view name, std::string_view value) {
  const Place place = Locate(name);
  std::string entry;
  entry.reserve(EntryBytes(name, value));
  AppendEntry(entry, name, value);
  if (place.found) {
    data_.replace(place.at, place.end - place.at, entry);
  } else {
    const size_t n = size();
    data_.insert(place.at, entry);
    SetCount(n, n + 1);  // `at` is past the old count, so this comes second
  }
}

bool Attributes::Erase(std::string_view name) {
  const Place place = Locate(name);
  if (!place.found) return false;
  const size_t n = size();
  data_.erase(place.at, place.end - place.at);
  SetCount(n, n - 1);
  return true;
}

std::optional<Attributes> Attributes::FromSorted(std::span<const value_type> entries) {
  Attributes out;
  if (!out.AssignSorted(entries)) return std::nullopt;
  return out;
}

bool Attributes::AssignSorted(std::span<const value_type> entries) {
  size_t bytes = 0;
  for (size_t i = 0; i < entries.size(); ++i) {
    if (i > 0 && entries[i].first <= entries[i - 1].first) return false;
    bytes += EntryBytes(entries[i].first, entries[i].second);
  }
  if (entries.empty()) {
    data_.clear();
    return true;
  }
  bytes += LengthBytes(entries.size());
  // Sized once and written through a pointer: the clone path decodes a set
  // per object, and appending byte by byte cost more than the allocation.
  data_.resize(bytes);
  char* p = PutLength(data_.data(), entries.size());
  for (const auto& [name, value] : entries) {
    p = PutLength(p, name.size());
    p = std::copy(name.begin(), name.end(), p);
    p = PutLength(p, value.size());
    p = std::copy(value.begin(), value.end(), p);
  }
  return true;
}

}  // namespace hsmbackup
