// Planning a backup: every check that can fail before anything changes.
#ifndef HSMBACKUP_SRC_ENGINE_BACKUP_PLAN_H_
#define HSMBACKUP_SRC_ENGINE_BACKUP_PLAN_H_

#include <string>
#include <vector>

#include "engine/internal.h"

namespace hsmbackup::engine {

struct BackupPlan {
  UserPartition* source = nullptr;
  uint32_t slot_id = 0;
  BackupHsm* hsm = nullptr;
  std::string name;
  bool exists = false;            // the named partition is already there
  bool recreate = false;          // -replace without -append: delete, create
  bool overwrite = false;         // -append -replace: same-OUID objects replaced
  size_t overwrites = 0;          // with overwrite: selected objects already there
  Secret domain;                  // for a partition this backup creates
  std::vector<const Object*> objects;  // the selection, in clone order
  uint64_t need = 0;              // bytes the backup must find on the HSM
  uint64_t available = 0;         // bytes it can have

  bool creates() const { return !exists || recreate; }
};

// PlanBackup runs every check of `partition archive backup` that needs no
// login and changes nothing: options, firmware, connection, auth mode,
// selection, naming, existing partitions and sizing (SIZE-PRECHECK).
StatusOr<BackupPlan> PlanBackup(Ctx& ctx);

// AskBackupCredentials completes `*full` (a copy of the line's command) on a
// password backup HSM with what the line left off (AUTH-PROMPT), in this
// order: the SO password, the backup partition's password (a new one's, or
// an existing one's to log in), and for a partition the backup creates
// without -domain or -defaultdomain its domain; then sets plan.domain and
// applies the new password's length rules (PROJ-PIN-LENGTH).
Status AskBackupCredentials(Ctx& ctx, BackupPlan& plan, Command* full);

// DefaultBackupName is `<label>_<YYYYMMDD>` (OPT-PARTITION-DEFAULT) and
// SmkBackupName `<label>_<YYYY:MM:DD-HH:MM:SS>` (OPT-SMKONLY-NAME); both cut
// the label so the name fits in 32 characters.
std::string DefaultBackupName(const std::string& label, int64_t now);
std::string SmkBackupName(const std::string& label, int64_t now);

}  // namespace hsmbackup::engine

#endif  // HSMBACKUP_SRC_ENGINE_BACKUP_PLAN_H_
