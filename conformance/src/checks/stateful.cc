// rc::state over lunacm command sequences: every step judged by the model,
// with the suite's invariants after each (checks/harness.h, model/judge.cc):
// the source never changes, space is accounted for exactly, a FULL-REVERT
// leaves the backup HSM as it was, V1 objects are never plaintext on a
// backup HSM, no secret appears anywhere.
#include <rapidcheck/state.h>

#include <set>
#include <sstream>

#include "checks/families.h"
#include "checks/gen.h"
#include "checks/harness.h"

namespace hsmbackup::conformance {
namespace {

struct RcModel {
  gen::WorldSpec spec;
  std::vector<std::string> names;      // backup partition names commands pick from
  std::vector<std::string> passwords;  // backup partition passwords they pick from
};

struct Sut {
  Target* target = nullptr;
  Scenario scenario;
  model::World model;
  Json state;
  std::vector<std::string> secrets;
  std::optional<ScenarioVerdict>* last = nullptr;  // where the property keeps it
  PrintedFailures* printed = nullptr;              // steps that failed only in print
  bool shrinking = false;  // a failure that stops is discarded (HoldsPastPrinted)
};

// Stop ends the sequence at a failure that stops it: kept for the
// counterexample (RC_FAIL), or discarded while a printed failure is shrunk.
[[noreturn]] void Stop(Sut& sut, const ScenarioVerdict& v, const std::string& why) {
  if (sut.shrinking) RC_DISCARD(why);
  *sut.last = v;
  RC_FAIL(why);
}

// Step runs one line on the target and judges it. A step that differs only
// in what the target printed (model::OnlyPrinted) leaves the model's world
// the target's: it is kept in sut.printed and the sequence goes on. Any
// other failure stops the sequence (RC_FAIL) and is kept for the
// counterexample.
void Step(Sut& sut, const std::string& line, const std::vector<std::string>& answers) {
  model::Prediction p;
  TargetError e;
  std::optional<Target::Observed> o = sut.target->ExecuteAndObserve(
      line, answers, {}, [&] { p = model::Predict(sut.model, line, answers); }, &e);
  sut.scenario.lines.push_back(line);
  ScenarioVerdict v;
  if (!o) {
    v = HarnessError(sut.scenario, sut.scenario.lines.size(), sut.scenario.answers.size(),
                     e.message);
    Stop(sut, v, v.message);
  }
  const size_t used =
      std::min(answers.size(), static_cast<size_t>(std::max(o->outcome.prompts, 0)));
  sut.scenario.answers.insert(sut.scenario.answers.end(), answers.begin(),
                              answers.begin() + static_cast<std::ptrdiff_t>(used));
  v.mismatches = model::Judge(p, o->outcome, o->state, sut.secrets);
  if (!v.mismatches.empty()) {
    v.failing_step = sut.scenario.lines.size() - 1;
    Counterexample& c = v.counterexample;
    c.scenario = sut.scenario;
    c.failing_step = v.failing_step;
    c.expected = std::string(p.modelled ? "" : "(invariants only) ") + p.summary;
    for (const std::string& code : p.codes) c.expected += " [" + code + "]";
    c.observed = o->outcome.result;
    for (const model::Mismatch& m : v.mismatches) c.observed += "; " + Describe(m);
    c.target_transcript = o->outcome.transcript;
    if (model::OnlyPrinted(v.mismatches)) {
      v.judged_through = true;
      sut.printed->Take(v);
    } else {
      Stop(sut, v, Describe(v.mismatches.front()));
    }
  }
  sut.model = p.after;
  sut.state = std::move(o->state);
}

using Cmd = rc::state::Command<RcModel, Sut>;

const gen::UserSpec& Current(const RcModel& m, int i) { return m.spec.users[i % m.spec.users.size()]; }

struct LoginCo : Cmd {
  std::string line;
  explicit LoginCo(const RcModel& m) {
    const int u = *rc::gen::inRange(0, 2);
    const bool right = *rc::gen::weightedElement<bool>({{4, true}, {1, false}});
    line = right ? gen::Login(Current(m, u))
                 : "role login -name co -password wrong" + Current(m, u).co_password;
    slot_line = "slot set -slot " + std::to_string(Current(m, u).slot);
  }
  std::string slot_line;
  void run(const RcModel&, Sut& sut) const override {
    Step(sut, slot_line, {});
    Step(sut, line, {});
  }
  void show(std::ostream& os) const override { os << slot_line << " / " << line; }
};

struct Logout : Cmd {
  void run(const RcModel&, Sut& sut) const override { Step(sut, "role logout", {}); }
  void show(std::ostream& os) const override { os << "role logout"; }
};

struct BackupCmd : Cmd {
  std::string line;
  explicit BackupCmd(const RcModel& m) {
    const gen::HsmSpec& h = m.spec.hsms.front();
    const gen::UserSpec& u = Current(m, *rc::gen::inRange(0, 2));
    gen::Backup b = gen::BackupOf(u, h, *rc::gen::elementOf(m.names),
                                  *rc::gen::elementOf(m.passwords));
    const int mode = *rc::gen::inRange(0, 4);  // new, -append, -replace, -append -replace
    b.append = mode == 1 || mode == 3;
    b.replace = mode >= 2;
    if (*rc::gen::weightedElement<bool>({{1, true}, {5, false}})) b.domain = "dom-other";
    if (*rc::gen::weightedElement<bool>({{1, true}, {9, false}})) b.sopassword = "so-wrong";
    if (*rc::gen::weightedElement<bool>({{1, true}, {3, false}}) && !u.objects.empty()) {
      std::string list;
      for (const gen::ObjSpec& o : u.objects) {
        if (*rc::gen::arbitrary<bool>()) list += (list.empty() ? "" : ",") + std::to_string(o.handle);
      }
      if (!list.empty()) b.objects = list;
    }
    b.debug = *rc::gen::weightedElement<bool>({{1, true}, {4, false}});
    if (b.replace) {  // OPT-REPLACE-CONFIRM may ask: force it, or answer
      b.force = *rc::gen::weightedElement<bool>({{1, true}, {3, false}});
      answers = {*rc::gen::weightedElement<std::string>({{3, "proceed"}, {1, "quit"}})};
    }
    line = b.Line();
  }
  void run(const RcModel&, Sut& sut) const override { Step(sut, line, answers); }
  void show(std::ostream& os) const override { os << line; }
  std::vector<std::string> answers;
};

struct RestoreCmd : Cmd {
  std::string line;
  explicit RestoreCmd(const RcModel& m) {
    line = gen::Restore(m.spec.hsms.front(), *rc::gen::elementOf(m.names),
                        *rc::gen::elementOf(m.passwords),
                        *rc::gen::element<std::string>("", "", " -replace"));
  }
  void run(const RcModel&, Sut& sut) const override { Step(sut, line, {}); }
  void show(std::ostream& os) const override { os << line; }
};

struct DeleteCmd : Cmd {
  std::string line;
  std::vector<std::string> answers;
  explicit DeleteCmd(const RcModel& m) {
    const bool force = *rc::gen::arbitrary<bool>();
    line = gen::Delete(m.spec.hsms.front(), *rc::gen::elementOf(m.names), force);
    if (!force) answers = {*rc::gen::element<std::string>("proceed", "quit", "yes", "no")};
  }
  void run(const RcModel&, Sut& sut) const override { Step(sut, line, answers); }
  void show(std::ostream& os) const override { os << line; }
};

struct ListCmd : Cmd {
  std::string line;
  explicit ListCmd(const RcModel& m) : line(gen::List(m.spec.hsms.front())) {}
  void run(const RcModel&, Sut& sut) const override { Step(sut, line, {}); }
  void show(std::ostream& os) const override { os << line; }
};

struct ContentsCmd : Cmd {
  std::string line;
  explicit ContentsCmd(const RcModel& m) {
    line = gen::Contents(m.spec.hsms.front(), *rc::gen::elementOf(m.names),
                         *rc::gen::elementOf(m.passwords));
  }
  void run(const RcModel&, Sut& sut) const override { Step(sut, line, {}); }
  void show(std::ostream& os) const override { os << line; }
};

// Worlds: two user partitions (slots 0 and 1) and one backup HSM (slot 2).
rc::Gen<RcModel> Worlds(bool v1, bool faults) {
  return rc::gen::exec([v1, faults] {
    RcModel m;
    gen::UserSpec a = *gen::User(*gen::AnyKind(v1));
    gen::UserSpec b = *gen::User(*gen::AnyKind(v1));
    b.slot = 1;
    if (*rc::gen::arbitrary<bool>()) b.domain = a.domain;  // restores across partitions
    if (b.kind == "v1" && a.kind == "v1" && *rc::gen::arbitrary<bool>()) b.smk = a.smk;
    for (gen::ObjSpec& o : b.objects) o.ouid[0] = o.ouid[0] == 'f' ? 'e' : 'f';  // own OUIDs
    if (*rc::gen::weightedElement<bool>({{1, true}, {3, false}}) && !a.objects.empty()) {
      b.objects.push_back(a.objects.front());  // one shared OUID
      b.objects.back().handle = 9999;
    }
    gen::HsmSpec h = *gen::Hsm(*gen::AnyModel());
    h.capacity = *rc::gen::element<uint64_t>(1u << 24, 3 * 9648 + 8000, 2 * 9648 + 3000);
    m.spec = gen::WorldOf(a, h);
    m.spec.users.push_back(b);
    m.spec.step_seconds = *gen::ClockStep();
    if (faults) {
      const int kind = *rc::gen::inRange(0, 4);
      if (kind == 1) m.spec.faults.push_back({{"type", "verify_fail"}, {"handle", a.objects.front().handle}});
      if (kind == 2) m.spec.faults.push_back({{"type", "partition_full"}, {"at", *rc::gen::inRange(1, 4)}});
      if (kind == 3) m.spec.faults.push_back({{"type", "shrink_fail"}});
    }
    m.names = {"bk1", "bk2"};
    m.passwords = {"pw-" + a.co_password, "pw2-" + b.co_password};
    return m;
  });
}

CheckResult RunSequences(CheckContext& ctx, bool v1, bool faults) {
  std::optional<ScenarioVerdict> last;
  PrintedFailures printed;
  Lacked lacked;
  int runs = 0;
  const auto property = [&](PrintedFailures& into, bool shrinking) {
    const RcModel initial = *Worlds(v1, faults);
    const Json world = initial.spec.ToJson();
    lacked.Skip(ctx, world);
    SkipOnceOutOfService(*ctx.target);
    runs += shrinking ? 0 : 1;
    Sut sut;
    sut.target = ctx.target;
    sut.last = &last;
    sut.printed = &into;
    sut.shrinking = shrinking;
    sut.scenario.world = world;
    sut.secrets = model::Secrets(sut.scenario.world);
    sut.secrets.insert(sut.secrets.end(), initial.passwords.begin(), initial.passwords.end());
    std::string why;
    TargetError e;
    std::optional<model::World> w = model::FromWorld(sut.scenario.world, &why);
    std::optional<Json> state;
    if (w) state = ctx.target->LoadAndObserve(sut.scenario.world, &e);
    if (!w) {
      ScenarioVerdict v;
      v.harness_error = true;
      v.message = why;
      Stop(sut, v, v.message);
    }
    if (!state) {
      const ScenarioVerdict v = LoadFailed(sut.scenario, e);
      Stop(sut, v, v.message);
    }
    model::Adopt(*w, *state);
    sut.model = *w;
    sut.state = *state;
    rc::state::check(initial, sut,
                     rc::state::gen::execOneOfWithArgs<LoginCo, LoginCo, Logout, BackupCmd,
                                                       BackupCmd, BackupCmd, RestoreCmd,
                                                       DeleteCmd, ListCmd, ContentsCmd>());
  };
  std::string could_not_run;
  // Command sequences of up to about 30 lines.
  const bool held = HoldsPastPrinted(ctx, 30, property, printed, &could_not_run);
  if (held && printed.empty()) return CheckResult::Pass(std::max(ctx.cases, 1));
  if (!held && !last) {
    if (std::optional<CheckResult> r = lacked.GaveUp(runs)) return *r;
    return CheckResult::Error("the stateful property could not run: " + could_not_run);
  }
  return printed.Result(held ? nullptr : &*last, ctx.seed, runs);
}

// The clauses every variant judges after each step. CLONE-OPAQUE-V1 is
// named only by the variant that is sure to have V1 objects: a clause
// passes on the checks that name it, and a pass without a V1 object in
// sight would be vacuous (the model still blames it wherever it breaks).
const std::vector<std::string> kInvariantClauses = {
    "SRC-UNCHANGED", "FULL-REVERT", "OUT-NO-SECRETS", "OUT-TRANSCRIPT", "OUT-PED", "RESIZE-SHRINK",
    "RESIZE-GRAB-ALL", "OPT-APPEND", "OPT-REPLACE", "OPT-APPEND-REPLACE", "RESTORE-ROUNDTRIP",
    "ARCHIVE-DELETE", "AUTH-LOCKOUT", "DOM-MISMATCH-EMPTY"};

std::vector<std::string> WithV1(std::vector<std::string> clauses) {
  clauses.push_back("CLONE-OPAQUE-V1");
  return clauses;
}

}  // namespace

std::vector<Check> StatefulChecks() {
  return {
      {"Stateful", "CommandSequences", kInvariantClauses, {}, 40,
       [](CheckContext& ctx) { return RunSequences(ctx, false, false); }},
      {"Stateful", "CommandSequencesWithV1", WithV1(kInvariantClauses), {"smkonly"}, 30,
       [](CheckContext& ctx) { return RunSequences(ctx, true, false); }},
      // V1 sources only for a target that declares them: one without
      // `smkonly` still has its fault handling judged, on pre-7.7 and V0.
      // A shrink_fail world is discarded for a target without it (a product
      // without a Backup HSM 7 never re-sizes), not the whole check.
      {"Stateful", "CommandSequencesWithFaults", kInvariantClauses,
       {"fault.verify_fail", "fault.partition_full"}, 30,
       [](CheckContext& ctx) { return RunSequences(ctx, ctx.hello.Has("smkonly"), true); }},
  };
}

}  // namespace hsmbackup::conformance
