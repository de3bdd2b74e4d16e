// The per-object clone path between two HSMs, as the engine runs it.
//
// A Sender seals objects on the source side and produces the bytes that
// cross the wire; a Receiver parses and, where the kind needs it, opens and
// verifies them on the target side. Keys are derived and cipher contexts
// built once per command, never per object (the benchmarks measure this
// path object by object).
#ifndef HSMBACKUP_TRANSFER_H_
#define HSMBACKUP_TRANSFER_H_

#include <optional>

#include "hsmbackup/blob.h"
#include "hsmbackup/clone.h"
#include "hsmbackup/crypto.h"
#include "hsmbackup/env.h"
#include "hsmbackup/model.h"
#include "hsmbackup/status.h"

namespace hsmbackup {

// Sender seals on the source: under the domain key (pre-7.7 and V0
// objects, and the SMK) or under the SMK (V1 objects).
class Sender {
 public:
  // ForDomain seals kDomainObject blobs (and the SMK) under `domain`.
  static StatusOr<Sender> ForDomain(const Secret& domain, PartitionKind kind);
  // ForV1 seals objects under `smk` and the SMK itself under `domain`.
  static StatusOr<Sender> ForV1(const Secret& domain, const Secret& smk);
  // ForDomainKey and ForV1Key are ForDomain and ForV1 given the domain's
  // key (DeriveDomainKey(domain)) rather than the domain: a backup whose two
  // sides share a domain derives its key once for both.
  static StatusOr<Sender> ForDomainKey(const Secret& domain_key, PartitionKind kind);
  static StatusOr<Sender> ForV1Key(const Secret& domain_key, const Secret& smk);
  // The same with the SMK's id taken from `keys` (a session's cache).
  static StatusOr<Sender> ForV1Key(const Secret& domain_key, const Secret& smk, KeyCache& keys);

  // SendObject returns the wire bytes of one object.
  StatusOr<Bytes> SendObject(const Object& object, Rng& rng);
  // The same bytes written into `*wire`, whose capacity is reused (a caller
  // sending object after object allocates nothing per object). On failure
  // `*wire` is empty.
  Status SendObject(const Object& object, Rng& rng, Bytes* wire);
  // SendSmk returns the wire bytes of the SMK (V1 senders only).
  StatusOr<Bytes> SendSmk(Rng& rng);

 private:
  Sender(PartitionKind kind, Aes256Gcm domain) : kind_(kind), domain_(std::move(domain)) {}
  PartitionKind kind_;
  Aes256Gcm domain_;
  std::optional<Aes256Gcm> smk_cipher_;
  std::optional<Secret> smk_;
  SmkId smk_id_{};  // zero unless V1: the key id a domain-sealed blob carries
};

// Inline: it runs once per object cloned, and its own frame cost about a
// third of what it passes on.
inline Status Sender::SendObject(const Object& object, Rng& rng, Bytes* wire) {
  const bool v1 = kind_ == PartitionKind::kV1;
  if (v1 && !smk_cipher_) {
    wire->clear();
    return Status(Ckr::kSmkIdNotFound, "The V1 partition has no SMK.");
  }
  return SealObjectInto(object, kind_, v1 ? BlobKind::kSmkObject : BlobKind::kDomainObject,
                        smk_id_, v1 ? *smk_cipher_ : domain_, rng, wire);
}

// Received is what the target got: a verified object (domain blobs) or the
// parsed opaque blob and its bytes (V1 on a backup HSM).
struct Received {
  CloneBlob blob;
  std::optional<Object> object;
};

// ReceivedView is Received with the blob borrowed from the wire bytes it
// was parsed from, which must outlive it.
struct ReceivedView {
  CloneBlobView blob;
  std::optional<Object> object;
};

// Receiver parses and verifies on the target.
class Receiver {
 public:
  static StatusOr<Receiver> ForDomain(const Secret& domain);
  // ForDomainKey is ForDomain given DeriveDomainKey(domain) (see Sender).
  static StatusOr<Receiver> ForDomainKey(const Secret& domain_key);
  // ReceiveObject parses `wire`. A kDomainObject blob is opened and verified
  // (CKR_CERTIFICATE_INVALID if it does not authenticate); a kSmkObject blob
  // is only parsed, unless `smk` was given with WithSmk, then it is opened.
  StatusOr<Received> ReceiveObject(ByteSpan wire);
  // ReceiveObjectView is ReceiveObject without copying the blob out of
  // `wire`: the same checks, results and messages.
  StatusOr<ReceivedView> ReceiveObjectView(ByteSpan wire);
  // ReceiveObjectInto is ReceiveObjectView with the object decoded straight
  // into `*object` (e.g. its final place in a store) rather than into a view
  // returned by value: the same checks, results and messages. `*opened` says
  // whether the blob was opened (ReceiveObjectView's `object` engaged);
  // `*object` is written only when it was (all but its handle, which no blob
  // carries); `*blob` (borrowing `wire`) is the parsed blob on success and
  // unspecified on failure.
  Status ReceiveObjectInto(ByteSpan wire, CloneBlobView* blob, Object* object, bool* opened);
  // ReceiveSmk opens an SMK blob under the domain key.
  StatusOr<Secret> ReceiveSmk(ByteSpan wire);
  // WithSmk lets this receiver open V1 objects (a V1 user partition).
  Status WithSmk(const Secret& smk);

 private:
  explicit Receiver(Aes256Gcm domain) : domain_(std::move(domain)) {}
  Aes256Gcm domain_;
  std::optional<Aes256Gcm> smk_cipher_;
  SmkId smk_id_{};
};

}  // namespace hsmbackup

#endif  // HSMBACKUP_TRANSFER_H_
