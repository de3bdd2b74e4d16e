// The readings the seed leaves open for a backup that goes ahead
// (clauses.json `accepts`), each an alternative to the project's.
#include <algorithm>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "model/backup_plan.h"
#include "model/readings.h"
#include "model/rules.h"

namespace hsmbackup::conformance::model {
namespace {

// AppendsToV1WithoutSmk: the plan's source is a V1 partition and the
// existing backup partition it names is a V1 backup that holds no SMK.
bool AppendsToV1WithoutSmk(const World& w, const Plan& plan) {
  const Hsm& hsm = w.hsms.at(plan.slot);
  auto part = std::find_if(hsm.partitions.begin(), hsm.partitions.end(),
                           [&](const Partition& p) { return p.name == plan.name; });
  return w.users.at(plan.src_slot).kind == Kind::kV1 && part != hsm.partitions.end() &&
         part->origin == Kind::kV1 && !part->has_smk;
}

// SizeModelFill adds FULL-REVERT's size-model-fill reading: whether a
// backup that passed SIZE-PRECHECK fills part way depends on what objects
// take on the target (PROJ-SIZE-MODEL). Where the project's model fills, a
// target that stores objects at their source sizes may not; where it leaves
// less than the SIZE-PRECHECK margin spare, a target charging more may fill
// (at the last object: its figures are its own).
void SizeModelFill(Prediction& p, const World& before, const Line& line, const Plan& plan,
                   const std::vector<std::string>& answers, const Credentials& given) {
  if (line.Has("smkonly") || plan.objects.empty()) return;
  const bool faulted = std::any_of(before.faults.begin(), before.faults.end(), [&](const Fault& f) {
    return f.type == FaultType::kPartitionFull && (!f.slot || *f.slot == plan.slot);
  });
  if (faulted) return;
  Plan other = plan;
  if (p.codes.count("CKR_CONTAINER_OBJECT_STORAGE_FULL") != 0) {
    other.source_sizes = true;
  } else if (p.codes.count("CKR_OK") != 0 && plan.creates()) {
    Hsm hsm = before.hsms.at(plan.slot);
    const Partition* old = plan.recreate ? hsm.Find(plan.name) : nullptr;
    uint64_t end = kOverhead;
    for (const Object* o : plan.objects) {
      end += (o->sealed != 0 ? o->sealed : o->size) + ObjectOverhead(hsm.model);
    }
    const uint64_t room = hsm.free() + (old != nullptr ? old->allocated : 0);
    if (room >= end + kOverhead + 256 * (plan.objects.size() + 1)) return;
    other.fill_at = plan.objects.size();
  } else {
    return;
  }
  Prediction alt;
  alt.after = before;
  Run(alt, before, line, other, answers, given);
  alt.reading = "size-model-fill";
  alt.after.hsms.at(plan.slot).figures_open = other.source_sizes;
  p.alternatives.push_back(std::move(alt));
}

// DefaultNameReadings offers the other names the seed allows a partition
// the line does not name (OPT-PARTITION-DEFAULT and OPT-SMKONLY-NAME
// `accepts`): "label-spaces-kept" (the name keeps the label's spaces, as the
// seed writes <source_partition_name>_<YYYYMMDD>, where the project makes
// them '_'), "label-uncut" (the whole label, where the project cuts it
// to 23 or 12 characters so that the name fits in 32) and "name-cut" (the
// whole name cut to 32 characters instead). Only for a partition the backup
// creates: a name nobody can type back after -partition is never one a later
// line names.
void DefaultNameReadings(Prediction& p, const World& before, const Line& line, const Plan& plan,
                         const std::vector<std::string>& answers, const Credentials& given) {
  if (plan.name_why.empty() || plan.exists) return;
  const bool smkonly = plan.name_why == "OPT-SMKONLY-NAME";
  const std::string& label = before.users.at(plan.src_slot).label;
  const size_t cut = smkonly ? kSmkOnlyLabelCut : kDefaultLabelCut;
  const std::string stamp = plan.name.substr(NamePart(label, cut).size());
  const std::string whole = NamePart(label, std::string::npos) + stamp;
  std::vector<std::pair<std::string, std::string>> names = {
      {whole, "label-uncut"}, {whole.substr(0, kMaxPartitionName), "name-cut"}};
  names.push_back({label.substr(0, cut) + stamp, "label-spaces-kept"});
  names.push_back({label + stamp, "label-spaces-kept+label-uncut"});
  names.push_back({(label + stamp).substr(0, kMaxPartitionName), "label-spaces-kept+name-cut"});
  const std::vector<Partition>& held = before.hsms.at(plan.slot).partitions;
  std::set<std::string> offered = {plan.name};
  for (const auto& [name, reading] : names) {
    if (!offered.insert(name).second ||
        std::any_of(held.begin(), held.end(), [&](const Partition& q) { return q.name == name; })) {
      continue;
    }
    Plan other = plan;
    other.name = name;
    Prediction alt;
    alt.after = before;
    Run(alt, before, line, other, answers, given);
    alt.reading = reading;
    p.alternatives.push_back(std::move(alt));
  }
}

}  // namespace

void AddBackupReadings(Prediction& p, const World& before, const Line& line, const Plan& plan,
                       const std::vector<std::string>& answers, const Credentials& given) {
  SizeModelFill(p, before, line, plan, answers, given);
  // OPT-APPEND: a line for each skip is the project's; the seed only
  // forbids the overwrite, so a skip nothing mentions is another reading.
  if (!p.said.append_skipped.empty()) {
    Prediction silent = p;
    silent.alternatives.clear();
    silent.said.append_skipped.clear();
    silent.reading = "append-silent-skip";
    p.alternatives.push_back(std::move(silent));
  }
  // Readings the seed leaves open (clauses.json `accepts`).
  DefaultNameReadings(p, before, line, plan, answers, given);
  if (!plan.exists && line.Has("append")) {  // OPT-APPEND: -append may need an existing backup
    Refusals none;
    none.Add("CKR_TOKEN_NOT_PRESENT", "OPT-APPEND");
    none.Add("CKR_ARGUMENTS_BAD", "OPT-APPEND");
    none.Add("CKR_OPERATION_NOT_ALLOWED", "OPT-APPEND");
    // The SO may log in before the refusal (OUT-ERROR so-login-first): both
    // readings at once are "append-needs-existing+so-login-first".
    Prediction refused = RefusalReading(before, none, "append-needs-existing");
    SoFirstReading(refused, before, plan.slot, line);
    OfferReading(p, std::move(refused), "append-needs-existing");
  }
  // PROJ-APPEND-ORIGIN: a V1 backup whose SMK clone failed holds no SMK, so
  // "the same SMK" may be read as refusing -append to it.
  if (plan.exists && !plan.recreate && AppendsToV1WithoutSmk(before, plan)) {
    Refusals no_smk;
    no_smk.Add("CKR_OPERATION_NOT_ALLOWED", "PROJ-APPEND-ORIGIN");
    Prediction refused = RefusalReading(before, no_smk, "append-needs-smk");
    SoFirstReading(refused, before, plan.slot, line);
    OfferReading(p, std::move(refused), "append-needs-smk");
  }
  // SIZE-PRECHECK: "the remaining free space on the backup HSM" may be the
  // space free before a -replace deletes the partition it re-creates.
  if (plan.recreate && plan.need > before.hsms.at(plan.slot).free()) {
    Refusals full;
    full.Add("CKR_HSM_STORAGE_FULL", "SIZE-PRECHECK");
    p.alternatives.push_back(RefusalReading(before, full, "replace-free-space-only"));
  }
  // SIZE-PRECHECK: a size model that charges more than the project's may
  // refuse a backup that fits this one with little room to spare.
  if (plan.creates() && plan.available < plan.need + kOverhead + 256 * (plan.objects.size() + 1)) {
    Refusals full;
    full.Add("CKR_HSM_STORAGE_FULL", "SIZE-PRECHECK");
    p.alternatives.push_back(RefusalReading(before, full, "size-model"));
  }
}

}  // namespace hsmbackup::conformance::model
