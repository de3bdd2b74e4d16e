// Attributes: an object's attribute set (name -> value, text).
//
// Names are unique and kept in byte order, the order the blob payload and
// the fingerprint encode them in (blob.h), so iteration is canonical and two
// sets are equal exactly when they hold the same pairs.
//
// The set is one flat buffer rather than a node-based map: a backup of a
// million objects holds a million of these, and a std::map of two entries
// costs more than a 256-byte key value (bench/BENCHMARKS.md, "Scale"). The
// buffer is the blob payload's attribute section itself (BLOB-FORMAT.md,
// "Payload": a 16-bit count, then per entry a 16-bit name length, the name,
// a 16-bit value length, the value; big-endian), so an object is encoded
// with one copy of it and decoded, once validated, with one copy into it.
// Sets of up to kInlineBytes encoded bytes (two or three short attributes)
// are held inline and allocate nothing; the clone path decodes one set per
// object. Lookups and edits are linear, which suits sets of at most
// kMaxAttributes (model.h) entries; an edit re-encodes the set.
//
// The container holds any names and values the encoding's widths can carry
// (kMaxEncodedLength); the blob format's tighter limits are the object
// validator's (clone.h), so a test can build an invalid set.
#ifndef HSMBACKUP_ATTRIBUTES_H_
#define HSMBACKUP_ATTRIBUTES_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <iterator>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "hsmbackup/bytes.h"

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
    return {data_.empty() ? e : data_.data() + 2, e};
  }
  const_iterator end() const {
    const char* e = data_.data() + data_.size();
    return {e, e};
  }
  size_t size() const { return data_.empty() ? 0 : ReadU16(data_.data()); }
  bool empty() const { return data_.empty(); }
  void clear() { data_.clear(); }

  std::optional<std::string_view> Find(std::string_view name) const;
  size_t count(std::string_view name) const { return Find(name) ? 1 : 0; }

  // The longest name or value, and the most entries, the encoding holds.
  static constexpr size_t kMaxEncodedLength = 0xFFFF;

  // Set inserts `name` in order, or replaces its value. What FromSorted
  // would refuse (a name or value longer than kMaxEncodedLength, a 65,536th
  // entry) is not stored and the set is unchanged: nothing the world file
  // or a blob carries comes near.
  void Set(std::string_view name, std::string_view value);
  // Erase removes `name`; false if it was not there.
  bool Erase(std::string_view name);
  // FromSorted builds a set from entries already in strictly increasing
  // name order (a decoder's), in one exactly sized allocation; nullopt if
  // they are not in that order, one is longer than kMaxEncodedLength, or
  // the encoding would pass 4 GiB.
  static std::optional<Attributes> FromSorted(std::span<const value_type> entries);
  // AssignSorted is FromSorted into this set: it replaces the entries with
  // `entries` (a buffer large enough is reused), or returns false and
  // changes nothing if FromSorted would give nullopt. The entries must not
  // view this set's own buffer.
  [[nodiscard]] bool AssignSorted(std::span<const value_type> entries);

  // Encoded is the set in the blob payload's attribute section encoding,
  // count included; an empty set is the two bytes of a zero count.
  std::string_view Encoded() const {
    return data_.empty() ? std::string_view("\0\0", 2)
                         : std::string_view(data_.data(), data_.size());
  }
  // AssignEncoded replaces the entries with `section`, an attribute section
  // that a decoder has checked whole: exactly the entries its count says,
  // names in strictly increasing order (DecodePayload). It is copied as it
  // is, unchecked; the bytes must not be this set's own.
  void AssignEncoded(std::span<const uint8_t> section);

  bool operator==(const Attributes&) const = default;

  // The encoded size a set holds without a heap allocation.
  static constexpr size_t kInlineBytes = 56;

 private:
  // Buffer is a byte buffer that keeps up to kInlineBytes bytes inline
  // (std::string keeps 15, less than most sets).
  class Buffer {
   public:
    Buffer() = default;
    Buffer(const Buffer& other) { std::memcpy(Reset(other.size_), other.data(), other.size_); }
    Buffer(Buffer&& other) noexcept { Take(other); }
    Buffer& operator=(const Buffer& other) {
      if (this != &other) std::memcpy(Reset(other.size_), other.data(), other.size_);
      return *this;
    }
    Buffer& operator=(Buffer&& other) noexcept {
      if (this != &other) {
        Free();
        Take(other);
      }
      return *this;
    }
    ~Buffer() { Free(); }

    const char* data() const { return on_heap() ? heap_ : inline_; }
    size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    void clear() { size_ = 0; }
    // Reset makes the buffer `n` bytes of unspecified content (a larger
    // heap block only if it must grow) and returns them to be written.
    char* Reset(size_t n);
    bool operator==(const Buffer& other) const {
      return size_ == other.size_ && (size_ == 0 || std::memcmp(data(), other.data(), size_) == 0);
    }

   private:
    bool on_heap() const { return capacity_ > kInlineBytes; }
    void Free() {
      if (on_heap()) delete[] heap_;
      capacity_ = kInlineBytes;
      size_ = 0;
    }
    // Take moves `other`'s bytes into this empty buffer and empties it.
    void Take(Buffer& other) {
      size_ = other.size_;
      capacity_ = other.capacity_;
      if (other.on_heap()) {
        heap_ = other.heap_;
      } else {
        std::memcpy(inline_, other.inline_, size_);
      }
      other.capacity_ = kInlineBytes;
      other.size_ = 0;
    }

    uint32_t size_ = 0;
    uint32_t capacity_ = kInlineBytes;  // over kInlineBytes: heap_ is in use
    union {
      char inline_[kInlineBytes];
      char* heap_;
    };
  };

  // ReadU16 reads a big-endian 16-bit number. The buffer is only ever
  // written by this class (or copied from a checked section), so the reads
  // need no bounds checks.
  static size_t ReadU16(const char* p) { return LoadU16(reinterpret_cast<const uint8_t*>(p)); }
  // ReadEntry decodes the entry at `p` and returns the byte after it.
  static const char* ReadEntry(const char* p, value_type* entry) {
    const size_t name_len = ReadU16(p);
    entry->first = std::string_view(p + 2, name_len);
    p += 2 + name_len;
    const size_t value_len = ReadU16(p);
    entry->second = std::string_view(p + 2, value_len);
    return p + 2 + value_len;
  }
  // Empty (no entries), or the attribute section described above.
  Buffer data_;
};

}  // namespace hsmbackup

#endif  // HSMBACKUP_ATTRIBUTES_H_
