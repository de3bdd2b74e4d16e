// Cloning, object by object: CLONE-ONE-AT-A-TIME, CLONE-VERIFY, CLONE-STORE,
// CLONE-OPAQUE-V1, CLONE-DISCARD, CLONE-CONTINUE-PRE77, CLONE-STOP-V0V1,
// CLONE-PARTIAL-STATE.
#include "checks/families.h"
#include "checks/gen.h"
#include "checks/harness.h"

namespace hsmbackup::conformance {
namespace {

// Backups: a backup of every object, then its contents (CLONE-ONE-AT-A-TIME's
// 'Cloned object' lines, in order, are the model's: model/text.cc).
rc::Gen<Scenario> Backups(bool v1) {
  return rc::gen::exec([v1] {
    gen::UserSpec u = *gen::User(v1 ? std::string("v1") : *gen::AnyKind(false));
    gen::HsmSpec h = *gen::Hsm(*gen::AnyModel());
    return gen::ScenarioOf(gen::WorldOf(u, h),
                           {gen::Login(u), gen::BackupOf(u, h, "bk", "pw-" + u.co_password).Line(),
                            gen::Contents(h, "bk", "pw-" + u.co_password)});
  });
}

// Failures: a verify_fail fault on one object of a pre-7.7 or V0 source.
rc::Gen<Scenario> Failures(const std::string& kind) {
  return rc::gen::exec([kind] {
    gen::UserSpec u = *gen::User(kind);
    u.objects = *gen::Objects(2, 6);
    gen::HsmSpec h = *gen::Hsm(*gen::AnyModel());
    gen::WorldSpec w = gen::WorldOf(u, h);
    const size_t k = *rc::gen::inRange<size_t>(0, u.objects.size());
    w.faults.push_back({{"type", "verify_fail"}, {"handle", u.objects[k].handle}});
    return gen::ScenarioOf(w, {gen::Login(u), gen::BackupOf(u, h, "bk", "pw-" + u.co_password).Line()});
  });
}

}  // namespace

std::vector<Check> CloningChecks() {
  return {
      {"Cloning", "EveryObjectArrivesVerified",
       {"CLONE-ONE-AT-A-TIME", "CLONE-VERIFY", "CLONE-STORE"}, {}, 30,
       [](CheckContext& c) { return ForAll(c, Backups(false)); }},
      {"Cloning", "V1ObjectsStayOpaque", {"CLONE-OPAQUE-V1", "CLONE-ONE-AT-A-TIME"}, {"smkonly"}, 20,
       [](CheckContext& c) { return ForAll(c, Backups(true)); }},
      {"Cloning", "V0StopsAtTheFirstFailure",
       {"CLONE-STOP-V0V1", "CLONE-DISCARD", "CLONE-PARTIAL-STATE"}, {"fault.verify_fail"}, 30,
       [](CheckContext& c) { return ForAll(c, Failures("v0")); }},
      {"Cloning", "Pre77ContinuesToTheEnd", {"CLONE-CONTINUE-PRE77", "CLONE-DISCARD"},
       {"fault.verify_fail"}, 30, [](CheckContext& c) { return ForAll(c, Failures("pre77")); }},
  };
}

}  // namespace hsmbackup::conformance
