// Sealing and opening clone blobs: the cryptographic half of cloning.
//
// The source seals each object on its own (CLONE-ONE-AT-A-TIME): pre-7.7 and
// V0 objects under the domain key, so the target can open and verify them
// (CLONE-VERIFY); V1 objects under the partition's SMK, so a backup HSM can
// store them but never read them (CLONE-OPAQUE-V1). The SMK itself travels
// under the domain key, which is how a wrong domain fails for V1 too.
#ifndef HSMBACKUP_CLONE_H_
#define HSMBACKUP_CLONE_H_

#include "hsmbackup/blob.h"
#include "hsmbackup/crypto.h"
#include "hsmbackup/env.h"
#include "hsmbackup/model.h"
#include "hsmbackup/status.h"

namespace hsmbackup {

// SealObject seals `object` as a kDomainObject blob (key = domain key,
// key_id zero) or a kSmkObject blob (key = SMK, key_id = its id). The nonce
// comes from `rng`.
StatusOr<CloneBlob> SealObject(const Object& object, PartitionKind source_kind,
                               BlobKind kind, const SmkId& key_id,
                               Aes256Gcm& key, Rng& rng);

// SealObjectInto is SerializeBlob(SealObject(...)) in one pass: the same
// checks, the same nonce draw and the same bytes, written straight into
// `*wire` (its contents replaced, its capacity reused). The payload is
// encoded into the ciphertext's place and encrypted there, so the plaintext
// exists nowhere else and is overwritten by the ciphertext. On failure
// `*wire` is empty.
Status SealObjectInto(const Object& object, PartitionKind source_kind, BlobKind kind,
                      const SmkId& key_id, Aes256Gcm& key, Rng& rng, Bytes* wire);

// OpenObject authenticates and decodes an object blob. A blob that does not
// authenticate under `key` fails with CKR_CERTIFICATE_INVALID (a wrong domain
// looks exactly like tampering); a payload that authenticates but does not
// decode fails with CKR_DATA_INVALID. The returned object has handle 0.
StatusOr<Object> OpenObject(const CloneBlob& blob, Aes256Gcm& key);
// The same on a view from ParseBlobView (the AAD is read from the wire, the
// ciphertext is not copied); same results and messages.
StatusOr<Object> OpenObject(const CloneBlobView& blob, Aes256Gcm& key);
// OpenObjectInto is OpenObject on a view that decodes into `*object` (class,
// attributes, value, OUID and label; the handle is left as it is) rather
// than returning a new one, so a receiver builds the object in its place
// without moving it through a StatusOr. `*object` changes only on success.
Status OpenObjectInto(const CloneBlobView& blob, Aes256Gcm& key, Object* object);

// SealSmk / OpenSmk move a V1 partition's SMK under the domain key.
StatusOr<CloneBlob> SealSmk(const Secret& smk, PartitionKind source_kind,
                            Aes256Gcm& domain_key, Rng& rng);
StatusOr<Secret> OpenSmk(const CloneBlob& blob, Aes256Gcm& domain_key);
// SealSmkWithId is SealSmk of a V1 SMK whose id the caller holds:
// `smk_id` must be ComputeSmkId(smk) (a sender computes it once).
StatusOr<CloneBlob> SealSmkWithId(const Secret& smk, const SmkId& smk_id, Aes256Gcm& domain_key,
                                  Rng& rng);

// DomainCipher derives the domain key once and keeps its GCM context.
StatusOr<Aes256Gcm> DomainCipher(const Secret& domain);

}  // namespace hsmbackup

#endif  // HSMBACKUP_CLONE_H_
