// partition archive restore: a missing backup, the restore rules, the round
// trip, the SMK restore and same-OUID objects on the target. Every
// expectation is the model's (model/family.cc); these checks choose the
// worlds that reach each rule.
#include <algorithm>

#include "checks/families.h"
#include "checks/gen.h"
#include "checks/harness.h"

namespace hsmbackup::conformance {
namespace {

rc::Gen<Scenario> MissingScenario() {
  return rc::gen::exec([] {
    gen::UserSpec u = *gen::User(*gen::AnyKind(false));
    gen::HsmSpec h = *gen::Hsm(*gen::AnyModel());
    const std::string pw = *gen::Secret("bk-");
    h.partitions.push_back(
        gen::StoredPartition("bk", u, u.kind, pw, gen::Renumbered(*gen::Objects(0, 2), 500)));
    std::string line = gen::Restore(h, *rc::gen::element<std::string>("bk2", "b", "bkk", "BK"), pw);
    if (*rc::gen::weightedElement<bool>({{1, true}, {4, false}})) {
      line = "partition archive restore -slot 2 -password " + pw;  // no -partition at all
    }
    return Scenario{gen::WorldOf(u, h).ToJson(), {gen::Login(u), line}, {}};
  });
}

// RulesScenario: a stored pre77/v0 backup restored (all of it, or the
// objects -objects names) into a pre77/v0 partition, the domains equal or
// not, one stored object rejected.
rc::Gen<Scenario> RulesScenario() {
  return rc::gen::exec([] {
    const std::string kind = *rc::gen::element<std::string>("pre77", "v0");
    gen::UserSpec u = *gen::User(kind);
    gen::HsmSpec h = *gen::Hsm(*gen::AnyModel());
    const std::string origin = kind == "pre77" && *rc::gen::arbitrary<bool>()
                                   ? "v0"  // FW-NO-DOWNGRADE
                                   : *rc::gen::element<std::string>("pre77", "v0");
    gen::UserSpec src = u;
    if (*rc::gen::weightedElement<bool>({{1, true}, {3, false}})) src.domain = "other-" + u.domain;
    const std::vector<gen::ObjSpec> stored = gen::Renumbered(*gen::Objects(2, 5), 3000);
    const std::string pw = *gen::Secret("bk-");
    h.partitions.push_back(gen::StoredPartition("bk", src, origin, pw, stored));
    gen::WorldSpec w = gen::WorldOf(u, h);
    if (*rc::gen::weightedElement<bool>({{3, true}, {1, false}})) {
      w.faults.push_back(
          {{"type", "verify_fail"}, {"handle", (*rc::gen::elementOf(stored)).handle}});
    }
    return Scenario{
        w.ToJson(), {gen::Login(u), gen::Restore(h, "bk", pw, *gen::ObjectsOption(stored))}, {}};
  });
}

// RoundTripScenario: back a partition up, then restore into a second,
// empty partition of the same kind, domain (and SMK).
rc::Gen<Scenario> RoundTripScenario(bool v1) {
  return rc::gen::exec([v1] {
    gen::UserSpec u = *gen::User(v1 ? std::string("v1") : *gen::AnyKind(false));
    gen::HsmSpec h = *gen::Hsm(*gen::AnyModel());
    gen::UserSpec t = u;
    t.slot = 1;
    t.label = "target";
    t.objects.clear();
    t.co_password = *gen::Secret("co2-");
    gen::WorldSpec w = gen::WorldOf(u, h);
    w.users.push_back(t);
    const std::string pw = *gen::Secret("pw-");
    return Scenario{w.ToJson(),
                    {gen::Login(u), gen::BackupOf(u, h, "bk", pw).Line(), "slot set -slot 1",
                     gen::Login(t), gen::Restore(h, "bk", pw)},
                    {}};
  });
}

std::string SmkName(const std::string& label) {
  std::string s = label.substr(0, 12);
  std::replace(s.begin(), s.end(), ' ', '_');
  return s + "_2026:11:27-12:00:00";  // gen::WorldSpec's clock
}

rc::Gen<Scenario> SmkRestoreScenario() {
  return rc::gen::exec([] {
    gen::UserSpec u = *gen::User("v1");
    gen::UserSpec t = *gen::User("v1");
    t.slot = 1;
    t.smk[0] = u.smk[0] == 'f' ? 'e' : 'f';  // another SMK, also once shrunk
    if (*rc::gen::weightedElement<bool>({{3, true}, {1, false}})) t.domain = u.domain;
    gen::HsmSpec h = *gen::Hsm("backup_hsm_7");
    gen::WorldSpec w = gen::WorldOf(u, h);
    w.users.push_back(t);
    const std::string pw = *gen::Secret("pw-");
    gen::Backup b = gen::SmkOnlyBackupOf(u, h, pw);
    b.force = true;
    const bool force = *rc::gen::arbitrary<bool>();
    const std::string restore =
        gen::Restore(h, SmkName(u.label), pw, force ? " -smkonly -force" : " -smkonly");
    return Scenario{w.ToJson(),
                    {gen::Login(u), b.Line(), "slot set -slot 1", gen::Login(t), restore},
                    {*rc::gen::element<std::string>("proceed", "quit", "yes", "no")}};
  });
}

// SksRestoreScenario: a stored V1 backup (objects and SMK) on a backup HSM
// at, or one step below, the firmware that takes SKS (OPT-SMKONLY-SKS),
// restored whole or as its SMK alone into a V1 partition of the same SMK.
rc::Gen<Scenario> SksRestoreScenario() {
  return rc::gen::exec([] {
    gen::UserSpec u = *gen::User("v1");
    gen::HsmSpec h = *gen::Hsm(*gen::AnyModel());
    if (*rc::gen::arbitrary<bool>()) {
      h.firmware = h.model == "backup_hsm_7" ? *rc::gen::element<std::string>("7.7.0", "7.3.0")
                                             : *rc::gen::element<std::string>("6.27.0", "6.10.0");
    }
    const std::string pw = *gen::Secret("bk-");
    h.partitions.push_back(
        gen::StoredPartition("bk", u, "v1", pw, gen::Renumbered(u.objects, 6000)));
    u.objects.clear();
    const std::string extra = *rc::gen::element<std::string>("", " -smkonly -force");
    return Scenario{
        gen::WorldOf(u, h).ToJson(), {gen::Login(u), gen::Restore(h, "bk", pw, extra)}, {}};
  });
}

// Pre77Scenario: a stored pre-7.7 backup restored into a pre-7.7, V0 or V1
// partition from a Backup HSM 7 before, at and after the firmware that gates
// it (RESTORE-PRE77-TO-V0), or a G5; policies 55 and 42 either way; one
// stored object sometimes rejected, so the restore goes on or stops by the
// backup's origin (RESTORE-RULES).
rc::Gen<Scenario> Pre77Scenario() {
  return rc::gen::exec([] {
    gen::UserSpec u = *gen::User(*rc::gen::element<std::string>("pre77", "v0", "v0"));
    u.allow_cpv1 = *rc::gen::weightedElement<bool>({{3, true}, {1, false}});
    gen::HsmSpec h = *gen::Hsm(*rc::gen::weightedElement<std::string>(
        {{4, "backup_hsm_7"}, {1, "backup_hsm_g5"}}));
    if (h.model == "backup_hsm_7") {
      h.firmware = *rc::gen::element<std::string>("7.3.0", "7.7.1", "7.7.2", "7.7.3");
      h.restricted_restore =
          h.firmware != "7.3.0" && *rc::gen::weightedElement<bool>({{3, true}, {1, false}});
    } else {  // FW-OLD-RESTORE on a G5 too: firmware older than SKS's 6.28.0 still restores
      h.firmware = *rc::gen::element<std::string>("6.22.0", "6.27.0", "6.28.0", "6.30.0");
    }
    const std::vector<gen::ObjSpec> stored = gen::Renumbered(*gen::Objects(2, 5), 7000);
    const std::string pw = *gen::Secret("bk-");
    h.partitions.push_back(gen::StoredPartition("bk", u, "pre77", pw, stored));
    gen::WorldSpec w = gen::WorldOf(u, h);
    if (*rc::gen::weightedElement<bool>({{3, true}, {1, false}})) {
      w.faults.push_back({{"type", "verify_fail"}, {"handle", stored.front().handle}});
    }
    return Scenario{w.ToJson(), {gen::Login(u), gen::Restore(h, "bk", pw)}, {}};
  });
}

rc::Gen<Scenario> SameOuidScenario() {
  return rc::gen::exec([] {
    gen::UserSpec u = *gen::User(*gen::AnyKind(false));
    gen::HsmSpec h = *gen::Hsm(*gen::AnyModel());
    std::vector<gen::ObjSpec> stored = gen::Renumbered(*gen::Objects(0, 2), 5000);
    for (size_t i = 0; i < u.objects.size(); ++i) {
      if (i > 0 && *rc::gen::arbitrary<bool>()) continue;
      gen::ObjSpec o = u.objects[i];
      o.handle = 5100 + static_cast<uint32_t>(i);
      o.label = gen::Suffixed(o.label, "-stored");
      stored.push_back(o);
    }
    const std::string pw = *gen::Secret("bk-");
    h.partitions.push_back(gen::StoredPartition("bk", u, u.kind, pw, stored));
    const std::string extra = *rc::gen::element<std::string>("", " -replace");
    return Scenario{
        gen::WorldOf(u, h).ToJson(), {gen::Login(u), gen::Restore(h, "bk", pw, extra)}, {}};
  });
}

}  // namespace

// clang-format off: one check per two lines reads as a table.
std::vector<Check> RestoreChecks() {
  return {
      {"RestoreFamily", "RestoreOfMissingBackup", {"RESTORE-TARGET-EXISTS"}, {}, 20,
       [](CheckContext& c) { return ForAll(c, MissingScenario()); }},
      {"RestoreFamily", "RestoreRules", {"RESTORE-RULES", "FW-NO-DOWNGRADE", "OPT-OBJECTS-INVALID"},
       {"fault.verify_fail"}, 30, [](CheckContext& c) { return ForAll(c, RulesScenario()); }},
      {"RestoreFamily", "RoundTrip", {"RESTORE-ROUNDTRIP"}, {}, 25,
       [](CheckContext& c) { return ForAll(c, RoundTripScenario(false)); }},
      {"RestoreFamily", "RoundTripV1", {"RESTORE-ROUNDTRIP", "RESTORE-RULES"}, {"smkonly"}, 20,
       [](CheckContext& c) { return ForAll(c, RoundTripScenario(true)); }},
      {"RestoreFamily", "RestoreSmk", {"RESTORE-SMK", "OPT-FORCE"}, {"smkonly"}, 20,
       [](CheckContext& c) { return ForAll(c, SmkRestoreScenario()); }},
      {"RestoreFamily", "RestorePre77", {"RESTORE-PRE77-TO-V0", "RESTORE-RULES", "FW-OLD-RESTORE"},
       {"fault.verify_fail"}, 30, [](CheckContext& c) { return ForAll(c, Pre77Scenario()); }},
      {"RestoreFamily", "RestoreSks", {"OPT-SMKONLY-SKS", "RESTORE-SMK"}, {"smkonly"}, 25,
       [](CheckContext& c) { return ForAll(c, SksRestoreScenario()); }},
      {"RestoreFamily", "RestoreSameOuid", {"PROJ-RESTORE-SAME-OUID"}, {}, 25,
       [](CheckContext& c) { return ForAll(c, SameOuidScenario()); }},
  };
}
// clang-format on

}  // namespace hsmbackup::conformance
