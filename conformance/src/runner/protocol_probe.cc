// hsmbackup-conformance --check-protocol: the envelope and the lifecycle of
// PROTOCOL.md, probed one rule at a time, before any clause is judged.
#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
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

  // AskPair writes two lines in one write (a pipe holds both before the
  // first answer is read) and returns their parsed answers, or nullopt after
  // reporting. Once the first answer is in it writes an observe (id
  // `nudge_id`): a target that took the write for one request answers that
  // instead of the second line, which shows at once, with no timeout to sit
  // out, that it dropped the line. Its answer is read too, so the pipe is
  // left empty and the probe goes on.
  std::optional<std::pair<Json, Json>> AskPair(const std::string& first, const std::string& second,
                                               int nudge_id, const std::string& rule) {
    const std::string must =
        ". A target that lists \"pipeline\" must split its stdin on newlines and answer every "
        "line, in order, as soon as it has it (the two came in one write)";
    TargetError e;
    if (!target_.RawWrite(first + "\n" + second + "\n", &e)) {
      Fail(rule, "no answer: " + e.message);
      return std::nullopt;
    }
    const std::optional<std::string> a = target_.RawRead(&e);
    if (!a) {
      Fail(rule, "got 0 of 2 answers, then: " + e.message + must);
      return std::nullopt;
    }
    const std::string nudge = Json{{"id", nudge_id}, {"op", "observe"}}.dump();
    std::optional<std::string> b;
    if (target_.RawWrite(nudge + "\n", &e)) b = target_.RawRead(&e);
    if (!b) {
      Fail(rule, "got 1 of 2 answers (" + a->substr(0, 120) + "), then: " + e.message + must);
      return std::nullopt;
    }
    if (Parsed(*b).value("id", Json()) == nudge_id) {
      Fail(rule, "got 1 of 2 answers (" + a->substr(0, 120) + "); the next answer was to " + nudge +
                     ", written once the first answer had come, so the second line was "
                     "dropped" +
                     must);
      return std::nullopt;
    }
    const std::optional<std::string> c = target_.RawRead(&e);
    if (!c || Parsed(*c).value("id", Json()) != nudge_id) {
      Fail(rule, "both answers came, but " + nudge + ", written once the first had come, got " +
                     (c ? c->substr(0, 120) : "no answer: " + e.message) + must);
      return std::nullopt;
    }
    return std::make_pair(Parsed(*a), Parsed(*b));
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
  // Parsed is `answer` as a JSON object, or an empty one (which every rule
  // about it fails).
  static Json Parsed(const std::string& answer) {
    Json r = ParseJson(answer);
    return r.is_object() ? r : Json::object();
  }

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
// observe sent together, then a load and an observe, each once, in order
// (PROTOCOL.md, "Pipelining"). `fixed` is the state a fixed-world target
// showed, which its refused load must leave; empty for any other target.
void ProbePipeline(Probe& p, const Json& fixed) {
  std::string rule = "pipeline: execute and observe sent together";
  std::optional<std::pair<Json, Json>> r = p.AskPair(
      R"({"id":18,"op":"execute","line":"slot list"})", R"({"id":19,"op":"observe"})", 20, rule);
  if (r) {
    const auto& [execute, observe] = *r;
    p.Expect(execute.value("id", Json()) == 18 && execute.value("ok", false) == true &&
                 IsCkr(execute, "result") && observe.value("id", Json()) == 19 &&
                 observe.value("ok", false) == true && observe.contains("state") &&
                 observe["state"].is_object(),
             rule,
             "a target listing \"pipeline\" must read its requests line by line: both answers, "
             "in order (ids 18, 19); got " +
                 execute.dump().substr(0, 120) + " then " + observe.dump().substr(0, 120));
  }
  // A world the observe can tell from the one loaded before: slot 0's label.
  Json world = ProbeWorld();
  world["slots"][0]["user_partition"]["label"] = "probe-pipelined";
  rule = "pipeline: load and observe sent together";
  r = p.AskPair(Json{{"id", 21}, {"op", "load"}, {"world", world}}.dump(),
                R"({"id":22,"op":"observe"})", 23, rule);
  if (!r) return;
  const auto& [load, observe] = *r;
  const Json state = observe.value("state", Json());
  const bool in_order = load.value("id", Json()) == 21 && observe.value("id", Json()) == 22 &&
                        observe.value("ok", false) == true && state.is_object();
  if (fixed.is_null()) {
    const Json slots = state.is_object() ? state.value("slots", Json()) : Json();
    p.Expect(in_order && load.value("ok", false) == true && slots.is_array() && !slots.empty() &&
                 slots[0].is_object() &&
                 slots[0].value("label", std::string()) == "probe-pipelined",
             rule,
             "both answers, in order (ids 21, 22), the load ok and the observe showing the world "
             "it loaded (slot 0 labelled \"probe-pipelined\"); got " +
                 load.dump().substr(0, 120) + " then " + observe.dump().substr(0, 200));
  } else {
    p.Expect(in_order && Refused(load, 21) && state == fixed, rule,
             "both answers, in order (ids 21, 22): the load refused (ok false, a CKR_ code) and "
             "the observe showing the fixed world unchanged; got " +
                 load.dump().substr(0, 120) + " then " + observe.dump().substr(0, 200));
  }
}

// ProbeFixedWorld: load is refused and changes nothing; the world is there.
// Returns the state observed.
Json ProbeFixedWorld(Probe& p) {
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
  return before.value("state", Json::object());
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
    const Json state = ProbeFixedWorld(p);
    if (pipeline) ProbePipeline(p, state);
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
  if (pipeline) ProbePipeline(p, Json());
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

// ProbeSplitLine: a line may reach a target in pieces (PROTOCOL.md, first
// paragraph). A fresh process, so that a target which answers a piece
// leaves nothing behind for the other probes, gets its hello in two writes,
// the second only once it has read the first. Returns the rules broken.
int ProbeSplitLine(const std::string& command, std::chrono::milliseconds timeout,
                   const RunnerIo& io) {
  const std::string rule = "a line written in two parts";
  TargetError e;
  std::unique_ptr<Target> t = MakeSubprocessTarget(command, &e, timeout);
  if (t == nullptr) {
    io.out << "  FAIL  " << rule << ": a third process could not be started: " << e.message << "\n";
    return 1;
  }
  Probe q(*t, io.out);
  const std::string line = R"({"id":24,"op":"hello","protocol":"hsmbackup-target/1"})";
  const size_t cut = line.find("hello") + 3;  // {"id":24,"op":"hel | lo",...
  std::optional<std::string> answer;
  if (t->RawWrite(line.substr(0, cut), &e) && t->RawWrite(line.substr(cut) + "\n", &e)) {
    answer = t->RawRead(&e);
  }
  const Json r = answer ? ParseJson(*answer) : Json();
  q.Expect(r.is_object() && r.value("id", Json()) == 24 && r.value("ok", false) == true, rule,
           (answer ? "got " + answer->substr(0, 160) : "no answer: " + e.message) +
               " for a hello written as '" + line.substr(0, cut) +
               "' and, once the target had read that, the rest. A line may arrive over several "
               "reads: read up to the newline and answer the whole line");
  t->Close(&e);  // the exit after bye is probed above
  return q.failures();
}

// ProbeFork: a target that lists "fork" (PROTOCOL.md, fork) is forked twice
// by a process of its own: each copy serves a session and exits after bye,
// the fork is answered after the copy's bye, the second copy starts without
// the first's world, and a fork after a load is refused. Returns the rules
// broken (none for a target that does not list it).
int ProbeFork(const std::string& command, std::chrono::milliseconds timeout, const RunnerIo& io) {
  TargetError e;
  std::unique_ptr<Target> t = MakeSubprocessTarget(command, &e, timeout);
  if (t == nullptr) {
    io.out << "  FAIL  fork: a fourth process could not be started: " << e.message << "\n";
    return 1;
  }
  Probe q(*t, io.out);
  const Json hello = q.Ask(R"({"id":1,"op":"hello","protocol":"hsmbackup-target/1"})", "fork");
  const Json caps = hello.value("capabilities", Json::array());
  if (!caps.is_array() || std::find(caps.begin(), caps.end(), kForkCapability) == caps.end()) {
    t->Close(&e);
    return 0;
  }
  const std::string must =
      " (PROTOCOL.md, fork: the copy serves the lines after the fork up to "
      "its bye and exits; then the fork is answered)";
  const std::string kLeftToTheCopy = "fork: the copy's lines are left to the copy";
  const std::string dropped =
      ": the process that forked answered a line it had read past the fork line (drop what you "
      "read past it: it is the copy's)";
  // One copy's session: its hello, `session`'s requests, bye; true if every
  // answer came and the fork was answered after the bye. `together`: the
  // fork and the copy's hello in one write, as a runner may send them (the
  // process that forked must leave the hello to the copy).
  long id = 2;
  auto copy = [&](const std::string& rule, bool together,
                  const std::function<void(long first_id)>& session) {
    const long fork_id = id++;
    const std::string fork_line = Json{{"id", fork_id}, {"op", "fork"}}.dump() + "\n";
    const std::string hello_line = Json{{"id", id}, {"op", "hello"}}.dump();
    Json h = Json::object();
    if (together) {
      std::optional<std::string> answer;
      if (t->RawSend(fork_line + hello_line + "\n", &e)) answer = t->RawRead(&e);
      if (answer) h = ParseJson(*answer);
      if (!answer) q.Fail(rule, "no answer: " + e.message);
    } else if (!t->RawWrite(fork_line, &e)) {
      q.Fail(rule, "the fork was not read: " + e.message);
      return false;
    } else {
      h = q.Ask(hello_line, rule);
    }
    const Json got = h.value("id", Json());
    if (got.is_number_integer() && got.get<long>() < fork_id) {
      q.Fail(kLeftToTheCopy, "the copy's hello (id " + std::to_string(id) +
                                 ") got the answer with id " + got.dump() + dropped);
      return false;
    }
    if (got != id || !h.value("ok", false)) {
      q.Fail(rule, "the copy's hello (id " + std::to_string(id) + ") got " +
                       h.dump().substr(0, 160) + must);
      return false;
    }
    session(++id);
    const Json bye = q.Ask(Json{{"id", id}, {"op", "bye"}}.dump(), rule);
    ++id;
    std::optional<std::string> answer = t->RawReadWithin(kExitAfterBye, &e);
    const Json forked = answer ? ParseJson(*answer) : Json();
    const bool ok = bye.value("ok", false) && forked.is_object() &&
                    forked.value("id", Json()) == fork_id && forked.value("ok", false);
    q.Expect(ok, rule,
             "after the copy's bye (answered " + bye.dump().substr(0, 80) + ") the fork (id " +
                 std::to_string(fork_id) + ") got " +
                 (answer ? answer->substr(0, 120) : "no answer within 5 s: " + e.message) + must);
    return ok;
  };
  bool ok =
      copy("fork: a copy serves one session, then the fork is answered", false, [&](long first) {
        const Json loaded = q.Ask(
            Json{{"id", first}, {"op", "load"}, {"world", ProbeWorld()}}.dump(), "fork: load");
        const Json seen = q.Ask(Json{{"id", first + 1}, {"op", "observe"}}.dump(), "fork: observe");
        q.Expect(
            loaded.value("ok", false) && seen.value("ok", false),
            "fork: the copy loads and observes",
            "load got " + loaded.dump().substr(0, 100) + ", observe " + seen.dump().substr(0, 100));
        id = first + 2;
      });
  if (ok) {
    ok = copy("fork: a fork and the copy's hello in one write", true, [&](long first) {
      const Json seen = q.Ask(Json{{"id", first}, {"op", "observe"}}.dump(), "fork: fresh copy");
      const Json slots = seen.value("state", Json::object()).value("slots", Json::array());
      q.Expect(!seen.value("ok", false) || slots.empty(), "fork: each copy starts fresh",
               "the second copy observed, before any load, " + seen.dump().substr(0, 120) +
                   ": the first copy's world reached it (each copy must be as fresh as a new "
                   "process)");
      id = first + 1;
    });
  }
  if (ok) {
    // A process that kept what it read past the fork line answers the
    // copy's hello again now.
    const Json again = q.Ask(Json{{"id", id}, {"op", "hello"}}.dump(), "fork: hello after forks");
    q.Expect(again.value("id", Json()) == id, kLeftToTheCopy,
             "a hello (id " + std::to_string(id) + ") after the second copy had ended got " +
                 (again.contains("id") ? "the answer with id " + again["id"].dump().substr(0, 20)
                                       : again.dump().substr(0, 100)) +
                 dropped);
    ok = again.value("id", Json()) == id;
    ++id;
  }
  if (ok) {
    const Json loaded =
        q.Ask(Json{{"id", id}, {"op", "load"}, {"world", ProbeWorld()}}.dump(), "fork: load");
    const Json refused = q.Ask(Json{{"id", id + 1}, {"op", "fork"}}.dump(), "fork after load");
    q.Expect(refused.value("id", Json()) == id + 1 && refused.value("ok", true) == false,
             "fork after a load is refused",
             "got " + refused.dump().substr(0, 120) + " (load answered " +
                 loaded.dump().substr(0, 60) +
                 "): a process that has loaded is no longer fresh and must refuse to fork");
  }
  t->Close(&e);  // its exit after bye is probed above
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
  int failures = p.failures();
  if (!command.empty()) {
    failures += ProbeByeAlone(command, timeout, io);
    failures += ProbeSplitLine(command, timeout, io);
    failures += ProbeFork(command, timeout, io);
  }
  io.out << (failures == 0 ? "The target speaks the protocol"
                           : std::to_string(failures) + " rule(s) broken")
         << " (bye to exit: " << static_cast<int>(seconds * 1000) << " ms).\n";
  return failures == 0 ? kExitConformant : kExitUnknown;
}

}  // namespace hsmbackup::conformance
