// Firmware and connection: FW-MIN-BACKUP, FW-OLD-RESTORE, FW-NO-DOWNGRADE,
// DIRECT-SMK-ONLY.
#include "checks/families.h"
#include "checks/gen.h"
#include "checks/harness.h"

namespace hsmbackup::conformance {
namespace {

rc::Gen<Scenario> MinimumFirmware() {
  return rc::gen::exec([] {
    gen::UserSpec u = *gen::User(*gen::AnyKind(false));
    gen::HsmSpec h = *gen::Hsm(*gen::AnyModel());
    const int step = *rc::gen::inRange(0, 4);
    h.firmware = h.model == "backup_hsm_7" ? "7." + std::to_string(6 + step / 2) + "." + std::to_string(step)
                                           : "6." + std::to_string(26 + step) + ".0";
    return gen::ScenarioOf(gen::WorldOf(u, h),
                           {gen::Login(u), gen::BackupOf(u, h, "bk", "pw-" + u.co_password).Line()});
  });
}


rc::Gen<Scenario> OldFirmwareRestores() {
  return rc::gen::exec([] {
    gen::UserSpec source = *gen::User("v0");
    gen::UserSpec target = source;
    target.objects.clear();
    gen::HsmSpec h = *gen::Hsm("backup_hsm_7");
    h.firmware = *rc::gen::element<std::string>("7.0.1", "7.7.0");
    std::vector<gen::ObjSpec> held = source.objects;
    for (size_t i = 0; i < held.size(); ++i) held[i].handle = 500 + static_cast<uint32_t>(i);
    h.partitions.push_back(gen::StoredPartition("old", source, "v0", "pw-old-backup", held));
    return gen::ScenarioOf(gen::WorldOf(target, h),
                           {gen::Login(target), gen::Restore(h, "old", "pw-old-backup")});
  });
}

rc::Gen<Scenario> NoDowngrade() {
  return rc::gen::exec([] {
    gen::UserSpec v0 = *gen::User("v0");
    gen::UserSpec old = *gen::User("pre77");
    old.slot = 1;
    old.domain = v0.domain;
    gen::HsmSpec h = *gen::Hsm(*gen::AnyModel());
    gen::WorldSpec w = gen::WorldOf(v0, h);
    w.users.push_back(old);
    return gen::ScenarioOf(w, {gen::Login(v0), gen::BackupOf(v0, h, "bk", "pw-" + v0.co_password).Line(),
                               "slot set -slot 1", gen::Login(old),
                               gen::Restore(h, "bk", "pw-" + v0.co_password)});
  });
}

rc::Gen<Scenario> DirectSmkOnly() {
  return rc::gen::exec([] {
    gen::UserSpec u = *gen::User("v1");
    gen::HsmSpec h = *gen::Hsm("backup_hsm_7");
    h.connection = "appliance";
    gen::Backup all = gen::BackupOf(u, h, "bk", "pw-" + u.co_password);
    gen::Backup smk = all;
    smk.partition.reset();
    smk.smkonly = true;
    smk.force = true;
    return gen::ScenarioOf(gen::WorldOf(u, h), {gen::Login(u), all.Line(), smk.Line()});
  });
}

}  // namespace

std::vector<Check> FirmwareChecks() {
  return {
      {"Firmware", "MinimumBackupHsmFirmware", {"FW-MIN-BACKUP"}, {}, 30,
       [](CheckContext& c) { return ForAll(c, MinimumFirmware()); }},
      {"Firmware", "OldBackupHsmStillRestores", {"FW-OLD-RESTORE", "RESTORE-ROUNDTRIP"}, {}, 10,
       [](CheckContext& c) { return ForAll(c, OldFirmwareRestores()); }},
      {"Firmware", "NoRestoreToLowerSecurity", {"FW-NO-DOWNGRADE"}, {}, 15,
       [](CheckContext& c) { return ForAll(c, NoDowngrade()); }},
      {"Firmware", "ApplianceMovesOnlyTheSmk", {"DIRECT-SMK-ONLY"}, {"appliance", "smkonly"}, 10,
       [](CheckContext& c) { return ForAll(c, DirectSmkOnly()); }},
  };
}

}  // namespace hsmbackup::conformance
