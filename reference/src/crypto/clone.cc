#include "hsmbackup/clone.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <memory>
#include <string>
#include <utility>

#include "crypto/blob_codec.h"

namespace hsmbackup {
namespace {

void Wipe(Bytes* b) {
  WipeBytes(*b);
  b->clear();
}

// Cold, as are the branches that call them (see blob.cc): SealObjectInto
// runs once per object cloned and almost never refuses one.
[[gnu::cold]] Status BadArgument(std::string message) {
  return Status(Ckr::kArgumentsBad, std::move(message));
}
[[gnu::cold]] Status InvalidObject(std::string what) {
  return Status(Ckr::kDataInvalid, std::move(what));
}

// ValidateObject keeps SealObject from emitting a blob that ParseBlob or
// DecodePayload would reject: the limits are the blob format's. It also sets
// *payload_bytes to PayloadBytes(object). Inlined into SealObjectInto, its
// one caller, which runs once per object cloned.
[[gnu::always_inline]] inline Status ValidateObject(const Object& object, size_t* payload_bytes) {
  if (object.label.size() > kMaxObjectLabelLength) {
    return InvalidObject("object label longer than " + std::to_string(kMaxObjectLabelLength) +
                         " bytes");
  }
  if (!blob_codec::IsLabelText(object.label)) {
    return InvalidObject("object label holds a byte outside printable ASCII 0x20..0x7e");
  }
  if (object.attributes.size() > kMaxAttributes) {
    return InvalidObject("object has more than " + std::to_string(kMaxAttributes) + " attributes");
  }
  for (const auto& [name, value] : object.attributes) {
    if (name.empty() || name.size() > kMaxAttributeNameLength) {
      return InvalidObject("attribute name is empty or longer than " +
                           std::to_string(kMaxAttributeNameLength) + " bytes");
    }
    if (value.size() > kMaxAttributeValueLength) {
      return InvalidObject("attribute value longer than " +
                           std::to_string(kMaxAttributeValueLength) + " bytes");
    }
  }
  if (object.value.size() > kMaxObjectValueBytes) {
    return InvalidObject("object value longer than " + std::to_string(kMaxObjectValueBytes) +
                         " bytes");
  }
  *payload_bytes = blob_codec::PayloadBytes(object.attributes, object.value.size());
  return OkStatus();
}

// CheckSealKinds refuses the kind / source kind / key id combinations the
// format does not allow (BLOB-FORMAT.md, "Kinds and keys").
Status CheckSealKinds(PartitionKind source_kind, BlobKind kind, const SmkId& key_id) {
  switch (kind) {
    case BlobKind::kDomainObject:
      if (source_kind == PartitionKind::kV1) {
        return BadArgument("a V1 object is sealed under its SMK, not the domain key");
      }
      if (!std::all_of(key_id.begin(), key_id.end(), [](uint8_t b) { return b == 0; })) {
        return BadArgument("a domain-sealed object has a zero key id");
      }
      return OkStatus();
    case BlobKind::kSmkObject:
      if (source_kind != PartitionKind::kV1) {
        return BadArgument("only V1 objects are sealed under an SMK");
      }
      return OkStatus();
    case BlobKind::kSmk:
    default:
      return BadArgument("SealObject seals objects; use SealSmk for an SMK");
  }
}

// Payloads up to this size are opened on the stack, so receiving an object
// of up to about 8 KiB (4 KiB keys and certificates included) allocates
// nothing but the object itself.
constexpr size_t kStackPayloadBytes = 8192;

}  // namespace

[[gnu::hot]] Status SealObjectInto(const Object& object, PartitionKind source_kind, BlobKind kind,
                                   const SmkId& key_id, Aes256Gcm& key, Rng& rng, Bytes* wire) {
  size_t payload_bytes = 0;
  Status refused = CheckSealKinds(source_kind, kind, key_id);
  if (refused.ok()) refused = ValidateObject(object, &payload_bytes);
  if (!refused.ok()) {
    wire->clear();
    return refused;
  }
  Nonce nonce;
  rng.Fill(nonce);
  // Not cleared first: every byte is written below, and a resize of a
  // buffer that already holds the last blob fills nothing. Resized before
  // anything is written, since a later reallocation would leave the
  // plaintext behind in freed memory.
  wire->resize(BlobWireBytes(object.label.size(), payload_bytes));
  Writer w{std::span(*wire)};
  blob_codec::WriteHeader(w, {kind, source_kind, key_id, object.ouid, object.label, nonce});
  const size_t header_bytes = w.size();
  w.U32(static_cast<uint32_t>(payload_bytes));
  const size_t body_at = w.size();
  blob_codec::WritePayload(w, object);
  if (!w.ok() || w.size() + kAeadTagBytes != wire->size()) {  // sizes disagree: a bug here
    Wipe(wire);
    return Status(Ckr::kGeneralError, "blob layout does not match its computed size");
  }
  const std::span<uint8_t> written = w.written();
  Tag tag;
  Status sealed = key.SealInPlace(nonce, written.first(header_bytes),
                                  written.subspan(body_at, payload_bytes), &tag);
  if (!sealed.ok()) {  // SealInPlace wiped the payload
    wire->clear();
    return sealed;
  }
  w.Raw(tag);
  return OkStatus();
}

StatusOr<CloneBlob> SealObject(const Object& object, PartitionKind source_kind,
                               BlobKind kind, const SmkId& key_id,
                               Aes256Gcm& key, Rng& rng) {
  Bytes wire;
  HSMB_RETURN_IF_ERROR(SealObjectInto(object, source_kind, kind, key_id, key, rng, &wire));
  // The fields are read back from the wire by position, not parsed: the
  // bytes were just written to the layout blob_codec defines.
  const size_t header = blob_codec::HeaderBytes(object.label);
  CloneBlob blob;
  blob.kind = kind;
  blob.source_kind = source_kind;
  blob.key_id = key_id;
  blob.ouid = object.ouid;
  blob.label = object.label;
  std::copy_n(wire.begin() + static_cast<ptrdiff_t>(header - kAeadNonceBytes), kAeadNonceBytes,
              blob.nonce.begin());
  blob.ciphertext.assign(wire.begin() + static_cast<ptrdiff_t>(header + blob_codec::kLengthBytes),
                         wire.end() - kAeadTagBytes);
  std::copy(wire.end() - kAeadTagBytes, wire.end(), blob.tag.begin());
  return blob;
}

StatusOr<Object> OpenObject(const CloneBlob& blob, Aes256Gcm& key) {
  if (blob.kind != BlobKind::kDomainObject && blob.kind != BlobKind::kSmkObject) {
    return Status(Ckr::kDataInvalid, "blob does not carry an object");
  }
  Bytes aad = BlobAad(blob);
  Bytes payload;
  WipeOnExit wipe_payload(&payload);
  HSMB_RETURN_IF_ERROR(key.Open(blob.nonce, aad, blob.ciphertext, blob.tag, &payload));
  Object object;
  HSMB_RETURN_IF_ERROR(DecodePayload(payload, &object));
  object.ouid = blob.ouid;
  object.label = blob.label;
  return object;
}

StatusOr<Object> OpenObject(const CloneBlobView& blob, Aes256Gcm& key) {
  Object object;
  HSMB_RETURN_IF_ERROR(OpenObjectInto(blob, key, &object));
  return object;
}

[[gnu::hot]] Status OpenObjectInto(const CloneBlobView& blob, Aes256Gcm& key, Object* object) {
  if (blob.kind != BlobKind::kDomainObject && blob.kind != BlobKind::kSmkObject) {
    return Status(Ckr::kDataInvalid, "blob does not carry an object");
  }
  // Larger payloads go to the heap uninitialised: OpenInto writes every
  // byte, and a zero fill first would be a second pass over them.
  const size_t n = blob.ciphertext.size();
  uint8_t on_stack[kStackPayloadBytes];
  std::unique_ptr<uint8_t[]> on_heap;
  if (n > kStackPayloadBytes) on_heap = std::make_unique_for_overwrite<uint8_t[]>(n);
  const std::span<uint8_t> payload(on_heap ? on_heap.get() : on_stack, n);
  // Declared after the buffers, so it wipes before they are freed.
  WipeOnExit wipe_payload(payload);
  HSMB_RETURN_IF_ERROR(key.OpenInto(blob.nonce, blob.aad, blob.ciphertext, blob.tag, payload));
  HSMB_RETURN_IF_ERROR(DecodePayload(payload, object));  // touches *object only if valid
  object->ouid = blob.ouid;
  object->label.assign(blob.label);
  return OkStatus();
}

StatusOr<CloneBlob> SealSmk(const Secret& smk, PartitionKind source_kind,
                            Aes256Gcm& domain_key, Rng& rng) {
  if (smk.size() != kAeadKeyBytes) return BadArgument("an SMK is 32 bytes");
  if (source_kind != PartitionKind::kV1) {
    return BadArgument("only a V1 partition has an SMK");
  }
  return SealSmkWithId(smk, ComputeSmkId(smk), domain_key, rng);
}

StatusOr<CloneBlob> SealSmkWithId(const Secret& smk, const SmkId& smk_id, Aes256Gcm& domain_key,
                                  Rng& rng) {
  if (smk.size() != kAeadKeyBytes) return BadArgument("an SMK is 32 bytes");
  CloneBlob blob;
  blob.kind = BlobKind::kSmk;
  blob.source_kind = PartitionKind::kV1;
  blob.key_id = smk_id;
  rng.Fill(blob.nonce);
  Bytes aad = BlobAad(blob);
  HSMB_RETURN_IF_ERROR(
      domain_key.Seal(blob.nonce, aad, smk.secret_bytes(), &blob.ciphertext, &blob.tag));
  return blob;
}

StatusOr<Secret> OpenSmk(const CloneBlob& blob, Aes256Gcm& domain_key) {
  if (blob.kind != BlobKind::kSmk) {
    return Status(Ckr::kDataInvalid, "blob does not carry an SMK");
  }
  Bytes aad = BlobAad(blob);
  Bytes payload;
  WipeOnExit wipe_payload(&payload);
  HSMB_RETURN_IF_ERROR(
      domain_key.Open(blob.nonce, aad, blob.ciphertext, blob.tag, &payload));
  if (payload.size() != kAeadKeyBytes) {
    return Status(Ckr::kDataInvalid, "SMK payload is not 32 bytes");
  }
  Secret smk(std::move(payload));
  if (ComputeSmkId(smk) != blob.key_id) {
    return Status(Ckr::kDataInvalid, "SMK does not match the blob's key id");
  }
  return smk;
}

StatusOr<Aes256Gcm> DomainCipher(const Secret& domain) {
  HSMB_ASSIGN_OR_RETURN(Secret key, DeriveDomainKey(domain));
  return Aes256Gcm::Create(key);
}

}  // namespace hsmbackup
