// Bad world documents through `load` (PROJ-WORLD-UNCHANGED-ON-BAD-INPUT):
// a generated world is loaded, then a copy of it broken in exactly one of
// the ways reference/WORLD-FORMAT.md forbids. The target must refuse the
// broken one (`ok:false` with any CKR_ code, PROTOCOL.md "load") and keep
// the world it had: `observe` shows the same state as before.
#include <algorithm>

#include "checks/families.h"
#include "checks/gen.h"
#include "checks/harness.h"

namespace hsmbackup::conformance {
namespace {

constexpr const char kClause[] = "PROJ-WORLD-UNCHANGED-ON-BAD-INPUT";

struct Broken {
  Json valid, invalid;
  std::string rule;  // the WORLD-FORMAT.md rule the invalid one breaks
};

Json& User(Json& w) { return w["slots"][0]["user_partition"]; }
Json& Backup(Json& w) { return w["slots"][1]["backup_hsm"]; }

// Break applies breakage `k` to `w` and names the rule it breaks.
std::string Break(int k, Json& w) {
  Json& objects = User(w)["objects"];
  switch (k) {
    case 0:
      w["format"] = "hsmbackup-world/2";
      return "format must be \"hsmbackup-world/1\"";
    case 1:
      w["slots"][1]["id"] = w["slots"][0]["id"];
      return "slot ids are unique";
    case 2:
      User(w)["lable"] = User(w)["label"];
      return "unknown keys are errors (\"lable\")";
    case 3:
      User(w)["kind"] = "pre77";
      User(w)["firmware"] = "7.8.0";
      User(w).erase("smk");
      return "kind pre77 needs firmware < 7.7.0";
    case 4:
      User(w)["kind"] = "v1";
      User(w)["firmware"] = "7.8.0";
      User(w).erase("smk");
      return "smk is required iff kind is v1";
    case 5:
      objects.push_back(objects[0]);
      objects.back()["ouid"] = "ffffffffffffffffffffffff";
      return "object handles are unique in the partition";
    case 6:
      objects[0]["size"] = *rc::gen::element(0, 65537);
      return "an object's size is 1..65536";
    case 7:
      objects[0]["label"] = std::string(129, 'L');
      return "an object label is at most 128 characters";
    case 8:
      objects[0].erase("size");
      objects[0]["value"] = "abc";
      return "an object value is hex (an even number of hex digits)";
    case 9:
      w["clock"]["now"] = "yesterday";
      return "the clock is an RFC 3339 UTC time";
    case 10: {
      Json& p = Backup(w)["partitions"][0];
      Backup(w)["capacity"] = p["allocated"].get<uint64_t>() - 1;
      return "the partitions' allocation fits the backup HSM's capacity";
    }
    case 11:
      Backup(w)["sks"] = *rc::gen::arbitrary<bool>();
      return "a backup HSM has no 'sks' key: SKS follows firmware (OPT-SMKONLY-SKS)";
    default: {
      Json& p = Backup(w)["partitions"][0];
      p["allocated"] = 9647;
      return "a backup partition's allocated is at least its used (9648 + its objects)";
    }
  }
}

constexpr int kBreakages = 13;  // Break's cases: 0..11 and the default

// ValidWorld: a generated world with a stored backup, for Break to break.
rc::Gen<Json> ValidWorld() {
  return rc::gen::exec([] {
    gen::UserSpec u = *gen::User(*gen::AnyKind(false));
    gen::HsmSpec h = *gen::Hsm(*gen::AnyModel());
    const std::string pw = *gen::Secret("bk-");
    h.partitions.push_back(gen::StoredPartition("bk", u, u.kind, pw,
                                                gen::Renumbered(*gen::Objects(0, 2), 600)));
    return gen::WorldOf(u, h).ToJson();
  });
}

// Refused runs one case: nullopt when the target refused the broken world
// and kept the one it had, else what went wrong (`harness` set when the
// target broke the protocol rather than the clause).
std::optional<std::string> Refused(Target& target, const Broken& b, bool* harness) {
  TargetError e;
  std::optional<Json> before = target.LoadAndObserve(b.valid, &e);
  if (!before) {
    *harness = true;
    return "the valid world before it: " + e.message;
  }
  if (target.Load(b.invalid, &e)) {
    return "load accepted a world that breaks \"" + b.rule + "\" (WORLD-FORMAT.md)";
  }
  if (e.refused_code.rfind("CKR_", 0) != 0) {
    *harness = true;
    return "load of a bad world: " + e.message;
  }
  const std::string code = e.refused_code;
  std::optional<Json> after = target.Observe(&e);
  if (!after && e.refused_code.rfind("CKR_", 0) == 0) {
    return "after load refused a world that breaks \"" + b.rule + "\" (" + code +
           "), observe was refused (" + e.message + "): the world loaded before is gone";
  }
  if (!after) {
    *harness = true;
    return "observe after a refused load: " + e.message;
  }
  if (*after != *before) {  // nothing ran in between: counters included
    return "after load refused a world that breaks \"" + b.rule + "\" (" + code +
           "), the observed state is not the world loaded before it";
  }
  return std::nullopt;
}

CheckResult LoadRefusesBadWorlds(CheckContext& ctx) {
  std::optional<Broken> failed;
  std::string why;
  bool harness = false;
  Lacked lacked;
  int runs = 0;
  // Every case tries every breakage: a target that accepts one kind of bad
  // world is found whatever the number of cases.
  const auto property = [&] {
    const Json valid = *ValidWorld();
    lacked.Skip(ctx, valid);
    ++runs;
    for (int k = 0; k < kBreakages; ++k) {
      Broken b{valid, valid, ""};
      b.rule = Break(k, b.invalid);
      bool h = false;
      if (std::optional<std::string> w = Refused(*ctx.target, b, &h)) {
        failed = b;
        why = *w;
        harness = h;
        RC_FAIL(*w);
      }
    }
  };
  std::string could_not_run;
  if (Holds(ctx, property, &could_not_run)) return CheckResult::Pass(std::max(ctx.cases, 1));
  if (!failed) {
    if (std::optional<CheckResult> r = lacked.GaveUp(runs)) return *r;
    return CheckResult::Error("the property could not run: " + could_not_run);
  }
  if (harness) return CheckResult::Error(why);
  CheckResult r;
  r.status = CheckStatus::kFail;
  r.message = "[" + std::string(kClause) + "] " + why;
  r.failed_clauses = {kClause};
  Counterexample c;
  c.scenario.world = failed->invalid;  // `hsmbackup run` on it shows the reference's refusal
  c.expected = "load refused (ok:false, a CKR_ code), the world loaded before kept";
  c.observed = why;
  c.seed = ctx.seed;
  r.counterexample = c;
  return r;
}

}  // namespace

std::vector<Check> WorldLoadChecks() {
  return {
      {"WorldLoad", "RefusesBadWorldsAndKeepsTheLoadedOne", {kClause}, {}, 24, LoadRefusesBadWorlds},
  };
}

}  // namespace hsmbackup::conformance
