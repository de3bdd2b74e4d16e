#include "conformance/scenario.h"

#include <algorithm>
#include <set>
#include <sstream>

namespace hsmbackup::conformance {
namespace {

std::string Trim(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  const size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

// Quote makes a word safe for /bin/sh: single quotes, with ' written '\''.
std::string Quote(const std::string& word) {
  std::string out = "'";
  for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

std::string ScenarioScript(const Scenario& s) {
  std::string out = "# hsmbackup conformance scenario: one lunacm command per line\n";
  if (!s.answers.empty()) {
    out += "# answers:";
    for (const std::string& a : s.answers) out += " " + a;
    out += "\n";
  }
  if (!s.credentials.empty()) {
    out += "# credentials:";
    for (const auto& [name, value] : s.credentials) out += " " + name + "=" + value;
    out += "\n";
  }
  for (const std::string& line : s.lines) out += line + "\n";
  return out;
}

std::optional<Scenario> ParseScenario(const std::string& world_json, const std::string& script,
                                      std::string* error) {
  Scenario s;
  s.world = ParseJson(world_json);
  if (s.world.is_discarded() || !s.world.is_object()) {
    *error = "the world file is not a JSON object";
    return std::nullopt;
  }
  std::istringstream in(script);
  std::string line;
  while (std::getline(in, line)) {
    const std::string t = Trim(line);
    if (t.empty()) continue;
    if (t[0] == '#') {
      const std::string body = Trim(t.substr(1));
      if (body.rfind("answers:", 0) == 0) {
        std::istringstream words(body.substr(8));
        for (std::string w; words >> w;) s.answers.push_back(w);
      } else if (body.rfind("credentials:", 0) == 0) {
        std::istringstream words(body.substr(12));
        for (std::string w; words >> w;) {
          const size_t eq = w.find('=');
          if (eq != std::string::npos) s.credentials[w.substr(0, eq)] = w.substr(eq + 1);
        }
      }
      continue;
    }
    s.lines.push_back(t);
  }
  return s;
}

std::string ReplayCommand(const Scenario& s, const std::string& world_path,
                          const std::string& script_path) {
  std::string cmd = "hsmbackup run --world " + Quote(world_path);
  for (const std::string& a : s.answers) cmd += " --answer " + Quote(a);
  for (const auto& [name, value] : s.credentials) cmd += " --credential " + Quote(name + "=" + value);
  return cmd + " " + Quote(script_path);
}

std::string Describe(const Counterexample& c) {
  std::ostringstream out;
  out << "Counterexample (seed " << c.seed << "), failing ";
  if (c.scenario.lines.empty()) {
    out << "at the load of the world below:\n";  // WorldLoad.*: no line ran
  } else {
    out << "at step " << c.failing_step + 1 << " of " << c.scenario.lines.size() << ":\n";
  }
  if (c.failing_step < c.scenario.lines.size()) {
    out << "  lunacm:> " << c.scenario.lines[c.failing_step] << "\n";
  }
  out << "  expected: " << c.expected << "\n  observed: " << c.observed << "\n";
  auto lines = [&](const char* who, const std::vector<std::string>& ls) {
    if (ls.empty()) return;
    out << "  " << who << " said:\n";
    for (const std::string& l : ls) out << "    | " << l << "\n";
  };
  lines("the target", c.target_transcript);
  lines("the reference", c.reference_transcript);
  out << "--- world.json ---\n" << c.scenario.world.dump(2) << "\n";
  out << "--- script.lunacm ---\n" << ScenarioScript(c.scenario);
  out << "--- replay against the reference ---\n"
      << ReplayCommand(c.scenario, "world.json", "script.lunacm") << "\n";
  return out.str();
}

namespace {

// StepWithAnswers runs line `i` with the answers not yet used, observing after it when
// `observe`, and advances `*next_answer` by the prompts it asked.
std::optional<StepOutcome> StepWithAnswers(Target& target, const Scenario& s, size_t i,
                                           size_t* next_answer, bool observe,
                                           const std::function<void()>& meanwhile,
                                           TargetError* error) {
  const size_t from = std::min(*next_answer, s.answers.size());
  std::vector<std::string> pending(s.answers.begin() + static_cast<std::ptrdiff_t>(from),
                                   s.answers.end());
  StepOutcome step;
  if (observe) {
    std::optional<Target::Observed> o =
        target.ExecuteAndObserve(s.lines.at(i), pending, s.credentials, meanwhile, error);
    if (!o) return std::nullopt;
    step.outcome = std::move(o->outcome);
    step.after = std::move(o->state);
  } else {
    std::optional<Outcome> o = target.Execute(s.lines.at(i), pending, s.credentials, error);
    if (!o) return std::nullopt;
    step.outcome = std::move(*o);
  }
  const size_t used =
      std::min(pending.size(), static_cast<size_t>(std::max(step.outcome.prompts, 0)));
  step.answers_used.assign(pending.begin(), pending.begin() + static_cast<std::ptrdiff_t>(used));
  *next_answer = from + used;
  return step;
}

}  // namespace

std::optional<StepOutcome> ExecuteStep(Target& target, const Scenario& s, size_t i,
                                       size_t* next_answer, TargetError* error) {
  return StepWithAnswers(target, s, i, next_answer, false, nullptr, error);
}

std::optional<StepOutcome> ExecuteAndObserveStep(Target& target, const Scenario& s, size_t i,
                                                 size_t* next_answer,
                                                 const std::function<void()>& meanwhile,
                                                 TargetError* error) {
  return StepWithAnswers(target, s, i, next_answer, true, meanwhile, error);
}

std::set<std::string> NeededCapabilities(const Json& world) {
  std::set<std::string> caps;
  for (const Json& f : world.value("faults", Json::array())) {
    if (f.is_object() && f.contains("type") && f["type"].is_string()) {
      caps.insert("fault." + f["type"].get<std::string>());
    }
  }
  for (const Json& s : world.value("slots", Json::array())) {
    if (!s.is_object()) continue;
    const Json dev = s.contains("user_partition") ? s["user_partition"]
                                                   : s.value("backup_hsm", Json());
    if (!dev.is_object()) continue;
    if (dev.value("auth", "password") == "ped") caps.insert("ped");
    if (dev.value("kind", "") == "v1") caps.insert("smkonly");
    if (dev.contains("kind") && dev["kind"].is_string()) {
      caps.insert(std::string(kKindCapabilityPrefix) + dev["kind"].get<std::string>());
    }
    if (dev.contains("model") && dev["model"].is_string()) {
      caps.insert(std::string(kModelCapabilityPrefix) + dev["model"].get<std::string>());
    }
    for (const Json& p : dev.value("partitions", Json::array())) {
      if (!p.is_object() || !p.contains("origin") || !p["origin"].is_string()) continue;
      const std::string origin = p["origin"].get<std::string>();
      if (origin == "v1") caps.insert("smkonly");
      caps.insert(std::string(kKindCapabilityPrefix) + origin);  // a backup of that kind
    }
    const std::string connection = dev.value("connection", "client");
    if (connection == "appliance" || connection == "usb") caps.insert(connection);
  }
  return caps;
}

std::optional<std::string> BrokenUniqueness(const Json& world) {
  // Twice is the first value of `key` two of `items` share, as text.
  auto twice = [](const Json& items, const char* key) -> std::optional<std::string> {
    std::set<std::string> seen;
    for (const Json& item : items) {
      if (!item.is_object() || !item.contains(key)) continue;
      const Json& v = item[key];
      std::string text = v.is_string() ? v.get<std::string>() : v.dump();
      std::transform(text.begin(), text.end(), text.begin(), ::tolower);  // OUIDs: any case
      if (!seen.insert(text).second) return std::string(key) + " " + text + " appears twice";
    }
    return std::nullopt;
  };
  const Json slots = world.value("slots", Json::array());
  if (auto t = twice(slots, "id")) return "slots: " + *t;
  for (const Json& s : slots) {
    if (!s.is_object()) continue;
    const std::string where = " on slot " + s.value("id", Json(0)).dump();
    if (s.contains("user_partition") && s["user_partition"].is_object()) {
      const Json objects = s["user_partition"].value("objects", Json::array());
      for (const char* key : {"handle", "ouid"}) {
        if (auto t = twice(objects, key)) return "user partition" + where + ": " + *t;
      }
    }
    if (!s.contains("backup_hsm") || !s["backup_hsm"].is_object()) continue;
    const Json partitions = s["backup_hsm"].value("partitions", Json::array());
    if (auto t = twice(partitions, "name")) return "backup HSM" + where + ": partition " + *t;
    Json every = Json::array();
    for (const Json& p : partitions) {
      if (!p.is_object()) continue;
      const Json objects = p.value("objects", Json::array());
      if (auto t = twice(objects, "ouid")) {
        return "backup HSM" + where + ", partition " + p.value("name", "") + ": " + *t;
      }
      for (const Json& o : objects) every.push_back(o);
    }
    if (auto t = twice(every, "handle")) return "backup HSM" + where + ": object " + *t;
  }
  return std::nullopt;
}

}  // namespace hsmbackup::conformance
