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

// Strip removes " -<option> <value>" from a line (the generated lines give
// every credential; this leaves one off).
std::string Strip(std::string line, const std::string& option, const std::string& value) {
  const std::string piece = " -" + option + " " + value;
  const size_t at = line.find(piece);
  if (at != std::string::npos) line.erase(at, piece.size());
  return line;
}

// LeftOff: archive lines on a password backup HSM with some credentials left
// off, and answers for some, all or none of them, right or wrong (AUTH-PROMPT).
rc::Gen<Scenario> LeftOff() {
  return rc::gen::exec([] {
    gen::UserSpec u = *gen::User(*gen::AnyKind(false));
    gen::HsmSpec h = *gen::Hsm(*gen::AnyModel());
    const std::string pw = *gen::Secret("po-");
    h.partitions.push_back(gen::StoredPartition("bk", u, u.kind, pw, {}));
    Scenario s = gen::ScenarioOf(gen::WorldOf(u, h), {gen::Login(u)});
    Credentials& given = s.credentials;
    auto maybe = [&](const std::string& name, const std::string& right) {
      switch (*rc::gen::inRange(0, 5)) {
        case 0: break;                                    // no answer
        case 1: given[name] = *gen::Secret("wrong-"); break;  // a wrong one
        default: given[name] = right; break;
      }
    };
    switch (*rc::gen::inRange(0, 6)) {
      case 0: case 1: {  // backup: new (domain asked) or -append to bk
        const bool append = *rc::gen::arbitrary<bool>();
        gen::Backup b = gen::BackupOf(u, h, append ? "bk" : "new", append ? pw : *gen::Secret("nw-"));
        b.append = append;
        const std::string new_pw = *b.password;
        if (*rc::gen::arbitrary<bool>()) { b.sopassword.reset(); maybe("sopassword", h.so_password); }
        if (*rc::gen::arbitrary<bool>()) { b.password.reset(); maybe("password", new_pw); }
        if (!append && *rc::gen::arbitrary<bool>()) { b.domain.reset(); maybe("domain", u.domain); }
        if (*rc::gen::weightedElement<bool>({{1, true}, {4, false}})) given["password"] = "short";
        s.lines.push_back(b.Line());
        break;
      }
      case 2:
        s.lines.push_back(Strip(gen::Restore(h, "bk", pw), "password", pw));
        maybe("password", pw);
        break;
      case 3:
        s.lines.push_back(Strip(gen::Contents(h, "bk", pw), "password", pw));
        maybe("password", pw);
        break;
      case 4:
        s.lines.push_back(Strip(gen::List(h), "sopassword", h.so_password));
        maybe("sopassword", h.so_password);
        break;
      default:
        s.lines.push_back(Strip(gen::Delete(h, "bk", *rc::gen::arbitrary<bool>()), "sopassword",
                                h.so_password));
        s.answers = {*rc::gen::element<std::string>("proceed", "quit")};
        maybe("sopassword", h.so_password);
        break;
    }
    s.lines.push_back(gen::List(h));  // what the step changed, seen with the right SO
    return s;
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
      {"Authentication", "LeftOffCredentialsAreAsked", {"AUTH-PROMPT", "OUT-NO-SECRETS"}, {}, 40,
       [](CheckContext& c) { return ForAll(c, LeftOff()); }},
      {"Authentication", "LockoutCounts", {"AUTH-LOCKOUT"}, {}, 40,
       [](CheckContext& c) { return ForAll(c, Lockouts()); }},
      {"Authentication", "PasswordAndPedNeverMix", {"AUTH-SAME-MODE"}, {"ped"}, 10,
       [](CheckContext& c) { return ForAll(c, MixedAuthModes()); }},
  };
}

}  // namespace hsmbackup::conformance
