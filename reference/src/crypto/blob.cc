#include "hsmbackup/blob.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <array>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "crypto/blob_codec.h"

namespace hsmbackup {
namespace {

using blob_codec::HeaderFields;

// The error helpers are cold: a parse that fails is rare, and GCC moves
// the branches that call them, and the messages they build, out of the
// parsers' hot code, which the clone path runs once per object.
[[gnu::cold]] Status Invalid(std::string message) {
  return Status(Ckr::kDataInvalid, std::move(message));
}
[[gnu::cold]] Status BlobTruncated(std::string_view field) {
  return Invalid("blob truncated in the " + std::string(field));
}
[[gnu::cold]] Status PayloadTruncated(std::string_view field) {
  return Invalid("payload truncated in the " + std::string(field));
}

// OR-ed together rather than std::all_of's early exit: the fields are a
// few bytes, and a key id or OUID is checked on every blob parsed.
bool AllZero(ByteSpan b) {
  uint8_t any = 0;
  for (uint8_t c : b) any |= c;
  return any == 0;
}

bool IsLabelByte(uint8_t c) { return c >= 0x20 && c <= 0x7e; }

const char* KindDescription(BlobKind k) {
  switch (k) {
    case BlobKind::kDomainObject: return "object (sealed under the domain key)";
    case BlobKind::kSmkObject: return "V1 object (sealed under SMK)";
    case BlobKind::kSmk: return "SMK (sealed under the domain key)";
  }
  return "unknown";
}

// CheckKindAndSource enforces which source kinds each blob kind may carry.
Status CheckKindAndSource(BlobKind kind, PartitionKind source) {
  if (kind == BlobKind::kDomainObject && source == PartitionKind::kV1) {
    return Invalid("source kind V1 is not allowed for a domain-sealed object");
  }
  if (kind != BlobKind::kDomainObject && source != PartitionKind::kV1) {
    return Invalid(std::string("source kind ") + KindName(source) +
                   " is not allowed for an SMK-sealed object or an SMK blob");
  }
  return OkStatus();
}

HeaderFields FieldsOf(const CloneBlob& blob) {
  return {blob.kind, blob.source_kind, blob.key_id, blob.ouid, blob.label, blob.nonce};
}

// CheckFull stops the process when a fixed Writer and the size computed for
// it disagree: a bug in this file, and emitting the bytes would put a blob
// on the wire that its own parser rejects (or a truncated fingerprint).
void CheckFull(const Writer& w, const char* what) {
  if (w.full()) return;
  std::fprintf(stderr, "hsmbackup: %s wrote a different size than it computed\n", what);
  std::abort();
}

template <size_t N>
[[nodiscard]] bool ReadArray(Cursor& c, std::array<uint8_t, N>* out) {
  ByteSpan b;
  if (!c.ReadBytes(N, &b)) return false;
  std::memcpy(out->data(), b.data(), N);  // a constant size: no call
  return true;
}

void AppendEscaped(std::string* out, std::string_view text) {
  static constexpr char kDigits[] = "0123456789abcdef";
  for (char ch : text) {
    auto c = static_cast<uint8_t>(ch);
    if (IsLabelByte(c) && c != '"' && c != '\\') {
      out->push_back(ch);
    } else {
      *out += "\\x";
      out->push_back(kDigits[c >> 4]);
      out->push_back(kDigits[c & 0xF]);
    }
  }
}

}  // namespace

// Cases spelled through ToWire, so each value is still written once; a
// switch, where a loop over the enum compared every value in turn (both
// are read on every blob received).
std::optional<BlobKind> BlobKindFromWire(uint8_t b) {
  switch (b) {
    case ToWire(BlobKind::kDomainObject): return BlobKind::kDomainObject;
    case ToWire(BlobKind::kSmkObject): return BlobKind::kSmkObject;
    case ToWire(BlobKind::kSmk): return BlobKind::kSmk;
  }
  return std::nullopt;
}

std::optional<PartitionKind> SourceKindFromWire(uint8_t b) {
  switch (b) {
    case ToWire(PartitionKind::kPre77): return PartitionKind::kPre77;
    case ToWire(PartitionKind::kV0): return PartitionKind::kV0;
    case ToWire(PartitionKind::kV1): return PartitionKind::kV1;
  }
  return std::nullopt;
}

std::optional<ObjectClass> ObjectClassFromWire(uint8_t b) {
  for (ObjectClass c : {ObjectClass::kData, ObjectClass::kCertificate, ObjectClass::kPublicKey,
                        ObjectClass::kPrivateKey, ObjectClass::kSecretKey}) {
    if (ToWire(c) == b) return c;
  }
  return std::nullopt;
}

StatusOr<CloneBlob> ParseBlob(ByteSpan bytes) {
  HSMB_ASSIGN_OR_RETURN(CloneBlobView view, ParseBlobView(bytes));
  return ToCloneBlob(view);
}

// The fields before the label, and the nonce with the ciphertext length,
// are each taken as one record (Cursor::ReadAtMost: one bounds check, where
// a check per field cost more than the fields on every object received),
// then checked field by field in wire order. A record that came back short
// is refused at the first field it does not hold, after the checks of the
// fields it does, exactly as reading field by field would.
StatusOr<CloneBlobView> ParseBlobView(ByteSpan bytes) {
  CloneBlobView view;
  HSMB_RETURN_IF_ERROR(ParseBlobViewInto(bytes, &view));
  return view;
}

[[gnu::hot]] Status ParseBlobViewInto(ByteSpan bytes, CloneBlobView* view) {
  using blob_codec::kLabelAt;
  Cursor c(bytes);
  CloneBlobView& blob = *view;

  const ByteSpan head = c.ReadAtMost(kLabelAt + 1);
  const size_t have = head.size();
  if (have < 4) return BlobTruncated("magic");
  if (AsStringView(head.first(4)) != blob_codec::kMagic) {
    return Invalid("bad magic: not a clone blob");
  }

  if (have < 5) return BlobTruncated("version");
  const uint8_t version = head[4];
  if (version != kBlobVersion) {
    return Invalid("unknown blob version " + std::to_string(version));
  }
  if (have < 6) return BlobTruncated("kind");
  const std::optional<BlobKind> blob_kind = BlobKindFromWire(head[5]);
  if (!blob_kind) return Invalid("unknown blob kind " + std::to_string(head[5]));
  blob.kind = *blob_kind;
  if (have < 7) return BlobTruncated("source kind");
  const std::optional<PartitionKind> source_kind = SourceKindFromWire(head[6]);
  if (!source_kind) return Invalid("unknown source kind " + std::to_string(head[6]));
  blob.source_kind = *source_kind;
  HSMB_RETURN_IF_ERROR(CheckKindAndSource(blob.kind, blob.source_kind));
  if (have < 8) return BlobTruncated("flags");
  if (head[7] != 0) return Invalid("non-zero flags");

  if (have < 16) return BlobTruncated("key id");
  std::memcpy(blob.key_id.data(), head.data() + 8, blob.key_id.size());
  if (blob.kind == BlobKind::kDomainObject && !AllZero(blob.key_id)) {
    return Invalid("key id must be zero for a domain-sealed object");
  }
  if (have < kLabelAt) return BlobTruncated("OUID");
  std::memcpy(blob.ouid.bytes.data(), head.data() + 16, blob.ouid.bytes.size());
  if (blob.kind == BlobKind::kSmk && !AllZero(blob.ouid.bytes)) {
    return Invalid("OUID must be zero for an SMK blob");
  }

  if (have < kLabelAt + 1) return BlobTruncated("label length");
  const uint8_t label_len = head[kLabelAt];
  if (label_len > kMaxObjectLabelLength) {
    return Invalid("label length " + std::to_string(label_len) + " over the limit of " +
                   std::to_string(kMaxObjectLabelLength));
  }
  ByteSpan label;
  if (!c.ReadBytes(label_len, &label)) return BlobTruncated("label");
  if (!blob_codec::IsLabelText(label.data(), label.size())) {
    return Invalid("label holds a byte outside printable ASCII 0x20..0x7e");
  }
  blob.label = AsStringView(label);

  const ByteSpan tail = c.ReadAtMost(kAeadNonceBytes + blob_codec::kLengthBytes);
  if (tail.size() < kAeadNonceBytes) return BlobTruncated("nonce");
  std::memcpy(blob.nonce.data(), tail.data(), kAeadNonceBytes);
  blob.aad = bytes.first(blob_codec::kFixedHeaderBytes + label_len);

  if (tail.size() < kAeadNonceBytes + blob_codec::kLengthBytes) {
    return BlobTruncated("ciphertext length");
  }
  const uint32_t ct_len = LoadU32(tail.data() + kAeadNonceBytes);
  if (ct_len > kMaxBlobCiphertext) {
    return Invalid("ciphertext length " + std::to_string(ct_len) + " over the limit of " +
                   std::to_string(kMaxBlobCiphertext));
  }
  ByteSpan ct;
  if (!c.ReadBytes(ct_len, &ct)) return BlobTruncated("ciphertext");
  blob.ciphertext = ct;

  if (!ReadArray(c, &blob.tag)) return BlobTruncated("tag");
  if (!c.empty()) return Invalid("trailing bytes after the tag");
  return OkStatus();
}

CloneBlob ToCloneBlob(const CloneBlobView& view) {
  CloneBlob blob;
  blob.kind = view.kind;
  blob.source_kind = view.source_kind;
  blob.key_id = view.key_id;
  blob.ouid = view.ouid;
  blob.label.assign(view.label);
  blob.nonce = view.nonce;
  blob.ciphertext.assign(view.ciphertext.begin(), view.ciphertext.end());
  blob.tag = view.tag;
  return blob;
}

size_t BlobWireBytes(size_t label_bytes, size_t ciphertext_bytes) {
  return blob_codec::kFixedHeaderBytes + label_bytes + blob_codec::kLengthBytes +
         ciphertext_bytes + kAeadTagBytes;
}

Bytes SerializeBlob(const CloneBlob& blob) {
  Bytes out(BlobWireBytes(blob.label.size(), blob.ciphertext.size()));
  Writer w{std::span(out)};
  blob_codec::WriteHeader(w, FieldsOf(blob));
  w.U32(static_cast<uint32_t>(blob.ciphertext.size()));
  w.Raw(blob.ciphertext);
  w.Raw(blob.tag);
  CheckFull(w, "SerializeBlob");
  return out;
}

Bytes BlobAad(const CloneBlob& blob) {
  Bytes out(blob_codec::HeaderBytes(blob.label));
  Writer w{std::span(out)};
  blob_codec::WriteHeader(w, FieldsOf(blob));
  CheckFull(w, "BlobAad");
  return out;
}

size_t PayloadBytes(const Object& object) {
  return blob_codec::PayloadBytes(object.attributes, object.value.size());
}

// The buffer is sized up front: a growing vector would leave copies of the
// object's secret value behind in freed memory.
Bytes EncodePayload(const Object& object) {
  Bytes out(PayloadBytes(object));
  Writer w{std::span(out)};
  blob_codec::WritePayload(w, object);
  CheckFull(w, "EncodePayload");
  return out;
}

[[gnu::hot]] Status DecodePayload(ByteSpan payload, Object* object) {
  Cursor c(payload);
  uint8_t cls = 0;
  if (!c.ReadU8(&cls)) return PayloadTruncated("object class");
  const std::optional<ObjectClass> object_class = ObjectClassFromWire(cls);
  if (!object_class) return Invalid("unknown object class " + std::to_string(cls));

  uint16_t count = 0;
  if (!c.ReadU16(&count)) return PayloadTruncated("attribute count");
  if (count > kMaxAttributes) {
    return Invalid("attribute count " + std::to_string(count) + " over the limit of " +
                   std::to_string(kMaxAttributes));
  }
  // The section is checked whole, then copied into the set as it is (the
  // set holds this encoding).
  const size_t section_at = payload.size() - c.remaining() - 2;  // from the count
  std::string_view previous;
  for (uint16_t i = 0; i < count; ++i) {
    uint16_t name_len = 0, value_len = 0;
    ByteSpan name, value;
    if (!c.ReadU16(&name_len)) return PayloadTruncated("attribute name length");
    if (name_len == 0) return Invalid("empty attribute name");
    if (name_len > kMaxAttributeNameLength) {
      return Invalid("attribute name longer than " +
                     std::to_string(kMaxAttributeNameLength) + " bytes");
    }
    if (!c.ReadBytes(name_len, &name)) return PayloadTruncated("attribute name");
    // string_view compares bytes as unsigned, exactly like Attributes'
    // names, so strict order here is its order and excludes duplicates.
    std::string_view name_text = AsStringView(name);
    if (i > 0 && name_text <= previous) {
      return Invalid("attribute names not in strictly increasing order");
    }
    previous = name_text;
    if (!c.ReadU16(&value_len)) return PayloadTruncated("attribute value length");
    if (value_len > kMaxAttributeValueLength) {
      return Invalid("attribute value longer than " +
                     std::to_string(kMaxAttributeValueLength) + " bytes");
    }
    if (!c.ReadBytes(value_len, &value)) return PayloadTruncated("attribute value");
  }
  const ByteSpan section = payload.subspan(section_at, payload.size() - c.remaining() - section_at);

  uint32_t value_len = 0;
  ByteSpan value;
  if (!c.ReadU32(&value_len)) return PayloadTruncated("object value length");
  if (value_len > kMaxObjectValueBytes) {
    return Invalid("object value length " + std::to_string(value_len) +
                   " over the limit of " + std::to_string(kMaxObjectValueBytes));
  }
  if (!c.ReadBytes(value_len, &value)) return PayloadTruncated("object value");
  if (!c.empty()) return Invalid("trailing bytes after the object value");

  // Only a fully valid payload touches the caller's object.
  object->attributes.AssignEncoded(section);
  object->object_class = *object_class;
  object->value.Assign(value);
  return OkStatus();
}

Fingerprint ComputeFingerprint(const Object& object) {
  Bytes buffer(1 + object.label.size() + PayloadBytes(object));
  WipeOnExit wipe_buffer(&buffer);
  Writer w{std::span(buffer)};
  w.U8(static_cast<uint8_t>(object.label.size()));
  w.Raw(object.label);
  blob_codec::WritePayload(w, object);
  CheckFull(w, "ComputeFingerprint");
  return Sha1(buffer);
}

std::string DescribeBlob(const CloneBlob& blob) {
  std::string out = "Clone blob, format version " + std::to_string(kBlobVersion) + "\n";
  out += "  Kind:        " + std::string(KindDescription(blob.kind)) + "\n";
  out += "  Source kind: " + std::string(KindName(blob.source_kind)) + "\n";
  if (blob.kind != BlobKind::kDomainObject) {
    out += "  Key id:      " + HexEncode(blob.key_id) + "\n";
  }
  out += "  OUID:        " + blob.ouid.ToHex() + "\n";
  out += "  Label:       \"";
  AppendEscaped(&out, blob.label);
  out += "\"\n";
  out += "  Nonce:       " + HexEncode(blob.nonce) + "\n";
  out += "  Ciphertext:  " + std::to_string(blob.ciphertext.size()) +
         " bytes (encrypted, not shown)\n";
  out += "  Tag:         " + HexEncode(blob.tag) + "\n";
  return out;
}

}  // namespace hsmbackup
