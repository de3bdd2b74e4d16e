#include "hsmbackup/clone.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <string>
#include <utility>

namespace hsmbackup {
namespace {

void Wipe(Bytes* b) {
  if (!b->empty()) OPENSSL_cleanse(b->data(), b->size());
  b->clear();
}

Status BadArgument(std::string message) {
  return Status(Ckr::kArgumentsBad, std::move(message));
}

// ValidateObject keeps SealObject from emitting a blob that ParseBlob or
// DecodePayload would reject: the limits are the blob format's.
Status ValidateObject(const Object& object) {
  auto invalid = [](std::string what) { return Status(Ckr::kDataInvalid, std::move(what)); };
  if (object.label.size() > kMaxObjectLabelLength) {
    return invalid("object label longer than " + std::to_string(kMaxObjectLabelLength) +
                   " bytes");
  }
  if (!std::all_of(object.label.begin(), object.label.end(),
                   [](char c) { return c >= 0x20 && c <= 0x7e; })) {
    return invalid("object label holds a byte outside printable ASCII 0x20..0x7e");
  }
  if (object.attributes.size() > kMaxAttributes) {
    return invalid("object has more than " + std::to_string(kMaxAttributes) + " attributes");
  }
  for (const auto& [name, value] : object.attributes) {
    if (name.empty() || name.size() > kMaxAttributeNameLength) {
      return invalid("attribute name is empty or longer than " +
                     std::to_string(kMaxAttributeNameLength) + " bytes");
    }
    if (value.size() > kMaxAttributeValueLength) {
      return invalid("attribute value longer than " +
                     std::to_string(kMaxAttributeValueLength) + " bytes");
    }
  }
  if (object.value.size() > kMaxObjectValueBytes) {
    return invalid("object value longer than " + std::to_string(kMaxObjectValueBytes) +
                   " bytes");
  }
  return OkStatus();
}

}  // namespace

StatusOr<CloneBlob> SealObject(const Object& object, PartitionKind source_kind,
                               BlobKind kind, const SmkId& key_id,
                               Aes256Gcm& key, Rng& rng) {
  switch (kind) {
    case BlobKind::kDomainObject:
      if (source_kind == PartitionKind::kV1) {
        return BadArgument("a V1 object is sealed under its SMK, not the domain key");
      }
      if (!std::all_of(key_id.begin(), key_id.end(), [](uint8_t b) { return b == 0; })) {
        return BadArgument("a domain-sealed object has a zero key id");
      }
      break;
    case BlobKind::kSmkObject:
      if (source_kind != PartitionKind::kV1) {
        return BadArgument("only V1 objects are sealed under an SMK");
      }
      break;
    case BlobKind::kSmk:
    default:
      return BadArgument("SealObject seals objects; use SealSmk for an SMK");
  }
  HSMB_RETURN_IF_ERROR(ValidateObject(object));

  CloneBlob blob;
  blob.kind = kind;
  blob.source_kind = source_kind;
  blob.key_id = key_id;
  blob.ouid = object.ouid;
  blob.label = object.label;
  rng.Fill(blob.nonce);
  Bytes aad = BlobAad(blob);
  Bytes payload = EncodePayload(object);
  Status sealed = key.Seal(blob.nonce, aad, payload, &blob.ciphertext, &blob.tag);
  Wipe(&payload);
  HSMB_RETURN_IF_ERROR(sealed);
  return blob;
}

StatusOr<Object> OpenObject(const CloneBlob& blob, Aes256Gcm& key) {
  if (blob.kind != BlobKind::kDomainObject && blob.kind != BlobKind::kSmkObject) {
    return Status(Ckr::kDataInvalid, "blob does not carry an object");
  }
  Bytes aad = BlobAad(blob);
  Bytes payload;
  HSMB_RETURN_IF_ERROR(key.Open(blob.nonce, aad, blob.ciphertext, blob.tag, &payload));
  Object object;
  Status decoded = DecodePayload(payload, &object);
  Wipe(&payload);
  HSMB_RETURN_IF_ERROR(decoded);
  object.ouid = blob.ouid;
  object.label = blob.label;
  return object;
}

StatusOr<CloneBlob> SealSmk(const Secret& smk, PartitionKind source_kind,
                            Aes256Gcm& domain_key, Rng& rng) {
  if (smk.size() != kAeadKeyBytes) return BadArgument("an SMK is 32 bytes");
  if (source_kind != PartitionKind::kV1) {
    return BadArgument("only a V1 partition has an SMK");
  }
  CloneBlob blob;
  blob.kind = BlobKind::kSmk;
  blob.source_kind = PartitionKind::kV1;
  blob.key_id = ComputeSmkId(smk);
  rng.Fill(blob.nonce);
  Bytes aad = BlobAad(blob);
  HSMB_RETURN_IF_ERROR(
      domain_key.Seal(blob.nonce, aad, smk.span(), &blob.ciphertext, &blob.tag));
  return blob;
}

StatusOr<Secret> OpenSmk(const CloneBlob& blob, Aes256Gcm& domain_key) {
  if (blob.kind != BlobKind::kSmk) {
    return Status(Ckr::kDataInvalid, "blob does not carry an SMK");
  }
  Bytes aad = BlobAad(blob);
  Bytes payload;
  HSMB_RETURN_IF_ERROR(
      domain_key.Open(blob.nonce, aad, blob.ciphertext, blob.tag, &payload));
  if (payload.size() != kAeadKeyBytes) {
    Wipe(&payload);
    return Status(Ckr::kDataInvalid, "SMK payload is not 32 bytes");
  }
  Secret smk{ByteSpan(payload)};
  Wipe(&payload);
  if (ComputeSmkId(smk) != blob.key_id) {
    return Status(Ckr::kDataInvalid, "SMK does not match the blob's key id");
  }
  return smk;
}

StatusOr<Aes256Gcm> DomainCipher(const Secret& domain) {
  Secret key = DeriveDomainKey(domain);
  if (key.size() != kAeadKeyBytes) {
    return Status(Ckr::kGeneralError, "cannot derive the domain key");
  }
  return Aes256Gcm::Create(key);
}

}  // namespace hsmbackup
