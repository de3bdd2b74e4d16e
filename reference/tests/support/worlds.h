// Building worlds in code for engine tests, and running lunacm lines.
#ifndef HSMBACKUP_TESTS_SUPPORT_WORLDS_H_
#define HSMBACKUP_TESTS_SUPPORT_WORLDS_H_

#include <string>
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

// Run executes lunacm lines in one session and keeps the transcript.
class Runner {
 public:
  explicit Runner(World* world) : session_(world) {}
  // Do runs one line (answers for proceed/quit prompts optional).
  Result Do(const std::string& line, std::vector<std::string> answers = {});
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
};

// BackupLine is the seed's example command for the test fixtures.
std::string BackupLine(const std::string& extra = "");

}  // namespace hsmbackup::testing

#endif  // HSMBACKUP_TESTS_SUPPORT_WORLDS_H_
