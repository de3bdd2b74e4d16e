// The implementation under test, as the conformance suite sees it.
//
// A Target speaks the protocol of conformance/PROTOCOL.md: hello, load a
// world, execute one lunacm line (with answers for prompts), observe the
// state. Two transports: in-process (the reference, linked) and a
// subprocess speaking JSON lines on stdin/stdout (any implementation, any
// language). The suite judges only what it observes through this interface.
#ifndef HSMBACKUP_CONFORMANCE_TARGET_H_
#define HSMBACKUP_CONFORMANCE_TARGET_H_

#include <nlohmann/json.hpp>

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hsmbackup::conformance {

using Json = nlohmann::json;

// kProtocol is the one protocol version this kit speaks (PROTOCOL.md,
// "Versioning"); a target that answers `hello` with another is refused.
inline constexpr char kProtocol[] = "hsmbackup-target/1";

// kPipelineCapability, listed in a target's `hello`, says it splits its stdin
// on newlines and answers every request in order however the lines arrive,
// so the suite may write `observe` together with the `load` or `execute`
// before it (PROTOCOL.md, "Pipelining").
inline constexpr char kPipelineCapability[] = "pipeline";

// kMaxJsonDepth bounds the nesting of every JSON document the suite reads
// (a target's responses, the catalogue, a vendor config, vectors, kept
// scenarios); the deepest legitimate one (an observed state) nests 6 deep.
inline constexpr int kMaxJsonDepth = 64;

// ParseJson parses `text`, refusing (a discarded value) anything that is
// not JSON or nests deeper than kMaxJsonDepth, before it is built.
Json ParseJson(const std::string& text);

// TargetError is a failure of the harness or the protocol, not a lunacm
// result: the target could not be reached, or answered nonsense.
struct TargetError {
  TargetError(std::string m = {}, std::string code = {})
      : message(std::move(m)), refused_code(std::move(code)) {}
  std::string message;
  // Set when the target answered the request `ok:false` with this error
  // code (a refusal the protocol allows, e.g. `load` of an invalid world);
  // empty when it broke the protocol or could not be reached.
  std::string refused_code;
};

// The capabilities that name what a product has of the seed's devices
// (PROTOCOL.md `hello`): a partition kind ("kind.pre77", "kind.v0",
// "kind.v1") or a backup HSM model ("model.backup_hsm_7",
// "model.backup_hsm_g5"), spelled as the world format spells them.
inline constexpr std::string_view kKindCapabilityPrefix = "kind.";
inline constexpr std::string_view kModelCapabilityPrefix = "model.";

struct Hello {
  std::string protocol;
  std::string implementation;
  std::set<std::string> capabilities;  // as the target listed them
  // Has: the target listed `capability`; except that a target listing no
  // "kind." capability has every kind, and one listing no "model." every
  // model (a target that says nothing has the seed's whole product).
  bool Has(const std::string& capability) const;
};

// Outcome is one executed lunacm line.
struct Outcome {
  std::string result;  // "CKR_OK", "CKR_PIN_INCORRECT", ...
  std::string message;
  std::vector<std::string> transcript;
  int prompts = 0;
  // The credentials the target asked for (AUTH-PROMPT), by name, in the order
  // asked; nullopt when its response does not say (PROTOCOL.md: optional).
  std::optional<std::vector<std::string>> credential_prompts;
  bool ok() const { return result == "CKR_OK"; }
};

// Credentials answer a target's credential prompts by name ("sopassword",
// "password", "domain"; PROTOCOL.md `execute`).
using Credentials = std::map<std::string, std::string>;

class Target {
 public:
  virtual ~Target() = default;

  // Each call returns its result, or sets `error` and returns an empty value.
  // Handshake sends `hello` for kProtocol and refuses an answer naming any
  // other protocol (or none), with a message saying which version the
  // target speaks and which this kit does.
  std::optional<Hello> Handshake(TargetError* error);
  bool Load(const Json& world, TargetError* error);
  std::optional<Outcome> Execute(const std::string& line, const std::vector<std::string>& answers,
                                 TargetError* error) {
    return Execute(line, answers, {}, error);
  }
  // With `credentials` (sent only when not empty, so a target that predates
  // them sees the same requests as before).
  std::optional<Outcome> Execute(const std::string& line, const std::vector<std::string>& answers,
                                 const Credentials& credentials, TargetError* error);
  std::optional<Json> Observe(TargetError* error);
  // LoadAndObserve loads `world` and returns the state it leaves (Load, then
  // Observe; both requests at once to a target that claims kPipelineCapability).
  std::optional<Json> LoadAndObserve(const Json& world, TargetError* error);
  // Observed is an executed line and the state observed right after it.
  struct Observed {
    Outcome outcome;
    Json state;
  };
  // ExecuteAndObserve executes `line` and observes the state after it. To a
  // target that claims kPipelineCapability both requests go at once and
  // `meanwhile` (the suite's own prediction) runs while the target works;
  // otherwise `meanwhile` runs first and the requests go one at a time. An
  // execute that fails sends no observe, or has its answer read and dropped.
  std::optional<Observed> ExecuteAndObserve(const std::string& line,
                                            const std::vector<std::string>& answers,
                                            const Credentials& credentials,
                                            const std::function<void()>& meanwhile,
                                            TargetError* error);
  // Bench asks a target that lists the "bench" capability to time its own
  // clone path (PROTOCOL.md, "bench"); the response's fields, or nullopt.
  std::optional<Json> Bench(const Json& params, TargetError* error);
  // ForbidPipelining: requests go one at a time whatever hello said.
  void ForbidPipelining() { pipeline_forbidden_ = true; }
  // Pipelining: the last hello listed kPipelineCapability and it is allowed.
  bool Pipelining() const { return pipeline_listed_ && !pipeline_forbidden_; }
  // NextId is the id the next request will get.
  long NextId() const { return next_id_; }
  // Bye sends `bye` once; later calls (Close's included) send nothing.
  void Bye();
  // Close ends the session: `bye`, then (a process) its exit within
  // kExitAfterBye. False, `error` set, if it had to be killed. Idempotent.
  virtual bool Close(TargetError* error);
  // AfterBye: Close calls `run` once, after `bye` and before waiting for the
  // process to exit (MakeTargetFactory starts the next check's process there).
  void AfterBye(std::function<void()> run) { after_bye_ = std::move(run); }
  // Alive: it still answers and is in step (a hung or dead process is not,
  // nor one taken out of service).
  bool Alive() const { return out_of_service_.empty() && Running(); }
  // TakeOutOfService records why the session cannot go on: a request got no
  // answer, or a line that was not its answer (not JSON, another id), so the
  // answers are out of step. Call does it; the first reason stays. From then
  // on every request fails at once naming that first failure, Alive() is
  // false and Close sends no bye (a process is stopped at once).
  virtual void TakeOutOfService(const std::string& why);
  // Raw sends one line as it is and returns the target's response line
  // (--check-protocol probes the envelope with it).
  std::optional<std::string> Raw(const std::string& line, TargetError* error) {
    return Exchange(line, error);
  }
  // RawPipelined sends the lines as they are, all before reading an answer,
  // runs `meanwhile`, and returns the answers in order (fewer, `error` set,
  // when the transport fails); borrowed targets use it.
  std::vector<std::string> RawPipelined(const std::vector<std::string>& lines,
                                        const std::function<void()>& meanwhile,
                                        TargetError* error) {
    return Pipelined(lines, meanwhile, error);
  }
  // RawWrite writes `bytes` as they are (no newline added) and returns once
  // the target has read them all (a pipe: none of them is left in it);
  // RawRead returns the next response line. --check-protocol sends a line in
  // pieces with them, or a request while an answer is still due. False or
  // nullopt, `error` set, when the transport fails or the target reads or
  // answers nothing within the answer timeout (a process is then stopped as
  // a hung one is). Read every answer still due with RawRead before using
  // Raw or RawPipelined again.
  [[nodiscard]] bool RawWrite(const std::string& bytes, TargetError* error) {
    return Write(bytes, error);
  }
  // RawSend writes `bytes` as they are and returns without waiting for the
  // target to read them (a pipe); read each answer with RawRead.
  [[nodiscard]] bool RawSend(const std::string& bytes, TargetError* error) {
    return WriteWithoutWaiting(bytes, error);
  }
  [[nodiscard]] std::optional<std::string> RawRead(TargetError* error) { return Read(error); }
  // RawReadWithin is RawRead with `limit` instead of the answer timeout (a
  // process is stopped as a hung one is when nothing comes within it).
  [[nodiscard]] std::optional<std::string> RawReadWithin(std::chrono::milliseconds limit,
                                                         TargetError* error) {
    return ReadWithin(limit, error);
  }

 protected:
  // RunAfterBye runs what AfterBye was given, once; Close calls it.
  void RunAfterBye() {
    if (after_bye_) std::exchange(after_bye_, nullptr)();
  }
  // Running: the transport still works (a hung or dead process's does not).
  virtual bool Running() const { return true; }
  // Exchange sends one request line and returns the response line, or
  // nullopt with `error` set when the transport fails.
  virtual std::optional<std::string> Exchange(const std::string& request, TargetError* error) = 0;
  // Pipelined is RawPipelined's transport. This default, for a transport
  // with nothing to overlap (in process), runs `meanwhile` and then
  // exchanges the lines one at a time; a pipe writes them all first.
  virtual std::vector<std::string> Pipelined(const std::vector<std::string>& lines,
                                             const std::function<void()>& meanwhile,
                                             TargetError* error);
  // Write and Read are RawWrite's and RawRead's transport. These defaults,
  // for a transport that takes whole lines (in process), exchange each line
  // once its newline is written and keep its answer for Read.
  virtual bool Write(const std::string& bytes, TargetError* error);
  virtual std::optional<std::string> Read(TargetError* error);
  // WriteWithoutWaiting is RawSend's transport; this default is Write.
  virtual bool WriteWithoutWaiting(const std::string& bytes, TargetError* error) {
    return Write(bytes, error);
  }
  // ReadWithin is RawReadWithin's transport; this default ignores `limit`.
  virtual std::optional<std::string> ReadWithin(std::chrono::milliseconds /*limit*/,
                                                TargetError* error) {
    return Read(error);
  }
  // StartIdsAt numbers the next request `id`.
  void StartIdsAt(long id) { next_id_ = id; }
  // StrayAnswer may explain `response`, a JSON object answering with another
  // id than request `id` (`request`), by setting `error` and returning true;
  // the session is then out of service all the same. This default does not.
  virtual bool StrayAnswer(const Json& /*response*/, long /*id*/, const Json& /*request*/,
                           TargetError* /*error*/) {
    return false;
  }

 private:
  std::optional<Json> Call(Json request, TargetError* error);
  // CallAll sends `requests` (each given its id) and returns their answers,
  // each checked as Call checks one; nullopt, `error` set, at the first that
  // fails. Pipelined when the target claimed kPipelineCapability.
  std::optional<std::vector<Json>> CallAll(std::vector<Json> requests,
                                           const std::function<void()>& meanwhile,
                                           TargetError* error);
  // Checked is `line` as the answer to `request` (id `id`), or nullopt with
  // `error` set: `ok:false`, or (the target then taken out of service) not
  // a JSON object or another id, the line quoted.
  std::optional<Json> Checked(const std::string& line, long id, const Json& request,
                              TargetError* error);
  // Failed takes the target out of service for `request` (id `id`), which
  // got no answer: `error` says why.
  void Failed(long id, const Json& request, const TargetError& error);
  // Refused is true, `error` set naming the first failure, when the target
  // is out of service.
  bool Refused(TargetError* error) const;
  long next_id_ = 1;
  bool said_bye_ = false;
  bool pipeline_listed_ = false;  // the last hello listed kPipelineCapability
  bool pipeline_forbidden_ = false;
  std::function<void()> after_bye_;
  std::string out_of_service_;      // TakeOutOfService's first reason
  std::string unterminated_;        // Write's bytes after the last newline
  std::deque<std::string> unread_;  // Write's answers that Read has not returned
};

// MakeInProcessTarget links the reference implementation.
std::unique_ptr<Target> MakeInProcessTarget();
// MakeBorrowedTarget speaks to `shared` without owning it: its Close sends
// no bye (--reuse-target: one process for the whole run).
std::unique_ptr<Target> MakeBorrowedTarget(Target* shared);
// kForkCapability, listed in a target's `hello`, says its process can serve
// each check from a copy of itself (PROTOCOL.md, "fork").
inline constexpr char kForkCapability[] = "fork";
// MakeForkedTarget asks `forking` (not owned; a process whose hello listed
// kForkCapability and which has served nothing else) for a copy of itself
// with a `fork` request numbered *next_id, and returns the copy's session: its
// requests go through `forking`'s pipes numbered after the fork's, and its
// Close sends bye and then waits up to kExitAfterBye for the fork's answer,
// which comes once the copy has exited. The copy ending early (the fork's
// answer in place of another), hanging or falling out of step takes
// `forking` out of service with it. On destruction *next_id is past every id
// the session used. nullptr, `error` set, if the request cannot be written.
std::unique_ptr<Target> MakeForkedTarget(Target* forking, long* next_id, TargetError* error);
// kExitAfterBye is how long a process may take to exit after `bye`.
inline constexpr std::chrono::seconds kExitAfterBye{5};
// kDefaultAnswerTimeout is how long a subprocess target may take to answer
// one request before it counts as hung.
inline constexpr std::chrono::seconds kDefaultAnswerTimeout{60};

// NextProcess is how a run with a process per check starts each check's
// process (MakeTargetFactory in runner.h; --next-process):
enum class NextProcess {
  kWhenAsked,  // "at-check": when the check begins: one process at a time
  kAfterBye,   // "after-bye": once the previous check's process has answered
               // bye, while it exits: its start-up overlaps that exit and the
               // runner's work between checks
  kOneAhead,   // "one-ahead": while the previous check runs (a spare): at
               // most two at once
  kFork,       // "fork": copied, when its check begins, from one process
               // started for the run, which waits while its copy serves
               // (a target whose hello lists kForkCapability)
};
// ParseNextProcess reads the --next-process spellings above; nullopt for any
// other name ("auto" is the caller's: the preflight then chooses, see
// ChooseNextProcess in runner.h).
std::optional<NextProcess> ParseNextProcess(std::string_view name);
std::string_view NextProcessName(NextProcess next);

// PlainCommandWords is `command`'s words when /bin/sh -c would run it as
// one program with those arguments and nothing else: blanks and only the
// characters A-Z a-z 0-9 _ . / , : + @ % = -, its first word neither an
// assignment nor a shell builtin or reserved word. Otherwise (quotes,
// expansions, redirections, lists, ...: the command needs the shell) or for
// a blank command, nullopt.
std::optional<std::vector<std::string>> PlainCommandWords(const std::string& command);

// MakeSubprocessTarget runs `command` with /bin/sh -c, or, when
// PlainCommandWords gives its words, starts that program directly (with a
// PATH search, falling back to the shell for a file the kernel cannot
// execute), as the shell would but without a shell process between the
// runner and the target: a process per check then costs one process, not
// two. Its stderr passes through. Fails (nullptr, error set) if the process cannot be started. A
// target that does not answer a request within `answer_timeout` is killed
// (SIGKILL), and that request and every later one fail with an error that
// says so: a hung target ends the check, not the run.
std::unique_ptr<Target> MakeSubprocessTarget(
    const std::string& command, TargetError* error,
    std::chrono::milliseconds answer_timeout = kDefaultAnswerTimeout);

// StopTargetsOnInterrupt makes SIGINT and SIGTERM stop the process group of
// every subprocess target still running (SIGKILL: a target may be hung),
// write one line to stderr ("<program>: interrupted by SIGTERM: ...") and
// exit with 128 + the signal's number (130, 143), writing no report: a
// cancelled CI job leaves no target behind.
void StopTargetsOnInterrupt(std::string_view program);

}  // namespace hsmbackup::conformance

#endif  // HSMBACKUP_CONFORMANCE_TARGET_H_
