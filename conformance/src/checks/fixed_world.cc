// Fixed-world checks (FIXED-WORLD.md): run on the world a device already
// holds, read with observe and completed from the vendor config, and leave
// it as they found it. They generate only what that world permits: a backup
// under a fresh name, then append, list, contents and a restore that skips
// every object (same OUIDs, no -replace), then delete it; lockout counters
// are spent only when the vendor allows it, and never up to a threshold.
// Every line is judged by the model, as in any other check; then the device
// is observed again and must equal what it was before the case (lockout
// counters aside: a successful login resets them).
#include <algorithm>
#include <optional>
#include <set>

#include "checks/families.h"
#include "checks/gen.h"
#include "checks/harness.h"

namespace hsmbackup::conformance {
namespace {

// Splitmix64: the cases' choices from the check's seed, deterministically.
uint64_t Next(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

std::string Hex(uint64_t v, int digits) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s;
  for (int i = 0; i < digits; ++i, v >>= 4) s += kDigits[v & 15];
  return s;
}

// Device is the world read from the target, with the slots a case uses.
struct Device {
  Json observed, doc;
  model::World world;
  gen::UserSpec user;
  gen::HsmSpec hsm;
  std::set<std::string> partition_names;
  std::vector<std::string> secrets;  // the config's, for redaction
};

// ReadDevice observes the target and builds its world; an error result
// (harness) or n/a (no usable pair of slots) comes back in *stop.
std::optional<Device> ReadDevice(CheckContext& ctx, CheckResult* stop) {
  TargetError e;
  std::optional<Json> observed = ctx.target->Observe(&e);
  if (!observed) {
    *stop = CheckResult::Error("observe: " + e.message);
    return std::nullopt;
  }
  std::string why;
  std::optional<Json> doc = WorldFromObserved(*observed, *ctx.fixed_world, &why);
  std::optional<model::World> world = doc ? model::FromWorld(*doc, &why) : std::nullopt;
  if (!world) {
    *stop = CheckResult::Error("the device's world: " + why);
    return std::nullopt;
  }
  model::Adopt(*world, *observed);
  Device d{*observed, *doc, std::move(*world), {}, {}, {}, model::Secrets(*doc)};
  const Json* user = nullptr;
  const Json* hsm = nullptr;
  for (const Json& s : d.doc["slots"]) {
    if (user == nullptr && s.contains("user_partition") &&
        !s["user_partition"].value("zeroized", false)) {
      user = &s;
    }
    if (hsm == nullptr && s.contains("backup_hsm") && !s["backup_hsm"].value("zeroized", false) &&
        s["backup_hsm"].value("connection", std::string("client")) == "client") {
      hsm = &s;
    }
  }
  if (user == nullptr || hsm == nullptr) {
    *stop = CheckResult::NotApplicable(
        "the device has no user partition and client-connected backup HSM, neither zeroized, "
        "to back up between");
    return std::nullopt;
  }
  const Json& u = (*user)["user_partition"];
  d.user.slot = (*user)["id"].get<uint32_t>();
  d.user.auth = u.value("auth", std::string("password"));
  d.user.domain = u.value("domain", std::string());
  d.user.co_password = u.value("credentials", Json::object()).value("co", std::string());
  for (const Json& o : u["objects"]) {
    gen::ObjSpec spec;
    spec.handle = o["handle"].get<uint32_t>();
    d.user.objects.push_back(spec);
  }
  const Json& h = (*hsm)["backup_hsm"];
  d.hsm.slot = (*hsm)["id"].get<uint32_t>();
  d.hsm.auth = h.value("auth", std::string("password"));
  d.hsm.so_password = h.value("so_password", std::string());
  for (const Json& p : h["partitions"]) d.partition_names.insert(p["name"].get<std::string>());
  return d;
}

// FirstDifference names the first JSON path at which `a` and `b` differ.
std::string FirstDifference(const Json& a, const Json& b, const std::string& path) {
  if (a.type() != b.type() || (!a.is_structured() && a != b)) return path.empty() ? "/" : path;
  if (a.is_array()) {
    if (a.size() != b.size())
      return path + " (" + std::to_string(a.size()) + " entries, now " + std::to_string(b.size()) +
             ")";
    for (size_t i = 0; i < a.size(); ++i) {
      if (a[i] != b[i]) return FirstDifference(a[i], b[i], path + "/" + std::to_string(i));
    }
  }
  if (a.is_object()) {
    for (const auto& [k, v] : a.items()) {
      if (!b.contains(k)) return path + "/" + k + " (gone)";
      if (v != b[k]) return FirstDifference(v, b[k], path + "/" + k);
    }
    for (const auto& [k, v] : b.items()) {
      if (!a.contains(k)) return path + "/" + k + " (new)";
    }
  }
  return path;
}

// Redacted keeps every secret of the case out of a result: its message,
// and the counterexample's world, lines, transcripts and descriptions.
CheckResult Redacted(CheckResult r, const std::vector<std::string>& secrets) {
  r.message = Redact(r.message, secrets);
  if (r.counterexample) {
    Counterexample& c = *r.counterexample;
    c.scenario.world = RedactJson(c.scenario.world, secrets);
    for (std::string& l : c.scenario.lines) l = Redact(l, secrets);
    c.expected = Redact(c.expected, secrets);
    c.observed = Redact(c.observed, secrets);
    for (std::string& l : c.target_transcript) l = Redact(l, secrets);
    c.reference_transcript = {"(not run: a fixed world's secrets are the vendor's)"};
  }
  return r;
}

// LeftAsFound observes the device after a case and compares it with the
// state before (counters aside); "" when equal, else what differs.
std::string LeftAsFound(CheckContext& ctx, const Json& before) {
  TargetError e;
  std::optional<Json> after = ctx.target->Observe(&e);
  if (!after) return "observe after the case: " + e.message;
  const Json a = WithoutCounters(before), b = WithoutCounters(*after);
  if (a == b) return "";
  return "the device was not left as found: it differs at " + FirstDifference(a, b, "");
}

// RunCase runs one generated case on the device, then checks it is as found.
CheckResult RunCase(CheckContext& ctx, const Device& d, const Scenario& s,
                    std::vector<std::string> secrets, int cases_run,
                    const std::vector<std::string>& cleanup) {
  secrets.insert(secrets.end(), d.secrets.begin(), d.secrets.end());
  ScenarioVerdict v = RunLines(*ctx.target, s, d.world, d.observed);
  if (v.harness_error || !v.mismatches.empty()) {
    // Best effort: take the fresh backup away again before reporting.
    TargetError ignored;
    for (const std::string& line : cleanup) ctx.target->Execute(line, {}, &ignored);
    CheckResult r = FailedResult(v, ctx.seed, cases_run);
    const std::string found = LeftAsFound(ctx, d.observed);
    if (!found.empty()) r.message += "\n(" + found + ": inspect the device before another run)";
    return Redacted(std::move(r), secrets);
  }
  const std::string found = LeftAsFound(ctx, d.observed);
  if (!found.empty()) return Redacted(CheckResult::Error(found), secrets);
  return CheckResult::Pass(cases_run);
}

// BackupRoundTrip: a backup of the first user partition to a fresh
// partition of the first backup HSM, appended to, listed, read, restored
// into its source (every object skipped) and deleted.
CheckResult BackupRoundTrip(CheckContext& ctx) {
  uint64_t rng = ctx.seed;
  const int cases = std::max(ctx.cases, 1);
  for (int i = 0; i < cases; ++i) {
    CheckResult stop;
    std::optional<Device> d = ReadDevice(ctx, &stop);
    if (!d) return stop;
    std::string name;
    do {
      name = "hsmb-fw-" + Hex(Next(rng), 8);
    } while (d->partition_names.count(name) != 0);
    const std::string password = "Fw" + Hex(Next(rng), 14);
    gen::Backup backup = gen::BackupOf(d->user, d->hsm, name, password);
    // -objects names a subset now and then, when there are objects to pick.
    if (d->user.objects.size() > 1 && Next(rng) % 2 == 0) {
      std::string list;
      for (const gen::ObjSpec& o : d->user.objects) {
        if (list.empty() || Next(rng) % 2 == 0) {
          list += (list.empty() ? "" : ",") + std::to_string(o.handle);
        }
      }
      backup.objects = list;
    }
    gen::Backup append = backup;
    append.append = true;
    const bool force = Next(rng) % 2 == 0;
    const std::string remove = gen::Delete(d->hsm, name, force);
    Scenario s{d->doc,
               {"slot set -slot " + std::to_string(d->user.slot), gen::Login(d->user),
                "partition contents", backup.Line(), append.Line(), gen::List(d->hsm),
                gen::Contents(d->hsm, name, password), gen::Restore(d->hsm, name, password), remove,
                "role logout"},
               force ? std::vector<std::string>{} : std::vector<std::string>{"proceed"}};
    const std::vector<std::string> cleanup = {gen::Delete(d->hsm, name, true), "role logout"};
    CheckResult r = RunCase(ctx, *d, s, {password}, i + 1, cleanup);
    if (r.status != CheckStatus::kPass) return r;
  }
  return CheckResult::Pass(cases);
}

// FailedLoginCountsAndResets spends one failed CO login, then logs in
// (which resets the count): only when the vendor allows "lockout", the
// partition takes passwords, and the count stays two below the threshold.
CheckResult FailedLoginCountsAndResets(CheckContext& ctx) {
  if (!ctx.fixed_world->Allows(kAllowLockout)) {
    return CheckResult::NotApplicable(
        std::string("spends a failed CO login on the device; list \"") + kAllowLockout +
        "\" in fixed_world.allow of the vendor config to run it");
  }
  CheckResult stop;
  std::optional<Device> d = ReadDevice(ctx, &stop);
  if (!d) return stop;
  const model::User& u = d->world.users.at(d->user.slot);
  if (d->user.auth != "password") {
    return CheckResult::NotApplicable("the user partition is PED-authenticated");
  }
  if (u.co_failures + 2 > u.co_threshold) {
    return CheckResult::NotApplicable(
        "the CO failure count is too close to its threshold to spend one safely");
  }
  uint64_t rng = ctx.seed;
  const std::string wrong = "Wrong" + Hex(Next(rng), 11);
  Scenario s{d->doc,
             {"slot set -slot " + std::to_string(d->user.slot),
              "role login -name co -password " + wrong, gen::Login(d->user), "role logout"},
             {}};
  return RunCase(ctx, *d, s, {wrong}, 1, {"role logout"});
}

}  // namespace

std::vector<Check> FixedWorldChecks() {
  std::vector<Check> checks = {
      {"FixedWorld",
       "BackupRoundTrip",
       {"AUTH-CO", "AUTH-SO", "AUTH-PO", "DOM-OPTION", "CLONE-ONE-AT-A-TIME", "CLONE-STORE",
        "OPT-APPEND", "OPT-OBJECTS-FORMS", "OPT-FORCE", "OUT-TRANSCRIPT", "OUT-NO-SECRETS",
        "SRC-UNCHANGED", "ARCHIVE-LIST", "ARCHIVE-CONTENTS", "ARCHIVE-DELETE",
        "PROJ-RESTORE-SAME-OUID", "PROJ-SIZE-MODEL"},
       {},
       3,
       BackupRoundTrip},
      {"FixedWorld",
       "FailedLoginCountsAndResets",
       {"AUTH-LOCKOUT"},
       {},
       1,
       FailedLoginCountsAndResets},
  };
  for (Check& c : checks) c.fixed_world = true;
  return checks;
}

}  // namespace hsmbackup::conformance
