#include "hsmbackup/transfer.h"

#include <openssl/crypto.h>

namespace hsmbackup {
namespace {

// OpenFromWire is OpenObject (clone.h) with the AAD taken from the wire
// instead of written out again: ParseBlob accepts only canonical encodings
// (SerializeBlob(ParseBlob(w)) == w), so the bytes before the ciphertext
// length are exactly BlobAad(blob). This is the per-object receive path.
StatusOr<Object> OpenFromWire(const CloneBlob& blob, ByteSpan wire, Aes256Gcm& key) {
  const size_t header = wire.size() - 4 - blob.ciphertext.size() - kAeadTagBytes;
  Bytes payload;
  HSMB_RETURN_IF_ERROR(
      key.Open(blob.nonce, wire.first(header), blob.ciphertext, blob.tag, &payload));
  Object object;
  Status decoded = DecodePayload(payload, &object);
  if (!payload.empty()) OPENSSL_cleanse(payload.data(), payload.size());
  payload.clear();
  HSMB_RETURN_IF_ERROR(decoded);
  object.ouid = blob.ouid;
  object.label = blob.label;
  return object;
}

}  // namespace

StatusOr<Sender> Sender::ForDomain(const Secret& domain, PartitionKind kind) {
  HSMB_ASSIGN_OR_RETURN(Aes256Gcm cipher, DomainCipher(domain));
  return Sender(kind, std::move(cipher));
}

StatusOr<Sender> Sender::ForV1(const Secret& domain, const Secret& smk) {
  HSMB_ASSIGN_OR_RETURN(Sender sender, ForDomain(domain, PartitionKind::kV1));
  HSMB_ASSIGN_OR_RETURN(Aes256Gcm smk_cipher, Aes256Gcm::Create(smk));
  sender.smk_cipher_.emplace(std::move(smk_cipher));
  sender.smk_ = smk;
  sender.smk_id_ = ComputeSmkId(smk);
  return sender;
}

StatusOr<Bytes> Sender::SendObject(const Object& object, Rng& rng) {
  const bool v1 = kind_ == PartitionKind::kV1;
  if (v1 && !smk_cipher_) {
    return Status(Ckr::kSmkIdNotFound, "The V1 partition has no SMK.");
  }
  HSMB_ASSIGN_OR_RETURN(
      CloneBlob blob,
      SealObject(object, kind_, v1 ? BlobKind::kSmkObject : BlobKind::kDomainObject,
                 v1 ? smk_id_ : SmkId{}, v1 ? *smk_cipher_ : domain_, rng));
  return SerializeBlob(blob);
}

StatusOr<Bytes> Sender::SendSmk(Rng& rng) {
  if (!smk_) return Status(Ckr::kSmkIdNotFound, "The partition has no SMK.");
  HSMB_ASSIGN_OR_RETURN(CloneBlob blob, SealSmk(*smk_, kind_, domain_, rng));
  return SerializeBlob(blob);
}

StatusOr<Receiver> Receiver::ForDomain(const Secret& domain) {
  HSMB_ASSIGN_OR_RETURN(Aes256Gcm cipher, DomainCipher(domain));
  return Receiver(std::move(cipher));
}

Status Receiver::WithSmk(const Secret& smk) {
  HSMB_ASSIGN_OR_RETURN(Aes256Gcm cipher, Aes256Gcm::Create(smk));
  smk_cipher_.emplace(std::move(cipher));
  smk_id_ = ComputeSmkId(smk);
  return OkStatus();
}

StatusOr<Received> Receiver::ReceiveObject(ByteSpan wire) {
  HSMB_ASSIGN_OR_RETURN(CloneBlob blob, ParseBlob(wire));
  Received got;
  switch (blob.kind) {
    case BlobKind::kDomainObject: {
      HSMB_ASSIGN_OR_RETURN(Object object, OpenFromWire(blob, wire, domain_));
      got.object = std::move(object);
      break;
    }
    case BlobKind::kSmkObject:
      if (smk_cipher_) {
        if (blob.key_id != smk_id_) {
          return Status(Ckr::kSmkIdNotFound,
                        "The object is sealed under an SMK this partition does not hold.");
        }
        HSMB_ASSIGN_OR_RETURN(Object object, OpenFromWire(blob, wire, *smk_cipher_));
        got.object = std::move(object);
      }
      break;
    case BlobKind::kSmk:
      return Status(Ckr::kDataInvalid, "An SMK blob arrived where an object was expected.");
  }
  got.blob = std::move(blob);
  return got;
}

StatusOr<Secret> Receiver::ReceiveSmk(ByteSpan wire) {
  HSMB_ASSIGN_OR_RETURN(CloneBlob blob, ParseBlob(wire));
  if (blob.kind != BlobKind::kSmk) {
    return Status(Ckr::kDataInvalid, "An object blob arrived where the SMK was expected.");
  }
  return OpenSmk(blob, domain_);
}

}  // namespace hsmbackup
