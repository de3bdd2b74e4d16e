#include "checks/harness.h"

#include <rapidcheck/Check.h>

#include <algorithm>
#include <optional>
#include <set>

#include "conformance/fixed_world.h"

namespace hsmbackup::conformance {
namespace {

std::string Codes(const std::set<std::string>& codes) {
  std::string s;
  for (const std::string& c : codes) s += (s.empty() ? "" : " or ") + c;
  return s;
}

// ReferenceTranscript replays the scenario on the linked reference, so a
// reader sees its answer at the failing step beside the target's.
std::vector<std::string> ReferenceTranscript(const Scenario& s, size_t step) {
  std::unique_ptr<Target> ref = MakeInProcessTarget();
  TargetError e;
  if (!ref->Handshake(&e) || !ref->Load(s.world, &e)) return {"(the reference refused the world)"};
  size_t next = 0;
  for (size_t i = 0; i <= step && i < s.lines.size(); ++i) {
    std::optional<StepOutcome> o = ExecuteStep(*ref, s, i, &next, &e);
    if (!o) return {"(the reference failed: " + e.message + ")"};
    if (i == step) return o->outcome.transcript;
  }
  return {};
}

}  // namespace

ScenarioVerdict HarnessError(const Scenario& s, size_t lines, size_t answers,
                             const std::string& message) {
  ScenarioVerdict v;
  v.harness_error = true;
  // A line of the target's that the message quotes may hold what it was
  // given: the world's secrets, or those typed on a line.
  std::vector<std::string> secrets = model::Secrets(s.world);
  for (size_t i = 0; i < lines && i < s.lines.size(); ++i) {
    for (std::string& typed : model::TypedSecrets(s.lines[i])) secrets.push_back(std::move(typed));
  }
  v.message =
      (lines == 0 ? std::string("load: ")
                  : "step " + std::to_string(lines) + " (" + s.lines.at(lines - 1) + "): ") +
      Redact(message, secrets);
  Counterexample& c = v.counterexample;
  c.scenario = s;
  c.scenario.lines.resize(std::min(lines, s.lines.size()));
  c.scenario.answers.resize(std::min(answers, s.answers.size()));
  c.failing_step = lines == 0 ? 0 : lines - 1;
  c.expected = "an answer (PROTOCOL.md)";
  c.observed = v.message;
  return v;
}

namespace {

// Listed is `names` as a message lists them: "a, b", or "'a', 'b'" quoted.
std::string Listed(const std::set<std::string>& names, bool quoted) {
  std::string out;
  for (const std::string& n : names) {
    out += (out.empty() ? "" : ", ") + (quoted ? "'" + n + "'" : n);
  }
  return out;
}

}  // namespace

ScenarioVerdict LoadFailed(const Scenario& s, const TargetError& e) {
  if (e.refused_code.empty()) return HarnessError(s, 0, 0, e.message);
  const std::string needs = Listed(NeededCapabilities(s.world), false);
  ScenarioVerdict v = HarnessError(
      s, 0, 0,
      "the target refused a valid world (" + e.message +
          "): a target loads every valid world that needs only what its hello claims, and a "
          "product without some kind, model or feature leaves it out of its hello "
          "(PROTOCOL.md, hello); this world needs " +
          (needs.empty() ? std::string("nothing of the table") : needs));
  v.counterexample.expected = "the world loaded (PROTOCOL.md, load)";
  return v;
}

std::string Describe(const model::Mismatch& m) {
  if (!m.primary()) return "after " + m.after + " failed: " + m.what;
  std::string ids;
  for (const std::string& c : m.clauses) ids += (ids.empty() ? "" : ", ") + c;
  return "[" + ids + "] " + m.what;
}

std::vector<model::Mismatch> Fails(const std::string& clause, const std::string& what) {
  return {model::Mismatch{{clause}, what, ""}};
}

Json WithoutCounters(Json state) {
  if (state.is_object()) {
    for (const char* k : {"so_failures", "co_failures", "failures"}) state.erase(k);
    for (auto& [key, value] : state.items()) value = WithoutCounters(value);
  } else if (state.is_array()) {
    for (Json& value : state) value = WithoutCounters(value);
  }
  return state;
}

ScenarioVerdict RunScenario(Target& target, const Scenario& s, const Relation& relation) {
  ScenarioVerdict v;
  TargetError e;
  std::string why;
  std::optional<model::World> world = model::FromWorld(s.world, &why);
  if (!world) {
    v.harness_error = true;
    v.message = why;
    return v;
  }
  std::optional<Json> state = target.LoadAndObserve(s.world, &e);
  if (!state) return LoadFailed(s, e);
  model::Adopt(*world, *state);
  return RunLines(target, s, std::move(*world), std::move(*state), relation);
}

ScenarioVerdict RunLines(Target& target, const Scenario& s, model::World start, Json observed,
                         const Relation& relation) {
  std::optional<ScenarioVerdict> first_printed;
  ScenarioVerdict v;
  TargetError e;
  std::optional<model::World> world = std::move(start);
  std::optional<Json> state = std::move(observed);
  const std::vector<std::string> secrets = model::Secrets(s.world);
  size_t next = 0;
  for (size_t i = 0; i < s.lines.size(); ++i) {
    const size_t answers_from = std::min(next, s.answers.size());
    std::vector<std::string> pending(s.answers.begin() + static_cast<std::ptrdiff_t>(answers_from),
                                     s.answers.end());
    model::Prediction p;
    std::optional<StepOutcome> step = ExecuteAndObserveStep(
        target, s, i, &next,
        [&] { p = model::Predict(*world, s.lines[i], pending, s.credentials); }, &e);
    if (!step) return HarnessError(s, i + 1, next, e.message);
    v.mismatches = model::Judge(p, step->outcome, step->after, secrets);
    if (relation) {
      // A difference from the other run follows from one the model found first.
      std::string cause;
      for (const model::Mismatch& m : v.mismatches) {
        if (m.primary() && cause.empty()) cause = m.clauses.front();
      }
      for (model::Mismatch& m :
           relation(StepView{i, s.lines[i], step->outcome, *state, step->after, p})) {
        if (!cause.empty() && m.primary() && m.clauses != std::vector<std::string>{cause}) {
          m.after = cause;
        }
        v.mismatches.push_back(std::move(m));
      }
    }
    if (!v.mismatches.empty()) {
      v.failing_step = i;
      Counterexample& c = v.counterexample;
      c.scenario = s;
      c.scenario.lines.resize(i + 1);
      c.scenario.answers.resize(std::min(next, s.answers.size()));
      c.failing_step = i;
      c.expected = p.modelled ? Codes(p.codes) + " (" + p.summary + ")" : "(invariants only)";
      c.observed = step->outcome.result;
      for (const model::Mismatch& m : v.mismatches) c.observed += "; " + Describe(m);
      c.target_transcript = step->outcome.transcript;
      if (!model::OnlyPrinted(v.mismatches)) {
        if (first_printed) NoteFailed(first_printed->mismatches, &v.also_failed);
        return v;
      }
      // Only what it printed differed: the model's world is still the
      // target's, so the lines after it are judged too (each clause its own
      // verdict); the first such failure is the one reported.
      if (!first_printed) {
        first_printed = v;
      } else {
        NoteFailed(v.mismatches, &v.also_failed);
      }
      v.mismatches.clear();
    }
    if (p.own_code && p.codes.count(step->outcome.result) == 0) v.own_code_steps.insert(i);
    if (!p.reading.empty()) v.reading_steps.insert(i);
    *world = p.after;
    state = std::move(step->after);
  }
  if (first_printed) {
    std::map<std::string, std::string> also = std::move(v.also_failed);
    std::set<size_t> own = std::move(v.own_code_steps);
    std::set<size_t> readings = std::move(v.reading_steps);
    v = std::move(*first_printed);
    v.also_failed = std::move(also);
    v.own_code_steps = std::move(own);
    v.reading_steps = std::move(readings);
    v.judged_through = true;
  }
  return v;
}

bool Holds(CheckContext& ctx, const std::function<void()>& property, std::string* could_not_run,
           int max_size) {
  rc::detail::TestParams params;
  params.seed = ctx.seed;
  params.maxSuccess = std::max(ctx.cases, 1);
  params.maxSize = max_size;
  rc::detail::TestMetadata meta;
  const rc::detail::TestResult result = rc::detail::checkTestable(property, meta, params);
  if (result.template is<rc::detail::SuccessResult>()) return true;
  std::ostringstream why;
  rc::detail::printResultMessage(result, why);
  *could_not_run = why.str();
  return false;
}

namespace {

CheckResult ForAllHeldTo(CheckContext& ctx, const rc::Gen<Scenario>& gen,
                         const Relation& relation) {
  std::optional<ScenarioVerdict> last_failure;
  PrintedFailures printed;
  Lacked lacked;
  int runs = 0;
  const auto property = [&](PrintedFailures& into, bool shrinking) {
    const Scenario s = *gen;
    lacked.Skip(ctx, s.world);
    SkipOnceOutOfService(*ctx.target);
    runs += shrinking ? 0 : 1;
    ScenarioVerdict v = RunScenario(*ctx.target, s, relation);
    if (into.Take(v)) return;
    if (v.harness_error || !v.mismatches.empty()) {
      const std::string why = v.harness_error ? v.message : Describe(v.mismatches.front());
      if (shrinking) RC_DISCARD(why);
      last_failure = v;
      RC_FAIL(why);
    }
  };
  std::string could_not_run;
  const bool held = HoldsPastPrinted(ctx, 100, property, printed, &could_not_run);
  if (held && printed.empty()) return CheckResult::Pass(std::max(ctx.cases, 1));

  if (!held && !last_failure) {
    if (std::optional<CheckResult> r = lacked.GaveUp(runs)) return *r;
    return CheckResult::Error("the property could not run: " + could_not_run);
  }
  CheckResult r = printed.Result(held ? nullptr : &*last_failure, ctx.seed, runs);
  if (r.status != CheckStatus::kFail) return r;
  Counterexample& c = *r.counterexample;
  c.reference_transcript = ReferenceTranscript(c.scenario, c.failing_step);
  return r;
}

}  // namespace

CheckResult ForAll(CheckContext& ctx, const rc::Gen<Scenario>& gen) {
  return ForAllHeldTo(ctx, gen, nullptr);
}

void NoteFailed(const std::vector<model::Mismatch>& mismatches,
                std::map<std::string, std::string>* failed) {
  for (const model::Mismatch& m : mismatches) {
    if (!m.primary()) continue;
    for (const std::string& c : m.clauses) failed->emplace(c, Describe(m));
  }
}

bool PrintedFailures::Take(ScenarioVerdict& v) {
  if (v.harness_error || !v.judged_through) return false;
  if (seek_ != nullptr && !found_ && seek_->Same(v)) found_ = v;
  for (const auto& [clause, what] : v.also_failed) clauses_.emplace(clause, what);
  NoteFailed(v.mismatches, &clauses_);
  if (!first_) first_ = std::move(v);
  return true;
}

bool HoldsPastPrinted(CheckContext& ctx, int max_size, const PrintedProperty& property,
                      PrintedFailures& printed, std::string* could_not_run) {
  const bool held = Holds(
      ctx, [&] { property(printed, false); }, could_not_run, max_size);
  if (!held || printed.empty()) return held;
  std::optional<ScenarioVerdict> smallest;
  const auto again = [&] {
    PrintedFailures this_case;
    this_case.seek_ = &printed;
    property(this_case, true);
    if (!this_case.found_) return;
    smallest = std::move(this_case.found_);
    RC_FAIL("the first printed failure again");
  };
  std::string unused;
  if (!Holds(ctx, again, &unused, max_size) && smallest) printed.first_ = std::move(smallest);
  return true;
}

bool PrintedFailures::Same(const ScenarioVerdict& v) const {
  if (!first_ || v.harness_error || !v.judged_through) return false;
  for (const model::Mismatch& want : first_->mismatches) {
    if (!want.primary()) continue;
    for (const model::Mismatch& got : v.mismatches) {
      if (!got.primary()) continue;
      for (const std::string& c : want.clauses) {
        if (std::find(got.clauses.begin(), got.clauses.end(), c) != got.clauses.end()) return true;
      }
    }
  }
  return false;
}

CheckResult PrintedFailures::Result(const ScenarioVerdict* stopping, uint64_t seed,
                                    int runs) const {
  ScenarioVerdict failure = stopping != nullptr ? *stopping : *first_;
  for (const auto& [clause, what] : clauses_) failure.also_failed.emplace(clause, what);
  CheckResult r = FailedResult(failure, seed, runs);
  r.judged_through = r.status == CheckStatus::kFail && stopping == nullptr;
  return r;
}

void PrintedFailures::AddTo(CheckResult* stopped) const {
  if (stopped->status != CheckStatus::kFail) return;
  for (const auto& [clause, what] : clauses_) {
    if (std::find(stopped->failed_clauses.begin(), stopped->failed_clauses.end(), clause) ==
        stopped->failed_clauses.end()) {
      stopped->failed_clauses.push_back(clause);
      stopped->message += "\n" + what;
    }
  }
}

std::set<std::string> Unsupported(const CheckContext& ctx, const Json& world) {
  std::set<std::string> lacking;
  for (const std::string& c : NeededCapabilities(world)) {
    if (!ctx.hello.Has(c)) lacking.insert(c);
  }
  return lacking;
}

void Lacked::Skip(const CheckContext& ctx, const Json& world) {
  if (std::optional<std::string> broken = BrokenUniqueness(world)) {
    RC_DISCARD("the generated world breaks WORLD-FORMAT.md: " + *broken);
  }
  const std::set<std::string> lacking = Unsupported(ctx, world);
  if (lacking.empty()) return;
  if (any_.empty()) {
    always_ = lacking;
  } else {
    std::erase_if(always_, [&](const std::string& c) { return lacking.count(c) == 0; });
  }
  any_.insert(lacking.begin(), lacking.end());
  RC_DISCARD("the world needs what the target does not claim");
}

void Unjudged::Skipped(const std::vector<std::string>& clauses, const std::string& why) {
  for (const std::string& c : clauses) why_[c].insert(why);
}

void Unjudged::Ran(const std::vector<std::string>& clauses) {
  judged_.insert(clauses.begin(), clauses.end());
}

CheckResult Unjudged::Into(CheckResult r) const {
  for (const auto& [clause, whys] : why_) {
    if (judged_.count(clause) == 0) r.unjudged[clause] = Listed(whys, false);
  }
  return r;
}

std::optional<CheckResult> Lacked::GaveUp(int runs) const {
  if (any_.empty()) return std::nullopt;
  if (runs > 0) return CheckResult::Pass(runs);
  // What every world needed names the check's subject (kind.pre77 for a
  // check of pre-7.7 sources), not what some of them happened to hold.
  if (!always_.empty()) {
    return CheckResult::NotApplicable("the target lacks capability " + Listed(always_, true) +
                                      ", which every world the check generates needs");
  }
  return CheckResult::NotApplicable("every world the check generates needs one of " +
                                    Listed(any_, true) + ", which the target lacks");
}

void SkipOnceOutOfService(const Target& target) {
  if (!target.Alive()) RC_DISCARD("the target is out of service since an earlier case");
}

CheckResult FailedResult(const ScenarioVerdict& failure, uint64_t seed, int runs) {
  if (failure.harness_error) {
    CheckResult r = CheckResult::Error(failure.message);
    if (!failure.counterexample.scenario.world.is_null()) {
      r.counterexample = failure.counterexample;
      r.counterexample->seed = seed;
    }
    return r;
  }
  CheckResult r;
  r.status = CheckStatus::kFail;
  r.cases_run = runs;
  std::set<std::string> clauses;
  for (const model::Mismatch& m : failure.mismatches) {
    if (m.primary()) clauses.insert(m.clauses.begin(), m.clauses.end());
    r.message += (r.message.empty() ? "" : "\n") + Describe(m);
  }
  // Clauses other lines or cases broke, each with how it first failed.
  for (const auto& [clause, what] : failure.also_failed) {
    if (clauses.insert(clause).second) r.message += "\n" + what;
  }
  r.failed_clauses.assign(clauses.begin(), clauses.end());
  r.counterexample = failure.counterexample;
  r.counterexample->seed = seed;
  // The line that failed, so a reader of the message alone need not open
  // the counterexample's script; credentials typed on it redacted.
  const std::vector<std::string>& lines = failure.counterexample.scenario.lines;
  if (failure.counterexample.failing_step < lines.size()) {
    const std::string& line = lines[failure.counterexample.failing_step];
    r.message += "\n(failing line " + std::to_string(failure.counterexample.failing_step + 1) +
                 ": " + Redact(line, model::TypedSecrets(line)) + ")";
  }
  return r;
}

CheckResult Example(CheckContext& ctx, const Scenario& s, const Relation& seed_transcript) {
  CheckContext one = ctx;
  one.cases = 1;
  return ForAllHeldTo(one, rc::gen::just(s), seed_transcript);
}

}  // namespace hsmbackup::conformance
