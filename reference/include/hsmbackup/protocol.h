// The target protocol, reference side: newline-delimited JSON requests in,
// responses out (specified in conformance/PROTOCOL.md).
//
// ProtocolServer is transport-free: `hsmbackup serve` feeds it stdin lines
// and the conformance suite's in-process adapter calls it directly, so both
// adapters exercise the same mapping from World to observed state.
#ifndef HSMBACKUP_PROTOCOL_H_
#define HSMBACKUP_PROTOCOL_H_

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "hsmbackup/engine.h"
#include "hsmbackup/model.h"

namespace hsmbackup {

inline constexpr std::string_view kProtocolVersion = "hsmbackup-target/1";

// Limits on one request line. A longer line, or one nested deeper (a world
// file's 64 levels plus the request around it), is refused with
// CKR_ARGUMENTS_BAD before it is parsed further.
inline constexpr size_t kMaxRequestLineBytes = size_t{64} << 20;  // 64 MiB
inline constexpr size_t kMaxRequestNesting = 65;

// kFixedWorldCapability is what `hello` lists on a target whose world
// cannot be loaded; its `load` answers ok:false with kFixedWorldLoadRefusal.
inline constexpr std::string_view kFixedWorldCapability = "fixed-world";
inline constexpr Ckr kFixedWorldLoadRefusal = Ckr::kOperationNotAllowed;

// ProtocolHook sees every `execute` request around the engine: Before may
// rewrite the line, the prompt answers or the world before the session runs
// it; After may change the world, the result and the transcript before they
// are answered; After sees the line as Before left it. BeforeLoad may
// rewrite a `load` request's world document before it is read, and
// DiscardsBeforeLoad makes the server drop its world before reading the new
// one (so a refused load leaves none). A hook that overrides
// nothing changes nothing. It exists so the conformance suite's mutants
// (conformance/mutants/) can be the reference with one deliberate fault; the
// reference itself never installs one.
class ProtocolHook {
 public:
  virtual ~ProtocolHook() = default;
  virtual void Before(World& /*world*/, Session& /*session*/, std::string& /*line*/,
                      std::vector<std::string>& /*answers*/) {}
  virtual void After(World& /*world*/, Session& /*session*/, const std::string& /*line*/,
                     Result& /*result*/, std::vector<std::string>& /*transcript*/) {}
  virtual void BeforeLoad(nlohmann::json& /*world*/) {}
  virtual bool DiscardsBeforeLoad() const { return false; }
};

// kForkCapability is what `hello` lists on a target that can serve each
// check from a copy of one process (conformance/PROTOCOL.md, "fork").
inline constexpr std::string_view kForkCapability = "fork";

// ForkResult is what a Forker did with one `fork` request.
struct ForkResult {
  bool in_copy = false;   // this is the copy: it answers nothing to the fork
  Status status;          // in the original: not ok when no copy started
  nlohmann::json fields;  // in the original: how the copy ended, for the answer
};
// A Forker starts a copy of the process that serves the requests after the
// `fork` and returns, in the original, once the copy has ended.
using Forker = std::function<ForkResult()>;

class ProtocolServer {
 public:
  ProtocolServer();
  // `hook` (not owned, may be null) must outlive the server. A non-empty
  // `implementation` replaces the hello's implementation text.
  explicit ProtocolServer(ProtocolHook* hook, std::string implementation = "");
  ~ProtocolServer();

  // Handle answers one request line with one response line (no newline).
  // It never throws; malformed requests get an error response. Requests are
  // read with ParseStrictJson (strict_json.h): duplicate keys, a BOM, a NUL
  // or nesting past kMaxRequestNesting are refused, CKR_ARGUMENTS_BAD.
  std::string Handle(std::string_view request_line);
  // Handle answers "" (nothing) to the `fork` it was handling when it
  // returns in the copy that request started.
  // done is true after a "bye" request.
  bool done() const { return done_; }

  // SetFixedWorld makes this a fixed-world target (conformance/PROTOCOL.md,
  // "Fixed-world targets"): `world` becomes the state, `hello` lists the
  // capability "fixed-world", and every `load` is refused with
  // kFixedWorldLoadRefusal, changing nothing. Called again (another process
  // changed the world file), it replaces the state in place and keeps the
  // session: who is logged in where, and the current slot.
  void SetFixedWorld(World world);
  // LoadWorld makes `world` the state with a fresh session, as an accepted
  // `load` of a document that parses to `world` does (the hook's
  // BeforeLoad is not asked: there is no document). A fixed-world target
  // refuses it with kFixedWorldLoadRefusal and changes nothing. It lets an
  // in-process caller that already holds a parsed World skip re-reading it
  // (protocol_fuzzer parses its fixture once per process, not per session).
  [[nodiscard]] Status LoadWorld(World world);
  // AllowFork makes `hello` list kForkCapability and `fork` call `forker`
  // (which `serve` installs; in process there is nothing to copy). A fork
  // after a world was loaded, or on a fixed-world target, is refused with
  // CKR_OPERATION_NOT_ALLOWED: the copy must be as fresh as a new process.
  void AllowFork(Forker forker) { forker_ = std::move(forker); }
  // world is the state, or null before the first load.
  const World* world() const { return world_.get(); }

 private:
  nlohmann::json Dispatch(std::string_view request_line);

  std::unique_ptr<World> world_;
  std::unique_ptr<Session> session_;
  ProtocolHook* hook_ = nullptr;
  Forker forker_;
  std::string implementation_;
  bool done_ = false;
  bool fixed_ = false;
};

}  // namespace hsmbackup

#endif  // HSMBACKUP_PROTOCOL_H_
