// The emulated world: user partitions, backup HSMs and what they hold.
//
// A World is plain data. The engine (engine.h) is the only thing that
// changes it by lunacm semantics; world_io.h loads and saves it as JSON
// (schema in reference/WORLD-FORMAT.md). Everything that makes runs
// deterministic (clock, RNG state, handle allocation, faults) is part of the
// World, so the same world and commands give the same transcript.
#ifndef HSMBACKUP_MODEL_H_
#define HSMBACKUP_MODEL_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hsmbackup/attributes.h"
#include "hsmbackup/bytes.h"
#include "hsmbackup/secret.h"
#include "hsmbackup/version.h"

namespace hsmbackup {

// Limits shared by the model, the parser and the blob format.
inline constexpr size_t kMaxLabelLength = 32;        // PKCS#11 token label
inline constexpr size_t kMaxObjectLabelLength = 128;  // CKA_LABEL of an object
inline constexpr size_t kMaxObjectValueBytes = 65536;  // SKS blobs <= 64 KB
inline constexpr size_t kMaxAttributes = 64;
inline constexpr size_t kMaxAttributeNameLength = 64;
inline constexpr size_t kMaxAttributeValueLength = 1024;
// Bytes each backup partition takes for security and identity data, whatever
// it holds (the Network HSM 7 figure, LUNA-FACTS.md).
inline constexpr uint64_t kPartitionOverheadBytes = 9648;
// Bytes each object takes on a backup HSM beyond its value (a V1 object:
// beyond its sealed blob), per model. No public figure exists: these are the
// project's (PROJ-SIZE-MODEL). They make a backup take more room than the
// precheck's source sizes, so a backup that passed SIZE-PRECHECK can still
// fill its partition (FULL-REVERT).
inline constexpr uint64_t kBackupHsm7ObjectOverheadBytes = 128;
inline constexpr uint64_t kBackupHsmG5ObjectOverheadBytes = 64;

// PartitionKind is the firmware generation of a user partition. The values
// are the blob format's source_kind byte (blob.h converts, checked).
enum class PartitionKind { kPre77 = 0, kV0 = 1, kV1 = 2 };
enum class AuthMode { kPassword, kPed };
enum class BackupModel { kBackupHsm7, kBackupHsmG5 };
// Connection says how a backup HSM is reached: a client slot, a USB device
// addressed as `-slot direct`, or attached directly to a Network HSM 7
// appliance (where a V1 partition may move its SMK only).
enum class Connection { kClient, kUsb, kAppliance };
// ObjectClass values are the blob payload's class byte (blob.h converts,
// checked): never renumber them.
enum class ObjectClass {
  kData = 0,
  kCertificate = 1,
  kPublicKey = 2,
  kPrivateKey = 3,
  kSecretKey = 4,
};

const char* KindName(PartitionKind k);        // "pre-7.7", "V0", "V1"
const char* KindToken(PartitionKind k);       // "pre77", "v0", "v1" (JSON)
const char* AuthToken(AuthMode a);            // "password", "ped"
const char* ModelName(BackupModel m);         // "Luna Backup HSM 7", ...
const char* ModelToken(BackupModel m);        // "backup_hsm_7", "backup_hsm_g5"
const char* ConnectionToken(Connection c);    // "client", "usb", "appliance"
const char* ClassToken(ObjectClass c);        // "data", "private_key", ...
const char* ClassName(ObjectClass c);         // "Private Key", ...

// Ouid is a Luna object unique ID: 12 bytes, stable across copies.
struct Ouid {
  std::array<uint8_t, 12> bytes{};
  std::string ToHex() const;
  static std::optional<Ouid> FromHex(std::string_view hex);
  auto operator<=>(const Ouid&) const = default;
};

// OuidHash lets per-command indexes find objects by OUID in O(1).
struct OuidHash {
  size_t operator()(const Ouid& o) const;
};

// Object is a key or other object as its owner partition holds it in
// plaintext. `value` is the object's secret material, a Secret so that no
// copy (replace, zeroize, a FULL-REVERT snapshot) is freed unwiped; its
// length is the object's storage size.
struct Object {
  uint32_t handle = 0;
  Ouid ouid;
  ObjectClass object_class = ObjectClass::kData;
  std::string label;
  Attributes attributes;
  Secret value;
  bool operator==(const Object&) const = default;
};

// Fingerprint (CKA_FINGERPRINT_SHA1) is SHA-1 over the object's label,
// class, attributes and value in the blob's payload encoding (blob.h).
using Fingerprint = std::array<uint8_t, 20>;

// HandleAllocator hands out object handles on one device: first the queued
// ones in order (a world can script exact handles), then next, next+1, ...
// Handles still in use are skipped.
struct HandleAllocator {
  std::vector<uint32_t> queue;
  uint32_t next = 1;
  bool operator==(const HandleAllocator&) const = default;
};

// Lockout counts consecutive failed logins for one role.
struct Lockout {
  uint32_t failures = 0;
  bool operator==(const Lockout&) const = default;
};

struct Policies {
  bool allow_private_key_cloning = true;   // partition policy 0
  bool allow_private_key_wrapping = false; // partition policy 1
  bool allow_secret_key_cloning = true;    // partition policy 4
  bool hsm_allow_cloning = true;           // HSM policy 7
  bool allow_cpv1 = false;                 // partition policy 42 (RESTORE-PRE77-TO-V0)
  bool operator==(const Policies&) const = default;
};

struct UserPartition {
  std::string label;
  std::string serial;
  Version firmware;
  PartitionKind kind = PartitionKind::kV0;
  AuthMode auth = AuthMode::kPassword;
  Secret domain;
  Policies policies;
  uint64_t capacity = 0;  // bytes for objects
  Secret po_password;     // empty on PED partitions
  Secret co_password;
  Secret cu_password;
  uint32_t co_lockout_threshold = 10;  // partition policy 20 may lower it
  Lockout po_lockout;
  Lockout co_lockout;  // shared by CO and CU
  bool zeroized = false;
  std::optional<Secret> smk;  // V1 only: the SKS master key (32 bytes)
  HandleAllocator handles;
  std::vector<Object> objects;  // clone order is this order
  bool operator==(const UserPartition&) const = default;
};

// BackupObject is one object on a backup partition: `object.handle` is its
// handle on the backup HSM, `object.ouid` and `object.label` are readable
// whatever the kind. Pre-7.7 and V0 objects are held as the verified
// plaintext object; V1 objects only as the SMK-sealed blob the source
// produced (`sealed`), their `object` holding the handle, OUID and label and
// nothing else. Each fact has one home here: a million-object backup holds a
// million of these (bench/BENCHMARKS.md, "Scale").
struct BackupObject {
  // User-provided, not defaulted: value-initializing a class whose default
  // constructor is implicit zero-fills it whole first, and a backup appends
  // one per object cloned (emplace_back()) into memory it is about to write.
  BackupObject() {}
  Object object;
  uint64_t size = 0;  // storage the object takes (its value's length)
  Bytes sealed;       // V1: the opaque SKS blob (blob.h); empty otherwise
  bool opaque() const { return !sealed.empty(); }
  bool operator==(const BackupObject&) const = default;
};

// ObjectOverheadBytes is what each object takes on a backup HSM of `model`
// beyond its value (kBackupHsm7ObjectOverheadBytes, ...).
uint64_t ObjectOverheadBytes(BackupModel model);
// StoredBytes is the room an object takes on a backup HSM of `model`
// (PROJ-SIZE-MODEL): its value's length, or a V1 object's sealed length,
// plus the model's per-object overhead.
uint64_t StoredBytes(uint64_t value_or_sealed_bytes, BackupModel model);
inline uint64_t StoredBytes(const BackupObject& o, BackupModel model) {
  return StoredBytes(o.opaque() ? o.sealed.size() : o.size, model);
}

struct BackupPartition {
  std::string name;
  Secret domain;
  Secret password;  // the backup partition's PO credential (empty for PED)
  PartitionKind origin = PartitionKind::kV0;  // kind of the source backed up
  std::string source_label;
  std::string created;      // ISO 8601 UTC, from the world clock
  uint64_t allocated = 0;   // bytes of the backup HSM assigned to it
  Lockout user_lockout;
  Bytes smk_blob;           // V1 backups: the SMK as received (domain-sealed)
  std::vector<BackupObject> objects;
  // kPartitionOverheadBytes + the StoredBytes of each object on `model`.
  uint64_t used(BackupModel model) const;
  bool operator==(const BackupPartition&) const = default;
};

struct BackupHsm {
  BackupModel model = BackupModel::kBackupHsm7;
  std::string label;
  std::string serial;
  Version firmware;  // also decides SKS (TakesSks)
  Connection connection = Connection::kClient;
  AuthMode auth = AuthMode::kPassword;
  uint64_t capacity = 0;  // bytes shared by all backup partitions
  Secret so_password;     // empty for PED
  Secret ped_domain;      // PED: the domain on the red key the operator holds
  Lockout so_lockout;
  bool zeroized = false;
  // Backup HSM 7 policy 55 "Enable Restricted Restore" (RESTORE-PRE77-TO-V0).
  bool restricted_restore = false;
  HandleAllocator handles;
  std::vector<BackupPartition> partitions;
  uint64_t free_bytes() const;  // capacity - sum of allocated
  bool operator==(const BackupHsm&) const = default;
};

// TakesSks: whether `hsm` takes SKS backups and restores (-smkonly, V1
// objects). It follows the firmware (kBackupHsm7Sks, kBackupHsmG5Sks;
// OPT-SMKONLY-SKS); there is no separate device property.
bool TakesSks(const BackupHsm& hsm);

struct Slot {
  uint32_t id = 0;
  std::optional<UserPartition> user;  // exactly one of user / backup is set
  std::optional<BackupHsm> backup;
  bool operator==(const Slot&) const = default;
};

// Fault is a failure the world injects, for tests and conformance runs.
enum class FaultType {
  kVerifyFail,     // the target rejects the object with source handle `handle`
  kPartitionFull,  // the backup partition fills when cloning object `at` (1-based)
  kShrinkFail,     // the Backup HSM 7 re-size after a backup fails
};
struct Fault {
  FaultType type = FaultType::kVerifyFail;
  std::optional<uint32_t> slot;  // limit to this backup slot, or any
  uint32_t handle = 0;           // kVerifyFail
  uint32_t at = 0;               // kPartitionFull
  bool operator==(const Fault&) const = default;
};

// kMaxWorldTime is 9999-12-31T23:59:59Z, the latest time the world file's
// four-digit years can hold.
inline constexpr int64_t kMaxWorldTime = 253402300799;

// kMaxPasswordBytes is the longest password a world file holds.
inline constexpr size_t kMaxPasswordBytes = 255;

struct Clock {
  int64_t now = 0;           // seconds since the Unix epoch, UTC
  int64_t step_seconds = 0;  // added after every command
  bool operator==(const Clock&) const = default;
};

// RngState drives the deterministic generator (env.h): nonces and new keys.
struct RngState {
  uint64_t seed = 1;
  uint64_t counter = 0;
  bool operator==(const RngState&) const = default;
};

struct World {
  Version client{10, 4, 0};
  Secret default_domain;  // what -defaultdomain means on this client
  Clock clock;
  RngState rng;
  std::vector<Slot> slots;  // ordered by id, ids unique
  std::vector<Fault> faults;
  bool operator==(const World&) const = default;

  Slot* FindSlot(uint32_t id);
  const Slot* FindSlot(uint32_t id) const;
};

}  // namespace hsmbackup

#endif  // HSMBACKUP_MODEL_H_
