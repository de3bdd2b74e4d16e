// Attributes: an object's attribute set (name -> value, text).
//
// Names are unique and kept in byte order, the order the blob payload and
// the fingerprint encode them in (blob.h), so iteration is canonical and two
// sets are equal exactly when they hold the same pairs.
//
// The set is one flat buffer (a length-prefixed name and value per entry)
// rather than a node-based map: a backup of a million objects holds a
// million of these, and a std::map of two entries costs more than a 256-byte
// key value (bench/BENCHMARKS.md, "Scale"). Short sets fit in the string's
// inline storage and allocate nothing. Lookups and edits are linear, which
// suits sets of at most kMaxAttributes (model.h) entries.
//
// The container holds any names and values; the limits on them are the
// object validator's (clone.h), so a test can build an invalid set.
#ifndef HSMBACKUP_ATTRIBUTES_H_
#define HSMBACKUP_ATTRIBUTES_H_

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

namespace hsmbackup {

class Attributes {
 public:
  // An entry: views into the set, valid until the set is next changed.
  using value_type = std::pair<std::string_view, std::string_view>;

  class const_iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = Attributes::value_type;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = value_type;

    const_iterator() = default;
    value_type operator*() const { return entry_; }
    const_iterator& operator++() {
      at_ = next_;
      if (at_ != end_) next_ = ReadEntry(at_, &entry_);
      return *this;
    }
    const_iterator operator++(int) {
      const_iterator old = *this;
      ++*this;
      return old;
    }
    bool operator==(const const_iterator& o) const { return at_ == o.at_; }

   private:
    friend class Attributes;
    const_iterator(const char* at, const char* end) : at_(at), next_(at), end_(end) {
      if (at_ != end_) next_ = ReadEntry(at_, &entry_);
    }
    const char* at_ = nullptr;    // the current entry's first byte, or end
    const char* next_ = nullptr;  // the byte after the current entry
    const char* end_ = nullptr;
    value_type entry_;
  };

  Attributes() = default;
  // Sets each pair in turn: a repeated name keeps its last value.
  Attributes(std::initializer_list<value_type> entries);

  const_iterator begin() const {
    const char* e = data_.data() + data_.size();
    return {data_.empty() ? e : ReadLength(data_.data(), nullptr), e};
  }
  const_iterator end() const {
    const char* e = data_.data() + data_.size();
    return {e, e};
  }
  size_t size() const {
    size_t n = 0;
    if (!data_.empty()) ReadLength(data_.data(), &n);
    return n;
  }
  bool empty() const { return data_.empty(); }
  void clear() { data_.clear(); }

  std::optional<std::string_view> Find(std::string_view name) const;
  size_t count(std::string_view name) const { return Find(name) ? 1 : 0; }

  // Set inserts `name` in order, or replaces its value.
  void Set(std::string_view name, std::string_view value);
  // Erase removes `name`; false if it was not there.
  bool Erase(std::string_view name);
  // FromSorted builds a set from entries already in strictly increasing
  // name order (a decoder's), in one exactly sized allocation; nullopt if
  // they are not in that order.
  static std::optional<Attributes> FromSorted(std::span<const value_type> entries);
  // AssignSorted is FromSorted into this set: it replaces the entries with
  // `entries` (a buffer large enough is reused), or returns false and
  // changes nothing if they are not in strictly increasing order. The
  // entries must not view this set's own buffer.
  [[nodiscard]] bool AssignSorted(std::span<const value_type> entries);

  bool operator==(const Attributes&) const = default;

 private:
  // ReadLength decodes the LEB128 number at `p` into *n (if not null) and
  // returns the byte after it. The buffer is only ever written by this
  // class, so the reads need no bounds checks.
  static const char* ReadLength(const char* p, size_t* n) {
    if (static_cast<uint8_t>(*p) < 0x80) {  // one byte: every length below 128
      if (n != nullptr) *n = static_cast<uint8_t>(*p);
      return p + 1;
    }
    size_t v = 0;
    int shift = 0;
    uint8_t b = 0;
    do {
      b = static_cast<uint8_t>(*p++);
      v |= static_cast<size_t>(b & 0x7f) << shift;
      shift += 7;
    } while (b & 0x80);
    if (n != nullptr) *n = v;
    return p;
  }
  // ReadEntry decodes the entry at `p` and returns the byte after it.
  static const char* ReadEntry(const char* p, value_type* entry) {
    size_t len = 0;
    p = ReadLength(p, &len);
    entry->first = std::string_view(p, len);
    p = ReadLength(p + len, &len);
    entry->second = std::string_view(p, len);
    return p + len;
  }
  // Place is where `name` is, or where it would go: the offsets of the
  // entry there (at == end == data_.size() past the last one) and whether
  // its name is `name`.
  struct Place {
    size_t at;
    size_t end;
    bool found;
  };
  Place Locate(std::string_view name) const;
  // SetCount rewrites the entry count in front of the entries.
  void SetCount(size_t old_count, size_t new_count);

  // Empty, or the entry count then the entries in name order, each: len(name),
  // name, len(value), value. Numbers are LEB128 (one byte below 128), so a
  // set of short attributes costs a few bytes over its text.
  std::string data_;
};

}  // namespace hsmbackup

#endif  // HSMBACKUP_ATTRIBUTES_H_
