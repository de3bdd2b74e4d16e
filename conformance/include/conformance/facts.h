// The Luna facts the suite's model is written against (../shared/LUNA-FACTS.md,
// reference/WORLD-FORMAT.md): the kinds of device and partition a world
// names, and the firmware thresholds and limits the clauses depend on.
//
// A world's strings are read into these types once (model::FromWorld); an
// unknown spelling is an error there, so a typo can never silently change a
// prediction. This is the suite's facts header; the reference keeps its own
// (reference/include/hsmbackup/luna_facts.h) and the two share no code.
#ifndef HSMBACKUP_CONFORMANCE_FACTS_H_
#define HSMBACKUP_CONFORMANCE_FACTS_H_

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace hsmbackup::conformance::model {

struct Version {
  int major = 0, minor = 0, patch = 0;
  auto operator<=>(const Version&) const = default;
  static std::optional<Version> Parse(const std::string& text);
};

// A user partition's kind, and the origin of a backup partition's objects.
enum class Kind { kPre77, kV0, kV1 };
enum class HsmModel { kBackupHsm7, kBackupHsmG5 };
enum class Auth { kPassword, kPed };
enum class Connection { kClient, kUsb, kAppliance };
enum class FaultType { kVerifyFail, kPartitionFull, kShrinkFail };
enum class ObjectClass { kData, kCertificate, kPublicKey, kPrivateKey, kSecretKey };

// clang-format off
// Every value of each enum with its world-format name; NamesOf(E{}) finds
// the table of E for Name and FromName.
inline constexpr std::pair<Kind, const char*> kKindNames[] = {
    {Kind::kPre77, "pre77"}, {Kind::kV0, "v0"}, {Kind::kV1, "v1"}};
inline constexpr std::pair<HsmModel, const char*> kHsmModelNames[] = {
    {HsmModel::kBackupHsm7, "backup_hsm_7"}, {HsmModel::kBackupHsmG5, "backup_hsm_g5"}};
inline constexpr std::pair<Auth, const char*> kAuthNames[] = {{Auth::kPassword, "password"},
                                                              {Auth::kPed, "ped"}};
inline constexpr std::pair<Connection, const char*> kConnectionNames[] = {
    {Connection::kClient, "client"}, {Connection::kUsb, "usb"}, {Connection::kAppliance, "appliance"}};
inline constexpr std::pair<FaultType, const char*> kFaultNames[] = {
    {FaultType::kVerifyFail, "verify_fail"}, {FaultType::kPartitionFull, "partition_full"},
    {FaultType::kShrinkFail, "shrink_fail"}};
inline constexpr std::pair<ObjectClass, const char*> kClassNames[] = {
    {ObjectClass::kData, "data"}, {ObjectClass::kCertificate, "certificate"},
    {ObjectClass::kPublicKey, "public_key"}, {ObjectClass::kPrivateKey, "private_key"},
    {ObjectClass::kSecretKey, "secret_key"}};
constexpr const auto& NamesOf(Kind) { return kKindNames; }
constexpr const auto& NamesOf(HsmModel) { return kHsmModelNames; }
constexpr const auto& NamesOf(Auth) { return kAuthNames; }
constexpr const auto& NamesOf(Connection) { return kConnectionNames; }
constexpr const auto& NamesOf(FaultType) { return kFaultNames; }
constexpr const auto& NamesOf(ObjectClass) { return kClassNames; }
// clang-format on

// Name is the world-format spelling of `e`.
template <typename E>
constexpr const char* Name(E e) {
  for (const auto& [value, name] : NamesOf(E{})) {
    if (value == e) return name;
  }
  return "?";
}

// FromName reads a world-format spelling; nullopt for anything else.
template <typename E>
constexpr std::optional<E> FromName(std::string_view s) {
  for (const auto& [value, name] : NamesOf(E{})) {
    if (s == name) return value;
  }
  return std::nullopt;
}

// Firmware thresholds (LUNA-FACTS.md; FW-MIN-BACKUP, OPT-APPEND-FINGERPRINT,
// PROJ-PIN-LENGTH).
inline constexpr Version kV0V1Firmware{7, 7, 0};            // V0/V1 partitions exist from here
inline constexpr Version kBackupHsm7MinForV0V1{7, 7, 1};    // Backup HSM 7 takes V0/V1 backups
inline constexpr Version kBackupHsmG5MinForV0V1{6, 28, 0};  // Backup HSM G5 takes V0/V1 backups
inline constexpr Version kBackupHsm7Fingerprints{7, 7, 1};  // -append compares fingerprints
inline constexpr Version kBackupHsm7PinLength{7, 7, 2};     // PO passwords of 8 characters or more
inline constexpr size_t kMinPinLength = 8;
inline constexpr Version kClientObjectsOption{10, 3, 0};  // -objects needs client 10.3.0

// Limits and sizes.
inline constexpr uint64_t kOverhead = 9648;  // per backup partition (LUNA-FACTS.md)
// The project's size model (PROJ-SIZE-MODEL; no public figure exists): on a
// backup HSM each object takes its value, a V1 object its sealed blob, plus
// this per model. A vendor with other figures waives PROJ-SIZE-MODEL.
inline constexpr uint64_t kBackupHsm7ObjectOverhead = 128;
inline constexpr uint64_t kBackupHsmG5ObjectOverhead = 64;
constexpr uint64_t ObjectOverhead(HsmModel m) {
  return m == HsmModel::kBackupHsm7 ? kBackupHsm7ObjectOverhead : kBackupHsmG5ObjectOverhead;
}
inline constexpr size_t kMaxPartitionName = 32;
inline constexpr uint32_t kSoLockoutThreshold = 3;          // the third wrong SO login zeroizes
inline constexpr uint32_t kPartitionLockoutThreshold = 10;  // a backup partition locks

// SKS follows firmware, not a device property (OPT-SMKONLY-SKS; the Luna 7
// SKS backup and restore page): SKS backup and restore need these.
inline constexpr Version kBackupHsm7Sks{7, 7, 1};
inline constexpr Version kBackupHsmG5Sks{6, 28, 0};
constexpr bool TakesSks(HsmModel m, const Version& firmware) {
  return firmware >= (m == HsmModel::kBackupHsm7 ? kBackupHsm7Sks : kBackupHsmG5Sks);
}

// Restoring pre-7.7 backups (RESTORE-PRE77-TO-V0; Backup HSM 7 CRNs 7.7.1,
// 7.7.2): HSM policy 55 "Enable Restricted Restore" from 7.7.1, and from
// 7.7.2 restores into V0 partitions whose policy 42 "Allow CPv1" is on.
inline constexpr Version kBackupHsm7RestrictedRestore{7, 7, 1};
inline constexpr Version kBackupHsm7CpV1Restore{7, 7, 2};
inline constexpr int kHsmPolicyRestrictedRestore = 55;
inline constexpr int kPartitionPolicyAllowCpV1 = 42;

// MinimumForV0V1 is the firmware a backup HSM needs to take V0/V1 backups.
constexpr Version MinimumForV0V1(HsmModel m) {
  return m == HsmModel::kBackupHsm7 ? kBackupHsm7MinForV0V1 : kBackupHsmG5MinForV0V1;
}

// CkrValue is the PKCS#11 value of a result name the clauses use; nullopt
// for a name the suite does not know.
std::optional<uint32_t> CkrValue(std::string_view name);
// ValueFits: `value` may be printed for result `name`: its CkrValue, or for
// a name without a public value (CKR_CERTIFICATE_INVALID) any value in the
// vendor range (0x80000000 and up) that is no other known code's.
bool ValueFits(std::string_view name, uint32_t value);

}  // namespace hsmbackup::conformance::model

#endif  // HSMBACKUP_CONFORMANCE_FACTS_H_
