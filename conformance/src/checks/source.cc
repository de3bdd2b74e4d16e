// SRC-UNCHANGED: a backup, whatever becomes of it, leaves its source
// partition as it was. The model predicts the source unchanged on every
// backup line; these checks give it backups of every kind and outcome.
#include "checks/families.h"
#include "checks/gen.h"
#include "checks/harness.h"

namespace hsmbackup::conformance {
namespace {

rc::Gen<Scenario> SourceScenario(bool v1_and_faults) {
  return rc::gen::exec([v1_and_faults] {
    gen::UserSpec u = *gen::User(*gen::AnyKind(v1_and_faults));
    gen::HsmSpec h = *gen::Hsm(*gen::AnyModel());
    gen::WorldSpec w = gen::WorldOf(u, h);
    if (v1_and_faults) {
      const int f = *rc::gen::inRange(0, 3);
      if (f == 1)
        w.faults.push_back({{"type", "verify_fail"}, {"handle", u.objects.back().handle}});
      if (f == 2) w.faults.push_back({{"type", "partition_full"}, {"at", *rc::gen::inRange(1, 4)}});
    }
    const std::string pw = *gen::Secret("pw-");
    Scenario s{w.ToJson(), {gen::Login(u)}, {}};
    const int n = *rc::gen::inRange(1, 4);
    for (int i = 0; i < n; ++i) {
      gen::Backup b = gen::BackupOf(u, h, *rc::gen::element<std::string>("bk", "bk2"), pw);
      switch (*rc::gen::inRange(0, 6)) {
        case 0: b.domain = "other-domain"; break;
        case 1:
          b.append = true;
          b.replace = *rc::gen::arbitrary<bool>();
          break;
        case 2: b.objects = std::to_string(u.objects.front().handle); break;
        case 3: b.sopassword = "wrong-so"; break;
        default: break;
      }
      b.debug = *rc::gen::arbitrary<bool>();
      s.lines.push_back(b.Line());
    }
    return s;
  });
}

}  // namespace

// clang-format off: one check per two lines reads as a table.
std::vector<Check> SourceChecks() {
  return {
      {"RestoreFamily", "BackupLeavesSourceUnchanged", {"SRC-UNCHANGED"}, {}, 30,
       [](CheckContext& c) { return ForAll(c, SourceScenario(false)); }},
      {"RestoreFamily", "BackupLeavesSourceUnchangedV1AndFaults", {"SRC-UNCHANGED"},
       {"smkonly", "fault.verify_fail", "fault.partition_full"}, 25,
       [](CheckContext& c) { return ForAll(c, SourceScenario(true)); }},
  };
}
// clang-format on

}  // namespace hsmbackup::conformance
