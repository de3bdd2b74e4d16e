// Scenarios: a world and the lunacm lines run against it, the unit the suite
// generates, replays, shrinks and hands back to people.
//
// A scenario is exactly what `hsmbackup run` takes: a world file, a script
// (one command per line, given as its last argument) and the answers to proceed/quit prompts, consumed
// in order across the whole run (`--answer`). So every counterexample the
// suite prints can be replayed against the reference by hand.
#ifndef HSMBACKUP_CONFORMANCE_SCENARIO_H_
#define HSMBACKUP_CONFORMANCE_SCENARIO_H_

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "conformance/target.h"

namespace hsmbackup::conformance {

struct Scenario {
  Json world;                        // a hsmbackup-world/1 document
  std::vector<std::string> lines;    // lunacm command lines, in order
  std::vector<std::string> answers;  // prompt answers, consumed in order; then "quit"
  // Answers to credential prompts by name, for every line (AUTH-PROMPT;
  // `hsmbackup run --credential NAME=VALUE`).
  Credentials credentials = {};
};

// Counterexample is a failing scenario, shrunk, with what each side said at
// the step that failed.
struct Counterexample {
  Scenario scenario;       // cut after the failing step
  size_t failing_step = 0;  // index into scenario.lines
  std::string expected;     // what the suite's model accepts there
  std::string observed;     // what the target did
  std::vector<std::string> target_transcript;     // the target's lines for that step
  std::vector<std::string> reference_transcript;  // the reference's, when it was run
  uint64_t seed = 0;        // the check's seed (rerun with --seed)
};

// Script renders the lines as a script for `hsmbackup run --script`, with
// header comments giving the answers and the credentials (`# credentials:
// NAME=VALUE ...`) (redaction is the reader's business:
// generated worlds hold only generated secrets).
std::string ScenarioScript(const Scenario& s);

// ParseScenario reads a world document and a script as ScenarioScript
// writes them ("# answers: a b" header lines; other '#' lines and blank
// lines are comments). nullopt with `error` set if the world is not JSON.
std::optional<Scenario> ParseScenario(const std::string& world_json, const std::string& script,
                                      std::string* error);

// ReplayCommand is the shell command that replays a scenario saved as
// `world_path` and `script_path` against the reference.
std::string ReplayCommand(const Scenario& s, const std::string& world_path,
                          const std::string& script_path);

// NeededCapabilities is the set of `hello` capabilities (PROTOCOL.md's
// table) a target must have (Hello::Has) before it is given `world`: a
// fault type ("fault.verify_fail"), "ped", "smkonly", "appliance", "usb",
// and the kind of each user partition and of each backup's origin
// ("kind.pre77") and the model of each backup HSM ("model.backup_hsm_g5").
// No check gives a world to a target that lacks one of them.
std::set<std::string> NeededCapabilities(const Json& world);

// BrokenUniqueness names the first uniqueness rule of WORLD-FORMAT.md that
// `world` breaks ("backup HSM on slot 2, partition bk: ouid 00... appears
// twice"): slot ids; a user partition's handles and OUIDs; a backup HSM's
// partition names, its handles across the HSM, and each partition's OUIDs.
// nullopt if it keeps them all. A generated world that breaks one (a
// shrink can make two random OUIDs equal) is discarded, never given to a
// target, which must refuse it.
std::optional<std::string> BrokenUniqueness(const Json& world);

// Describe renders a counterexample for people: the failing step, expected
// against observed, both transcripts, then the world and the script in full
// and the replay command.
std::string Describe(const Counterexample& c);

// StepOutcome is one executed line with the answers it consumed.
struct StepOutcome {
  Outcome outcome;
  std::vector<std::string> answers_used;
  // The state observed after the line (ExecuteAndObserveStep only).
  Json after;
};

// ExecuteStep runs line `i` of `s`, handing it the answers not yet used
// (`*next_answer` indexes them) and advancing by the prompts it asked.
std::optional<StepOutcome> ExecuteStep(Target& target, const Scenario& s, size_t i,
                                       size_t* next_answer, TargetError* error);
// ExecuteAndObserveStep is ExecuteStep and then the state in `after`
// (Target::ExecuteAndObserve: `meanwhile` may run while the target works).
std::optional<StepOutcome> ExecuteAndObserveStep(Target& target, const Scenario& s, size_t i,
                                                 size_t* next_answer,
                                                 const std::function<void()>& meanwhile,
                                                 TargetError* error);

}  // namespace hsmbackup::conformance

#endif  // HSMBACKUP_CONFORMANCE_SCENARIO_H_
