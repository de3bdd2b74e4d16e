// What a backup's prediction (backup.cc) shares with the readings the seed
// leaves open for it (backup_readings.cc): the plan, and running it.
#ifndef HSMBACKUP_CONFORMANCE_MODEL_BACKUP_PLAN_H_
#define HSMBACKUP_CONFORMANCE_MODEL_BACKUP_PLAN_H_

#include <cstdint>
#include <string>
#include <vector>

#include "conformance/model.h"
#include "model/line.h"

namespace hsmbackup::conformance::model {

// The project's default names (OPT-PARTITION-DEFAULT, OPT-SMKONLY-NAME)
// cut the source label to these lengths, so the name fits in the 32
// characters of OPT-PARTITION-MAXLEN (kMaxPartitionName).
inline constexpr size_t kDefaultLabelCut = 23, kSmkOnlyLabelCut = 12;

// NamePart is the first `n` characters of `label`, spaces made '_'.
inline std::string NamePart(const std::string& label, size_t n) {
  std::string s = label.substr(0, n);
  std::replace(s.begin(), s.end(), ' ', '_');
  return s;
}

// What a backup will do once every check before the SO login has passed.
struct Plan {
  uint32_t src_slot = 0, slot = 0;
  long resolved = -1;  // the backup HSM's slot once -slot resolved, else -1
  std::string name;
  // The rule that gave the name when the line did not: OPT-PARTITION-DEFAULT
  // or OPT-SMKONLY-NAME (a partition under another name breaks it).
  std::string name_why;
  std::vector<const Object*> objects;
  bool exists = false, recreate = false, overwrite = false;
  uint64_t need = 0, available = 0;
  // FULL-REVERT's size-model-fill reading: the objects take only their
  // source sizes (`source_sizes`), or the partition fills at object
  // `fill_at` (1-based; 0: where the sizes say).
  bool source_sizes = false;
  size_t fill_at = 0;
  bool creates() const { return !exists || recreate; }
};

// Run is everything from the prompt to the summary, on p.after (backup.cc).
void Run(Prediction& p, const World& before, const Line& typed, const Plan& plan,
         const std::vector<std::string>& answers, const Credentials& given);

// AddBackupReadings adds to `p`, the project's reading of a backup that
// goes ahead as `plan`, the readings the seed leaves open (clauses.json
// `accepts`) that apply.
void AddBackupReadings(Prediction& p, const World& before, const Line& line, const Plan& plan,
                       const std::vector<std::string>& answers, const Credentials& given);

}  // namespace hsmbackup::conformance::model

#endif  // HSMBACKUP_CONFORMANCE_MODEL_BACKUP_PLAN_H_
