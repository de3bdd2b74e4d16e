// Internal to the crypto component: writing a blob's header and an object's
// payload through a Writer (fixed mode, over memory the caller has sized).
//
// blob.cc (SerializeBlob, BlobAad, EncodePayload, ComputeFingerprint) and
// clone.cc (SealObjectInto, which writes header, payload and tag straight
// into the wire buffer and encrypts the payload in place) share these, so
// the byte format of BLOB-FORMAT.md is written in exactly one place.
#ifndef HSMBACKUP_SRC_CRYPTO_BLOB_CODEC_H_
#define HSMBACKUP_SRC_CRYPTO_BLOB_CODEC_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>

#include "hsmbackup/blob.h"
#include "hsmbackup/bytes.h"
#include "hsmbackup/crypto.h"
#include "hsmbackup/model.h"

namespace hsmbackup::blob_codec {

// Magic, version, kind, source kind, flags, key id, OUID, label length and
// nonce: the header without the label bytes.
inline constexpr size_t kFixedHeaderBytes = 4 + 1 + 1 + 1 + 1 + 8 + 12 + 1 + kAeadNonceBytes;
// The label length's offset: magic, version, kind, source kind, flags, key
// id and OUID come before it.
inline constexpr size_t kLabelAt = 4 + 1 + 1 + 1 + 1 + 8 + 12;
// The ciphertext length field between the header and the ciphertext.
inline constexpr size_t kLengthBytes = 4;

// The payload: the class, the attribute set's section (count included, as
// Attributes holds it), the value's length, the value. PayloadBytes,
// ValidateObject's size and WritePayload's records are all these sums.
inline constexpr size_t kClassBytes = 1;
inline constexpr size_t kValueLengthBytes = 4;
inline size_t PayloadBytes(const Attributes& attributes, size_t value_bytes) {
  return kClassBytes + attributes.Encoded().size() + kValueLengthBytes + value_bytes;
}

// IsLabelText: every byte of a label is printable ASCII, 0x20..0x7e (the
// sealer refuses, and the parser rejects, any other).
inline bool IsLabelText(const uint8_t* p, size_t n) {
  // Eight bytes at a time, as one 64-bit word: a byte b is outside the range
  // when its top bit is set, or, with y = b & 0x7f, when y + 0x60 leaves the
  // top bit clear (y < 0x20) or y + 1 sets it (y == 0x7f); no byte carries
  // into the next. Words overlap rather than run past the end; under four
  // bytes, three picks cover every byte and spaces fill the rest.
  constexpr uint64_t kHigh = 0x8080808080808080ULL;
  constexpr uint64_t kLow7 = 0x7f7f7f7f7f7f7f7fULL;
  auto bad = [](uint64_t x) {
    const uint64_t y = x & kLow7;
    return (x | ~(y + 0x6060606060606060ULL) | (y + 0x0101010101010101ULL)) & kHigh;
  };
  auto load = [](const uint8_t* q, auto word) {
    std::memcpy(&word, q, sizeof(word));
    return static_cast<uint64_t>(word);
  };
  if (n >= 8) {
    uint64_t any = bad(load(p + n - 8, uint64_t{}));
    for (size_t i = 0; i + 8 < n; i += 8) any |= bad(load(p + i, uint64_t{}));
    return any == 0;
  }
  if (n >= 4) return bad(load(p, uint32_t{}) | load(p + n - 4, uint32_t{}) << 32) == 0;
  if (n == 0) return true;
  return bad(0x2020202020000000ULL | p[0] | uint64_t{p[n / 2]} << 8 |
             uint64_t{p[n - 1]} << 16) == 0;
}
inline bool IsLabelText(std::string_view s) {
  return IsLabelText(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

// HeaderFields is what the header says; the label is at most
// kMaxObjectLabelLength bytes (the caller checks).
struct HeaderFields {
  BlobKind kind;
  PartitionKind source_kind;
  const SmkId& key_id;
  const Ouid& ouid;
  std::string_view label;
  const Nonce& nonce;
};

// HeaderBytes is the AAD's length: kFixedHeaderBytes + the label.
inline size_t HeaderBytes(std::string_view label) { return kFixedHeaderBytes + label.size(); }

inline constexpr std::string_view kMagic = "HBCB";

// WriteHeader writes HeaderBytes(h.label) bytes to `w`. Inline, as is
// WritePayload: the sealer calls both once per object cloned.
inline void WriteHeader(Writer& w, const HeaderFields& h) {
  // The header is one record: its size follows from the label's, so one
  // bounds check covers every field (the Writer's per-field checks cost
  // more than the fields, on every object cloned).
  static_assert(kFixedHeaderBytes == kLabelAt + 1 + kAeadNonceBytes);
  const size_t label_bytes = h.label.size();
  const std::span<uint8_t> record = w.Reserve(HeaderBytes(h.label));
  if (record.empty()) return;  // did not fit: the Writer has failed
  uint8_t* p = record.data();
  std::memcpy(p, kMagic.data(), kMagic.size());
  p[4] = kBlobVersion;
  p[5] = ToWire(h.kind);
  p[6] = ToWire(h.source_kind);
  p[7] = 0;  // flags
  std::memcpy(p + 8, h.key_id.data(), h.key_id.size());
  std::memcpy(p + 16, h.ouid.bytes.data(), h.ouid.bytes.size());
  p[kLabelAt] = static_cast<uint8_t>(label_bytes);
  if (label_bytes != 0) std::memcpy(p + kLabelAt + 1, h.label.data(), label_bytes);
  std::memcpy(p + kLabelAt + 1 + label_bytes, h.nonce.data(), h.nonce.size());
}

// WritePayload writes PayloadBytes(object) bytes to `w`. The object must be
// within the limits of model.h (its counts and lengths are written with the
// widths the format gives them).
inline void WritePayload(Writer& w, const Object& object) {
  // One record: the class, the attribute section as Attributes holds it,
  // the value's length, the value.
  const std::string_view section = object.attributes.Encoded();
  const ByteSpan value = object.value.secret_bytes();
  const std::span<uint8_t> record = w.Reserve(PayloadBytes(object.attributes, value.size()));
  if (record.empty()) return;  // did not fit: the Writer has failed
  uint8_t* p = record.data();
  p[0] = ToWire(object.object_class);
  std::memcpy(p + kClassBytes, section.data(), section.size());
  p += kClassBytes + section.size();
  StoreU32(p, static_cast<uint32_t>(value.size()));
  if (!value.empty()) std::memcpy(p + kValueLengthBytes, value.data(), value.size());
}

}  // namespace hsmbackup::blob_codec

#endif  // HSMBACKUP_SRC_CRYPTO_BLOB_CODEC_H_
