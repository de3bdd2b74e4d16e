// Sizing: SIZE-PRECHECK, RESIZE-GRAB-ALL, RESIZE-SHRINK, RESIZE-FAIL, FULL-REVERT.
#include "checks/families.h"
#include "checks/gen.h"
#include "checks/harness.h"
#include "conformance/facts.h"

namespace hsmbackup::conformance {
namespace {

rc::Gen<Scenario> Precheck() {
  return rc::gen::exec([] {
    gen::UserSpec u = *gen::User(*gen::AnyKind(false));
    gen::HsmSpec h = *gen::Hsm(*gen::AnyModel());
    const int64_t fit = static_cast<int64_t>(9648 + u.Payload());
    h.capacity = static_cast<uint64_t>(std::max<int64_t>(1, fit + *rc::gen::inRange<int64_t>(-fit + 1, 64)));
    return gen::ScenarioOf(gen::WorldOf(u, h),
                           {gen::Login(u), gen::BackupOf(u, h, "bk", "pw-" + u.co_password).Line()});
  });
}

// Two backups in a row, then a delete: space must add up after each.
rc::Gen<Scenario> Resizes() {
  return rc::gen::exec([] {
    gen::UserSpec u = *gen::User(*gen::AnyKind(false));
    gen::HsmSpec h = *gen::Hsm(*gen::AnyModel());
    const std::string pw = "pw-" + u.co_password;
    return gen::ScenarioOf(gen::WorldOf(u, h),
                           {gen::Login(u), gen::BackupOf(u, h, "bk1", pw).Line(),
                            gen::BackupOf(u, h, "bk2", pw).Line(), gen::Delete(h, "bk1"),
                            gen::List(h)});
  });
}

rc::Gen<Scenario> ShrinkFails() {
  return rc::gen::exec([] {
    gen::UserSpec u = *gen::User(*gen::AnyKind(false));
    gen::HsmSpec h = *gen::Hsm("backup_hsm_7");
    gen::WorldSpec w = gen::WorldOf(u, h);
    w.faults.push_back({{"type", "shrink_fail"}});
    const std::string pw = "pw-" + u.co_password;
    return gen::ScenarioOf(w, {gen::Login(u), gen::BackupOf(u, h, "bk1", pw).Line(),
                               gen::BackupOf(u, h, "bk2", pw).Line(), gen::Delete(h, "bk1"),
                               gen::List(h)});
  });
}

rc::Gen<Scenario> Fills() {
  return rc::gen::exec([] {
    gen::UserSpec u = *gen::User(*gen::AnyKind(false));
    u.objects = *gen::Objects(2, 6);
    gen::HsmSpec h = *gen::Hsm(*gen::AnyModel());
    gen::WorldSpec w = gen::WorldOf(u, h);
    w.faults.push_back({{"type", "partition_full"},
                        {"at", *rc::gen::inRange<size_t>(1, u.objects.size() + 1)}});
    const std::string pw = "pw-" + u.co_password;
    // Sometimes first a partial backup, so the fill hits an -append.
    gen::Backup first = gen::BackupOf(u, h, "bk", pw);
    first.objects = std::to_string(u.objects.front().handle);
    gen::Backup second = gen::BackupOf(u, h, "bk", pw);
    second.append = true;
    std::vector<std::string> lines = {gen::Login(u)};
    if (*rc::gen::arbitrary<bool>()) lines.push_back(first.Line());
    lines.push_back(second.Line());
    return gen::ScenarioOf(w, lines);
  });
}

// FillsOnItsOwn: no fault. The backup HSM has room for the precheck (the
// source sizes) and up to a little more than the objects take there under
// the project's size model (PROJ-SIZE-MODEL): the partition fills part way
// about half the time, and the backup HSM must then be as it was.
rc::Gen<Scenario> FillsOnItsOwn(bool v1) {
  return rc::gen::exec([v1] {
    const std::string kind = v1 ? std::string("v1") : *gen::AnyKind(false);
    gen::UserSpec u = *gen::User(kind);
    u.objects = *gen::Objects(2, 6);
    gen::HsmSpec h = *gen::Hsm(*gen::AnyModel());
    const uint64_t per_object = h.model == "backup_hsm_7" ? model::kBackupHsm7ObjectOverhead
                                                         : model::kBackupHsmG5ObjectOverhead;
    // A V1 object also grows by its blob's framing: a generous bound.
    const uint64_t growth = u.objects.size() * (per_object + (kind == "v1" ? 512 : 0));
    h.capacity = model::kOverhead + u.Payload() + *rc::gen::inRange<uint64_t>(0, 2 * growth);
    const std::string pw = "pw-" + u.co_password;
    return gen::ScenarioOf(gen::WorldOf(u, h),
                           {gen::Login(u), gen::BackupOf(u, h, "bk", pw).Line(), gen::List(h)});
  });
}

}  // namespace

std::vector<Check> SizingChecks() {
  return {
      {"Sizing", "PrecheckRefusesWhatCannotFit", {"SIZE-PRECHECK"}, {}, 30,
       [](CheckContext& c) { return ForAll(c, Precheck()); }},
      {"Sizing", "GrabAllThenShrink", {"RESIZE-GRAB-ALL", "RESIZE-SHRINK", "ARCHIVE-DELETE", "PROJ-SIZE-MODEL"}, {}, 20,
       [](CheckContext& c) { return ForAll(c, Resizes()); }},
      {"Sizing", "FailedShrinkKeepsAllSpace", {"RESIZE-FAIL", "RESIZE-GRAB-ALL"}, {"fault.shrink_fail"},
       15, [](CheckContext& c) { return ForAll(c, ShrinkFails()); }},
      {"Sizing", "FullPartitionRevertsEverything", {"FULL-REVERT"}, {"fault.partition_full"}, 30,
       [](CheckContext& c) { return ForAll(c, Fills()); }},
      {"Sizing", "FillsOnItsOwnAndReverts",
       {"FULL-REVERT", "SIZE-PRECHECK", "RESIZE-GRAB-ALL", "PROJ-SIZE-MODEL"}, {}, 30,
       [](CheckContext& c) { return ForAll(c, FillsOnItsOwn(false)); }},
      {"Sizing", "SealedObjectsFillOnTheirOwn", {"FULL-REVERT", "PROJ-SIZE-MODEL"}, {"smkonly"}, 20,
       [](CheckContext& c) { return ForAll(c, FillsOnItsOwn(true)); }},
  };
}

}  // namespace hsmbackup::conformance
