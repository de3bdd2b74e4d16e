// hsmbackup-conformance --check-protocol: the envelope and the lifecycle of
// PROTOCOL.md, probed one rule at a time, before any clause is judged.
#include <algorithm>
#include <chrono>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "conformance/runner.h"

namespace hsmbackup::conformance {
namespace {

// A world every target must load: one V0 user partition with one object,
// one empty Backup HSM 7 (reference/WORLD-FORMAT.md).
Json ProbeWorld() {
  return Json::parse(R"({
    "format": "hsmbackup-world/1",
    "client": {"version": "10.4.0", "default_domain": "probe-default-domain"},
    "clock": {"now": "2026-11-27T12:00:00Z"},
    "rng": {"seed": 7, "counter": 0},
    "slots": [
      {"id": 0, "user_partition": {
        "label": "probe", "serial": "10000", "firmware": "7.8.0", "kind": "v0",
        "auth": "password", "domain": "probe-domain", "capacity": 4194304,
        "credentials": {"co": "probe-co-pin"},
        "objects": [{"handle": 5, "ouid": "0a0000001d0000006c640400", "class": "secret_key",
                     "label": "probe-key", "attributes": {}, "size": 32}]}},
      {"id": 2, "backup_hsm": {
        "model": "backup_hsm_7", "label": "backup2", "serial": "20002", "firmware": "7.7.2", "connection": "client", "auth": "password", "capacity": 16777216,
        "so_password": "probe-so-pin", "partitions": []}}
    ],
    "faults": []})");
}

class Probe {
 public:
  Probe(Target& target, std::ostream& out) : target_(target), out_(out) {}

  // Send one raw line; the parsed response, or an empty object (which
  // every later rule about it fails) after reporting.
  Json Ask(const std::string& line, const std::string& rule) {
    TargetError e;
    std::optional<std::string> answer = target_.Raw(line, &e);
    if (!answer) {
      Fail(rule, "no answer: " + e.message);
      return Json::object();
    }
    Json r = ParseJson(*answer);
    if (r.is_discarded() || !r.is_object()) {
      Fail(rule, "the answer is not one JSON object on one line: " + answer->substr(0, 120));
      return Json::object();
    }
    return r;
  }

  // Send the lines together (a pipe holds both before the first answer);
  // their parsed answers, or fewer after reporting.
  std::vector<Json> AskTogether(const std::vector<std::string>& lines, const std::string& rule) {
    TargetError e;
    std::vector<Json> answers;
    std::string got;
    for (const std::string& answer : target_.RawPipelined(lines, nullptr, &e)) {
      Json r = ParseJson(answer);
      answers.push_back(r.is_object() ? r : Json::object());
      got += (got.empty() ? "" : ", ") + answer.substr(0, 120);
    }
    if (answers.size() < lines.size()) {
      Fail(rule, "got " + std::to_string(answers.size()) + " of " + std::to_string(lines.size()) +
                     " answers" + (got.empty() ? "" : " (" + got + ")") + ", then: " + e.message +
                     ". A target that lists \"pipeline\" must split its stdin on newlines and "
                     "answer every line (the two came in one write)");
    }
    return answers;
  }

  void Expect(bool ok, const std::string& rule, const std::string& what) {
    if (ok) {
      out_ << "  ok    " << rule << "\n";
    } else {
      Fail(rule, what);
    }
  }

  void Fail(const std::string& rule, const std::string& what) {
    ++failures_;
    out_ << "  FAIL  " << rule << ": " << what << "\n";
  }

  int failures() const { return failures_; }

 private:
  Target& target_;
  std::ostream& out_;
  int failures_ = 0;
};

bool IsCkr(const Json& j, const char* key) {
  return j.contains(key) && j[key].is_string() && j[key].get<std::string>().rfind("CKR_", 0) == 0;
}

bool Refused(const Json& r, const Json& id) {
  return r.is_object() && r.value("ok", true) == false && r.contains("id") && r["id"] == id &&
         r.contains("error") && r["error"].is_object() && IsCkr(r["error"], "code");
}

void ProbeExecuteShape(Probe& p) {
  const Json r =
      p.Ask(R"({"id":6,"op":"execute","line":"slot list"})", "execute without answers");
  bool shaped = r.value("id", Json()) == 6 && r.value("ok", false) == true && IsCkr(r, "result") &&
                r.contains("message") && r["message"].is_string() && r.contains("prompts") &&
                r["prompts"].is_number_integer() && r.contains("transcript") &&
                r["transcript"].is_array() && !r["transcript"].empty();
  if (shaped) {
    for (const Json& l : r["transcript"]) shaped &= l.is_string();
    const Json& last = r["transcript"].back();
    shaped &= last.is_string() && last.get<std::string>().rfind("Command Result : ", 0) == 0;
  }
  p.Expect(shaped, "execute answers result, message, prompts, transcript",
           "\"answers\" is optional; the response needs result (CKR_ name), message (string), "
           "prompts (integer) and transcript (strings, the last 'Command Result : ...'); got " +
               r.dump().substr(0, 200));
}

// ProbePipeline: a target that claims "pipeline" answers an execute and an
// observe sent together, each once, in order (PROTOCOL.md, "Pipelining").
void ProbePipeline(Probe& p) {
  const std::string rule = "pipeline: execute and observe sent together";
  const std::vector<Json> r = p.AskTogether(
      {R"({"id":18,"op":"execute","line":"slot list"})", R"({"id":19,"op":"observe"})"}, rule);
  if (r.size() < 2) return;
  p.Expect(r[0].value("id", Json()) == 18 && r[0].value("ok", false) == true &&
               IsCkr(r[0], "result") && r[1].value("id", Json()) == 19 &&
               r[1].value("ok", false) == true && r[1].contains("state") &&
               r[1]["state"].is_object(),
           rule,
           "a target listing \"pipeline\" must read its requests line by line: both answers, in "
           "order (ids 18, 19); got " +
               r[0].dump().substr(0, 120) + " then " + r[1].dump().substr(0, 120));
}

// ProbeFixedWorld: load is refused and changes nothing; the world is there.
void ProbeFixedWorld(Probe& p) {
  const Json before = p.Ask(R"({"id":4,"op":"observe"})", "observe the fixed world");
  const bool state = before.value("ok", false) == true && before.contains("state") &&
                     before["state"].is_object() && before["state"].contains("slots") &&
                     before["state"]["slots"].is_array();
  p.Expect(state, "observe shows the fixed world",
           "a fixed-world target answers observe from the start; got " +
               before.dump().substr(0, 160));
  const Json load = {{"id", 5}, {"op", "load"}, {"world", ProbeWorld()}};
  const Json r = p.Ask(load.dump(), "load on a fixed-world target");
  const Json after = p.Ask(R"({"id":16,"op":"observe"})", "observe after the refused load");
  p.Expect(Refused(r, 5) && after.value("state", Json()) == before.value("state", Json()),
           "a fixed-world target refuses load",
           "load is refused (ok false, a CKR_ code; FIXED-WORLD.md) and changes nothing; got " +
               r.dump().substr(0, 160));
  ProbeExecuteShape(p);
}

void ProbeEnvelope(Probe& p) {
  Json r = p.Ask(R"({"id":1,"op":"hello","protocol":"hsmbackup-target/1"})", "hello");
  p.Expect(r.value("id", Json()) == 1 && r.value("ok", false) == true, "hello answers ok",
           "expected {\"id\":1,\"ok\":true,...}, got " + r.dump().substr(0, 160));
  p.Expect(r.value("protocol", std::string()) == "hsmbackup-target/1", "hello names the protocol",
           "\"protocol\" must be \"hsmbackup-target/1\"");
  bool caps = r.contains("capabilities") && r["capabilities"].is_array();
  if (caps) {
    for (const Json& c : r["capabilities"]) caps &= c.is_string();
  }
  p.Expect(caps, "hello lists capabilities", "\"capabilities\" must be an array of strings");
  const bool bench = caps && std::find(r["capabilities"].begin(), r["capabilities"].end(),
                                       Json("bench")) != r["capabilities"].end();
  // A fixed-world target (FIXED-WORLD.md) holds a world from the start and
  // refuses every load: its probes differ from here on.
  const bool fixed = caps && std::find(r["capabilities"].begin(), r["capabilities"].end(),
                                       Json(kFixedWorldCapability)) != r["capabilities"].end();
  const bool pipeline = caps && std::find(r["capabilities"].begin(), r["capabilities"].end(),
                                          Json(kPipelineCapability)) != r["capabilities"].end();
  p.Expect(r.contains("implementation") && r["implementation"].is_string(),
           "hello names the implementation", "\"implementation\" must be a string");
  r = p.Ask(R"({"id":17,"op":"hello","protocol":"hsmbackup-target/999"})",
            "hello for an unknown protocol");
  p.Expect(Refused(r, 17) || (r.value("ok", false) == true &&
                              r.value("protocol", std::string()) == "hsmbackup-target/1"),
           "hello for an unknown protocol",
           "a hello asking for hsmbackup-target/999 is refused (ok false, a CKR_ code, and "
           "\"protocol\" naming the one you speak) or answered with \"protocol\": "
           "\"hsmbackup-target/1\", never with the unknown one; got " + r.dump().substr(0, 160));

  r = p.Ask("this line is not JSON", "unparseable request");
  p.Expect(Refused(r, Json()), "unparseable request",
           "a line that is not a JSON object is answered {\"id\":null,\"ok\":false,"
           "\"error\":{\"code\":\"CKR_...\",...}}; got " + r.dump().substr(0, 160));
  if (!fixed) {
    r = p.Ask(R"({"id":2,"op":"observe"})", "observe before load");
    p.Expect(Refused(r, 2), "observe before load",
             "before the first load, observe and execute are refused (ok false, a CKR_ code); "
             "got " + r.dump().substr(0, 160));
    r = p.Ask(R"({"id":12,"op":"execute","line":"slot list"})", "execute before load");
    p.Expect(Refused(r, 12), "execute before load",
             "before the first load, execute is refused (ok false, a CKR_ code); got " +
                 r.dump().substr(0, 160));
  }
  r = p.Ask(R"({"id":13})", "request without op");
  p.Expect(Refused(r, 13), "request without op",
           "a request with no string \"op\" is refused with its id and a CKR_ code; got " +
               r.dump().substr(0, 160));
  if (!bench) {
    r = p.Ask(R"({"id":14,"op":"bench","kind":"v0","size":256,"count":1,"repetitions":1})",
              "bench without the capability");
    p.Expect(Refused(r, 14), "bench without the capability",
             "a target that does not list \"bench\" refuses it; got " + r.dump().substr(0, 160));
  }
  r = p.Ask(R"({"id":3,"op":"no-such-op"})", "unknown op");
  p.Expect(Refused(r, 3), "unknown op",
           "an unknown op is refused with its id and a CKR_ code; got " + r.dump().substr(0, 160));
  if (fixed) {
    ProbeFixedWorld(p);
    if (pipeline) ProbePipeline(p);
    return;
  }
  r = p.Ask(R"({"id":4,"op":"load","world":{"format":"not-a-world"}})", "invalid world");
  p.Expect(Refused(r, 4), "load refuses an invalid world",
           "an invalid world is refused (ok false; CKR_DATA_INVALID recommended); got " +
               r.dump().substr(0, 160));

  Json load = {{"id", 5}, {"op", "load"}, {"world", ProbeWorld()}};
  r = p.Ask(load.dump(), "load");
  p.Expect(r.value("id", Json()) == 5 && r.value("ok", false) == true, "load takes a valid world",
           "got " + r.dump().substr(0, 200));
  r = p.Ask(R"({"id":15,"op":"load","world":{"format":"not-a-world"}})", "invalid world again");
  Json kept = p.Ask(R"({"id":16,"op":"observe"})", "observe after a refused load");
  p.Expect(Refused(r, 15) && kept.value("ok", false) == true && kept.contains("state") &&
               kept["state"].value("slots", Json::array()).size() == 2,
           "a refused load keeps the world loaded before",
           "after a refused load, observe must still show the previous world; got " +
               kept.dump().substr(0, 160));
  ProbeExecuteShape(p);
  r = p.Ask(R"({"id":7,"op":"execute","line":"role login -name co -password probe-co-pin",)"
            R"("answers":[]})",
            "execute");
  p.Expect(r.value("result", std::string()) == "CKR_OK", "execute runs a lunacm line",
           "'role login -name co -password <the world's CO PIN>' must answer CKR_OK; got " +
               r.dump().substr(0, 200));
  r = p.Ask(R"({"id":8,"op":"observe"})", "observe");
  bool state = r.value("ok", false) == true && r.contains("state") &&
               r["state"].contains("slots") && r["state"]["slots"].is_array() &&
               r["state"]["slots"].size() == 2;
  if (state) {
    state &= r["state"]["slots"][0].value("id", -1) == 0 &&
             r["state"]["slots"][1].value("id", -1) == 2 &&
             r["state"]["slots"][0].value("type", std::string()) == "user_partition" &&
             r["state"]["slots"][1].value("type", std::string()) == "backup_hsm";
  }
  p.Expect(state, "observe shows every slot by id",
           "state.slots must list slot 0 (user_partition) then slot 2 (backup_hsm); got " +
               r.dump().substr(0, 200));
  const std::string text = r.dump();
  p.Expect(text.find("probe-co-pin") == std::string::npos &&
               text.find("probe-so-pin") == std::string::npos &&
               text.find("probe-domain") == std::string::npos,
           "observe shows no secret", "the state holds a password or a domain string");
  if (pipeline) ProbePipeline(p);
}

// ProbeByeAlone: the process a run starts last serves no check and gets
// `bye` alone (PROTOCOL.md, Lifecycle); it must answer it and exit.
// Returns the rules broken.
int ProbeByeAlone(const std::string& command, std::chrono::milliseconds timeout,
                  const RunnerIo& io) {
  TargetError e;
  std::unique_ptr<Target> last = MakeSubprocessTarget(command, &e, timeout);
  if (last == nullptr) {
    io.out << "  FAIL  bye without hello: a second process could not be started: " << e.message
           << "\n";
    return 1;
  }
  Probe q(*last, io.out);
  Json r = q.Ask(R"({"id":1,"op":"bye"})", "bye without hello");
  q.Expect(r.value("id", Json()) == 1 && r.value("ok", false) == true,
           "bye without hello answers ok", "got " + r.dump().substr(0, 120));
  q.Expect(last->Close(&e), "exit after bye without hello",
           e.message + " (the process a run starts last gets only bye)");
  return q.failures();
}

}  // namespace

int CheckProtocol(const std::string& command, std::chrono::milliseconds timeout,
                  const RunnerIo& io) {
  TargetError e;
  std::unique_ptr<Target> target =
      command.empty() ? MakeInProcessTarget() : MakeSubprocessTarget(command, &e, timeout);
  if (target == nullptr) {
    io.err << "hsmbackup-conformance: " << e.message << "\n";
    return kExitTargetDown;
  }
  io.out << "Protocol check of " << (command.empty() ? "the in-process reference" : command)
         << " (conformance/PROTOCOL.md):\n";
  Probe p(*target, io.out);
  ProbeEnvelope(p);
  const auto start = std::chrono::steady_clock::now();
  Json r = p.Ask(R"({"id":9,"op":"bye"})", "bye");
  p.Expect(r.value("id", Json()) == 9 && r.value("ok", false) == true, "bye answers ok",
           "got " + r.dump().substr(0, 120));
  const bool exited = target->Close(&e);
  p.Expect(exited, "exit after bye",
           e.message + " (the suite starts one process per check and waits for each to exit)");
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const int failures = p.failures() + (command.empty() ? 0 : ProbeByeAlone(command, timeout, io));
  io.out << (failures == 0 ? "The target speaks the protocol"
                           : std::to_string(failures) + " rule(s) broken")
         << " (bye to exit: " << static_cast<int>(seconds * 1000) << " ms).\n";
  return failures == 0 ? kExitConformant : kExitUnknown;
}

}  // namespace hsmbackup::conformance
