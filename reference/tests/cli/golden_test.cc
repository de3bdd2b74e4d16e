// Golden transcripts: every fixtures/transcripts/NAME.script is run through
// the real hsmbackup binary and its output compared with NAME.out.
//
// A script's leading comment lines set the run:
//   # world: fixtures/worlds/seed-example.json   (required)
//   # answers: proceed quit                      (prompt answers, in order)
//   # credentials: sopassword=S password=P        (run --credential, AUTH-PROMPT)
//   # exit: 1                                    (expected exit code, default 0)
//   # clauses: OUT-TRANSCRIPT DOM-ERROR-CODE     (what the transcript shows)
// Set HSMB_UPDATE_GOLDENS=1 to rewrite the .out files after a deliberate
// change, then review the diff.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "support/process.h"
#include "support/test_support.h"

namespace hsmbackup {
namespace {

namespace fs = std::filesystem;
using testing::ProcessResult;
using testing::ReadFile;
using testing::RunProcess;
using testing::SourcePath;

struct Golden {
  std::string name;
  fs::path script;
  std::string world;
  std::vector<std::string> answers;
  int exit = 0;
  std::vector<std::string> credentials = {};  // NAME=VALUE, for run --credential
};

std::vector<Golden> LoadGoldens() {
  std::vector<Golden> out;
  fs::path dir = SourcePath("fixtures/transcripts");
  if (!fs::exists(dir)) return out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() != ".script") continue;
    Golden g;
    g.name = e.path().stem().string();
    g.script = e.path();
    std::istringstream in(ReadFile(e.path().string()));
    for (std::string line; std::getline(in, line) && line.rfind("#", 0) == 0;) {
      std::istringstream words(line.substr(1));
      std::string key, value;
      words >> key;
      if (key == "world:") words >> g.world;
      if (key == "exit:") words >> g.exit;
      if (key == "answers:") {
        while (words >> value) g.answers.push_back(value);
      }
      if (key == "credentials:") {
        while (words >> value) g.credentials.push_back(value);
      }
    }
    out.push_back(g);
  }
  std::sort(out.begin(), out.end(), [](const Golden& a, const Golden& b) { return a.name < b.name; });
  return out;
}

// Run executes the tool on a copy of the world (so the fixture never
// changes) and returns stdout and the exit code.
std::pair<std::string, int> RunTool(const Golden& g) {
  fs::path tmp = fs::temp_directory_path() / ("hsmb-golden-" + g.name + ".json");
  fs::copy_file(SourcePath(g.world), tmp, fs::copy_options::overwrite_existing);
  std::vector<std::string> argv = {HSMB_TOOL_PATH, "run", "--world", tmp.string()};
  for (const auto& a : g.answers) {
    argv.push_back("--answer");
    argv.push_back(a);
  }
  for (const auto& c : g.credentials) {
    argv.push_back("--credential");
    argv.push_back(c);
  }
  argv.push_back(g.script.string());
  ProcessResult p = RunProcess(argv);
  fs::remove(tmp);
  return {std::move(p.output), p.exit_code};
}

TEST(Golden, TranscriptsMatch) {
  HSMB_CLAUSE("OUT-TRANSCRIPT", "OUT-ERROR");
  std::vector<Golden> goldens = LoadGoldens();
  ASSERT_GE(goldens.size(), 10u) << "fixtures/transcripts/ holds too few golden scripts";
  const bool update = std::getenv("HSMB_UPDATE_GOLDENS") != nullptr;
  for (const Golden& g : goldens) {
    SCOPED_TRACE(g.name);
    ASSERT_FALSE(g.world.empty()) << "no '# world:' line";
    auto [output, code] = RunTool(g);
    fs::path expected = g.script;
    expected.replace_extension(".out");
    if (update) {
      std::ofstream(expected, std::ios::binary) << output;
    }
    EXPECT_EQ(code, g.exit);
    EXPECT_EQ(output, ReadFile(expected.string()));
  }
}

// The seed's first example, line for line (leading and trailing whitespace
// aside), read from the seed page itself when it is beside the checkout.
// Trim drops spaces, tabs, CRs and the page's no-break spaces at both ends.
std::string Trim(std::string t) {
  const std::string nbsp = "\xc2\xa0";
  for (bool changed = true; changed;) {
    changed = false;
    if (!t.empty() && (t.back() == ' ' || t.back() == '\t' || t.back() == '\r')) {
      t.pop_back();
      changed = true;
    } else if (t.size() >= 2 && t.compare(t.size() - 2, 2, nbsp) == 0) {
      t.resize(t.size() - 2);
      changed = true;
    }
    if (!t.empty() && (t.front() == ' ' || t.front() == '\t')) {
      t.erase(0, 1);
      changed = true;
    } else if (t.compare(0, 2, nbsp) == 0) {
      t.erase(0, 2);
      changed = true;
    }
  }
  return t;
}

std::vector<std::string> TrimmedLines(const std::string& text, const std::string& from,
                                      const std::string& to) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  bool on = false;
  for (std::string line; std::getline(in, line);) {
    std::string t = Trim(line);
    if (t == from) on = true;
    if (on) lines.push_back(t);
    if (on && t == to) break;
  }
  return lines;
}

TEST(Golden, SeedExampleLineForLine) {
  HSMB_CLAUSE("OUT-TRANSCRIPT", "CLONE-ONE-AT-A-TIME");
  const std::string seed_path = SourcePath("../shared/seed/partition-archive-backup.txt");
  if (!fs::exists(seed_path)) GTEST_SKIP() << "the seed page is not beside this checkout";
  std::string seed = ReadFile(seed_path);
  Golden g{"seed-example", SourcePath("fixtures/transcripts/seed-example.script"),
           "fixtures/worlds/seed-example.json", {}, 0};
  auto [output, code] = RunTool(g);
  EXPECT_EQ(code, 0);
  const std::string from = "Logging in as the SO on slot 2.";
  const std::string to = "Command Result : No Error";
  std::vector<std::string> want = TrimmedLines(seed, from, to);
  ASSERT_GT(want.size(), 20u);
  EXPECT_EQ(TrimmedLines(output, from, to), want);
}

TEST(Golden, SeedSmkOnlyExampleLineForLine) {
  HSMB_CLAUSE("OUT-TRANSCRIPT", "OUT-PED", "OPT-SMKONLY-NAME", "OPT-SMKONLY-CONFIRM");
  const std::string seed_path = SourcePath("../shared/seed/partition-archive-backup.txt");
  if (!fs::exists(seed_path)) GTEST_SKIP() << "the seed page is not beside this checkout";
  std::string seed = ReadFile(seed_path);
  // The seed's container line says 2017 where it means the same 2019 name.
  const std::string typo = "358628973182_2017:03:09";
  seed.replace(seed.find(typo), typo.size(), "358628973182_2019:03:09");
  const std::string from = "You are backing up a SKS partition.";
  const std::string to = "Command Result : No Error";
  // The SKS example is the second one on the page.
  std::string second = seed.substr(seed.find(from));
  Golden g{"seed-smkonly", SourcePath("fixtures/transcripts/seed-smkonly.script"),
           "fixtures/worlds/seed-smkonly.json", {"proceed"}, 0};
  auto [output, code] = RunTool(g);
  EXPECT_EQ(code, 0);
  std::vector<std::string> want = TrimmedLines(second, from, to);
  ASSERT_GT(want.size(), 15u);
  EXPECT_EQ(TrimmedLines(output, from, to), want);
}

}  // namespace
}  // namespace hsmbackup
