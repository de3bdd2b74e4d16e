// Running scenarios against a target and judging them with the model; the
// building blocks every check family uses.
#ifndef HSMBACKUP_CONFORMANCE_CHECKS_HARNESS_H_
#define HSMBACKUP_CONFORMANCE_CHECKS_HARNESS_H_

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "conformance/check.h"
#include "conformance/model.h"
#include "conformance/scenario.h"
#include <rapidcheck.h>

namespace hsmbackup::conformance {

// StepView is one executed line as a relation between two runs sees it.
struct StepView {
  size_t index = 0;
  const std::string& line;
  const Outcome& outcome;
  const Json& before;  // observed state before the line
  const Json& after;   // observed state after it
  const model::Prediction& prediction;
};

// Relation judges a step against another transcript: another run of the
// same scenario (OPT-DEBUG and OPT-SHORTCUTS: a line must do with -debug,
// or with its options respelled, what it did without) or the seed page's
// own example. It is the one judgement outside the model: every clause
// about a single line has its one home there.
using Relation = std::function<std::vector<model::Mismatch>(const StepView&)>;

struct ScenarioVerdict {
  bool harness_error = false;  // the target broke the protocol; `message` says how
  std::string message;
  std::vector<model::Mismatch> mismatches;  // at `failing_step`
  size_t failing_step = 0;
  Counterexample counterexample;  // valid when mismatches is not empty
  // Steps whose code the model accepted only as a refusal the project chose
  // the code for (Prediction::own_code): a code list fixed elsewhere (a
  // vector's) does not apply to them.
  std::set<size_t> own_code_steps;
  // Steps the model judged by another reading than the project's
  // (Prediction::reading, clauses.json `accepts`): what is fixed elsewhere
  // for the project's reading (a vector's expectations) does not apply.
  std::set<size_t> reading_steps;
  // True when every failure was only in what the target printed
  // (model::OnlyPrinted) and every line was run and judged: `mismatches` are
  // the first such failure's, and each clause the scenario judges that no
  // failure names held on every line.
  bool judged_through = false;
  // Clauses of the printed failures after the one reported (and, when a
  // later failure stopped the scenario, of the printed ones before it), each
  // with how it first failed.
  std::map<std::string, std::string> also_failed;
};

// NoteFailed adds each primary clause of `mismatches` to `failed` with its
// description (Describe), keeping the first for a clause already there.
void NoteFailed(const std::vector<model::Mismatch>& mismatches,
                std::map<std::string, std::string>* failed);

// RunScenario loads the world, then runs and judges every line in order
// with the model (and `relation`, when given), stopping at the first line
// that breaks a clause in its code, prompts or state; a line that differs
// only in what it printed fails its clause and the run goes on
// (ScenarioVerdict::judged_through).
ScenarioVerdict RunScenario(Target& target, const Scenario& s, const Relation& relation = nullptr);
// RunLines is RunScenario without the load: the target already holds the
// world `world` (the model's reading of s.world, observations adopted),
// observed as `state`. Fixed-world checks start here.
ScenarioVerdict RunLines(Target& target, const Scenario& s, model::World world, Json state,
                         const Relation& relation = nullptr);

// ForAll runs `ctx.cases` scenarios from `gen` (seeded by ctx.seed), shrinks
// a failure, and returns it with the reference's transcript beside the
// target's. With cases = 1 it is an example check.
CheckResult ForAll(CheckContext& ctx, const rc::Gen<Scenario>& gen);

// Holds runs `property` (a RapidCheck property: RC_FAIL on failure) for
// ctx.cases cases seeded by ctx.seed. True when every case passed; false
// when one failed (the property keeps what it needs to report) or, with
// `could_not_run` set, when RapidCheck could not run it at all.
// Cases are generated at sizes up to `max_size`.
bool Holds(CheckContext& ctx, const std::function<void()>& property, std::string* could_not_run,
           int max_size = 100);

// PrintedFailures collects a property's cases that failed only in what the
// target printed (ScenarioVerdict::judged_through): the property goes on past
// them, and the check fails with the first and every clause they broke, its
// other clauses judged (CheckResult::judged_through) unless a failure of
// another kind stopped it.
class PrintedFailures;
using PrintedProperty = std::function<void(PrintedFailures& printed, bool shrinking)>;

class PrintedFailures {
 public:
  // Take keeps `v` and is true when it judged through; false when the
  // caller handles `v` as before (a pass, or a failure that stops).
  bool Take(ScenarioVerdict& v);
  bool empty() const { return !first_; }
  // Result is the check's result: FailedResult of `stopping` (a failure
  // that stopped the property) or, when null, of the first printed one,
  // blaming every clause a printed failure broke as well.
  CheckResult Result(const ScenarioVerdict* stopping, uint64_t seed, int runs) const;
  // AddTo charges `stopped`, a failure that stopped the check and was not
  // built from a verdict (a vector's own expectation), with every clause a
  // printed failure broke as well.
  void AddTo(CheckResult* stopped) const;

 private:
  friend bool HoldsPastPrinted(CheckContext& ctx, int max_size, const PrintedProperty& property,
                               PrintedFailures& printed, std::string* could_not_run);
  // Same is true when `v` breaks, in its own right, a clause the first
  // printed failure broke: what a shrink of that failure looks for.
  bool Same(const ScenarioVerdict& v) const;

  std::optional<ScenarioVerdict> first_;
  std::map<std::string, std::string> clauses_;
  // While a shrink runs: the collector whose first failure it looks for,
  // and the first case of it this collector was given.
  const PrintedFailures* seek_ = nullptr;
  std::optional<ScenarioVerdict> found_;
};

// HoldsPastPrinted runs `property` (ctx.cases cases of at most `max_size`,
// seeded by ctx.seed) and is Holds for it: true when no case stopped it.
// `property(printed, shrinking)` runs one case: it gives a case or step that
// failed only in print to printed.Take and goes on; on a failure that stops,
// it keeps the failure and RC_FAILs, or, when `shrinking`, RC_DISCARDs it.
// A property that held past printed failures shrank none of them, so it is
// run again from the same seed with `shrinking` set, each case failing when
// it breaks the first printed failure's clause again: RapidCheck shrinks that
// case, and the smallest it finds becomes the check's counterexample.
bool HoldsPastPrinted(CheckContext& ctx, int max_size, const PrintedProperty& property,
                      PrintedFailures& printed, std::string* could_not_run);

// FailedResult turns a failing verdict into a check's result: an error for
// a harness failure (with its counterexample when HarnessError made it),
// else a failure charged to the mismatches' clauses with the counterexample
// (without the reference's transcript; ForAll adds it).
CheckResult FailedResult(const ScenarioVerdict& failure, uint64_t seed, int runs);

// HarnessError is the verdict on a request of `s` that failed (TargetError
// `message`) after `lines` of its lines ran and consumed `answers` answers:
// at the load when `lines` is 0 ("load: ..."), else at line `lines` ("step
// 6 (partition archive list ...): ..."). Its counterexample is `s` cut
// there; secrets of the world and typed on the lines are redacted from
// `message` (a target's line it quotes).
ScenarioVerdict HarnessError(const Scenario& s, size_t lines, size_t answers,
                             const std::string& message);

// Unsupported is what `world` needs (NeededCapabilities) that the target
// lacks (Hello::Has): a kind or model a subset product does not claim, a
// fault it does not honour, PED, ...
std::set<std::string> Unsupported(const CheckContext& ctx, const Json& world);

// Lacked keeps what a check's generated worlds needed that the target
// lacks. Each such case is discarded before the target sees it, so a
// check whose worlds are mixed (pre-7.7 and V0 sources, say) judges a
// product without pre-7.7 on the rest, and one none of whose cases could
// run reads n/a, naming what the target does not claim.
class Lacked {
 public:
  // Skip discards the case (RC_DISCARD) if the target lacks something
  // `world` needs, or if `world` breaks a uniqueness rule of the world
  // format (BrokenUniqueness: shrinking can make two OUIDs equal), which
  // a target must refuse. Call it in a property, before the target is used.
  void Skip(const CheckContext& ctx, const Json& world);
  // GaveUp is the result of a property RapidCheck gave up on after `runs`
  // cases because Skip discarded too many: n/a when none ran, else a pass
  // of those that did. nullopt if Skip discarded none (a real give-up).
  std::optional<CheckResult> GaveUp(int runs) const;

 private:
  std::set<std::string> any_;     // lacked by some discarded world
  std::set<std::string> always_;  // lacked by every discarded world
};

// Unjudged keeps, for a check made of parts (a vector file's vectors, the
// stored regressions) some of which the target could not take, which
// clauses only the skipped parts name: the check's pass or fail says
// nothing of those (CheckResult::unjudged), so they read n/a from it.
class Unjudged {
 public:
  // Skipped: a part naming `clauses` was skipped; `why` says what it needed.
  void Skipped(const std::vector<std::string>& clauses, const std::string& why);
  // Ran: a part naming `clauses` ran.
  void Ran(const std::vector<std::string>& clauses);
  // Into adds the clauses only skipped parts name to `r.unjudged`, each
  // with the whys of the parts that name it.
  CheckResult Into(CheckResult r) const;

 private:
  std::set<std::string> judged_;
  std::map<std::string, std::set<std::string>> why_;
};

// LoadFailed is HarnessError for a scenario whose world the target did not
// load: a refusal of this valid world says what the world needs and how a
// product that lacks it says so (PROTOCOL.md, hello).
ScenarioVerdict LoadFailed(const Scenario& s, const TargetError& e);

// SkipOnceOutOfService discards (RC_DISCARD) a property's case when the
// target is out of service (Target::Alive): after a case on which it hung,
// died or answered out of step, nothing more can be learnt from it, and a
// shrink must not trade that first failure for a later request's.
void SkipOnceOutOfService(const Target& target);

// Example runs one fixed scenario; `seed_transcript`, when given, also
// holds it to a transcript the seed page prints (OUT-TRANSCRIPT examples).
CheckResult Example(CheckContext& ctx, const Scenario& s,
                    const Relation& seed_transcript = nullptr);

// Describe renders a mismatch for people: "[CLAUSE] what", or for a
// consequence "after CLAUSE failed: what".
std::string Describe(const model::Mismatch& m);

// Fails is one mismatch charged to `clause`, as a list (for relations).
std::vector<model::Mismatch> Fails(const std::string& clause, const std::string& what);

// WithoutCounters is an observed state without its lockout counters (the
// model judges those: AUTH-LOCKOUT).
Json WithoutCounters(Json state);

}  // namespace hsmbackup::conformance

#endif  // HSMBACKUP_CONFORMANCE_CHECKS_HARNESS_H_
