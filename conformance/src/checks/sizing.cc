// Sizing: SIZE-PRECHECK, RESIZE-GRAB-ALL, RESIZE-SHRINK, RESIZE-FAIL, FULL-REVERT.
#include "checks/families.h"
#include "checks/gen.h"
#include "checks/harness.h"

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
  };
}

}  // namespace hsmbackup::conformance
