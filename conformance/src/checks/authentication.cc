// Authentication: AUTH-CO, AUTH-SO, AUTH-PO, AUTH-LOCKOUT, AUTH-SAME-MODE.
#include "checks/families.h"
#include "checks/gen.h"
#include "checks/harness.h"

namespace hsmbackup::conformance {
namespace {

rc::Gen<Scenario> NoCoLogin() {
  return rc::gen::exec([] {
    gen::UserSpec u = *gen::User(*gen::AnyKind(false));
    gen::HsmSpec h = *gen::Hsm(*gen::AnyModel());
    const std::string backup = gen::BackupOf(u, h, "bk", "pw-" + u.co_password).Line();
    // Never logged in, or logged in and out again.
    if (*rc::gen::arbitrary<bool>()) return gen::ScenarioOf(gen::WorldOf(u, h), {backup});
    return gen::ScenarioOf(gen::WorldOf(u, h), {gen::Login(u), "role logout", backup});
  });
}

rc::Gen<Scenario> WrongSoPassword() {
  return rc::gen::exec([] {
    gen::UserSpec u = *gen::User(*gen::AnyKind(false));
    gen::HsmSpec h = *gen::Hsm(*gen::AnyModel());
    gen::Backup b = gen::BackupOf(u, h, "bk", "pw-" + u.co_password);
    gen::Backup wrong = b;
    wrong.sopassword = "x" + h.so_password;
    return gen::ScenarioOf(gen::WorldOf(u, h), {gen::Login(u), wrong.Line(), b.Line()});
  });
}

rc::Gen<Scenario> PartitionCredential() {
  return rc::gen::exec([] {
    gen::UserSpec u = *gen::User(*gen::AnyKind(false));
    gen::HsmSpec h = *gen::Hsm(*gen::AnyModel());
    const std::string pw = *gen::Secret("po-");
    return gen::ScenarioOf(gen::WorldOf(u, h),
                           {gen::Login(u), gen::BackupOf(u, h, "bk", pw).Line(),
                            gen::Contents(h, "bk", "x" + pw), gen::Contents(h, "bk", pw)});
  });
}

// Lockouts: a run of CO logins (good and bad) and of SO attempts (through
// `partition archive list`), long enough to cross both thresholds.
rc::Gen<Scenario> Lockouts() {
  return rc::gen::exec([] {
    gen::UserSpec u = *gen::User("v0");
    gen::HsmSpec h = *gen::Hsm(*gen::AnyModel());
    std::vector<std::string> lines;
    const int n = *rc::gen::inRange(1, 14);
    for (int i = 0; i < n; ++i) {
      switch (*rc::gen::inRange(0, 4)) {
        case 0: lines.push_back(gen::Login(u)); lines.push_back("role logout"); break;
        case 1: lines.push_back("role login -name co -password bad" + u.co_password); break;
        case 2: lines.push_back("partition archive list -slot 2 -sopassword bad" + h.so_password); break;
        default: lines.push_back(gen::List(h)); break;
      }
    }
    lines.push_back(gen::Login(u));
    lines.push_back(gen::List(h));
    return gen::ScenarioOf(gen::WorldOf(u, h), lines);
  });
}

rc::Gen<Scenario> MixedAuthModes() {
  return rc::gen::exec([] {
    gen::UserSpec u = *gen::User("v0");
    gen::HsmSpec h = *gen::Hsm(*gen::AnyModel());
    h.auth = "ped";
    h.ped_domain = u.domain;
    gen::Backup b;
    b.slot = 2;
    b.partition = "bk";
    return gen::ScenarioOf(gen::WorldOf(u, h), {gen::Login(u), b.Line()});
  });
}

}  // namespace

std::vector<Check> AuthenticationChecks() {
  return {
      {"Authentication", "BackupNeedsTheCryptoOfficer", {"AUTH-CO"}, {}, 20,
       [](CheckContext& c) { return ForAll(c, NoCoLogin()); }},
      {"Authentication", "WrongSoPasswordCreatesNothing", {"AUTH-SO"}, {}, 20,
       [](CheckContext& c) { return ForAll(c, WrongSoPassword()); }},
      {"Authentication", "NewPartitionTakesItsOwnPassword", {"AUTH-PO"}, {}, 20,
       [](CheckContext& c) { return ForAll(c, PartitionCredential()); }},
      {"Authentication", "LockoutCounts", {"AUTH-LOCKOUT"}, {}, 40,
       [](CheckContext& c) { return ForAll(c, Lockouts()); }},
      {"Authentication", "PasswordAndPedNeverMix", {"AUTH-SAME-MODE"}, {"ped"}, 10,
       [](CheckContext& c) { return ForAll(c, MixedAuthModes()); }},
  };
}

}  // namespace hsmbackup::conformance
