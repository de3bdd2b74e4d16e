#include "hsmbackup/blob.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "crypto/blob_codec.h"

namespace hsmbackup {
namespace {

using blob_codec::HeaderFields;

constexpr std::string_view kMagic = "HBCB";
constexpr uint8_t kLastObjectClass = 4;

Status Invalid(std::string message) {
  return Status(Ckr::kDataInvalid, std::move(message));
}
Status BlobTruncated(std::string_view field) {
  return Invalid("blob truncated in the " + std::string(field));
}
Status PayloadTruncated(std::string_view field) {
  return Invalid("payload truncated in the " + std::string(field));
}

bool AllZero(ByteSpan b) {
  return std::all_of(b.begin(), b.end(), [](uint8_t c) { return c == 0; });
}

bool IsLabelByte(uint8_t c) { return c >= 0x20 && c <= 0x7e; }

// The wire values are spelled out rather than cast so that reordering an
// enum can never silently change the format.
uint8_t SourceByte(PartitionKind k) {
  switch (k) {
    case PartitionKind::kPre77: return 0;
    case PartitionKind::kV0: return 1;
    case PartitionKind::kV1: return 2;
  }
  return 0xFF;
}

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

// Put writes raw bytes at `out` and returns the end.
uint8_t* Put(uint8_t* out, ByteSpan b) {
  if (!b.empty()) std::memcpy(out, b.data(), b.size());
  return out + b.size();
}

uint8_t* PutU16(uint8_t* out, uint16_t v) {
  out[0] = static_cast<uint8_t>(v >> 8);
  out[1] = static_cast<uint8_t>(v);
  return out + 2;
}

template <size_t N>
bool ReadArray(Cursor& c, std::array<uint8_t, N>* out) {
  ByteSpan b;
  if (!c.ReadBytes(N, &b)) return false;
  std::copy(b.begin(), b.end(), out->begin());
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

namespace blob_codec {

uint8_t* WriteHeader(uint8_t* out, const HeaderFields& h) {
  uint8_t* p = Put(out, AsBytes(kMagic));
  *p++ = kBlobVersion;
  *p++ = static_cast<uint8_t>(h.kind);
  *p++ = SourceByte(h.source_kind);
  *p++ = 0;  // flags
  p = Put(p, h.key_id);
  p = Put(p, h.ouid.bytes);
  *p++ = static_cast<uint8_t>(h.label.size());
  p = Put(p, AsBytes(h.label));
  return Put(p, h.nonce);
}

uint8_t* PutU32(uint8_t* out, uint32_t v) {
  out[0] = static_cast<uint8_t>(v >> 24);
  out[1] = static_cast<uint8_t>(v >> 16);
  out[2] = static_cast<uint8_t>(v >> 8);
  out[3] = static_cast<uint8_t>(v);
  return out + 4;
}

uint8_t* WritePayload(uint8_t* out, const Object& object) {
  uint8_t* p = out;
  *p++ = static_cast<uint8_t>(object.object_class);
  p = PutU16(p, static_cast<uint16_t>(object.attributes.size()));
  for (const auto& [name, value] : object.attributes) {
    p = PutU16(p, static_cast<uint16_t>(name.size()));
    p = Put(p, AsBytes(name));
    p = PutU16(p, static_cast<uint16_t>(value.size()));
    p = Put(p, AsBytes(value));
  }
  p = PutU32(p, static_cast<uint32_t>(object.value.size()));
  return Put(p, object.value);
}

}  // namespace blob_codec

StatusOr<CloneBlob> ParseBlob(ByteSpan bytes) {
  HSMB_ASSIGN_OR_RETURN(CloneBlobView view, ParseBlobView(bytes));
  return ToCloneBlob(view);
}

StatusOr<CloneBlobView> ParseBlobView(ByteSpan bytes) {
  Cursor c(bytes);
  CloneBlobView blob;

  ByteSpan magic;
  if (!c.ReadBytes(kMagic.size(), &magic)) return BlobTruncated("magic");
  if (AsStringView(magic) != kMagic) return Invalid("bad magic: not a clone blob");

  uint8_t version = 0, kind = 0, source = 0, flags = 0;
  if (!c.ReadU8(&version)) return BlobTruncated("version");
  if (version != kBlobVersion) {
    return Invalid("unknown blob version " + std::to_string(version));
  }
  if (!c.ReadU8(&kind)) return BlobTruncated("kind");
  if (kind < 1 || kind > 3) return Invalid("unknown blob kind " + std::to_string(kind));
  blob.kind = static_cast<BlobKind>(kind);
  if (!c.ReadU8(&source)) return BlobTruncated("source kind");
  switch (source) {
    case 0: blob.source_kind = PartitionKind::kPre77; break;
    case 1: blob.source_kind = PartitionKind::kV0; break;
    case 2: blob.source_kind = PartitionKind::kV1; break;
    default: return Invalid("unknown source kind " + std::to_string(source));
  }
  HSMB_RETURN_IF_ERROR(CheckKindAndSource(blob.kind, blob.source_kind));
  if (!c.ReadU8(&flags)) return BlobTruncated("flags");
  if (flags != 0) return Invalid("non-zero flags");

  if (!ReadArray(c, &blob.key_id)) return BlobTruncated("key id");
  if (blob.kind == BlobKind::kDomainObject && !AllZero(blob.key_id)) {
    return Invalid("key id must be zero for a domain-sealed object");
  }
  if (!ReadArray(c, &blob.ouid.bytes)) return BlobTruncated("OUID");
  if (blob.kind == BlobKind::kSmk && !AllZero(blob.ouid.bytes)) {
    return Invalid("OUID must be zero for an SMK blob");
  }

  uint8_t label_len = 0;
  ByteSpan label;
  if (!c.ReadU8(&label_len)) return BlobTruncated("label length");
  if (label_len > kMaxObjectLabelLength) {
    return Invalid("label length " + std::to_string(label_len) + " over the limit of " +
                   std::to_string(kMaxObjectLabelLength));
  }
  if (!c.ReadBytes(label_len, &label)) return BlobTruncated("label");
  if (!std::all_of(label.begin(), label.end(), IsLabelByte)) {
    return Invalid("label holds a byte outside printable ASCII 0x20..0x7e");
  }
  blob.label = AsStringView(label);

  if (!ReadArray(c, &blob.nonce)) return BlobTruncated("nonce");
  blob.aad = bytes.first(bytes.size() - c.remaining());

  uint32_t ct_len = 0;
  ByteSpan ct;
  if (!c.ReadU32(&ct_len)) return BlobTruncated("ciphertext length");
  if (ct_len > kMaxBlobCiphertext) {
    return Invalid("ciphertext length " + std::to_string(ct_len) + " over the limit of " +
                   std::to_string(kMaxBlobCiphertext));
  }
  if (!c.ReadBytes(ct_len, &ct)) return BlobTruncated("ciphertext");
  blob.ciphertext = ct;

  if (!ReadArray(c, &blob.tag)) return BlobTruncated("tag");
  if (!c.empty()) return Invalid("trailing bytes after the tag");
  return blob;
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
  uint8_t* p = blob_codec::WriteHeader(out.data(), FieldsOf(blob));
  p = blob_codec::PutU32(p, static_cast<uint32_t>(blob.ciphertext.size()));
  p = Put(p, blob.ciphertext);
  Put(p, blob.tag);
  return out;
}

Bytes BlobAad(const CloneBlob& blob) {
  Bytes out(blob_codec::HeaderBytes(blob.label));
  blob_codec::WriteHeader(out.data(), FieldsOf(blob));
  return out;
}

size_t PayloadBytes(const Object& object) {
  size_t n = 1 + 2 + 4 + object.value.size();
  for (const auto& [name, value] : object.attributes) {
    n += 2 + name.size() + 2 + value.size();
  }
  return n;
}

// The buffer is sized up front: a growing vector would leave copies of the
// object's secret value behind in freed memory.
Bytes EncodePayload(const Object& object) {
  Bytes out(PayloadBytes(object));
  blob_codec::WritePayload(out.data(), object);
  return out;
}

Status DecodePayload(ByteSpan payload, Object* object) {
  Cursor c(payload);
  uint8_t cls = 0;
  if (!c.ReadU8(&cls)) return PayloadTruncated("object class");
  if (cls > kLastObjectClass) return Invalid("unknown object class " + std::to_string(cls));

  uint16_t count = 0;
  if (!c.ReadU16(&count)) return PayloadTruncated("attribute count");
  if (count > kMaxAttributes) {
    return Invalid("attribute count " + std::to_string(count) + " over the limit of " +
                   std::to_string(kMaxAttributes));
  }
  // Views into the payload until it is known valid. A full kMaxAttributes
  // array would be 2 KiB to zero-fill per object on the clone path; objects
  // carry a few attributes, so those fit a small one.
  std::array<Attributes::value_type, 8> few;
  std::vector<Attributes::value_type> many;
  std::span<Attributes::value_type> entries;
  if (count <= few.size()) {
    entries = std::span(few).first(count);
  } else {
    many.resize(count);
    entries = many;
  }
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
    entries[i] = {name_text, AsStringView(value)};
  }

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
  object->object_class = static_cast<ObjectClass>(cls);
  object->attributes = *Attributes::FromSorted(entries);  // order checked above
  object->value.assign(value.begin(), value.end());
  return OkStatus();
}

Fingerprint ComputeFingerprint(const Object& object) {
  Bytes buffer(1 + object.label.size() + PayloadBytes(object));
  buffer[0] = static_cast<uint8_t>(object.label.size());
  blob_codec::WritePayload(Put(buffer.data() + 1, AsBytes(object.label)), object);
  Fingerprint fp = Sha1(buffer);
  OPENSSL_cleanse(buffer.data(), buffer.size());
  return fp;
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
