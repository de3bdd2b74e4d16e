#include "model/line.h"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <set>
#include <sstream>

#include "model/text.h"

namespace hsmbackup::conformance::model {
namespace {

struct Spec {
  const char* name;
  size_t shortest;  // the seed's shortcut length, without the dash
  bool takes_value;
};

// The seed's options with their shortcuts (-a -deb -def -do -f -o -par -pas
// -rep -s -smk -sop).
constexpr Spec kArchiveOptions[] = {
    {"append", 1, false},   {"debug", 3, false},   {"defaultdomain", 3, false},
    {"domain", 2, true},    {"force", 1, false},   {"objects", 1, true},
    {"partition", 3, true}, {"password", 3, true}, {"replace", 3, false},
    {"slot", 1, true},      {"smkonly", 3, false}, {"sopassword", 3, true},
};

const Spec* Match(const std::string& token) {
  std::string t = token.substr(1);
  std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return std::tolower(c); });
  for (const Spec& s : kArchiveOptions) {
    const std::string name = s.name;
    if (t.size() >= s.shortest && t.size() <= name.size() && name.compare(0, t.size(), t) == 0) {
      return &s;
    }
  }
  return nullptr;
}

bool ParseU32(const std::string& s, uint32_t* out) {
  if (s.empty() || s.size() > 10 || !std::all_of(s.begin(), s.end(), ::isdigit)) return false;
  const uint64_t v = std::stoull(s);
  if (v > 0xFFFFFFFFull) return false;
  *out = static_cast<uint32_t>(v);
  return true;
}

// ParseObjects: "0" or "all" = everything; else a comma list of distinct
// handles >= 1.
bool ParseObjects(const std::string& v, Line* line) {
  std::string lower = v;
  std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
  if (lower == "0" || lower == "all") return true;
  std::vector<uint32_t> handles;
  std::set<uint32_t> seen;
  std::string item;
  std::istringstream in(v + ",");
  size_t commas = std::count(v.begin(), v.end(), ',');
  size_t items = 0;
  while (std::getline(in, item, ',')) {
    ++items;
    uint32_t h = 0;
    if (!ParseU32(item, &h) || h == 0 || !seen.insert(h).second) return false;
    handles.push_back(h);
  }
  if (items != commas + 1) return false;
  line->objects = handles;
  return true;
}

bool ValidName(const std::string& n) {
  return !n.empty() && n.size() <= kMaxPartitionName &&
         std::all_of(n.begin(), n.end(), [](char c) { return c > 0x20 && c < 0x7F; });
}

}  // namespace

std::optional<std::string> Line::Get(const std::string& o) const {
  auto it = options.find(o);
  if (it == options.end()) return std::nullopt;
  return it->second;
}

std::string Utc(int64_t seconds, const char* format) {
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}

std::vector<std::string> TypedSecrets(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> w;
  for (std::string s; in >> s;) w.push_back(s);
  std::vector<std::string> out;
  for (size_t i = 0; i + 1 < w.size(); ++i) {
    if (w[i].size() < 2 || w[i][0] != '-' || w[i + 1][0] == '-') continue;
    const Spec* s = Match(w[i]);
    if (s == nullptr) continue;
    const std::string name = s->name;
    // A value of a few characters may appear in any text by chance (a
    // 1-character password in "partition"): only one of 6 or more is judged.
    const bool judged = w[i + 1].size() >= 6;
    if (judged && (name == "password" || name == "sopassword" || name == "domain")) {
      out.push_back(w[i + 1]);
    }
  }
  return out;
}

namespace {

// The command words (PROJ-COMMAND-WORDS; the seed's one command and its
// family), each a list of words.
const std::vector<std::vector<std::string>>& Commands() {
  static const std::vector<std::vector<std::string>> kCommands = {
      {"slot", "list"},
      {"slot", "set"},
      {"role", "login"},
      {"role", "logout"},
      {"partition", "contents"},
      {"partition", "archive", "backup"},
      {"partition", "archive", "restore"},
      {"partition", "archive", "list"},
      {"partition", "archive", "contents"},
      {"partition", "archive", "delete"}};
  return kCommands;
}

// ResolveWords reads words[first..] as command words, each the word or a
// prefix of it no other word in its place starts with; it stops at an
// option, at a word that fits none or several, and after a whole command.
std::vector<std::string> ResolveWords(const std::vector<std::string>& words, size_t first) {
  std::vector<std::string> out;
  std::vector<const std::vector<std::string>*> left;
  for (const auto& c : Commands()) left.push_back(&c);
  for (size_t i = first; i < words.size() && words[i][0] != '-'; ++i) {
    const std::string t = Lower(words[i]);
    const size_t at = out.size();
    std::set<std::string> fits;
    for (const auto* c : left) {
      if (c->size() > at && (*c)[at].compare(0, t.size(), t) == 0) fits.insert((*c)[at]);
    }
    if (fits.count(t) != 0) fits = {t};
    if (fits.size() != 1) break;
    out.push_back(*fits.begin());
    std::erase_if(left, [&](const auto* c) { return c->size() <= at || (*c)[at] != out.back(); });
    if (std::any_of(left.begin(), left.end(), [&](const auto* c) { return c->size() == at + 1; })) {
      break;
    }
  }
  return out;
}

// HelpNames: what help on `topic` must name: each subcommand's last word
// under a group; a command's last word and its -slot option (every archive
// command takes one) or, without options, the word alone.
std::vector<std::string> HelpNames(const std::vector<std::string>& topic) {
  std::vector<std::string> names;
  for (const auto& c : Commands()) {
    if (c.size() < topic.size() || !std::equal(topic.begin(), topic.end(), c.begin())) continue;
    names.push_back(c.back());
    if (c.size() == topic.size() && c.size() == 3) names.push_back("-slot");
  }
  return names;
}

}  // namespace

std::optional<std::string> ObjectsListedOnce(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  bool repeated = false;
  for (size_t i = 0; i + 1 < words.size(); ++i) {
    const Spec* s = words[i].size() > 1 && words[i][0] == '-' ? Match(words[i]) : nullptr;
    if (s == nullptr || std::string(s->name) != "objects") continue;
    const std::string& v = words[i + 1];
    std::istringstream list(v + ",");
    std::vector<uint32_t> seen;
    size_t items = 0;
    for (std::string item; std::getline(list, item, ',');) {
      uint32_t h = 0;
      ++items;
      if (!ParseU32(item, &h) || h == 0) return std::nullopt;  // malformed, not only repeated
      if (std::find(seen.begin(), seen.end(), h) == seen.end()) seen.push_back(h);
    }
    if (items != static_cast<size_t>(std::count(v.begin(), v.end(), ',')) + 1) return std::nullopt;
    repeated |= seen.size() < items;
    std::string once;
    for (uint32_t h : seen) once += (once.empty() ? "" : ",") + std::to_string(h);
    words[i + 1] = once;
  }
  if (!repeated) return std::nullopt;
  std::string out;
  for (const std::string& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

std::optional<Line> ParseLine(const std::string& text, std::string* refusal, bool* unknown,
                              std::optional<Verb>* refused_verb) {
  *unknown = false;
  std::istringstream in(text);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  auto lower = [](std::string s) { return Lower(std::move(s)); };
  Line line;
  if (!words.empty()) {  // PROJ-COMMAND-WORDS: prefixes, help, a group alone
    const bool help = lower(words[0]) == "help";
    const std::vector<std::string> resolved = ResolveWords(words, help ? 1 : 0);
    const bool whole =
        std::find(Commands().begin(), Commands().end(), resolved) != Commands().end();
    const size_t end = (help ? 1 : 0) + resolved.size();
    if (end == words.size() && (help || (!resolved.empty() && !whole))) {
      line.verb = Verb::kHelp;
      line.help_names = HelpNames(resolved);
      for (size_t k = 0; k < resolved.size(); ++k) {
        line.abbreviated |= words[(help ? 1 : 0) + k] != resolved[k];
      }
      return line;
    }
    if (whole && !help) {
      for (size_t k = 0; k < resolved.size(); ++k) {
        line.abbreviated |= words[k] != resolved[k];
        words[k] = resolved[k];
      }
    }
  }
  size_t i = 0;
  if (words.size() >= 2 && lower(words[0]) == "role") {
    const std::string v = lower(words[1]);
    if (v != "login" && v != "logout") {
      *unknown = true;
      return line;
    }
    line.verb = v == "login" ? Verb::kLogin : Verb::kLogout;
    for (i = 2; i + 1 < words.size(); i += 2)
      line.options[lower(words[i].substr(1))] = words[i + 1];
    return line;
  }
  if (words.size() >= 2 && lower(words[0]) == "slot") {
    const std::string v = lower(words[1]);
    line.verb = v == "set" ? Verb::kSlotSet : v == "list" ? Verb::kSlotList : Verb::kSlotOther;
    if (words.size() >= 4 && !ParseU32(words[3], &line.slot)) {
      *refusal = "OPT-SLOT";
      return std::nullopt;
    }
    return line;
  }
  if (words.size() == 2 && lower(words[0]) == "partition" && lower(words[1]) == "contents") {
    line.verb = Verb::kPartitionContents;
    return line;
  }
  if (words.size() < 3 || lower(words[0]) != "partition" || lower(words[1]) != "archive") {
    *unknown = true;
    return std::nullopt;
  }
  static const std::map<std::string, Verb> kArchiveVerbs = {{"backup", Verb::kBackup},
                                                            {"restore", Verb::kRestore},
                                                            {"list", Verb::kList},
                                                            {"contents", Verb::kContents},
                                                            {"delete", Verb::kDelete}};
  const auto verb = kArchiveVerbs.find(lower(words[2]));
  if (verb == kArchiveVerbs.end()) {
    *unknown = true;
    return std::nullopt;
  }
  line.verb = verb->second;
  if (refused_verb != nullptr) *refused_verb = line.verb;  // read only if refused
  for (i = 3; i < words.size(); ++i) {
    const Spec* s = words[i].size() > 1 && words[i][0] == '-' ? Match(words[i]) : nullptr;
    if (s != nullptr) {
      const std::string typed = words[i].substr(1);
      const std::string listed = std::string(s->name).substr(0, s->shortest);
      line.respelled |= typed != s->name && typed != listed;
      line.shortcut |= typed == listed && typed != s->name;
    }
    if (s == nullptr || line.options.count(s->name) != 0) {
      *refusal = "OPT-SHORTCUTS";  // unknown or repeated option
      return std::nullopt;
    }
    std::string value;
    if (s->takes_value) {
      if (i + 1 >= words.size()) {
        *refusal = "OPT-SHORTCUTS";
        return std::nullopt;
      }
      value = words[++i];
    }
    line.options[s->name] = value;
  }
  const std::string slot = lower(line.Get("slot").value_or(""));
  line.slot_direct = slot == "direct";
  line.keyword_respelled = (line.slot_direct && *line.Get("slot") != "direct") ||
                           (line.Has("objects") && lower(*line.Get("objects")) == "all" &&
                            *line.Get("objects") != "all");
  if (!line.slot_direct && !ParseU32(slot, &line.slot)) *refusal = "OPT-SLOT";
  if (line.Has("objects") && !ParseObjects(*line.Get("objects"), &line)) {
    *refusal = "OPT-OBJECTS-INVALID";
  }
  if (line.Has("partition") && !ValidName(*line.Get("partition"))) {
    *refusal = "OPT-PARTITION-MAXLEN";
  }
  if (line.Has("domain") && line.Has("defaultdomain")) *refusal = "DOM-OPTION";
  if (!refusal->empty()) return std::nullopt;
  return line;
}

}  // namespace hsmbackup::conformance::model
