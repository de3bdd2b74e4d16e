// Bounds-checked reading and writing of untrusted bytes.
//
// Cursor is the only way the reference reads bytes it did not produce (clone
// blobs, and anything else that crosses a trust boundary). In the style of
// BoringSSL's CBS: every read either succeeds completely or fails and leaves
// the cursor where it was; length-prefixed fields become sub-cursors; a parse
// ends by demanding `empty()`. Writer mirrors Cursor so that
// Serialize(Parse(b)) == b can be checked; it is the only way the reference
// writes a wire format.
#ifndef HSMBACKUP_BYTES_H_
#define HSMBACKUP_BYTES_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace hsmbackup {

using Bytes = std::vector<uint8_t>;
using ByteSpan = std::span<const uint8_t>;

// Cursor reads big-endian integers and fields from a borrowed byte span.
// It never reads past the end; failed reads return false and consume nothing.
class Cursor {
 public:
  explicit Cursor(ByteSpan data) : data_(data) {}

  size_t remaining() const { return data_.size(); }
  bool empty() const { return data_.empty(); }
  // rest returns the unread bytes without consuming them.
  ByteSpan rest() const { return data_; }

  [[nodiscard]] bool ReadU8(uint8_t* out) { return ReadBigEndian(1, out); }
  [[nodiscard]] bool ReadU16(uint16_t* out) { return ReadBigEndian(2, out); }
  [[nodiscard]] bool ReadU32(uint32_t* out) { return ReadBigEndian(4, out); }
  [[nodiscard]] bool ReadU64(uint64_t* out) { return ReadBigEndian(8, out); }

  // ReadBytes takes exactly n bytes as a span into the input.
  [[nodiscard]] bool ReadBytes(size_t n, ByteSpan* out) {
    if (n > data_.size()) return false;
    *out = data_.first(n);
    data_ = data_.subspan(n);
    return true;
  }

  // ReadAtMost takes min(n, remaining()) bytes as a span into the input and
  // never fails: one bounds check for a record of fixed-size fields, which
  // the caller reads by constant offsets after checking the span's size
  // (a record that came back short says which field the input ends in).
  ByteSpan ReadAtMost(size_t n) {
    const ByteSpan taken = data_.first(n < data_.size() ? n : data_.size());
    data_ = data_.subspan(taken.size());
    return taken;
  }

  // ReadU8Prefixed / ReadU16Prefixed / ReadU32Prefixed read a length of that
  // width, then that many bytes as a sub-cursor. The length is checked
  // against what is left before anything is consumed.
  [[nodiscard]] bool ReadU8Prefixed(Cursor* out) { return ReadPrefixed<uint8_t>(out); }
  [[nodiscard]] bool ReadU16Prefixed(Cursor* out) { return ReadPrefixed<uint16_t>(out); }
  [[nodiscard]] bool ReadU32Prefixed(Cursor* out) { return ReadPrefixed<uint32_t>(out); }

 private:
  template <typename T>
  [[nodiscard]] bool ReadBigEndian(size_t width, T* out) {
    if (width > data_.size()) return false;
    uint64_t v = 0;
    for (size_t i = 0; i < width; ++i) v = (v << 8) | data_[i];
    *out = static_cast<T>(v);
    data_ = data_.subspan(width);
    return true;
  }

  template <typename L>
  [[nodiscard]] bool ReadPrefixed(Cursor* out) {
    Cursor probe = *this;
    L len = 0;
    ByteSpan body;
    if (!probe.ReadBigEndian(sizeof(L), &len) || !probe.ReadBytes(len, &body)) {
      return false;
    }
    *this = probe;
    *out = Cursor(body);
    return true;
  }

  ByteSpan data_;
};

// Writer writes big-endian integers and fields, mirroring Cursor's reads.
//
// It has two modes. A default-constructed Writer appends to a buffer it owns
// (`bytes()`, `Take()`). A Writer over a span (as BoringSSL's CBB over a
// fixed buffer) writes into memory the caller sized and owns, never past its
// end and never allocating: the mode every blob is written in, so secret
// plaintext is written once into its final place and never reallocated.
//
// A write that does not fit writes nothing and fails the Writer; every later
// write is refused too, so a serializer checks `ok()` (or `full()`) once at
// the end instead of after every field.
class Writer {
 public:
  Writer() = default;
  explicit Writer(size_t reserve) { out_.reserve(reserve); }
  explicit Writer(std::span<uint8_t> fixed) : fixed_(fixed), is_fixed_(true) {}

  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  void U8(uint8_t v) { BigEndian(v, 1); }
  void U16(uint16_t v) { BigEndian(v, 2); }
  void U32(uint32_t v) { BigEndian(v, 4); }
  void U64(uint64_t v) { BigEndian(v, 8); }
  void Raw(ByteSpan b) { Put(b.data(), b.size()); }
  void Raw(std::string_view s) { Put(reinterpret_cast<const uint8_t*>(s.data()), s.size()); }

  // Reserve takes the next n bytes for the caller to fill in place, and
  // returns them: one bounds check for a record of several fields whose
  // size the caller computed from those same fields (a header's fixed part,
  // an attribute's two lengths and texts). If they do not fit it writes
  // nothing, fails the Writer as any write would, and returns an empty span
  // (n == 0 also returns an empty span, and succeeds). Growing mode appends
  // n zero bytes first.
  [[nodiscard]] std::span<uint8_t> Reserve(size_t n) {
    if (!is_fixed_) {
      const size_t at = out_.size();
      out_.resize(at + n);
      return std::span<uint8_t>(out_).subspan(at);
    }
    if (!ok_ || n > fixed_.size() - size_) {
      ok_ = false;
      return {};
    }
    const std::span<uint8_t> record = fixed_.subspan(size_, n);
    size_ += n;
    return record;
  }

  // ok is false once a write did not fit (fixed mode only).
  [[nodiscard]] bool ok() const { return ok_; }
  // full is true when a fixed Writer wrote every byte of its span and no
  // write failed: the check that a precomputed size and the bytes agree.
  [[nodiscard]] bool full() const { return ok_ && is_fixed_ && size_ == fixed_.size(); }
  size_t size() const { return is_fixed_ ? size_ : out_.size(); }
  // written is what has been written so far (fixed mode: a prefix of the
  // span, writable, e.g. for encryption in place).
  std::span<uint8_t> written() {
    return is_fixed_ ? fixed_.first(size_) : std::span<uint8_t>(out_);
  }

  // bytes / Take: the owned buffer (growing mode only; empty when fixed).
  const Bytes& bytes() const { return out_; }
  Bytes Take() { return std::move(out_); }

 private:
  void BigEndian(uint64_t v, size_t width) {
    uint8_t b[8];
    for (size_t i = 0; i < width; ++i) b[i] = static_cast<uint8_t>(v >> (8 * (width - 1 - i)));
    Put(b, width);
  }
  void Put(const uint8_t* p, size_t n) {
    if (!is_fixed_) {
      out_.insert(out_.end(), p, p + n);
      return;
    }
    if (!ok_ || n > fixed_.size() - size_) {
      ok_ = false;
      return;
    }
    if (n != 0) std::memcpy(fixed_.data() + size_, p, n);
    size_ += n;
  }

  Bytes out_;
  std::span<uint8_t> fixed_;
  size_t size_ = 0;
  bool is_fixed_ = false;
  bool ok_ = true;
};

// StoreU16 / StoreU32 write `v` big-endian at `p`, the Writer's byte order,
// into a record taken with Writer::Reserve (which bounds the record).
inline void StoreU16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}
inline void StoreU32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 24);
  p[1] = static_cast<uint8_t>(v >> 16);
  p[2] = static_cast<uint8_t>(v >> 8);
  p[3] = static_cast<uint8_t>(v);
}
// LoadU16 / LoadU32 read StoreU16's / StoreU32's bytes back, from a record
// whose size the caller has checked (one taken with Cursor::ReadAtMost, say).
inline uint16_t LoadU16(const uint8_t* p) {
  return static_cast<uint16_t>((uint16_t{p[0]} << 8) | uint16_t{p[1]});
}
inline uint32_t LoadU32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

inline std::string_view AsStringView(ByteSpan b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}
inline ByteSpan AsBytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// HexEncode renders lower-case hex; HexDecode accepts either case and fails
// (returns false) on odd length or a non-hex character.
std::string HexEncode(ByteSpan b);
bool HexDecode(std::string_view hex, Bytes* out);

}  // namespace hsmbackup

#endif  // HSMBACKUP_BYTES_H_
