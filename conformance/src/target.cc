#include "conformance/target.h"

#include <cctype>
#include <string>

namespace hsmbackup::conformance {

std::optional<NextProcess> ParseNextProcess(std::string_view name) {
  for (NextProcess next :
       {NextProcess::kWhenAsked, NextProcess::kAfterBye, NextProcess::kOneAhead, NextProcess::kFork}) {
    if (name == NextProcessName(next)) return next;
  }
  return std::nullopt;
}

std::string_view NextProcessName(NextProcess next) {
  switch (next) {
    case NextProcess::kWhenAsked: return "at-check";
    case NextProcess::kAfterBye: return "after-bye";
    case NextProcess::kOneAhead: return "one-ahead";
    case NextProcess::kFork: return "fork";
  }
  return "?";
}

Json ParseJson(const std::string& text) {
  bool too_deep = false;
  Json::parser_callback_t bound = [&too_deep](int depth, Json::parse_event_t event, Json&) {
    if ((event == Json::parse_event_t::object_start || event == Json::parse_event_t::array_start) &&
        depth >= kMaxJsonDepth) {
      too_deep = true;
    }
    return !too_deep;
  };
  try {
    Json doc = Json::parse(text, bound, true);
    if (too_deep) return Json(Json::value_t::discarded);
    return doc;
  } catch (const Json::exception&) {
    return Json(Json::value_t::discarded);
  }
}

bool Hello::Has(const std::string& capability) const {
  if (capabilities.count(capability) != 0) return true;
  for (const std::string_view prefix : {kKindCapabilityPrefix, kModelCapabilityPrefix}) {
    if (capability.rfind(prefix, 0) != 0) continue;
    // A family the target says nothing of is all there.
    const auto listed = capabilities.lower_bound(std::string(prefix));
    return listed == capabilities.end() || listed->rfind(prefix, 0) != 0;
  }
  return false;
}

namespace {

// RequestName names a request in a message: its id and op, and an execute's
// line (what a reader needs to find it in the scenario).
std::string RequestName(long id, const Json& request) {
  const std::string op = request.value("op", std::string());
  std::string name = "request " + std::to_string(id) + " (" + op;
  if (op == "execute") name += " '" + request.value("line", std::string()) + "'";
  return name + ")";
}

// Quoted is a target's line as a message quotes it: at most 120 bytes.
std::string Quoted(const std::string& line) {
  constexpr size_t kMax = 120;
  if (line.size() <= kMax) return "'" + line + "'";
  return "'" + line.substr(0, kMax) + "' (" + std::to_string(line.size()) + " bytes in all)";
}

}  // namespace

void Target::TakeOutOfService(const std::string& why) {
  if (out_of_service_.empty()) out_of_service_ = why;
}

bool Target::Refused(TargetError* error) const {
  if (out_of_service_.empty()) return false;
  *error = {"not sent: the target has been out of service since " + out_of_service_};
  return true;
}

void Target::Failed(long id, const Json& request, const TargetError& error) {
  TakeOutOfService(RequestName(id, request) + ": " + error.message);
}

std::optional<Json> Target::Checked(const std::string& line, long id, const Json& request,
                                    TargetError* error) {
  Json response = ParseJson(line);
  const std::string op = request.value("op", std::string());
  // Past a line that is not this request's answer, every later answer
  // would be read as the one before it: the session cannot go on.
  if (response.is_discarded() || !response.is_object()) {
    *error = {"target answered request " + std::to_string(id) + " (" + op + ") with a line that " +
              (response.is_discarded() ? "is not JSON" : "is not a JSON object") + ": " +
              Quoted(line) + " (PROTOCOL.md: stdout carries only answers; log to stderr)"};
    Failed(id, request, *error);
    return std::nullopt;
  }
  if (!response.contains("id") || response["id"] != id) {
    if (StrayAnswer(response, id, request, error)) {
      Failed(id, request, *error);
      return std::nullopt;
    }
    *error = {"target answered request " + std::to_string(id) + " (" + op + ") with " +
              (response.contains("id") ? "id " + response["id"].dump().substr(0, 40)
                                       : std::string("no id")) +
              ": its answers are out of step with the requests"};
    Failed(id, request, *error);
    return std::nullopt;
  }
  if (!response.value("ok", false)) {
    Json e = response.value("error", Json::object());
    if (!e.is_object()) e = Json::object();
    const Json code = e.value("code", Json());
    *error = {"target refused '" + op +
                  "': " + (code.is_string() ? code.get<std::string>() : std::string("?")) + ": " +
                  (e.value("message", Json()).is_string() ? e["message"].get<std::string>() : ""),
              code.is_string() ? code.get<std::string>() : std::string()};
    return std::nullopt;
  }
  return response;
}

std::optional<Json> Target::Call(Json request, TargetError* error) {
  if (Refused(error)) return std::nullopt;
  const long id = next_id_++;
  request["id"] = id;
  std::optional<std::string> line =
      Exchange(request.dump(-1, ' ', false, Json::error_handler_t::replace), error);
  if (!line) {
    Failed(id, request, *error);
    return std::nullopt;
  }
  return Checked(*line, id, request, error);
}

std::optional<std::vector<Json>> Target::CallAll(std::vector<Json> requests,
                                                 const std::function<void()>& meanwhile,
                                                 TargetError* error) {
  std::vector<Json> answers;
  // Which request of several failed: the first needs no name (the caller
  // names what it asked for), a later one does.
  const auto name_later = [&](size_t i) {
    if (i > 0)
      error->message =
          "the " + requests[i].value("op", std::string()) + " after it: " + error->message;
  };
  if (!Pipelining()) {
    if (meanwhile) meanwhile();
    for (size_t i = 0; i < requests.size(); ++i) {
      std::optional<Json> answer = Call(requests[i], error);
      if (!answer) {
        name_later(i);
        return std::nullopt;
      }
      answers.push_back(std::move(*answer));
    }
    return answers;
  }
  if (Refused(error)) return std::nullopt;
  std::vector<std::string> lines;
  for (Json& request : requests) {
    request["id"] = next_id_++;
    lines.push_back(request.dump(-1, ' ', false, Json::error_handler_t::replace));
  }
  // Every answer is read before any is checked: one left in the pipe would
  // answer the next request (with --reuse-target, the next check's).
  const std::vector<std::string> got = Pipelined(lines, meanwhile, error);
  if (got.size() < lines.size()) {
    Failed(requests[got.size()]["id"].get<long>(), requests[got.size()], *error);
    name_later(got.size());
    return std::nullopt;
  }
  for (size_t i = 0; i < got.size(); ++i) {
    std::optional<Json> answer = Checked(got[i], requests[i]["id"].get<long>(), requests[i], error);
    if (!answer) {
      name_later(i);
      return std::nullopt;
    }
    answers.push_back(std::move(*answer));
  }
  return answers;
}

std::vector<std::string> Target::Pipelined(const std::vector<std::string>& lines,
                                           const std::function<void()>& meanwhile,
                                           TargetError* error) {
  if (meanwhile) meanwhile();
  std::vector<std::string> answers;
  for (const std::string& line : lines) {
    std::optional<std::string> answer = Exchange(line, error);
    if (!answer) break;
    answers.push_back(std::move(*answer));
  }
  return answers;
}

bool Target::Write(const std::string& bytes, TargetError* error) {
  unterminated_ += bytes;
  for (size_t nl; (nl = unterminated_.find('\n')) != std::string::npos;) {
    std::optional<std::string> answer = Exchange(unterminated_.substr(0, nl), error);
    unterminated_.erase(0, nl + 1);
    if (!answer) return false;
    unread_.push_back(std::move(*answer));
  }
  return true;
}

std::optional<std::string> Target::Read(TargetError* error) {
  if (unread_.empty()) {
    *error = {"no answer is due: no whole line was written"};
    return std::nullopt;
  }
  std::string answer = std::move(unread_.front());
  unread_.pop_front();
  return answer;
}

namespace {

// ProtocolMismatch says why a hello answer naming `spoken` is refused.
std::string ProtocolMismatch(const Json& spoken) {
  const std::string ours = kProtocol;
  if (!spoken.is_string() || spoken.get<std::string>().empty()) {
    return "target's hello answer names no \"protocol\"; this kit speaks " + ours +
           " and needs it named (PROTOCOL.md, hello)";
  }
  const std::string theirs = spoken.get<std::string>();
  const std::string family = ours.substr(0, ours.find('/') + 1);  // "hsmbackup-target/"
  if (theirs.rfind(family, 0) == 0) {
    return "target speaks protocol " + theirs + ", a version this kit does not know: it speaks " +
           "only " + ours + ". Run the adapter in its " + ours + " mode, or a kit that speaks " +
           theirs + " (CHANGELOG.md says which kit speaks which)";
  }
  return "target speaks protocol '" + theirs.substr(0, 80) + "', not " + ours;
}

}  // namespace

std::optional<Hello> Target::Handshake(TargetError* error) {
  std::optional<Json> r = Call({{"op", "hello"}, {"protocol", kProtocol}}, error);
  if (!r) {
    if (!error->refused_code.empty()) {
      error->message += " (this kit speaks only " + std::string(kProtocol) + ")";
    }
    return std::nullopt;
  }
  Hello h;
  h.protocol = r->value("protocol", std::string());
  h.implementation = r->value("implementation", std::string());
  if (h.protocol != kProtocol) {
    *error = {ProtocolMismatch(r->value("protocol", Json()))};
    return std::nullopt;
  }
  for (const Json& c : r->value("capabilities", Json::array())) {
    if (c.is_string()) h.capabilities.insert(c.get<std::string>());
  }
  pipeline_listed_ = h.Has(kPipelineCapability);
  return h;
}

namespace {

Json ExecuteRequest(const std::string& line, const std::vector<std::string>& answers,
                    const Credentials& credentials) {
  Json request{{"op", "execute"}, {"line", line}, {"answers", answers}};
  if (!credentials.empty()) request["credentials"] = credentials;
  return request;
}

std::optional<Outcome> OutcomeOf(const Json& r, TargetError* error) {
  Outcome o;
  o.result = r.value("result", std::string());
  o.message = r.value("message", std::string());
  o.prompts = r.value("prompts", 0);
  if (r.contains("credential_prompts") && r["credential_prompts"].is_array()) {
    o.credential_prompts.emplace();
    for (const Json& c : r["credential_prompts"]) {
      if (c.is_string()) o.credential_prompts->push_back(c.get<std::string>());
    }
  }
  for (const Json& l : r.value("transcript", Json::array())) {
    if (l.is_string()) o.transcript.push_back(l.get<std::string>());
  }
  if (o.result.rfind("CKR_", 0) != 0) {
    *error = {"target's execute result '" + o.result + "' is not a CKR_ name"};
    return std::nullopt;
  }
  return o;
}

// LowerHex rewrites the hex fields of an observed state (`ouid`,
// `fingerprint`, `smk_id`, wherever they are) in lower case: PROTOCOL.md
// lets a target write hex in either case, as the world format does, and
// everything after this point (the judge, the model adopting what it
// observed, worlds built from it) compares them as text.
void LowerHex(Json& j) {
  if (j.is_array()) {
    for (Json& e : j) LowerHex(e);
    return;
  }
  if (!j.is_object()) return;
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (it.value().is_string() &&
        (it.key() == "ouid" || it.key() == "fingerprint" || it.key() == "smk_id")) {
      std::string& text = it.value().get_ref<std::string&>();
      for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else {
      LowerHex(it.value());
    }
  }
}

std::optional<Json> StateOf(const Json& r, TargetError* error) {
  if (!r.contains("state") || !r["state"].is_object()) {
    *error = {"target's observe answer has no \"state\" object"};
    return std::nullopt;
  }
  Json state = r["state"];
  LowerHex(state);
  return state;
}

}  // namespace

bool Target::Load(const Json& world, TargetError* error) {
  return Call({{"op", "load"}, {"world", world}}, error).has_value();
}

std::optional<Outcome> Target::Execute(const std::string& line,
                                       const std::vector<std::string>& answers,
                                       const Credentials& credentials, TargetError* error) {
  std::optional<Json> r = Call(ExecuteRequest(line, answers, credentials), error);
  if (!r) return std::nullopt;
  return OutcomeOf(*r, error);
}

std::optional<Json> Target::Observe(TargetError* error) {
  std::optional<Json> r = Call({{"op", "observe"}}, error);
  if (!r) return std::nullopt;
  return StateOf(*r, error);
}

std::optional<Json> Target::LoadAndObserve(const Json& world, TargetError* error) {
  std::optional<std::vector<Json>> r =
      CallAll({{{"op", "load"}, {"world", world}}, {{"op", "observe"}}}, nullptr, error);
  if (!r) return std::nullopt;
  return StateOf(r->back(), error);
}

std::optional<Target::Observed> Target::ExecuteAndObserve(const std::string& line,
                                                          const std::vector<std::string>& answers,
                                                          const Credentials& credentials,
                                                          const std::function<void()>& meanwhile,
                                                          TargetError* error) {
  std::optional<std::vector<Json>> r =
      CallAll({ExecuteRequest(line, answers, credentials), {{"op", "observe"}}}, meanwhile, error);
  if (!r) return std::nullopt;
  std::optional<Outcome> outcome = OutcomeOf(r->front(), error);
  if (!outcome) return std::nullopt;
  std::optional<Json> state = StateOf(r->back(), error);
  if (!state) return std::nullopt;
  return Observed{std::move(*outcome), std::move(*state)};
}

std::optional<Json> Target::Bench(const Json& params, TargetError* error) {
  Json request = params;
  request["op"] = "bench";
  return Call(std::move(request), error);
}

void Target::Bye() {
  if (said_bye_) return;
  said_bye_ = true;
  TargetError ignored;
  Call({{"op", "bye"}}, &ignored);
}

bool Target::Close(TargetError*) {
  Bye();
  RunAfterBye();
  return true;
}

namespace {

class BorrowedTarget final : public Target {
 public:
  explicit BorrowedTarget(Target* shared) : shared_(shared) {}
  bool Close(TargetError*) override { return true; }
  // The process is the shared one's: out of step here, it is out of step
  // for the next check too (which then gets a fresh one).
  void TakeOutOfService(const std::string& why) override {
    Target::TakeOutOfService(why);
    shared_->TakeOutOfService(why);
  }

 protected:
  bool Running() const override { return shared_->Alive(); }
  std::optional<std::string> Exchange(const std::string& request, TargetError* error) override {
    return shared_->Raw(request, error);
  }
  std::vector<std::string> Pipelined(const std::vector<std::string>& lines,
                                     const std::function<void()>& meanwhile,
                                     TargetError* error) override {
    return shared_->RawPipelined(lines, meanwhile, error);
  }
  bool Write(const std::string& bytes, TargetError* error) override {
    return shared_->RawWrite(bytes, error);
  }
  std::optional<std::string> Read(TargetError* error) override { return shared_->RawRead(error); }

 private:
  Target* shared_;
};

}  // namespace

std::unique_ptr<Target> MakeBorrowedTarget(Target* shared) {
  return std::make_unique<BorrowedTarget>(shared);
}

}  // namespace hsmbackup::conformance
