// The project's own clauses where the seed is silent (clauses.json source
// "interp"): -append onto a backup of another origin, typed credentials on
// a PED device, the PO password length of Backup HSM 7 7.7.2 and newer, and
// bad input that must change nothing. The model holds each rule
// (model/backup.cc, model/common.cc).
#include "checks/families.h"
#include "checks/gen.h"
#include "checks/harness.h"

namespace hsmbackup::conformance {
namespace {

rc::Gen<Scenario> OriginScenario() {
  return rc::gen::exec([] {
    gen::UserSpec u = *gen::User(*rc::gen::weightedElement<std::string>({{2, "v0"}, {1, "pre77"}}));
    gen::HsmSpec h = *gen::Hsm(*gen::AnyModel());
    const std::string origin =
        *rc::gen::weightedElement<std::string>({{2, u.kind == "v0" ? "pre77" : "v0"}, {1, u.kind}});
    const std::string pw = *gen::Secret("bk-");
    h.partitions.push_back(
        gen::StoredPartition("bk", u, origin, pw, gen::Renumbered(*gen::Objects(0, 2), 6000)));
    gen::Backup b = gen::BackupOf(u, h, "bk", pw);
    b.append = true;
    return Scenario{gen::WorldOf(u, h).ToJson(), {gen::Login(u), b.Line()}, {}};
  });
}

rc::Gen<Scenario> PedCredentialScenario() {
  return rc::gen::exec([] {
    gen::UserSpec u = *gen::User(*gen::AnyKind(false));
    u.auth = "ped";
    gen::HsmSpec h = *gen::Hsm("backup_hsm_7");
    h.auth = "ped";
    h.ped_domain = u.domain;
    h.partitions.push_back(gen::StoredPartition("bk", u, u.kind, "", {}));
    const std::string typed =
        *rc::gen::element<std::string>("", "", " -password typed-pw-1", " -sopassword typed-so-1",
                                       " -domain typed-domain", " -defaultdomain");
    const std::vector<std::string> lines = {gen::BackupOf(u, h, "fresh", "").Line(), gen::List(h),
                                            gen::Contents(h, "bk", ""), gen::Restore(h, "bk", ""),
                                            gen::Delete(h, "bk", true)};
    return Scenario{
        gen::WorldOf(u, h).ToJson(), {gen::Login(u), *rc::gen::elementOf(lines) + typed}, {}};
  });
}

rc::Gen<Scenario> PinScenario() {
  return rc::gen::exec([] {
    gen::UserSpec u = *gen::User(*gen::AnyKind(false));
    gen::HsmSpec h = *gen::Hsm(*gen::AnyModel());
    if (h.model == "backup_hsm_7")
      h.firmware = *rc::gen::element<std::string>("7.7.1", "7.7.2", "7.8.0");
    const int n = *rc::gen::weightedElement<int>({{1, 7}, {1, 8}, {2, 0}});
    const std::string pw = (*gen::Secret("p")).substr(0, n > 0 ? n : *rc::gen::inRange(1, 12));
    return Scenario{
        gen::WorldOf(u, h).ToJson(), {gen::Login(u), gen::BackupOf(u, h, "bk", pw).Line()}, {}};
  });
}

rc::Gen<Scenario> BadInputScenario() {
  return rc::gen::exec([] {
    gen::UserSpec u = *gen::User(*gen::AnyKind(false));
    gen::HsmSpec h = *gen::Hsm(*gen::AnyModel());
    const std::string pw = *gen::Secret("pw-");
    gen::Backup b = gen::BackupOf(u, h, "bk", pw);
    const std::string good = b.Line();
    const std::string verb =
        *rc::gen::element<std::string>("backup", "restore", "contents", "delete");
    std::string line = verb == "backup"     ? good
                       : verb == "restore"  ? gen::Restore(h, "bk", pw)
                       : verb == "contents" ? gen::Contents(h, "bk", pw)
                                            : gen::Delete(h, "bk", true);
    switch (*rc::gen::inRange(0, 6)) {
      case 0: line += " -frobnicate"; break;
      case 1:
        line.replace(line.find("-partition bk"), 13, "-partition " + std::string(33, 'q'));
        break;
      case 2: line += " -objects 3,,4"; break;
      case 3: line += " -domain d1 -defaultdomain"; break;
      case 4: line += " -partition"; break;
      default: line += " -slot 2"; break;  // a repeated option
    }
    return Scenario{gen::WorldOf(u, h).ToJson(), {gen::Login(u), good, line}, {}};
  });
}

}  // namespace

// clang-format off: one check per two lines reads as a table.
std::vector<Check> ProjectRuleChecks() {
  return {
      {"RestoreFamily", "AppendOrigin", {"PROJ-APPEND-ORIGIN"}, {}, 20,
       [](CheckContext& c) { return ForAll(c, OriginScenario()); }},
      {"RestoreFamily", "PedCredentials", {"PROJ-PED-CREDENTIALS"}, {"ped"}, 25,
       [](CheckContext& c) { return ForAll(c, PedCredentialScenario()); }},
      {"RestoreFamily", "PinLength", {"PROJ-PIN-LENGTH"}, {}, 25,
       [](CheckContext& c) { return ForAll(c, PinScenario()); }},
      {"RestoreFamily", "BadInputChangesNothing", {"PROJ-WORLD-UNCHANGED-ON-BAD-INPUT"}, {}, 30,
       [](CheckContext& c) { return ForAll(c, BadInputScenario()); }},
  };
}
// clang-format on

}  // namespace hsmbackup::conformance
