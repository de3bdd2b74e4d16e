// Fuzz target: the target protocol's request handling (ProtocolServer,
// conformance/PROTOCOL.md), as `hsmbackup serve` drives it.
//
// The input is a session: one request per '\n'-separated line, empty lines
// skipped, stopping after "bye", as serve does. A fresh server starts with
// the seed example world (fixtures/worlds/seed-example.json, embedded at
// build time), so execute and observe paths are reached without the fuzzer
// having to spell a whole world; an input may load another. The fixture is
// read once per process, by a server's own `load` request, and each
// session's fresh server gets a copy of that World (ProtocolServer::
// LoadWorld): re-reading the same text for every input was a quarter of a
// session and found nothing new (FUZZING.md, "Where a session goes").
//
// Invariants, per request line:
//  - the response is one line of JSON, an object with a boolean "ok";
//  - it has an "id", equal to the request's when the request was a JSON
//    object with one that the strict reader accepts (ParseStrictJson, as
//    the server reads it: no duplicate key, BOM, NUL or nesting past
//    kMaxRequestNesting), compared as JSON text (a number JSON cannot
//    carry, like 1e400, is null on the wire whoever serializes it), else
//    null;
//  - "ok": false carries error.code "CKR_..." and a string error.message;
//  - an ok execute has result "CKR_...", a string message, an integer
//    prompts and a transcript of strings ending in "Command Result : ...";
//  - no response contains a secret of the loaded fixture world unless the
//    input contains that string, raw or once JSON escapes are decoded (then
//    it may be an echo of a partition name or an unknown op).
#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "fuzz_support.h"
#include "hsmbackup/protocol.h"
#include "hsmbackup/strict_json.h"
#include "protocol_fuzzer_world.h"
#include "response_envelope.h"

using namespace hsmbackup;
using Json = nlohmann::json;

namespace {

// The secrets of seed-example.json (credentials, domains, SO passwords).
constexpr std::string_view kFixtureSecrets[] = {"userpin1234", "fake-po-pin-1234", "clientdomain",
                                                "backupSOpwd"};

// RequestFacts is what the oracle needs of a request line, read as the
// server reads it (ParseStrictJson; a line it refuses has no id and no op).
struct RequestFacts {
  std::optional<std::string> id;  // the id as JSON text, when it has one
  bool execute = false;           // "op" is "execute"
  std::string unescaped;          // the request re-serialized, if it held a backslash
};

RequestFacts ReadRequest(std::string_view line) {
  RequestFacts facts;
  // A deep line is refused here too, never walked recursively.
  StatusOr<Json> req = ParseStrictJson(line, "request", kMaxRequestNesting);
  if (!req.ok()) return facts;
  if (req->is_object() && req->contains("id")) {
    facts.id = (*req)["id"].dump(-1, ' ', false, Json::error_handler_t::replace);
  }
  facts.execute = req->is_object() && req->value("op", Json()) == "execute";
  // Without a backslash every string in the line reads as written, so the
  // unescaped form holds no secret the raw input does not.
  if (line.find('\\') != std::string_view::npos) {
    facts.unescaped = req->dump(-1, ' ', false, Json::error_handler_t::replace);
  }
  return facts;
}

// RequestFactsOf is ReadRequest remembered for the process: a mutated
// session repeats most of its parent's lines, and the facts of a line are
// a function of its text. The server still reads every line itself.
struct LineHash {
  using is_transparent = void;  // looked up by string_view: no copy per line
  size_t operator()(std::string_view line) const { return std::hash<std::string_view>{}(line); }
};

const RequestFacts& RequestFactsOf(std::string_view line) {
  static std::unordered_map<std::string, RequestFacts, LineHash, std::equal_to<>> known;
  if (auto it = known.find(line); it != known.end()) return it->second;
  if (known.size() >= 4096) known.clear();  // bounded: the fuzzer's RSS limit stays far
  return known.emplace(std::string(line), ReadRequest(line)).first->second;
}

// FixtureWorld is seed-example.json as a `load` request of it leaves the
// server's state, read on first use and kept for the process (a fuzzer's
// own cache: the reference holds no such state).
const World& FixtureWorld() {
  static const World& kWorld = *[] {
    ProtocolServer loader;
    const std::string load = std::string(R"({"id":0,"op":"load","world":)") +
                             std::string(fuzz::kProtocolFuzzerWorld) + "}";
    const Json loaded = Json::parse(loader.Handle(load), nullptr, false);
    FUZZ_CHECK(loaded.is_object() && loaded.value("ok", false));
    FUZZ_CHECK(loader.world() != nullptr);
    return new World(*loader.world());
  }();
  return kWorld;
}

// CheckResponse judges one response against its request.
void CheckResponse(const RequestFacts& req, const std::string& response) {
  FUZZ_CHECK(response.find('\n') == std::string::npos);
  const std::optional<fuzz::Envelope> r = fuzz::ReadEnvelope(response);
  FUZZ_CHECK(r.has_value());  // one JSON object
  FUZZ_CHECK(r->ok.has_value());
  FUZZ_CHECK(r->has_id);
  if (req.id.has_value()) {
    FUZZ_CHECK(r->id.dump(-1, ' ', false, Json::error_handler_t::replace) == *req.id);
  } else {
    FUZZ_CHECK(r->id.is_null());
  }
  if (!*r->ok) {
    FUZZ_CHECK(r->error_is_object);
    FUZZ_CHECK(r->error_code_ckr);
    FUZZ_CHECK(r->error_message_string);
    return;
  }
  if (req.execute) {
    FUZZ_CHECK(r->result_ckr);
    FUZZ_CHECK(r->message_string);
    FUZZ_CHECK(r->prompts_unsigned);
    FUZZ_CHECK(r->transcript_array && r->transcript_size > 0);
    FUZZ_CHECK(r->transcript_all_strings);
    FUZZ_CHECK(r->transcript_ends_with_result);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  ProtocolServer server;
  FUZZ_CHECK(server.LoadWorld(FixtureWorld()).ok());

  std::string responses;
  std::string echoable(input);  // the input, and its requests unescaped
  size_t start = 0;
  while (start <= input.size() && !server.done()) {
    size_t end = input.find('\n', start);
    if (end == std::string_view::npos) end = input.size();
    const std::string_view line = input.substr(start, end - start);
    start = end + 1;
    if (line.empty()) continue;
    const std::string response = server.Handle(line);
    const RequestFacts& req = RequestFactsOf(line);
    CheckResponse(req, response);
    echoable += req.unescaped;
    responses += response;
    responses += '\n';
  }
  for (std::string_view secret : kFixtureSecrets) {
    if (echoable.find(secret) != std::string::npos) continue;
    if (responses.find(secret) != std::string::npos) {
      std::fprintf(stderr, "fixture secret in a response:\n%s", responses.c_str());
      FUZZ_CHECK(responses.find(secret) == std::string::npos);
    }
  }
  return 0;
}
