// The Luna facts the reference's rules depend on (../shared/LUNA-FACTS.md):
// firmware thresholds, lockout counts and the sizes lunacm shows. One home
// for each, so a rule reads `hsm.firmware >= kBackupHsm7PinLength`, not a
// bare number. The suite keeps its own copy of these facts
// (conformance/include/conformance/facts.h): the two share no code.
#ifndef HSMBACKUP_LUNA_FACTS_H_
#define HSMBACKUP_LUNA_FACTS_H_

#include <cstddef>
#include <cstdint>

#include "hsmbackup/version.h"

namespace hsmbackup {

// Firmware 7.7.0 introduced V0 and V1 partitions; older ones are pre-7.7.
inline constexpr Version kV0V1Firmware{7, 7, 0};
// The oldest backup HSM firmware that takes V0/V1 backups (FW-MIN-BACKUP).
inline constexpr Version kBackupHsm7MinForV0V1{7, 7, 1};
inline constexpr Version kBackupHsmG5MinForV0V1{6, 28, 0};
// A Backup HSM 7 from this firmware compares fingerprints on -append
// (OPT-APPEND-FINGERPRINT).
inline constexpr Version kBackupHsm7Fingerprints{7, 7, 1};
// A Backup HSM 7 from this firmware wants partition passwords of at least
// kMinPinLength characters (PROJ-PIN-LENGTH).
inline constexpr Version kBackupHsm7PinLength{7, 7, 2};
inline constexpr size_t kMinPinLength = 8;
// A backup HSM takes SKS backups and restores (-smkonly, V1 objects) from
// this firmware on: SKS follows firmware, not a device property
// (OPT-SMKONLY-SKS; Luna 7 SKS backup and restore page).
inline constexpr Version kBackupHsm7Sks{7, 7, 1};
inline constexpr Version kBackupHsmG5Sks{6, 28, 0};
// Restoring pre-7.7 backups into V0/V1 partitions (RESTORE-PRE77-TO-V0,
// Backup HSM 7 CRNs 7.7.1 and 7.7.2): a Backup HSM 7 from kBackupHsm7
// RestrictedRestore has HSM policy 55 "Enable Restricted Restore", which lets
// pre-7.7 backups go to V0/V1 partitions only; from kBackupHsm7CpV1Restore
// it restores them into a V0 partition whose policy 42 "Allow CPv1" is on.
inline constexpr Version kBackupHsm7RestrictedRestore{7, 7, 1};
inline constexpr Version kBackupHsm7CpV1Restore{7, 7, 2};
inline constexpr int kHsmPolicyRestrictedRestore = 55;
inline constexpr int kPartitionPolicyAllowCpV1 = 42;
// -objects needs a client of this version (OPT-OBJECTS-CLIENT).
inline constexpr Version kClientObjectsOption{10, 3, 0};

// Failed logins before a lockout (AUTH-LOCKOUT): the third wrong SO password
// zeroizes the backup HSM; the tenth wrong partition password locks it.
inline constexpr uint32_t kSoLockoutThreshold = 3;
inline constexpr uint32_t kPartitionLockoutThreshold = 10;

}  // namespace hsmbackup

#endif  // HSMBACKUP_LUNA_FACTS_H_
