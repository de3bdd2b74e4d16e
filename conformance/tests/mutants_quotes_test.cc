// A failing clause's reports carry the sentences of the seed it rests on
// (clauses.json `seed`): the suite against refuses-smk-shortcut, which fails
// OPT-SHORTCUTS, in every report it writes.
#include "mutant_support.h"
#include "scratch_dir.h"

namespace hsmbackup::conformance {
namespace {

namespace mt = mutant_testing;

// QuoteInJunit is `text` as the JUnit report's character data writes it.
std::string QuoteInJunit(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

TEST(MutantsQuotes, EveryReportOfAFailingClauseQuotesTheSeed) {
  // The sentences as clauses.json holds them (quotes_test holds them to
  // the seed page).
  const Json catalogue = Json::parse(mt::ReadFile(HSMB_BUILD_DATA_DIR "/clauses.json"));
  std::vector<std::string> quotes;
  for (const Json& c : catalogue["clauses"]) {
    if (c["id"] == "OPT-SHORTCUTS") quotes = c.value("seed", std::vector<std::string>{});
  }
  ASSERT_FALSE(quotes.empty()) << "OPT-SHORTCUTS quotes no sentence of the seed";

  ScratchDir scratch("hsmb-quotes");
  const std::string dir = scratch.path();
  const std::string target = mt::ShellQuote(mt::kMutant) + " refuses-smk-shortcut";
  const mt::RunResult run = mt::RunShell(
      mt::ShellQuote(HSMB_CONFORMANCE_PATH) + " --target-cmd " + mt::ShellQuote(target) +
      " --reuse-target --cases 5 --gtest_filter=Options.ShortcutsSmkOnly --report " + dir +
      "/r.json --junit " + dir + "/j.xml --markdown " + dir + "/r.md 2>/dev/null");
  ASSERT_EQ(run.exit_code, 1) << run.out;

  const Json report = Json::parse(mt::ReadFile(dir + "/r.json"), nullptr, false);
  ASSERT_FALSE(report.is_discarded()) << "no JSON report";
  const Json* clause = nullptr;
  for (const Json& c : report["clauses"]) {
    if (c.value("id", "") == "OPT-SHORTCUTS") clause = &c;
  }
  ASSERT_NE(clause, nullptr);
  EXPECT_EQ((*clause)["verdict"], "fail");
  ASSERT_EQ((*clause)["quotes"].size(), quotes.size()) << clause->dump();
  for (size_t i = 0; i < quotes.size(); ++i) {
    EXPECT_EQ((*clause)["quotes"][i]["from"], "seed");
    EXPECT_EQ((*clause)["quotes"][i]["sentence"], quotes[i]);
  }

  // Every quote, in order, after the clause's requirement line.
  std::string text_lines, junit_lines, markdown_lines;
  for (const std::string& q : quotes) {
    text_lines += "\n  the seed says: \"" + q + "\"";
    junit_lines += "\n  the seed says: " + QuoteInJunit("\"" + q + "\"");
    markdown_lines += "\n>\n> the seed says: \"" + q + "\"";
  }
  const std::string requirement_line = "OPT-SHORTCUTS requires (seed): ";
  const auto follows = [&](const std::string& text, const std::string& lines) {
    const size_t at = text.find(requirement_line);
    if (at == std::string::npos) return false;
    const size_t end = text.find('\n', at);
    return end != std::string::npos && text.compare(end, lines.size(), lines) == 0;
  };
  EXPECT_TRUE(follows(run.out, text_lines)) << run.out;
  EXPECT_TRUE(follows(mt::ReadFile(dir + "/r.md"), markdown_lines)) << mt::ReadFile(dir + "/r.md");
  EXPECT_TRUE(follows(mt::ReadFile(dir + "/j.xml"), junit_lines)) << mt::ReadFile(dir + "/j.xml");
}

}  // namespace
}  // namespace hsmbackup::conformance
