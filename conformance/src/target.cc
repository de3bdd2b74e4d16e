#include "conformance/target.h"

namespace hsmbackup::conformance {

std::optional<NextProcess> ParseNextProcess(std::string_view name) {
  for (NextProcess next :
       {NextProcess::kWhenAsked, NextProcess::kAfterBye, NextProcess::kOneAhead}) {
    if (name == NextProcessName(next)) return next;
  }
  return std::nullopt;
}

std::string_view NextProcessName(NextProcess next) {
  switch (next) {
    case NextProcess::kWhenAsked: return "at-check";
    case NextProcess::kAfterBye: return "after-bye";
    case NextProcess::kOneAhead: return "one-ahead";
  }
  return "?";
}

Json ParseJson(const std::string& text) {
  bool too_deep = false;
  Json::parser_callback_t bound = [&too_deep](int depth, Json::parse_event_t event, Json&) {
    if ((event == Json::parse_event_t::object_start ||
         event == Json::parse_event_t::array_start) &&
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

std::optional<Json> Target::Call(Json request, TargetError* error) {
  const long id = next_id_++;
  request["id"] = id;
  std::optional<std::string> line =
      Exchange(request.dump(-1, ' ', false, Json::error_handler_t::replace), error);
  if (!line) return std::nullopt;
  Json response = ParseJson(*line);
  if (response.is_discarded() || !response.is_object()) {
    *error = {"target answered with something that is not a JSON object: " + line->substr(0, 200)};
    return std::nullopt;
  }
  if (!response.contains("id") || response["id"] != id) {
    *error = {"target answered request " + std::to_string(id) + " with another id"};
    return std::nullopt;
  }
  if (!response.value("ok", false)) {
    Json e = response.value("error", Json::object());
    if (!e.is_object()) e = Json::object();
    const Json code = e.value("code", Json());
    *error = {"target refused '" + request.value("op", std::string()) + "': " +
                  (code.is_string() ? code.get<std::string>() : std::string("?")) + ": " +
                  (e.value("message", Json()).is_string() ? e["message"].get<std::string>() : ""),
              code.is_string() ? code.get<std::string>() : std::string()};
    return std::nullopt;
  }
  return response;
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
  return h;
}

bool Target::Load(const Json& world, TargetError* error) {
  return Call({{"op", "load"}, {"world", world}}, error).has_value();
}

std::optional<Outcome> Target::Execute(const std::string& line,
                                       const std::vector<std::string>& answers,
                                       const Credentials& credentials, TargetError* error) {
  Json request{{"op", "execute"}, {"line", line}, {"answers", answers}};
  if (!credentials.empty()) request["credentials"] = credentials;
  std::optional<Json> r = Call(std::move(request), error);
  if (!r) return std::nullopt;
  Outcome o;
  o.result = r->value("result", std::string());
  o.message = r->value("message", std::string());
  o.prompts = r->value("prompts", 0);
  if (r->contains("credential_prompts") && (*r)["credential_prompts"].is_array()) {
    o.credential_prompts.emplace();
    for (const Json& c : (*r)["credential_prompts"]) {
      if (c.is_string()) o.credential_prompts->push_back(c.get<std::string>());
    }
  }
  for (const Json& l : r->value("transcript", Json::array())) {
    if (l.is_string()) o.transcript.push_back(l.get<std::string>());
  }
  if (o.result.rfind("CKR_", 0) != 0) {
    *error = {"target's execute result '" + o.result + "' is not a CKR_ name"};
    return std::nullopt;
  }
  return o;
}

std::optional<Json> Target::Observe(TargetError* error) {
  std::optional<Json> r = Call({{"op", "observe"}}, error);
  if (!r) return std::nullopt;
  if (!r->contains("state") || !(*r)["state"].is_object()) {
    *error = {"target's observe answer has no \"state\" object"};
    return std::nullopt;
  }
  return (*r)["state"];
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
  bool Alive() const override { return shared_->Alive(); }

 protected:
  std::optional<std::string> Exchange(const std::string& request, TargetError* error) override {
    return shared_->Raw(request, error);
  }

 private:
  Target* shared_;
};

}  // namespace

std::unique_ptr<Target> MakeBorrowedTarget(Target* shared) {
  return std::make_unique<BorrowedTarget>(shared);
}

}  // namespace hsmbackup::conformance
