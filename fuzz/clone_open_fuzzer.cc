// Fuzz target: the whole receive path of a clone blob, structure-aware.
//
// Blind mutation of sealed bytes only ever exercises "does not
// authenticate". LLVMFuzzerCustomMutator therefore opens a parsable input
// under the fixed fuzzing keys (fuzz_support.h), mutates the plaintext
// (class, attributes, value, label, OUID, or the raw payload bytes), and
// re-seals under the same key with a DeterministicRng, so mutated inputs
// reach the payload decoder and the store. Unparsable input, SMK blobs and
// one mutation in eight get plain LLVMFuzzerMutate, which covers the
// rejection paths.
//
// The target runs what the backup engine runs (Receiver::ForDomain then
// ReceiveObject) and stores an accepted object into a BackupHsm with the
// engine's own store step (engine/store.h). Invariants:
//  - a rejected blob fails with a documented code and leaves the BackupHsm
//    equal (operator==) to what it was;
//  - an accepted one is stored, taking the source object's value length
//    (not the blob's), and the stored object re-seals and re-opens
//    to an equal Object (an opaque V1 blob re-parses to an equal blob);
//  - the same holds for a V1 user partition's receiver (which holds the SMK
//    and opens V1 objects) and for ReceiveSmk.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <random>
#include <string>
#include <unordered_set>

#include "engine/store.h"
#include "fuzz_support.h"
#include "hsmbackup/blob.h"
#include "hsmbackup/clone.h"
#include "hsmbackup/env.h"
#include "hsmbackup/model.h"
#include "hsmbackup/transfer.h"

using namespace hsmbackup;

extern "C" size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t max_size);

namespace {

struct Keys {
  Secret domain{fuzz::kFuzzDomain};
  Secret smk{fuzz::kFuzzSmk};
  SmkId smk_id = ComputeSmkId(smk);
  std::optional<Aes256Gcm> domain_key;
  std::optional<Aes256Gcm> smk_key;
  std::optional<Receiver> backup;   // a backup HSM: domain key only
  std::optional<Receiver> v1_user;  // a V1 user partition: domain key and SMK
};

Keys& K() {
  static Keys* keys = [] {
    auto* k = new Keys;
    auto dk = DomainCipher(k->domain);
    auto sk = Aes256Gcm::Create(k->smk);
    auto backup = Receiver::ForDomain(k->domain);
    auto v1 = Receiver::ForDomain(k->domain);
    FUZZ_CHECK(dk.ok() && sk.ok() && backup.ok() && v1.ok());
    k->domain_key.emplace(std::move(dk).value());
    k->smk_key.emplace(std::move(sk).value());
    k->backup.emplace(std::move(backup).value());
    k->v1_user.emplace(std::move(v1).value());
    FUZZ_CHECK(k->v1_user->WithSmk(k->smk).ok());
    return k;
  }();
  return *keys;
}

// The backup HSM model every input is received into: one partition that
// already holds an object, so a wrong store would show.
const BackupHsm& Template() {
  static const BackupHsm* hsm = [] {
    auto* h = new BackupHsm;
    h->label = "fuzz-bh7";
    h->serial = "700000";
    h->firmware = Version{7, 8, 4};
    h->capacity = 1 << 24;
    h->so_password = Secret(std::string_view("fuzz-so"));
    h->handles.next = 2;
    BackupPartition p;
    p.name = "fuzzbackup";
    p.domain = Secret(fuzz::kFuzzDomain);
    p.password = Secret(std::string_view("fuzz-po"));
    p.allocated = 1 << 20;
    BackupObject o;
    o.object = Object{1, Ouid{}, ObjectClass::kData, "existing", {}, Secret(Bytes{1, 2, 3})};
    o.object.ouid.bytes[11] = 1;
    o.size = 3;
    p.objects.push_back(o);
    h->partitions.push_back(std::move(p));
    return h;
  }();
  return *hsm;
}

// Store keeps an accepted object through the engine's own store step
// (engine/store.h: CLONE-STORE, OPT-APPEND-REPLACE), with the handle
// allocated as the engine does; a rejected one changes nothing
// (CLONE-DISCARD). `source` stands for the object the source partition
// sealed.
void Store(BackupHsm& hsm, const StatusOr<Received>& got, const Object& source, ByteSpan wire) {
  if (!got.ok()) return;
  BackupPartition& part = hsm.partitions.front();
  std::unordered_set<uint32_t> in_use;
  for (const BackupPartition& p : hsm.partitions) {
    for (const BackupObject& o : p.objects) in_use.insert(o.object.handle);
  }
  auto handle = AllocateHandle(hsm.handles, [&](uint32_t h) { return in_use.count(h) != 0; });
  FUZZ_CHECK(handle.ok());
  std::optional<size_t> same;
  for (size_t i = 0; i < part.objects.size(); ++i) {
    if (part.objects[i].object.ouid == got->blob.ouid) same = i;
  }
  std::optional<Object> opened = got->object;
  engine::StoreReceived(part, same, source, std::move(opened), wire, *handle);
}

// SourceOf is the object a source partition would have sealed into `got`:
// the opened object for a domain blob, the V1 partition's opening of an SMK
// object. A V1 blob that does not open under the SMK no source sent; it
// still stands for one with the blob's OUID and label, of unknown size (0).
Object SourceOf(const Received& got, const StatusOr<Received>& v1) {
  if (got.object) return *got.object;
  if (v1.ok() && v1->object) return *v1->object;
  Object unknown;
  unknown.ouid = got.blob.ouid;
  unknown.label = got.blob.label;
  return unknown;
}

bool Documented(Ckr code, bool may_miss_smk) {
  return code == Ckr::kDataInvalid || code == Ckr::kCertificateInvalid ||
         (may_miss_smk && code == Ckr::kSmkIdNotFound);
}

// CheckReseal: the stored object re-seals under `key` and re-opens, through
// the same receiver, to an equal object.
void CheckReseal(Receiver& receiver, const Object& stored, const CloneBlob& original,
                 Aes256Gcm& key) {
  Object expected = stored;
  expected.handle = 0;
  RngState state{0x5eed, 0};
  DeterministicRng rng(&state);
  auto blob = SealObject(expected, original.source_kind, original.kind, original.key_id, key, rng);
  FUZZ_CHECK(blob.ok());
  auto again = receiver.ReceiveObject(SerializeBlob(*blob));
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(again->object.has_value() && *again->object == expected);
  FUZZ_CHECK(ComputeFingerprint(*again->object) == ComputeFingerprint(expected));
}

void MutateString(std::string& s, size_t max) {
  std::string buf(std::max(max, s.size()) + 1, '\0');
  std::memcpy(buf.data(), s.data(), s.size());
  size_t n = LLVMFuzzerMutate(reinterpret_cast<uint8_t*>(buf.data()), s.size(), max);
  buf.resize(std::min(n, max));
  s = std::move(buf);
}

void MutateBytes(Bytes& b, size_t max) {
  Bytes buf(std::max(max, b.size()) + 1);
  std::copy(b.begin(), b.end(), buf.begin());
  size_t n = LLVMFuzzerMutate(buf.data(), b.size(), max);
  buf.resize(std::min(n, max));
  b = std::move(buf);
}

// MutateObject applies one structured edit, mostly keeping the object
// within the limits SealObject checks (the raw-payload edit covers the rest).
void MutateObject(Object& o, std::minstd_rand& r) {
  switch (r() % 6) {
    case 0:
      o.object_class = *ObjectClassFromWire(static_cast<uint8_t>(r() % 5));
      break;
    case 1: {  // attributes: add, drop or edit one
      const unsigned op = o.attributes.empty() ? 0 : r() % 3;
      if (op == 0 && o.attributes.size() < kMaxAttributes) {
        std::string name = "CKA_";
        MutateString(name, kMaxAttributeNameLength);
        if (!name.empty()) o.attributes.Set(name, std::to_string(r()));
      } else if (op == 1) {
        const auto [name, value] = *std::next(o.attributes.begin(), r() % o.attributes.size());
        o.attributes.Erase(std::string(name));
      } else if (!o.attributes.empty()) {
        const auto [name, value] = *std::next(o.attributes.begin(), r() % o.attributes.size());
        std::string edited(value);
        MutateString(edited, kMaxAttributeValueLength);
        o.attributes.Set(std::string(name), edited);
      }
      break;
    }
    case 2: {
      Bytes value(o.value.secret_bytes().begin(), o.value.secret_bytes().end());
      MutateBytes(value, 512);
      o.value = Secret(std::move(value));
      break;
    }
    case 3:
      MutateString(o.label, kMaxObjectLabelLength);
      if (r() % 8 != 0) {  // usually keep it a valid label
        for (char& c : o.label) c = static_cast<char>(0x20 + static_cast<uint8_t>(c) % 0x5f);
      }
      break;
    case 4:
      o.ouid.bytes[r() % o.ouid.bytes.size()] ^= static_cast<uint8_t>(1u << (r() % 8));
      break;
    default:
      o.value = Secret();
      o.attributes.clear();
      break;
  }
}

size_t Emit(const Bytes& out, uint8_t* data, size_t size, size_t max_size) {
  if (out.size() > max_size || out.empty()) return LLVMFuzzerMutate(data, size, max_size);
  std::memcpy(data, out.data(), out.size());
  return out.size();
}

}  // namespace

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size,
                                          unsigned int seed) {
  std::minstd_rand r(seed);
  auto parsed = ParseBlob(ByteSpan(data, size));
  if (!parsed.ok() || parsed->kind == BlobKind::kSmk || r() % 8 == 0) {
    return LLVMFuzzerMutate(data, size, max_size);
  }
  CloneBlob blob = std::move(parsed).value();
  Keys& k = K();
  Aes256Gcm& key = blob.kind == BlobKind::kDomainObject ? *k.domain_key : *k.smk_key;
  Bytes payload;
  if (!key.Open(blob.nonce, BlobAad(blob), blob.ciphertext, blob.tag, &payload).ok()) {
    return LLVMFuzzerMutate(data, size, max_size);
  }
  RngState state{seed, 0};
  DeterministicRng rng(&state);
  Object object;
  const bool decoded = DecodePayload(payload, &object).ok();
  if (decoded && r() % 6 != 0) {
    object.ouid = blob.ouid;
    object.label = blob.label;
    MutateObject(object, r);
    if (blob.kind == BlobKind::kDomainObject && r() % 8 == 0) {
      blob.source_kind = blob.source_kind == PartitionKind::kV0 ? PartitionKind::kPre77
                                                                : PartitionKind::kV0;
    }
    auto sealed = SealObject(object, blob.source_kind, blob.kind, blob.key_id, key, rng);
    if (sealed.ok()) return Emit(SerializeBlob(*sealed), data, size, max_size);
    // Over a limit: seal by hand below, so the receiver sees it.
    blob.ouid = object.ouid;
    blob.label = object.label.substr(0, kMaxObjectLabelLength);
    payload = EncodePayload(object);
  } else {
    MutateBytes(payload, std::max<size_t>(payload.size() + 64, 256));
  }
  rng.Fill(blob.nonce);
  if (!key.Seal(blob.nonce, BlobAad(blob), payload, &blob.ciphertext, &blob.tag).ok()) {
    return LLVMFuzzerMutate(data, size, max_size);
  }
  return Emit(SerializeBlob(blob), data, size, max_size);
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const ByteSpan wire(data, size);
  Keys& k = K();

  // A backup HSM receiving a backup (engine/backup.cc); a V1 user partition
  // receiving the same bytes (a restore) opens V1 objects too.
  BackupHsm hsm = Template();
  StatusOr<Received> got = k.backup->ReceiveObject(wire);
  StatusOr<Received> v1 = k.v1_user->ReceiveObject(wire);
  const Object source = got.ok() ? SourceOf(*got, v1) : Object{};
  Store(hsm, got, source, wire);
  if (!got.ok()) {
    FUZZ_CHECK(Documented(got.status().code(), false));
    FUZZ_CHECK(hsm == Template());  // CLONE-DISCARD
  } else {
    FUZZ_CHECK(!(hsm == Template()));
    FUZZ_CHECK(SerializeBlob(got->blob) == Bytes(wire.begin(), wire.end()));
    const BackupObject* stored = nullptr;
    for (const BackupObject& o : hsm.partitions.front().objects) {
      if (o.object.ouid == got->blob.ouid) stored = &o;
    }
    FUZZ_CHECK(stored != nullptr);
    FUZZ_CHECK(stored->size == source.value.size());  // the storage it takes, not the blob's
    if (got->blob.kind == BlobKind::kDomainObject) {
      FUZZ_CHECK(!stored->opaque() && stored->object.label == got->blob.label);
      CheckReseal(*k.backup, stored->object, got->blob, *k.domain_key);
    } else {
      FUZZ_CHECK(got->blob.kind == BlobKind::kSmkObject && stored->opaque());
      auto again = k.backup->ReceiveObject(stored->sealed);
      FUZZ_CHECK(again.ok() && again->blob == got->blob && !again->object);
    }
  }

  // The V1 user partition's view of the same bytes.
  if (!v1.ok()) {
    FUZZ_CHECK(Documented(v1.status().code(), true));
    // Anything the V1 partition rejects that the backup HSM accepted must be
    // an SMK-sealed object it could not open.
    FUZZ_CHECK(!got.ok() || got->blob.kind == BlobKind::kSmkObject);
  } else {
    FUZZ_CHECK(got.ok() && v1->object.has_value());
    CheckReseal(*k.v1_user, *v1->object, v1->blob,
                v1->blob.kind == BlobKind::kDomainObject ? *k.domain_key : *k.smk_key);
  }

  // The SMK path (V1 backup and restore).
  StatusOr<Secret> smk = k.backup->ReceiveSmk(wire);
  if (!smk.ok()) {
    FUZZ_CHECK(Documented(smk.status().code(), false));
  } else {
    FUZZ_CHECK(!got.ok() && smk->size() == kAeadKeyBytes);
    RngState state{0x5eed, 0};
    DeterministicRng rng(&state);
    auto blob = SealSmk(*smk, PartitionKind::kV1, *k.domain_key, rng);
    FUZZ_CHECK(blob.ok());
    auto again = k.backup->ReceiveSmk(SerializeBlob(*blob));
    FUZZ_CHECK(again.ok() && *again == *smk);
  }
  return 0;
}
