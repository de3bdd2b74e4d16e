#include "hsmbackup/transfer.h"

namespace hsmbackup {

StatusOr<Sender> Sender::ForDomain(const Secret& domain, PartitionKind kind) {
  HSMB_ASSIGN_OR_RETURN(Secret key, DeriveDomainKey(domain));
  return ForDomainKey(key, kind);
}

StatusOr<Sender> Sender::ForV1(const Secret& domain, const Secret& smk) {
  HSMB_ASSIGN_OR_RETURN(Secret key, DeriveDomainKey(domain));
  return ForV1Key(key, smk);
}

StatusOr<Sender> Sender::ForDomainKey(const Secret& domain_key, PartitionKind kind) {
  HSMB_ASSIGN_OR_RETURN(Aes256Gcm cipher, Aes256Gcm::Create(domain_key));
  return Sender(kind, std::move(cipher));
}

StatusOr<Sender> Sender::ForV1Key(const Secret& domain_key, const Secret& smk) {
  KeyCache keys;
  return ForV1Key(domain_key, smk, keys);
}

StatusOr<Sender> Sender::ForV1Key(const Secret& domain_key, const Secret& smk, KeyCache& keys) {
  HSMB_ASSIGN_OR_RETURN(Sender sender, ForDomainKey(domain_key, PartitionKind::kV1));
  HSMB_ASSIGN_OR_RETURN(Aes256Gcm smk_cipher, Aes256Gcm::Create(smk));
  sender.smk_cipher_.emplace(std::move(smk_cipher));
  sender.smk_ = smk;
  sender.smk_id_ = keys.SmkIdOf(smk);
  return sender;
}

StatusOr<Bytes> Sender::SendObject(const Object& object, Rng& rng) {
  Bytes wire;
  HSMB_RETURN_IF_ERROR(SendObject(object, rng, &wire));
  return wire;
}

StatusOr<Bytes> Sender::SendSmk(Rng& rng) {
  if (!smk_) return Status(Ckr::kSmkIdNotFound, "The partition has no SMK.");
  HSMB_ASSIGN_OR_RETURN(CloneBlob blob, SealSmkWithId(*smk_, smk_id_, domain_, rng));
  return SerializeBlob(blob);
}

StatusOr<Receiver> Receiver::ForDomain(const Secret& domain) {
  HSMB_ASSIGN_OR_RETURN(Secret key, DeriveDomainKey(domain));
  return ForDomainKey(key);
}

StatusOr<Receiver> Receiver::ForDomainKey(const Secret& domain_key) {
  HSMB_ASSIGN_OR_RETURN(Aes256Gcm cipher, Aes256Gcm::Create(domain_key));
  return Receiver(std::move(cipher));
}

Status Receiver::WithSmk(const Secret& smk) {
  HSMB_ASSIGN_OR_RETURN(Aes256Gcm cipher, Aes256Gcm::Create(smk));
  smk_cipher_.emplace(std::move(cipher));
  smk_id_ = ComputeSmkId(smk);
  return OkStatus();
}

StatusOr<Received> Receiver::ReceiveObject(ByteSpan wire) {
  HSMB_ASSIGN_OR_RETURN(ReceivedView view, ReceiveObjectView(wire));
  Received got;
  got.blob = ToCloneBlob(view.blob);
  got.object = std::move(view.object);
  return got;
}

StatusOr<ReceivedView> Receiver::ReceiveObjectView(ByteSpan wire) {
  ReceivedView got;
  Object object;
  bool opened = false;
  HSMB_RETURN_IF_ERROR(ReceiveObjectInto(wire, &got.blob, &object, &opened));
  if (opened) got.object.emplace(std::move(object));
  return got;
}

// The AAD is taken from the wire rather than written out again: ParseBlobView
// accepts only canonical encodings, so those bytes are exactly BlobAad's.
[[gnu::hot]] Status Receiver::ReceiveObjectInto(ByteSpan wire, CloneBlobView* blob, Object* object,
                                                bool* opened) {
  *opened = false;
  HSMB_RETURN_IF_ERROR(ParseBlobViewInto(wire, blob));
  const CloneBlobView& parsed = *blob;
  switch (parsed.kind) {
    case BlobKind::kDomainObject:
      HSMB_RETURN_IF_ERROR(OpenObjectInto(parsed, domain_, object));
      *opened = true;
      break;
    case BlobKind::kSmkObject:
      if (smk_cipher_) {
        if (parsed.key_id != smk_id_) {
          return Status(Ckr::kSmkIdNotFound,
                        "The object is sealed under an SMK this partition does not hold.");
        }
        HSMB_RETURN_IF_ERROR(OpenObjectInto(parsed, *smk_cipher_, object));
        *opened = true;
      }
      break;
    case BlobKind::kSmk:
      return Status(Ckr::kDataInvalid, "An SMK blob arrived where an object was expected.");
  }
  return OkStatus();
}

StatusOr<Secret> Receiver::ReceiveSmk(ByteSpan wire) {
  HSMB_ASSIGN_OR_RETURN(CloneBlob blob, ParseBlob(wire));
  if (blob.kind != BlobKind::kSmk) {
    return Status(Ckr::kDataInvalid, "An object blob arrived where the SMK was expected.");
  }
  return OpenSmk(blob, domain_);
}

}  // namespace hsmbackup
