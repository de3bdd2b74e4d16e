// Whose wording each printed line is: every line the reference prints has an
// entry in the "wording" catalogue of conformance/clauses.json, with its
// provenance ("seed" where the seed page quotes it, "project" otherwise), so
// nobody takes the project's wording for lunacm's. The lines looked at are
// the golden transcripts (the tool's output, held by golden_test) and the
// transcripts of every scenario vector run through the engine.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hsmbackup/engine.h"
#include "hsmbackup/world_io.h"
#include "support/test_support.h"

namespace hsmbackup {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::ReadFile;
using testing::SourcePath;

// The catch-all entries: the failure paragraph, whatever its words, and
// the command table `help` prints after one of its heads.
constexpr char kAnyMessage[] = "<message>";
constexpr char kHelpListing[] = "<help listing>";
bool IsHelpHead(const std::string& entry) {
  return entry.starts_with("Commands (") || entry == "Syntax:" ||
         entry.ends_with("command has these subcommands:");
}

// Canonical drops leading and trailing spaces and makes runs of spaces one
// (the seed page pads some lines with no-break spaces, U+00A0).
std::string Canonical(std::string line) {
  for (size_t at; (at = line.find("\xc2\xa0")) != std::string::npos;) line.replace(at, 2, " ");
  std::string out;
  for (char c : line) {
    if (c == ' ' || c == '\t' || c == '\r') {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// PlaceholderPattern is what one <...> of the catalogue's "placeholders"
// rule stands for.
std::string PlaceholderPattern(const std::string& name) {
  static const std::set<std::string> kNumbers = {
      "n",    "slot", "id",   "handle", "source handle", "stored handle",
      "used", "size", "free", "capacity"};
  if (name == "CKR name") return "CKR_[A-Z0-9_]+";
  if (name == "8 hex digits") return "[0-9A-Fa-f]{8}";
  if (name == "s") return "s?";
  if (name == "masked") return "(?: \\*+)?";
  if (name == "have") return "(?:has|have)";
  if (kNumbers.count(name)) return "[0-9]+";
  return ".+?";
}

std::regex TemplateRegex(const std::string& entry) {
  const std::string line = Canonical(entry);
  static const std::regex kSpecial(R"([.^$|()\[\]{}*+?\\])");
  std::string pattern;
  size_t at = 0;
  while (at < line.size()) {
    const size_t open = line.find('<', at);
    const size_t close = open == std::string::npos ? open : line.find('>', open);
    const size_t literal_end = close == std::string::npos ? line.size() : open;
    pattern += std::regex_replace(line.substr(at, literal_end - at), kSpecial, R"(\$&)");
    if (close == std::string::npos) break;
    pattern += PlaceholderPattern(line.substr(open + 1, close - open - 1));
    at = close + 1;
  }
  return std::regex(pattern);
}

struct Entry {
  std::string line;
  std::string provenance;
  std::vector<std::string> clauses;
  std::regex pattern;
};

json Catalogue() {
  json doc = json::parse(ReadFile(SourcePath("conformance/clauses.json")), nullptr, false);
  EXPECT_FALSE(doc.is_discarded()) << "conformance/clauses.json is not valid JSON";
  return doc;
}

std::vector<Entry> Entries(const json& doc) {
  std::vector<Entry> out;
  if (!doc.is_object() || !doc.contains("wording")) {
    ADD_FAILURE() << "conformance/clauses.json has no \"wording\" catalogue";
    return out;
  }
  for (const json& e : doc["wording"]["lines"]) {
    const std::string line = e.at("line").get<std::string>();
    out.push_back({line, e.at("provenance").get<std::string>(),
                   e.at("clauses").get<std::vector<std::string>>(), TemplateRegex(line)});
  }
  return out;
}

// A transcript is what one command printed, named by where it came from.
struct Transcript {
  std::string origin;
  std::vector<std::string> lines;
};

std::vector<Transcript> Goldens() {
  std::vector<Transcript> out;
  for (const auto& e : fs::directory_iterator(SourcePath("fixtures/transcripts"))) {
    if (e.path().extension() != ".out") continue;
    Transcript t{e.path().filename().string(), {}};
    std::istringstream in(ReadFile(e.path().string()));
    for (std::string line; std::getline(in, line);) t.lines.push_back(line);
    out.push_back(std::move(t));
  }
  return out;
}

// Vectors runs every scenario of fixtures/vectors/ through the engine.
std::vector<Transcript> Vectors() {
  std::vector<Transcript> out;
  for (const auto& e : fs::directory_iterator(SourcePath("fixtures/vectors"))) {
    if (!e.path().string().ends_with("_test.json")) continue;
    const json doc = json::parse(ReadFile(e.path().string()));
    for (const json& group : doc["testGroups"]) {
      const std::string world_text =
          group.contains("worldFile")
              ? ReadFile(SourcePath(group["worldFile"].get<std::string>()))
              : group["world"].dump();
      for (const json& test : group["tests"]) {
        StatusOr<World> world = ParseWorld(world_text, "vector world");
        if (!world.ok()) continue;  // bad worlds are the vectors' own subject
        Session session(&*world);
        ScriptedPrompter prompter(test["answers"].get<std::vector<std::string>>());
        for (const json& line : test["lines"]) {
          CollectingSink sink;
          (void)session.Execute(line.get<std::string>(), sink, prompter);
          out.push_back({e.path().filename().string() + " tcId " +
                             std::to_string(test["tcId"].get<int>()) + ": " +
                             line.get<std::string>(),
                         std::move(sink.lines)});
        }
      }
    }
  }
  return out;
}

// Classify names the entry each non-blank line of `t` is, counting uses.
void Classify(const Transcript& t, const std::vector<Entry>& entries,
              std::map<std::string, int>* uses) {
  std::vector<std::string> lines;
  for (const std::string& raw : t.lines) {
    if (!Canonical(raw).empty()) lines.push_back(Canonical(raw));
  }
  bool in_help = false;
  for (size_t i = 0; i < lines.size(); ++i) {
    std::vector<const Entry*> matched;
    for (const Entry& e : entries) {
      if (e.line != kAnyMessage && e.line != kHelpListing &&
          std::regex_match(lines[i], e.pattern)) {
        matched.push_back(&e);
      }
    }
    if (lines[i].starts_with("Command Result") || lines[i].starts_with("lunacm:>")) {
      in_help = false;
    }
    if (matched.size() == 1 && IsHelpHead(matched[0]->line)) in_help = true;
    const bool before_failure =
        i + 1 < lines.size() && lines[i + 1].starts_with("Command Result : 0x");
    if (matched.empty() && (before_failure || in_help)) {
      ++(*uses)[before_failure ? kAnyMessage : kHelpListing];
      continue;
    }
    EXPECT_EQ(matched.size(), 1u)
        << t.origin << ": the line \"" << lines[i] << "\" matches "
        << (matched.empty() ? "no entry of the wording catalogue (add it, with its provenance)"
                            : matched[0]->line + " and " + matched.back()->line);
    if (!matched.empty()) ++(*uses)[matched[0]->line];
  }
}

TEST(Wording, EveryLineTheReferencePrintsHasOneEntry) {
  HSMB_CLAUSE("OUT-TRANSCRIPT", "OUT-ERROR");
  const std::vector<Entry> entries = Entries(Catalogue());
  std::map<std::string, int> uses;
  size_t transcripts = 0;
  for (const auto& source : {Goldens(), Vectors()}) {
    for (const Transcript& t : source) Classify(t, entries, &uses);
    transcripts += source.size();
  }
  EXPECT_GT(transcripts, 200u);
  for (const Entry& e : entries) {
    EXPECT_GT(uses[e.line], 0) << "no golden or vector prints \"" << e.line
                               << "\": a stale entry, or a line no transcript shows";
  }
}

TEST(Wording, EntriesAreWellFormed) {
  const json doc = Catalogue();
  std::set<std::string> ids;
  for (const json& c : doc["clauses"]) ids.insert(c["id"].get<std::string>());
  std::set<std::string> seen;
  for (const Entry& e : Entries(doc)) {
    EXPECT_TRUE(seen.insert(e.line).second) << "\"" << e.line << "\" is listed twice";
    EXPECT_TRUE(e.provenance == "seed" || e.provenance == "project") << e.line;
    EXPECT_FALSE(e.clauses.empty()) << e.line;
    for (const std::string& id : e.clauses) {
      EXPECT_TRUE(ids.count(id)) << e.line << " names " << id << ", not in the catalogue";
    }
  }
}

TEST(Wording, SeedLinesAreQuotedBySeedAndProjectLinesAreNot) {
  HSMB_CLAUSE("OUT-TRANSCRIPT");
  const std::string seed_path = SourcePath("../shared/seed/partition-archive-backup.txt");
  if (!fs::exists(seed_path)) GTEST_SKIP() << "the seed page is not beside this checkout";
  std::vector<std::string> seed;
  std::istringstream in(ReadFile(seed_path));
  for (std::string line; std::getline(in, line);) seed.push_back(Canonical(line));
  for (const Entry& e : Entries(Catalogue())) {
    if (e.line == kAnyMessage || e.line == kHelpListing) continue;
    bool quoted = false;
    for (const std::string& line : seed) quoted = quoted || std::regex_match(line, e.pattern);
    EXPECT_EQ(quoted, e.provenance == "seed")
        << "\"" << e.line << "\" is marked " << e.provenance << " but the seed "
        << (quoted ? "quotes it" : "does not quote it");
  }
}

}  // namespace
}  // namespace hsmbackup
