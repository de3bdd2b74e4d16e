// Domains and policy: DOM-MISMATCH-EMPTY, DOM-ERROR-CODE, DOM-OPTION, POL-CLONING.
#include "checks/families.h"
#include "checks/gen.h"
#include "checks/harness.h"

namespace hsmbackup::conformance {
namespace {

rc::Gen<Scenario> Mismatch(bool v1) {
  return rc::gen::exec([v1] {
    gen::UserSpec u = *gen::User(v1 ? std::string("v1") : *gen::AnyKind(false));
    gen::HsmSpec h = *gen::Hsm(*gen::AnyModel());
    gen::Backup b = gen::BackupOf(u, h, "bk", "pw-" + u.co_password);
    b.domain = "other-" + u.domain;
    return gen::ScenarioOf(gen::WorldOf(u, h), {gen::Login(u), b.Line()});
  });
}

rc::Gen<Scenario> DomainOptions() {
  return rc::gen::exec([] {
    gen::UserSpec u = *gen::User(*gen::AnyKind(false));
    gen::HsmSpec h = *gen::Hsm(*gen::AnyModel());
    gen::WorldSpec w = gen::WorldOf(u, h);
    if (*rc::gen::arbitrary<bool>()) w.default_domain = u.domain;  // -defaultdomain matches
    gen::Backup b = gen::BackupOf(u, h, "bk", "pw-" + u.co_password);
    switch (*rc::gen::inRange(0, 4)) {
      case 0: b.defaultdomain = true; break;                   // both: refused
      case 1: b.domain.reset(); break;                         // neither: refused
      case 2: b.domain.reset(); b.defaultdomain = true; break;  // the client's default
      default: break;
    }
    return gen::ScenarioOf(w, {gen::Login(u), b.Line()});
  });
}

rc::Gen<Scenario> Policies() {
  return rc::gen::exec([] {
    gen::UserSpec u = *gen::User(*gen::AnyKind(false));
    u.allow_private = *rc::gen::arbitrary<bool>();
    u.allow_secret = *rc::gen::arbitrary<bool>();
    // HSM policy 7 off needs partition policies 0 and 4 off (WORLD-FORMAT.md).
    u.hsm_allow = u.allow_private || u.allow_secret || *rc::gen::arbitrary<bool>();
    gen::HsmSpec h = *gen::Hsm(*gen::AnyModel());
    return gen::ScenarioOf(gen::WorldOf(u, h),
                           {gen::Login(u), gen::BackupOf(u, h, "bk", "pw-" + u.co_password).Line()});
  });
}

}  // namespace

std::vector<Check> DomainChecks() {
  return {
      {"Domains", "MismatchLeavesAnEmptyPartition", {"DOM-MISMATCH-EMPTY", "DOM-ERROR-CODE"}, {}, 20,
       [](CheckContext& c) { return ForAll(c, Mismatch(false)); }},
      {"Domains", "V1MismatchLeavesAnEmptyPartition", {"DOM-MISMATCH-EMPTY", "DOM-ERROR-CODE"},
       {"smkonly"}, 10,
       [](CheckContext& c) { return ForAll(c, Mismatch(true)); }},
      {"Domains", "DomainOptionsExcludeEachOther", {"DOM-OPTION"}, {}, 30,
       [](CheckContext& c) { return ForAll(c, DomainOptions()); }},
      {"Domains", "PoliciesDecideWhatIsCloned", {"POL-CLONING", "DOM-MISMATCH-EMPTY"}, {}, 30,
       [](CheckContext& c) { return ForAll(c, Policies()); }},
  };
}

}  // namespace hsmbackup::conformance
