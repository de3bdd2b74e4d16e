// Building worlds in code for engine tests, and running lunacm lines.
#ifndef HSMBACKUP_TESTS_SUPPORT_WORLDS_H_
#define HSMBACKUP_TESTS_SUPPORT_WORLDS_H_

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "hsmbackup/engine.h"
#include "hsmbackup/model.h"

namespace hsmbackup::testing {

inline constexpr char kCoPassword[] = "coPassw0rd!";
inline constexpr char kSoPassword[] = "backupSOpwd";
inline constexpr char kDomain[] = "clientdomain";
inline constexpr char kNewPartitionPassword[] = "newPa$$w0rd";

// MakeObject builds an object whose OUID and value derive from `handle`.
Object MakeObject(uint32_t handle, ObjectClass cls = ObjectClass::kSecretKey,
                  size_t size = 256, std::string label = "");

// MakeUser builds a password partition of `kind` with `objects` objects
// (handles 100, 101, ...), domain kDomain and CO password kCoPassword.
UserPartition MakeUser(PartitionKind kind, size_t objects = 3, std::string label = "src");

// MakeBackupHsm builds a password Backup HSM 7 (firmware 7.7.2) or G5
// (6.28.0) with SO password kSoPassword and 1 MiB of space.
BackupHsm MakeBackupHsm(BackupModel model = BackupModel::kBackupHsm7);

// MakeWorld puts `user` in slot 0 and `hsm` in slot 2 (clock 2019-03-09
// 16:52:47Z, client 10.4.0).
World MakeWorld(UserPartition user, BackupHsm hsm);

// WorldBuilder builds an engine test's world step by step; unset devices
// are the defaults of MakeUser / MakeBackupHsm. The source is slot 0 and
// the backup HSM slot 2, as in MakeWorld:
//
//   World w = WorldBuilder().Source(PartitionKind::kV1).AddUser(1, MakeUser(...)).Build();
class WorldBuilder {
 public:
  WorldBuilder& Source(UserPartition user);
  WorldBuilder& Source(PartitionKind kind, size_t objects = 3, std::string label = "src");
  WorldBuilder& Backup(BackupHsm hsm);
  WorldBuilder& Backup(BackupModel model);
  WorldBuilder& AddUser(uint32_t slot, UserPartition user);
  WorldBuilder& AddBackup(uint32_t slot, BackupHsm hsm);
  WorldBuilder& WithFault(Fault fault);
  World Build() const;

 private:
  UserPartition source_ = MakeUser(PartitionKind::kV0);
  BackupHsm backup_ = MakeBackupHsm();
  std::vector<std::pair<uint32_t, UserPartition>> users_;
  std::vector<std::pair<uint32_t, BackupHsm>> backups_;
  std::vector<Fault> faults_;
};

// Parameters for the kind-by-model TEST_P suites: every partition kind,
// every backup HSM model, and readable test names ("v1", "pre77_backup_hsm_g5").
inline constexpr PartitionKind kAllKinds[] = {PartitionKind::kPre77, PartitionKind::kV0,
                                              PartitionKind::kV1};
inline constexpr BackupModel kAllModels[] = {BackupModel::kBackupHsm7, BackupModel::kBackupHsmG5};
using KindAndModel = std::tuple<PartitionKind, BackupModel>;
std::string KindParamName(const ::testing::TestParamInfo<PartitionKind>& info);
std::string KindAndModelParamName(const ::testing::TestParamInfo<KindAndModel>& info);

// Run executes lunacm lines in one session and keeps the transcript.
// Do never asserts (safe inside a RapidCheck property); LoginCo asserts.
class Runner {
 public:
  explicit Runner(World* world, SessionOptions options = {}) : session_(world, options) {}
  // Do runs one line (answers for proceed/quit prompts, and for credential
  // prompts by kind, optional).
  Result Do(const std::string& line, std::vector<std::string> answers = {},
            std::map<Credential, Secret> credentials = {});
  // The credential prompts the last line asked, in order.
  const std::vector<Credential>& asked() const { return asked_; }
  // LoginCo logs the Crypto Officer in to the current slot; asserts success.
  void LoginCo(const std::string& password = kCoPassword);
  // Last transcript, and every transcript so far.
  const std::vector<std::string>& last() const { return last_; }
  const std::vector<std::string>& all() const { return all_; }
  std::string LastText() const;
  Session& session() { return session_; }

 private:
  Session session_;
  std::vector<std::string> last_;
  std::vector<std::string> all_;
  std::vector<Credential> asked_;
};

// BackupLine is the seed's example command for the test fixtures.
std::string BackupLine(const std::string& extra = "");


// --- Helpers for the option / restore / archive engine tests. ---

// AddUserSlot / AddBackupSlot put a device into `world` at slot `id`,
// keeping the slots ordered by id (the id must be free).
void AddUserSlot(World& world, uint32_t id, UserPartition user);
void AddBackupSlot(World& world, uint32_t id, BackupHsm hsm);

// FailedWith checks a failed command: the result's code is `code` and the
// transcript's last line is "Command Result : " + FormatCkr(code) (OUT-ERROR).
::testing::AssertionResult FailedWith(const Runner& runner, const Result& result, Ckr code);
// Succeeded checks the code is OK and the last line is
// "Command Result : No Error".
::testing::AssertionResult Succeeded(const Runner& runner, const Result& result);

// RestoreLine is `partition archive restore -slot 2 -partition <name>
// -password kNewPartitionPassword [extra]`.
std::string RestoreLine(const std::string& partition = "bk", const std::string& extra = "");


// --- Helpers for the backup clause tests (tests/engine/backup_*_test.cc). ---

// UserAt / HsmAt return the device of a slot (slot 0 / slot 2 in MakeWorld).
UserPartition& UserAt(World& world, uint32_t slot = 0);
BackupHsm& HsmAt(World& world, uint32_t slot = 2);
const UserPartition& UserAt(const World& world, uint32_t slot = 0);
const BackupHsm& HsmAt(const World& world, uint32_t slot = 2);

// Faults for any backup slot.
Fault VerifyFailFault(uint32_t source_handle);
Fault PartitionFullFault(uint32_t at);
Fault ShrinkFailFault();

// BackupArgs builds a `partition archive backup` line; an empty string
// leaves that option out.
struct BackupArgs {
  uint32_t slot = 2;
  std::string partition = "bk";
  std::string domain = kDomain;
  std::string password = kNewPartitionPassword;
  std::string sopassword = kSoPassword;
  std::string extra;  // appended as is (-append, -objects 3,4, -debug, ...)
};
std::string BackupLineFrom(const BackupArgs& args);

// `partition archive contents -slot 2 -partition <p> -password <pw>` and
// `partition archive delete -slot 2 -partition <p> -sopassword kSoPassword -force`.
std::string ArchiveContentsLine(const std::string& partition = "bk",
                                const std::string& password = kNewPartitionPassword);
std::string ArchiveDeleteLine(const std::string& partition = "bk");

// SumAllocated is the sum of every backup partition's allocation.
uint64_t SumAllocated(const BackupHsm& hsm);
// ContainsBytes says whether `needle` (non-empty) occurs in `haystack`.
bool ContainsBytes(ByteSpan haystack, ByteSpan needle);

}  // namespace hsmbackup::testing

#endif  // HSMBACKUP_TESTS_SUPPORT_WORLDS_H_
