// Cloning, object by object: CLONE-ONE-AT-A-TIME, CLONE-VERIFY, CLONE-STORE,
// CLONE-OPAQUE-V1, CLONE-DISCARD, CLONE-CONTINUE-PRE77, CLONE-STOP-V0V1,
// CLONE-PARTIAL-STATE.
#include "checks/families.h"
#include "checks/gen.h"
#include "checks/harness.h"

namespace hsmbackup::conformance {
namespace {

// OneLinePerObject: a successful backup reports each source object on its
// own line, in the source's order (the seed's "Cloned object S to ...").
ExtraJudge OneLinePerObject(std::vector<uint32_t> handles) {
  return [handles](const StepView& v) -> std::vector<model::Mismatch> {
    if (v.line.find("archive backup") == std::string::npos || !v.outcome.ok()) return {};
    std::vector<uint32_t> seen;
    for (const std::string& l : v.outcome.transcript) {
      unsigned handle = 0;
      if (std::sscanf(l.c_str(), "Cloned object %u to partition", &handle) == 1) seen.push_back(handle);
    }
    if (seen != handles) {
      return Fails("CLONE-ONE-AT-A-TIME", "the 'Cloned object' lines do not list each source "
                                          "object once, in order");
    }
    return {};
  };
}

struct Cloned {
  Scenario scenario;
  std::vector<uint32_t> handles;
};

rc::Gen<Cloned> Backups(bool v1) {
  return rc::gen::exec([v1] {
    gen::UserSpec u = *gen::User(v1 ? std::string("v1") : *gen::AnyKind(false));
    gen::HsmSpec h = *gen::Hsm(*gen::AnyModel());
    Cloned c;
    for (const gen::ObjSpec& o : u.objects) c.handles.push_back(o.handle);
    c.scenario = gen::ScenarioOf(gen::WorldOf(u, h),
                                 {gen::Login(u), gen::BackupOf(u, h, "bk", "pw-" + u.co_password).Line(),
                                  gen::Contents(h, "bk", "pw-" + u.co_password)});
    return c;
  });
}

CheckResult RunBackups(CheckContext& ctx, bool v1) {
  // The judge needs the handles of the scenario it runs: generate, then check.
  return ForAll(ctx, rc::gen::map(Backups(v1), [](const Cloned& c) { return c.scenario; }),
                [](const StepView& v) -> std::vector<model::Mismatch> {
                  std::vector<uint32_t> handles;
                  for (const Json& o : SlotOf(v.before, 0).value("objects", Json::array())) {
                    handles.push_back(o.value("handle", 0u));
                  }
                  return OneLinePerObject(handles)(v);
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
       [](CheckContext& c) { return RunBackups(c, false); }},
      {"Cloning", "V1ObjectsStayOpaque", {"CLONE-OPAQUE-V1", "CLONE-ONE-AT-A-TIME"}, {"smkonly"}, 20,
       [](CheckContext& c) { return RunBackups(c, true); }},
      {"Cloning", "V0StopsAtTheFirstFailure",
       {"CLONE-STOP-V0V1", "CLONE-DISCARD", "CLONE-PARTIAL-STATE"}, {"fault.verify_fail"}, 30,
       [](CheckContext& c) { return ForAll(c, Failures("v0")); }},
      {"Cloning", "Pre77ContinuesToTheEnd", {"CLONE-CONTINUE-PRE77", "CLONE-DISCARD"},
       {"fault.verify_fail"}, 30, [](CheckContext& c) { return ForAll(c, Failures("pre77")); }},
  };
}

}  // namespace hsmbackup::conformance
