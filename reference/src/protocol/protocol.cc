#include "hsmbackup/protocol.h"

#include <nlohmann/json.hpp>

#include "hsmbackup/blob.h"
#include "hsmbackup/crypto.h"
#include "hsmbackup/strict_json.h"
#include "hsmbackup/world_io.h"
#include "protocol/bench_op.h"

#ifndef HSMB_PROJECT_VERSION
#define HSMB_PROJECT_VERSION "0.1.0"
#endif

namespace hsmbackup {
namespace {

using Json = nlohmann::json;

// Dump never throws: text that is not UTF-8 (a caller's bad bytes echoed in
// an error message) is replaced, not fatal.
std::string Dump(const Json& j) {
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Json Error(const Json& id, Ckr code, std::string_view message) {
  return Json{{"id", id},
              {"ok", false},
              {"error", {{"code", std::string(CkrName(code))}, {"message", message}}}};
}

Status FixedWorldRefusal() {
  return Status(kFixedWorldLoadRefusal,
                "this target's world is fixed (capability \"fixed-world\"): load is refused and "
                "changes nothing");
}

Json ObserveObject(const Object& o) {
  return Json{{"handle", o.handle},
              {"ouid", o.ouid.ToHex()},
              {"label", o.label},
              {"class", ClassToken(o.object_class)},
              {"size", o.value.size()},
              {"fingerprint", HexEncode(ComputeFingerprint(o))}};
}

// Observe renders what a conformance suite may see: never a secret, never
// a value; V1 objects on a backup HSM only as OUID, label and size.
Json Observe(const World& world) {
  Json slots = Json::array();
  for (const Slot& s : world.slots) {
    if (s.user) {
      const UserPartition& p = *s.user;
      Json objects = Json::array();
      for (const Object& o : p.objects) objects.push_back(ObserveObject(o));
      slots.push_back({{"id", s.id},
                       {"type", "user_partition"},
                       {"label", p.label},
                       {"kind", KindToken(p.kind)},
                       {"zeroized", p.zeroized},
                       {"smk_id", p.smk ? Json(HexEncode(ComputeSmkId(*p.smk))) : Json()},
                       {"co_failures", p.co_lockout.failures},
                       {"objects", objects}});
      continue;
    }
    const BackupHsm& h = *s.backup;
    Json partitions = Json::array();
    for (const BackupPartition& p : h.partitions) {
      Json objects = Json::array();
      for (const BackupObject& b : p.objects) {
        Json o = !b.opaque() ? ObserveObject(b.object) : Json{{"handle", b.object.handle},
                                                              {"ouid", b.object.ouid.ToHex()},
                                                              {"label", b.object.label},
                                                              {"size", b.size}};
        o["opaque"] = b.opaque();
        objects.push_back(o);
      }
      Json smk_id;
      if (!p.smk_blob.empty()) {
        StatusOr<CloneBlob> blob = ParseBlob(p.smk_blob);
        if (blob.ok()) smk_id = HexEncode(blob->key_id);
      }
      partitions.push_back({{"name", p.name},
                            {"origin", KindToken(p.origin)},
                            {"allocated", p.allocated},
                            {"used", p.used(h.model)},
                            {"smk_id", smk_id},
                            {"failures", p.user_lockout.failures},
                            {"objects", objects}});
    }
    slots.push_back({{"id", s.id},
                     {"type", "backup_hsm"},
                     {"model", ModelToken(h.model)},
                     {"capacity", h.capacity},
                     {"free", h.free_bytes()},
                     {"zeroized", h.zeroized},
                     {"so_failures", h.so_lockout.failures},
                     {"partitions", partitions}});
  }
  return Json{{"slots", slots}};
}

}  // namespace

ProtocolServer::ProtocolServer() = default;
ProtocolServer::ProtocolServer(ProtocolHook* hook, std::string implementation)
    : hook_(hook), implementation_(std::move(implementation)) {}
ProtocolServer::~ProtocolServer() = default;

void ProtocolServer::SetFixedWorld(World world) {
  fixed_ = true;
  if (world_) {
    *world_ = std::move(world);  // the session keeps pointing at it
    return;
  }
  world_ = std::make_unique<World>(std::move(world));
  session_ = std::make_unique<Session>(world_.get());
}

Status ProtocolServer::LoadWorld(World world) {
  if (fixed_) {
    return FixedWorldRefusal();
  }
  world_ = std::make_unique<World>(std::move(world));
  session_ = std::make_unique<Session>(world_.get());
  return OkStatus();
}

std::string ProtocolServer::Handle(std::string_view request_line) {
  const Json response = Dispatch(request_line);
  return response.is_null() ? std::string() : Dump(response);
}

Json ProtocolServer::Dispatch(std::string_view request_line) {
  if (request_line.size() > kMaxRequestLineBytes) {
    return Error(nullptr, Ckr::kArgumentsBad,
                 "request line is longer than " + std::to_string(kMaxRequestLineBytes) +
                     " bytes");
  }
  // The same strict reader as world files: a duplicate key or a BOM in a
  // request is refused here, and depth is bounded before anything recurses.
  StatusOr<Json> parsed = ParseStrictJson(request_line, "request", kMaxRequestNesting);
  if (!parsed.ok()) {
    // A duplicate key or excess depth inside "world" makes an invalid world,
    // which PROTOCOL.md answers with CKR_DATA_INVALID like any other.
    const std::string& message = parsed.status().message();
    const bool in_world = message.rfind("request: /world/", 0) == 0;
    return Error(nullptr, in_world ? Ckr::kDataInvalid : Ckr::kArgumentsBad, message);
  }
  Json req = std::move(*parsed);
  if (!req.is_object()) {
    return Error(nullptr, Ckr::kArgumentsBad, "request is not a JSON object");
  }
  const Json id = req.contains("id") ? req["id"] : Json();
  if (!req.contains("op") || !req["op"].is_string()) {
    return Error(id, Ckr::kArgumentsBad, "request has no string \"op\"");

  }
  const std::string op = req["op"].get<std::string>();
  if (op == "hello") {
    // A client asking for a protocol version this server does not speak is
    // refused, and told the one it does; a hello naming none is taken as
    // ours (PROTOCOL.md, "Versioning").
    if (req.contains("protocol") &&
        (!req["protocol"].is_string() || req["protocol"].get<std::string>() != kProtocolVersion)) {
      const std::string asked = req["protocol"].is_string() ? req["protocol"].get<std::string>()
                                                            : req["protocol"].dump();
      Json refusal = Error(id, Ckr::kArgumentsBad,
                           "this target speaks " + std::string(kProtocolVersion) + ", not " +
                               asked.substr(0, 80));
      refusal["protocol"] = kProtocolVersion;
      return refusal;
    }
    // "pipeline": serve answers the lines in turn, however many arrive at once.
    Json capabilities = {"fault.verify_fail",
                         "fault.partition_full",
                         "fault.shrink_fail",
                         "ped",
                         "smkonly",
                         "appliance",
                         "usb",
                         "bench",
                         "pipeline"};
    if (fixed_) capabilities.push_back(std::string(kFixedWorldCapability));
    if (forker_ && !fixed_) capabilities.push_back(std::string(kForkCapability));
    return Json{{"id", id},
                {"ok", true},
                {"protocol", kProtocolVersion},
                {"implementation", implementation_.empty()
                                       ? std::string("hsmbackup reference ") + HSMB_PROJECT_VERSION
                                       : implementation_},
                {"capabilities", capabilities}};
  }
  if (op == "load") {
    if (fixed_) {
      const Status refused = FixedWorldRefusal();
      return Error(id, refused.code(), refused.message());
    }
    if (!req.contains("world") || !req["world"].is_object()) {
      return Error(id, Ckr::kArgumentsBad, "load needs a \"world\" object");
    }
    if (hook_ != nullptr) {
      hook_->BeforeLoad(req["world"]);
      if (hook_->DiscardsBeforeLoad()) {
        session_.reset();
        world_.reset();
      }
    }
    StatusOr<World> world = ParseWorldDocument(req["world"], "<load request>");
    if (!world.ok()) return Error(id, world.status().code(), world.status().message());

    if (Status s = LoadWorld(std::move(*world)); !s.ok()) return Error(id, s.code(), s.message());
    return Json{{"id", id}, {"ok", true}};
  }
  if (op == "bench") {  // optional: the clone loop timed inside the target
    Json r = protocol::RunBench(req);
    if (r.contains("error")) {
      return Error(id, Ckr::kArgumentsBad, r["error"]["message"].get<std::string>());
    }
    r["id"] = id;
    r["ok"] = true;
    return r;
  }
  if (op == "fork" && forker_) {
    if (fixed_ || world_) {
      return Error(id, Ckr::kOperationNotAllowed,
                   "fork is served only before any load: the copy must start as fresh as a new "
                   "process (PROTOCOL.md, fork)");
    }
    ForkResult forked = forker_();
    if (forked.in_copy) return Json();  // the copy serves on; its original answers
    if (!forked.status.ok()) return Error(id, forked.status.code(), forked.status.message());
    Json answer{{"id", id}, {"ok", true}};
    if (forked.fields.is_object()) answer.update(forked.fields);
    return answer;
  }
  if (op == "bye") {
    done_ = true;
    return Json{{"id", id}, {"ok", true}};
  }
  if (!world_) return Error(id, Ckr::kArgumentsBad, "no world loaded: send \"load\" first");

  if (op == "observe") {
    return Json{{"id", id}, {"ok", true}, {"state", Observe(*world_)}};
  }
  if (op == "execute") {
    if (!req.contains("line") || !req["line"].is_string()) {
      return Error(id, Ckr::kArgumentsBad, "execute needs a string \"line\"");

    }
    std::vector<std::string> answers;
    if (req.contains("answers")) {
      if (!req["answers"].is_array()) {
        return Error(id, Ckr::kArgumentsBad, "\"answers\" must be an array of strings");

      }
      for (const Json& a : req["answers"]) {
        if (!a.is_string()) {
          return Error(id, Ckr::kArgumentsBad, "\"answers\" must be an array of strings");

        }
        answers.push_back(a.get<std::string>());
      }
    }
    // AUTH-PROMPT: the answers to credential prompts, by name.
    std::map<Credential, Secret> credentials;
    if (req.contains("credentials")) {
      const Json& given = req["credentials"];
      const char* const kShape =
          "\"credentials\" must be an object of non-empty strings named sopassword, password "
          "or domain";
      if (!given.is_object()) return Error(id, Ckr::kArgumentsBad, kShape);
      for (const auto& [name, value] : given.items()) {
        std::optional<Credential> what;
        for (Credential c : {Credential::kSoPassword, Credential::kPassword, Credential::kDomain}) {
          if (name == CredentialName(c)) what = c;
        }
        if (!what || !value.is_string() || value.get_ref<const std::string&>().empty()) {
          return Error(id, Ckr::kArgumentsBad, kShape);
        }
        credentials.emplace(*what, Secret(value.get_ref<const std::string&>()));
      }
    }
    std::string line = req["line"].get<std::string>();
    if (hook_ != nullptr) hook_->Before(*world_, *session_, line, answers);
    CollectingSink sink;
    ScriptedPrompter prompter(std::move(answers), "quit", std::move(credentials));
    Result r = session_->Execute(line, sink, prompter);
    if (hook_ != nullptr) hook_->After(*world_, *session_, line, r, sink.lines);
    Json asked = Json::array();
    for (Credential c : prompter.asked_credentials()) asked.push_back(CredentialName(c));
    return Json{{"id", id},
                {"ok", true},
                {"result", std::string(CkrName(r.code()))},
                {"message", r.status.message()},
                {"prompts", prompter.asked()},
                {"credential_prompts", asked},
                {"transcript", sink.lines}}
        ;
  }
  return Error(id, Ckr::kArgumentsBad, "unknown op \"" + op + "\"");

}

}  // namespace hsmbackup
