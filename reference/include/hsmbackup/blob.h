// The clone blob: how one object (or an SMK) travels between HSMs.
//
// Byte layout, fields and limits are specified in reference/BLOB-FORMAT.md.
// ParseBlob takes untrusted bytes through a Cursor and accepts only
// canonical encodings, so SerializeBlob(ParseBlob(b)) == b for every accepted
// b. Sealing and opening (which need keys) are in clone.h.
#ifndef HSMBACKUP_BLOB_H_
#define HSMBACKUP_BLOB_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "hsmbackup/bytes.h"
#include "hsmbackup/crypto.h"
#include "hsmbackup/model.h"
#include "hsmbackup/status.h"

namespace hsmbackup {

inline constexpr uint8_t kBlobVersion = 1;
// Largest ciphertext a blob may carry: a payload with a 64 KiB value plus
// the most attribute bytes the limits in model.h allow.
inline constexpr size_t kMaxBlobCiphertext =
    kMaxObjectValueBytes + 1 + 2 +
    kMaxAttributes * (2 + kMaxAttributeNameLength + 2 + kMaxAttributeValueLength) + 4;

// Largest blob: 61 fixed bytes, the longest label and the largest
// ciphertext (BLOB-FORMAT.md, "Total size").
inline constexpr size_t kMaxBlobSize = 61 + kMaxObjectLabelLength + kMaxBlobCiphertext;

// BlobKind says what a blob carries and under which key it is sealed.
enum class BlobKind : uint8_t {
  kDomainObject = 1,  // pre-7.7 / V0 object, sealed under the domain key
  kSmkObject = 2,     // V1 object, sealed under the source partition's SMK
  kSmk = 3,           // a V1 partition's SMK, sealed under the domain key
};

// The wire values of the blob's enums (BLOB-FORMAT.md). Each *FromWire is
// the only way a byte becomes an enum: nullopt for a value the format does
// not define.
// The values are spelled out rather than cast so that reordering an enum can
// never silently change the format.
constexpr uint8_t ToWire(BlobKind k) {
  switch (k) {
    case BlobKind::kDomainObject: return 1;
    case BlobKind::kSmkObject: return 2;
    case BlobKind::kSmk: return 3;
  }
  return 0xFF;
}

constexpr uint8_t ToWire(PartitionKind k) {
  switch (k) {
    case PartitionKind::kPre77: return 0;
    case PartitionKind::kV0: return 1;
    case PartitionKind::kV1: return 2;
  }
  return 0xFF;
}

constexpr uint8_t ToWire(ObjectClass c) {
  switch (c) {
    case ObjectClass::kData: return 0;
    case ObjectClass::kCertificate: return 1;
    case ObjectClass::kPublicKey: return 2;
    case ObjectClass::kPrivateKey: return 3;
    case ObjectClass::kSecretKey: return 4;
  }
  return 0xFF;
}
std::optional<BlobKind> BlobKindFromWire(uint8_t b);
std::optional<PartitionKind> SourceKindFromWire(uint8_t b);
std::optional<ObjectClass> ObjectClassFromWire(uint8_t b);

struct CloneBlob {
  BlobKind kind = BlobKind::kDomainObject;
  PartitionKind source_kind = PartitionKind::kV0;
  SmkId key_id{};  // kSmkObject and kSmk: the SMK's id; zero otherwise
  Ouid ouid;       // zero for kSmk
  std::string label;
  Nonce nonce{};
  Bytes ciphertext;
  Tag tag{};
  bool operator==(const CloneBlob&) const = default;
};

// CloneBlobView is a parsed blob that borrows its variable-length fields
// from the bytes it was parsed from, which must outlive it: the per-object
// receive path reads a blob without copying its ciphertext.
struct CloneBlobView {
  BlobKind kind = BlobKind::kDomainObject;
  PartitionKind source_kind = PartitionKind::kV0;
  SmkId key_id{};
  Ouid ouid;
  std::string_view label;
  Nonce nonce{};
  ByteSpan aad;         // the header bytes GCM authenticates: BlobAad's bytes
  ByteSpan ciphertext;
  Tag tag{};
};

// ParseBlob decodes a blob. Fails with CKR_DATA_INVALID naming the first
// problem (bad magic, unknown version or kind, a length past the end or over
// its limit, a non-canonical field, trailing bytes).
StatusOr<CloneBlob> ParseBlob(ByteSpan bytes);
// ParseBlobView accepts and rejects exactly what ParseBlob does, with the
// same messages; on success the view points into `bytes`.
StatusOr<CloneBlobView> ParseBlobView(ByteSpan bytes);
// ParseBlobViewInto is ParseBlobView filling the caller's `*view` (the
// clone path's receiver parses each blob into one it already has, rather
// than returning a copy); on failure `*view` holds whatever was read.
Status ParseBlobViewInto(ByteSpan bytes, CloneBlobView* view);
// ToCloneBlob copies a view into an owning blob: ParseBlob(b) ==
// ToCloneBlob(*ParseBlobView(b)).
CloneBlob ToCloneBlob(const CloneBlobView& view);
Bytes SerializeBlob(const CloneBlob& blob);
// BlobWireBytes is the serialized size of a blob with a label of
// `label_bytes` and `ciphertext_bytes` of ciphertext (61 + L + N).
size_t BlobWireBytes(size_t label_bytes, size_t ciphertext_bytes);
// BlobAad is the header bytes that GCM authenticates: everything before the
// ciphertext length.
Bytes BlobAad(const CloneBlob& blob);

// EncodePayload / DecodePayload are the plaintext inside a kDomainObject or
// kSmkObject blob: class, attributes and value (handle, OUID and label travel
// in the header). DecodePayload fails with CKR_DATA_INVALID.
Bytes EncodePayload(const Object& object);
Status DecodePayload(ByteSpan payload, Object* object);
// PayloadBytes is EncodePayload(object).size(), without encoding it.
size_t PayloadBytes(const Object& object);

// ComputeFingerprint is CKA_FINGERPRINT_SHA1 as model.h defines it.
Fingerprint ComputeFingerprint(const Object& object);

// DescribeBlob renders a blob's header (no keys needed) for `blob inspect`.
std::string DescribeBlob(const CloneBlob& blob);

}  // namespace hsmbackup

#endif  // HSMBACKUP_BLOB_H_
