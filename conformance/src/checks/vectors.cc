// The scenario vectors (fixtures/vectors/, format in conformance/VECTORS.md)
// as checks: one check per file, each vector a world, lunacm lines and the
// expected outcome of the last line.
//
// The files are read when VectorChecks() is called, not compiled in, so a
// vendor's edit or a regenerated file is picked up without a rebuild. A file
// that breaks the format becomes a check that answers kError, so a broken
// file is never mistaken for a passing or missing one.
#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "checks/families.h"
#include "checks/harness.h"
#include "model/text.h"

namespace hsmbackup::conformance {
namespace {

constexpr char kFormat[] = "hsmbackup-vectors/1";

struct Vector {
  int tc_id = 0;
  std::string id;
  std::string comment;
  std::vector<std::string> clauses;
  Scenario scenario;
  std::string result;  // "valid", "invalid" or "acceptable"
  std::vector<std::vector<std::string>> step_codes;  // one list per line
  Json expect;
  std::set<std::string> capabilities;
};

struct VectorFile {
  std::string path;
  std::string topic;
  std::vector<Vector> vectors;
};

std::optional<std::string> ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string Sha256Hex16(const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(text.data(), text.size(), digest, &len, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < 8 && i < len; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out;
}

bool IsStringArray(const Json& j) {
  return j.is_array() &&
         std::all_of(j.begin(), j.end(), [](const Json& e) { return e.is_string(); });
}

// ParseVector reads one entry of "tests"; "" on success, else the problem.
std::string ParseVector(const Json& t, const Json& world, const std::set<std::string>& notes,
                        Vector* v) {
  if (!t.is_object()) return "a test is not an object";
  for (const char* key : {"tcId", "id", "comment", "clauses", "lines", "answers", "result",
                          "flags", "expect"}) {
    if (!t.contains(key)) return std::string("a test has no \"") + key + "\"";
  }
  if (!t["tcId"].is_number_integer() || !t["id"].is_string() || !t["comment"].is_string() ||
      !IsStringArray(t["clauses"]) || !IsStringArray(t["lines"]) || !IsStringArray(t["answers"]) ||
      !t["result"].is_string() || !IsStringArray(t["flags"]) || !t["expect"].is_object()) {
    return "a test has a member of the wrong type";
  }
  v->tc_id = t["tcId"].get<int>();
  const std::string where = "tcId " + std::to_string(v->tc_id);
  v->id = t["id"].get<std::string>();
  v->comment = t["comment"].get<std::string>();
  v->clauses = t["clauses"].get<std::vector<std::string>>();
  v->scenario = {world, t["lines"].get<std::vector<std::string>>(),
                 t["answers"].get<std::vector<std::string>>()};
  v->result = t["result"].get<std::string>();
  v->expect = t["expect"];
  v->capabilities = NeededCapabilities(world);
  if (v->scenario.lines.empty()) return where + ": no lines";
  const Json canonical = {{"world", world}, {"lines", t["lines"]}, {"answers", t["answers"]}};
  if (Sha256Hex16(canonical.dump()) != v->id) return where + ": id is not the content's hash";
  if (v->result != "valid" && v->result != "invalid" && v->result != "acceptable") {
    return where + ": result must be valid, invalid or acceptable";
  }
  for (const std::string& f : t["flags"].get<std::vector<std::string>>()) {
    if (notes.count(f) == 0) return where + ": flag " + f + " is not explained in notes";
  }
  const Json& e = v->expect;
  if (!IsStringArray(e.value("codes", Json())) || e["codes"].empty()) {
    return where + ": expect.codes must be a non-empty list of CKR names";
  }
  const auto codes = e["codes"].get<std::vector<std::string>>();
  const bool lists_ok = std::count(codes.begin(), codes.end(), "CKR_OK") != 0;
  if ((v->result == "valid" && codes != std::vector<std::string>{"CKR_OK"}) ||
      (v->result == "invalid" && lists_ok)) {
    return where + ": expect.codes does not fit result " + v->result;
  }
  const size_t n = v->scenario.lines.size();
  if (e.contains("stepCodes")) {
    const Json& sc = e["stepCodes"];
    if (!sc.is_array() || sc.size() != n) return where + ": stepCodes needs one list per line";
    for (const Json& l : sc) {
      if (!IsStringArray(l) || l.empty()) return where + ": stepCodes holds a bad list";
      v->step_codes.push_back(l.get<std::vector<std::string>>());
    }
  } else {
    v->step_codes.assign(n, {"CKR_OK"});
  }
  v->step_codes.back() = codes;  // the last line is judged by expect.codes
  for (const char* key : {"unchanged", "partitions", "transcriptContains"}) {
    if (e.contains(key) && !e[key].is_array()) return where + ": expect." + key + " is not a list";
  }
  for (const Json& p : e.value("partitions", Json::array())) {
    if (!p.is_object() || !p.value("slot", Json()).is_number_integer() ||
        !p.value("name", Json()).is_string() || !p.value("present", Json()).is_boolean()) {
      return where + ": a partitions entry needs slot, name and present";
    }
  }
  if (e.contains("freeDelta") &&
      (!e["freeDelta"].is_object() || !e["freeDelta"].value("slot", Json()).is_number_integer() ||
       !e["freeDelta"].value("bytes", Json()).is_number_integer())) {
    return where + ": freeDelta needs slot and bytes";
  }
  return "";
}

// WorldFilePath is a worldFile inside `data_dir`, or "" when it is absolute
// or climbs out with "..".
std::string WorldFilePath(const std::filesystem::path& data_dir, const std::string& world_file) {
  const std::filesystem::path rel = std::filesystem::path(world_file).lexically_normal();
  if (rel.empty() || rel.is_absolute() || *rel.begin() == "..") return "";
  return (data_dir / rel).string();
}

// ParseFile reads and checks one vector file; "" on success, else the
// problem. A worldFile is read relative to `data_dir`.
std::string ParseFile(const std::string& path, const std::filesystem::path& data_dir,
                      VectorFile* file) {
  file->path = path;
  const std::optional<std::string> text = ReadText(path);
  if (!text) return "cannot be read";
  const Json doc = ParseJson(*text);
  if (doc.is_discarded() || !doc.is_object()) return "is not a JSON object";
  if (doc.value("format", "") != kFormat) return std::string("format is not ") + kFormat;
  if (!doc.value("topic", Json()).is_string()) return "topic is missing";
  file->topic = doc["topic"].get<std::string>();
  if (!doc.value("notes", Json()).is_object()) return "notes is missing";
  std::set<std::string> notes;
  for (const auto& [flag, text_of_flag] : doc["notes"].items()) {
    if (!text_of_flag.is_string() || text_of_flag.get<std::string>().empty()) {
      return "note " + flag + " has no explanation";
    }
    notes.insert(flag);
  }
  if (!doc.value("testGroups", Json()).is_array()) return "testGroups is missing";
  std::set<std::string> ids;
  for (const Json& g : doc["testGroups"]) {
    if (!g.is_object() || g.contains("world") == g.contains("worldFile")) {
      return "a test group needs exactly one of world and worldFile";
    }
    Json world = g.contains("world") ? g["world"] : Json();
    if (g.contains("worldFile")) {
      const std::string world_path =
          g["worldFile"].is_string() ? WorldFilePath(data_dir, g["worldFile"].get<std::string>())
                                     : "";
      if (world_path.empty()) return "worldFile is not a relative path inside the data directory";
      const std::optional<std::string> w = ReadText(world_path);
      if (!w) return "worldFile " + world_path + " cannot be read";
      world = ParseJson(*w);
    }
    if (world.is_discarded() || !world.is_object()) return "a world is not a JSON object";
    if (!g.value("tests", Json()).is_array()) return "a test group has no tests";
    for (const Json& t : g["tests"]) {
      Vector v;
      const std::string problem = ParseVector(t, world, notes, &v);
      if (!problem.empty()) return problem;
      if (v.tc_id != static_cast<int>(file->vectors.size()) + 1) {
        return "tcId " + std::to_string(v.tc_id) + " is out of sequence";
      }
      if (!ids.insert(v.id).second) return "id " + v.id + " is not unique";
      file->vectors.push_back(std::move(v));
    }
  }
  if (doc.value("numberOfTests", -1) != static_cast<int>(file->vectors.size())) {
    return "numberOfTests does not match the tests";
  }
  return "";
}

std::string CamelCase(const std::string& topic) {
  std::string out;
  bool up = true;
  for (char c : topic) {
    if (c == '_' || c == '-' || c == '.') {
      up = true;
      continue;
    }
    out += up ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    up = false;
  }
  return out;
}

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

const Json* FindSlot(const Json& state, int64_t id) {
  if (!state.contains("slots") || !state["slots"].is_array()) return nullptr;
  for (const Json& s : state["slots"]) {
    if (s.value("id", int64_t{-1}) == id) return &s;
  }
  return nullptr;
}

// FindPartition: a backup partition by name, or a user partition by label.
const Json* FindPartition(const Json& slot, const std::string& name) {
  if (slot.value("type", "") == "user_partition") {
    return slot.value("label", "") == name ? &slot : nullptr;
  }
  if (!slot.contains("partitions") || !slot["partitions"].is_array()) return nullptr;
  for (const Json& p : slot["partitions"]) {  // by reference: the pointer outlives the loop
    if (p.value("name", "") == name) return &p;
  }
  return nullptr;
}

// Quiet lists what a vector's report must not show: its world's secrets and
// those typed on its lines.
std::vector<std::string> Quiet(const Vector& v) {
  std::vector<std::string> secrets = model::Secrets(v.scenario.world);
  for (const std::string& line : v.scenario.lines) {
    for (std::string& typed : model::TypedSecrets(line)) secrets.push_back(std::move(typed));
  }
  return secrets;
}

// Judge compares the last line's outcome and states with the expect block;
// "" when it holds, else what differed (no secrets: names, ids and codes).
// `blamed` is left alone for what the vector's clauses fix, and set to
// OUT-TRANSCRIPT alone for a missing line of transcriptContains, the only
// wording a vector holds (VECTORS.md). With `own_code` the model took the
// last line's code as one the project chose (clauses.json "own-code"), so
// `codes`, the reference's, does not bind it.
std::string Judge(const Vector& v, const Outcome& last, const Json& before, const Json& after,
                  bool own_code, std::vector<std::string>* blamed) {
  const Json& e = v.expect;
  const std::vector<std::string>& codes = v.step_codes.back();
  if (!own_code && std::find(codes.begin(), codes.end(), last.result) == codes.end()) {
    return "the last line ended " + last.result + model::QuotedMessage(last, Quiet(v)) +
           ", expected one of [" + Join(codes) + "]";
  }
  for (const Json& id : e.value("unchanged", Json::array())) {
    const Json* b = FindSlot(before, id.get<int64_t>());
    const Json* a = FindSlot(after, id.get<int64_t>());
    if (b == nullptr || a == nullptr || WithoutCounters(*a) != WithoutCounters(*b)) {
      return "slot " + id.dump() + " changed over the last line";
    }
  }
  for (const Json& p : e.value("partitions", Json::array())) {
    const std::string name = p["name"].get<std::string>();
    const std::string what = "partition " + name + " on slot " + p["slot"].dump();
    const Json* slot = FindSlot(after, p["slot"].get<int64_t>());
    const Json* found = slot ? FindPartition(*slot, name) : nullptr;
    if ((found != nullptr) != p["present"].get<bool>()) {
      return what + (found ? " is present, expected absent" : " is absent, expected present");
    }
    if (found == nullptr) continue;
    const Json objects = found->value("objects", Json::array());
    if (p.contains("objectOuids")) {
      std::set<std::string> want, got;
      for (const Json& o : p["objectOuids"]) want.insert(o.get<std::string>());
      for (const Json& o : objects) got.insert(o.value("ouid", ""));
      if (want != got) {
        return what + " holds OUIDs [" + Join({got.begin(), got.end()}) + "], expected [" +
               Join({want.begin(), want.end()}) + "]";
      }
    }
    if (p.contains("objectCount") && objects.size() != p["objectCount"].get<size_t>()) {
      return what + " holds " + std::to_string(objects.size()) + " objects, expected " +
             p["objectCount"].dump();
    }
    if (p.contains("opaque")) {
      for (const Json& o : objects) {
        if (o.value("opaque", false) != p["opaque"].get<bool>()) {
          return what + ": object " + o.value("ouid", "?") + " is " +
                 (o.value("opaque", false) ? "opaque" : "held in the clear") + ", expected " +
                 (p["opaque"].get<bool>() ? "opaque" : "in the clear");
        }
      }
    }
  }
  // freeDelta is the project's size model's figure (PROJ-SIZE-MODEL `accepts`
  // own-size-model): not judged here. What every size model keeps (nothing
  // freed by a revert, no free space after a failed re-size, a delete
  // freeing the allocation) the model judged on this line already.
  for (const Json& want : e.value("transcriptContains", Json::array())) {
    const std::string line = model::LineForm(want.get<std::string>());
    const bool seen = std::any_of(last.transcript.begin(), last.transcript.end(),
                                  [&](const std::string& l) { return model::LineForm(l) == line; });
    if (!seen) {
      *blamed = {"OUT-TRANSCRIPT"};
      return "the transcript lacks the line '" + line + "'";
    }
  }
  return "";
}

std::string VectorName(const Vector& v) {
  return "tcId " + std::to_string(v.tc_id) + " (id " + v.id + ", " + v.comment + ")";
}

// RunVector: nullopt when the vector holds, or when it differed only in
// what the target printed (kept in `printed`: the file's other vectors are
// still run); a failure or error result else.
std::optional<CheckResult> RunVector(CheckContext& ctx, const Vector& v, PrintedFailures& printed) {
  const std::string name = VectorName(v);
  // The model judges every step first and blames each difference on its
  // own clause; the vector's own expectations (data any harness can use)
  // then catch what the model might not, charged to the vector's clauses.
  // A vector the model failed only in print skips them: its transcript
  // check would charge the same difference to every clause of the vector.
  ScenarioVerdict judged = RunScenario(*ctx.target, v.scenario);
  if (printed.Take(judged)) return std::nullopt;
  if (judged.harness_error || !judged.mismatches.empty()) {
    CheckResult r = FailedResult(judged, ctx.seed, 1);
    r.message = name + ": " + r.message;
    return r;
  }
  TargetError error;
  if (!ctx.target->Load(v.scenario.world, &error)) {
    return CheckResult::Error(name + ": the target refused the world: " + error.message);
  }
  auto fail = [&](size_t step, const std::string& expected, const std::string& observed,
                  const std::vector<std::string>& transcript,
                  const std::vector<std::string>& blamed) {
    std::string ids;
    for (const std::string& c : blamed) ids += (ids.empty() ? "" : ", ") + c;
    CheckResult r{CheckStatus::kFail, "[" + ids + "] " + name + ": " + observed, blamed,
                  std::nullopt, 1};
    Counterexample c;
    c.scenario = v.scenario;
    c.scenario.lines.resize(step + 1);
    c.failing_step = step;
    c.expected = expected;
    c.observed = observed;
    c.target_transcript = transcript;
    c.seed = ctx.seed;
    r.counterexample = std::move(c);
    return r;
  };
  size_t next_answer = 0;
  const size_t last = v.scenario.lines.size() - 1;
  for (size_t i = 0; i < last; ++i) {
    std::optional<StepOutcome> s = ExecuteStep(*ctx.target, v.scenario, i, &next_answer, &error);
    if (!s) return CheckResult::Error(name + ": " + error.message);
    const std::vector<std::string>& ok = v.step_codes[i];
    if (judged.own_code_steps.count(i) == 0 && judged.reading_steps.count(i) == 0 &&
        std::find(ok.begin(), ok.end(), s->outcome.result) == ok.end()) {
      return fail(i, "line " + std::to_string(i + 1) + " ends one of [" + Join(ok) + "]",
                  "line " + std::to_string(i + 1) + " ended " + s->outcome.result +
                      model::QuotedMessage(s->outcome, Quiet(v)) + ", expected one of [" +
                      Join(ok) + "]",
                  s->outcome.transcript, v.clauses);
    }
  }
  std::optional<Json> before = ctx.target->Observe(&error);
  if (!before) return CheckResult::Error(name + ": " + error.message);
  std::optional<StepOutcome> s =
      ExecuteAndObserveStep(*ctx.target, v.scenario, last, &next_answer, nullptr, &error);
  if (!s) return CheckResult::Error(name + ": " + error.message);
  // The vector's expectations are the project's reading of its last line;
  // the model judged a target that took another reading the seed allows.
  if (judged.reading_steps.count(last) != 0) return std::nullopt;
  std::vector<std::string> blamed = v.clauses;
  const std::string differed =
      Judge(v, s->outcome, *before, s->after, judged.own_code_steps.count(last) != 0, &blamed);
  if (differed.empty()) return std::nullopt;
  return fail(last, v.result + ": " + v.expect.dump(), differed, s->outcome.transcript, blamed);
}

CheckResult RunFile(CheckContext& ctx, const VectorFile& file) {
  int run = 0;
  std::set<std::string> missing;
  PrintedFailures printed;
  std::optional<CheckResult> failed;  // the first vector that failed or erred
  std::string first_printed;  // the vector the first printed failure came from
  Unjudged unjudged;
  for (const Vector& v : file.vectors) {
    std::vector<std::string> lacking;
    for (const std::string& c : v.capabilities) {
      if (!ctx.hello.Has(c)) lacking.push_back(c);
    }
    if (!lacking.empty()) {
      missing.insert(lacking.begin(), lacking.end());
      unjudged.Skipped(v.clauses,
                       "a vector naming it needs " + Join(lacking) + ", which the target lacks");
      continue;
    }
    unjudged.Ran(v.clauses);
    ++run;
    const bool none_printed = printed.empty();
    std::optional<CheckResult> r = RunVector(ctx, v, printed);
    if (none_printed && !printed.empty()) first_printed = VectorName(v);
    if (!r) continue;
    // Each vector is judged on its own: a failure does not keep the file's
    // other vectors from being judged, and each adds what it broke. An
    // error (the target out of service) ends the file.
    if (r->status != CheckStatus::kFail) {
      if (!failed) failed = std::move(r);
      break;
    }
    if (!failed) {
      failed = std::move(r);
      continue;
    }
    for (const std::string& c : r->failed_clauses) {
      if (std::find(failed->failed_clauses.begin(), failed->failed_clauses.end(), c) ==
          failed->failed_clauses.end()) {
        failed->failed_clauses.push_back(c);
      }
    }
    failed->message += "\n" + r->message;
  }
  if (failed) {
    if (failed->status == CheckStatus::kFail) failed->cases_run = run;
    printed.AddTo(&*failed);
    return unjudged.Into(std::move(*failed));
  }
  if (!printed.empty()) {
    CheckResult r = printed.Result(nullptr, ctx.seed, run);
    r.message = first_printed + ": " + r.message;
    return unjudged.Into(std::move(r));
  }
  if (run == 0) {
    return CheckResult::NotApplicable("every vector needs a capability the target lacks: " +
                                      Join({missing.begin(), missing.end()}));
  }
  return unjudged.Into(CheckResult::Pass(run));
}

}  // namespace

std::vector<Check> VectorChecks(const std::filesystem::path& data_dir) {
  return VectorChecksIn(data_dir / "fixtures" / "vectors", data_dir);
}

std::vector<Check> VectorChecksIn(const std::filesystem::path& vector_dir,
                                  const std::filesystem::path& data_dir) {
  std::vector<std::string> paths;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(vector_dir, ec)) {
    const std::string p = entry.path().string();
    if (p.size() > 10 && p.compare(p.size() - 10, 10, "_test.json") == 0) paths.push_back(p);
  }
  std::sort(paths.begin(), paths.end());
  std::vector<Check> checks;
  for (const std::string& path : paths) {
    VectorFile file;
    const std::string problem = ParseFile(path, data_dir, &file);
    const std::string stem = std::filesystem::path(path).filename().string();
    if (!problem.empty()) {
      const std::string why = "vector file " + stem + ": " + problem;
      checks.push_back({"Vectors", CamelCase(stem.substr(0, stem.size() - 10)), {}, {}, 1,
                        [why](CheckContext&) { return CheckResult::Error(why); }});
      continue;
    }
    // One check per set of features the vectors need, so a clause whose
    // vectors all need a feature the target lacks reads n/a, not pass. The
    // kinds and models a vector needs do not split the file (every target
    // would get a dozen more checks for it): RunFile skips a vector whose
    // kind or model the target does not claim, and a check it skips whole
    // reads n/a the same way.
    std::map<std::set<std::string>, VectorFile> by_needs;
    for (const Vector& v : file.vectors) {
      std::set<std::string> features;
      for (const std::string& c : v.capabilities) {
        if (c.rfind(kKindCapabilityPrefix, 0) != 0 && c.rfind(kModelCapabilityPrefix, 0) != 0) {
          features.insert(c);
        }
      }
      VectorFile& part = by_needs[features];
      part.topic = file.topic;
      part.vectors.push_back(v);
    }
    for (auto& [needs, part] : by_needs) {
      std::set<std::string> clauses;
      for (const Vector& v : part.vectors) clauses.insert(v.clauses.begin(), v.clauses.end());
      std::string name = CamelCase(file.topic);
      for (const std::string& c : needs) name += CamelCase(c);
      const int cases = static_cast<int>(part.vectors.size());
      checks.push_back({"Vectors", name, {clauses.begin(), clauses.end()},
                        {needs.begin(), needs.end()}, cases,
                        [part = std::move(part)](CheckContext& ctx) { return RunFile(ctx, part); }});
    }
  }
  return checks;
}

}  // namespace hsmbackup::conformance
