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

// WriteHeader writes HeaderBytes(h.label) bytes to `w`.
void WriteHeader(Writer& w, const HeaderFields& h);

// WritePayload writes PayloadBytes(object) bytes to `w`. The object must be
// within the limits of model.h (its counts and lengths are written with the
// widths the format gives them).
void WritePayload(Writer& w, const Object& object);

}  // namespace hsmbackup::blob_codec

#endif  // HSMBACKUP_SRC_CRYPTO_BLOB_CODEC_H_
