// Bounds-checked reading and writing of untrusted bytes.
//
// Cursor is the only way the reference reads bytes it did not produce (clone
// blobs, and anything else that crosses a trust boundary). In the style of
// BoringSSL's CBS: every read either succeeds completely or fails and leaves
// the cursor where it was; length-prefixed fields become sub-cursors; a parse
// ends by demanding `empty()`. Writer mirrors Cursor so that
// Serialize(Parse(b)) == b can be checked.
#ifndef HSMBACKUP_BYTES_H_
#define HSMBACKUP_BYTES_H_

#include <cstddef>
#include <cstdint>
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

  bool ReadU8(uint8_t* out) { return ReadBigEndian(1, out); }
  bool ReadU16(uint16_t* out) { return ReadBigEndian(2, out); }
  bool ReadU32(uint32_t* out) { return ReadBigEndian(4, out); }
  bool ReadU64(uint64_t* out) { return ReadBigEndian(8, out); }

  // ReadBytes takes exactly n bytes as a span into the input.
  bool ReadBytes(size_t n, ByteSpan* out) {
    if (n > data_.size()) return false;
    *out = data_.first(n);
    data_ = data_.subspan(n);
    return true;
  }

  // ReadU8Prefixed / ReadU16Prefixed / ReadU32Prefixed read a length of that
  // width, then that many bytes as a sub-cursor. The length is checked
  // against what is left before anything is consumed.
  bool ReadU8Prefixed(Cursor* out) { return ReadPrefixed<uint8_t>(out); }
  bool ReadU16Prefixed(Cursor* out) { return ReadPrefixed<uint16_t>(out); }
  bool ReadU32Prefixed(Cursor* out) { return ReadPrefixed<uint32_t>(out); }

 private:
  template <typename T>
  bool ReadBigEndian(size_t width, T* out) {
    if (width > data_.size()) return false;
    uint64_t v = 0;
    for (size_t i = 0; i < width; ++i) v = (v << 8) | data_[i];
    *out = static_cast<T>(v);
    data_ = data_.subspan(width);
    return true;
  }

  template <typename L>
  bool ReadPrefixed(Cursor* out) {
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

// Writer appends big-endian integers and fields to an owned buffer.
class Writer {
 public:
  Writer() = default;
  explicit Writer(size_t reserve) { out_.reserve(reserve); }

  void U8(uint8_t v) { out_.push_back(v); }
  void U16(uint16_t v) { BigEndian(v, 2); }
  void U32(uint32_t v) { BigEndian(v, 4); }
  void U64(uint64_t v) { BigEndian(v, 8); }
  void Raw(ByteSpan b) { out_.insert(out_.end(), b.begin(), b.end()); }
  void Raw(std::string_view s) { out_.insert(out_.end(), s.begin(), s.end()); }

  size_t size() const { return out_.size(); }
  const Bytes& bytes() const { return out_; }
  Bytes Take() { return std::move(out_); }

 private:
  void BigEndian(uint64_t v, int width) {
    for (int i = width - 1; i >= 0; --i) {
      out_.push_back(static_cast<uint8_t>(v >> (8 * i)));
    }
  }
  Bytes out_;
};

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
