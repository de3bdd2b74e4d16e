// The sentences clauses.json quotes (`seed`, `facts`) cannot drift from the
// pages they are copied from: each occurs verbatim in the seed page or in
// LUNA-FACTS.md, whitespace runs and line breaks read as one space, and
// every clause the seed is a source of quotes it.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "conformance/runner.h"
#include "model/text.h"

namespace hsmbackup::conformance {
namespace {

// QuotedPage is a page a clause may quote, in the form its quotes are kept:
// every run of blanks, line breaks and no-break spaces as one space.
std::string QuotedPage(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  std::string text = s.str();
  for (char& c : text) c = c == '\n' ? ' ' : c;
  return model::LineForm(text);
}

std::string SeedPagePath() { return HSMB_BUILD_DATA_DIR "/seed/partition-archive-backup.txt"; }
std::string FactsPagePath() { return HSMB_SOURCE_ROOT "/../shared/LUNA-FACTS.md"; }

// QuoteHolds is whether `quote` is kept in that form and occurs in `page`.
bool QuoteHolds(const std::string& page, const std::string& quote) {
  return !quote.empty() && model::LineForm(quote) == quote && page.find(quote) != std::string::npos;
}

// SourceNames is whether the clause's `source` gives `from` as one of its
// sources: a part, split at ',' and ';' outside parentheses, starting with
// it ("seed (backup); interp (restore)" names the seed; "interp (not in
// the seed)" does not).
bool SourceNames(const std::string& source, const std::string& from) {
  int depth = 0;
  bool part_start = true;
  for (size_t i = 0; i < source.size(); ++i) {
    const char c = source[i];
    if (part_start && c != ' ') {
      if (source.compare(i, from.size(), from) == 0) return true;
      part_start = false;
    }
    depth += c == '(' ? 1 : c == ')' ? -1 : 0;
    if (depth == 0 && (c == ',' || c == ';')) part_start = true;
  }
  return false;
}

std::vector<CatalogueClause> QuotedCatalogue() {
  std::string error;
  auto c = LoadCatalogue(HSMB_BUILD_DATA_DIR "/clauses.json", &error);
  EXPECT_TRUE(c.has_value()) << error;
  return c ? *c : std::vector<CatalogueClause>{};
}

TEST(Quotes, EveryQuoteOccursVerbatimInItsPage) {
  const std::string seed = QuotedPage(SeedPagePath());
  const std::string facts = QuotedPage(FactsPagePath());
  if (seed.empty() || facts.empty()) {
    GTEST_SKIP() << "the seed page or LUNA-FACTS.md is not beside this checkout (../shared)";
  }
  int quotes = 0;
  for (const CatalogueClause& c : QuotedCatalogue()) {
    for (const Quote& q : c.quotes) {
      ++quotes;
      ASSERT_TRUE(q.from == "seed" || q.from == "facts") << c.id << ": " << q.from;
      EXPECT_TRUE(QuoteHolds(q.from == "seed" ? seed : facts, q.sentence))
          << c.id << " quotes the " << q.from << " with words it does not have: \"" << q.sentence
          << "\"";
    }
  }
  EXPECT_GT(quotes, 40);
}

TEST(Quotes, EveryClauseQuotesThePagesItsSourceNames) {
  int seed_clauses = 0;
  for (const CatalogueClause& c : QuotedCatalogue()) {
    for (const char* from : {"seed", "facts"}) {
      bool quoted = false;
      for (const Quote& q : c.quotes) quoted = quoted || q.from == from;
      // Some facts clauses have no sentence of their own there (ARCHIVE-LIST:
      // the facts say only that no syntax was found); the seed has one for
      // every clause it is a source of.
      if (std::string(from) == "seed" && SourceNames(c.source, from)) {
        ++seed_clauses;
        EXPECT_TRUE(quoted) << c.id << " rests on the seed (" << c.source
                            << ") but quotes none of it";
      }
      if (quoted) {
        EXPECT_TRUE(SourceNames(c.source, from))
            << c.id << " quotes the " << from << ", which its source (" << c.source
            << ") does not name";
      }
    }
  }
  EXPECT_GT(seed_clauses, 40);
}

// The checks above would see an altered quote: one changed character, a
// doubled blank or a sentence cut from elsewhere fail.
TEST(Quotes, AnAlteredQuoteIsCaught) {
  const std::string seed = QuotedPage(SeedPagePath());
  if (seed.empty()) GTEST_SKIP() << "the seed page is not beside this checkout (../shared)";
  const std::string real =
      "If the verification fails, then the blob is discarded and the target HSM reports the "
      "failure.";
  ASSERT_TRUE(QuoteHolds(seed, real));
  std::string changed = real;
  changed[changed.find("discarded")] = 'D';
  EXPECT_FALSE(QuoteHolds(seed, changed));
  EXPECT_FALSE(QuoteHolds(seed, "If the verification fails,  then the blob is discarded"));
  EXPECT_FALSE(QuoteHolds(seed, "the blob is kept and the target HSM reports the failure."));
  EXPECT_FALSE(QuoteHolds(seed, ""));
  EXPECT_TRUE(SourceNames("seed (backup); interp (restore)", "seed"));
  EXPECT_TRUE(SourceNames("facts (x, y), seed (-force: 'z')", "seed"));
  EXPECT_FALSE(SourceNames("interp (lunacm; not in the seed or the facts)", "seed"));
}

TEST(Quotes, TheCatalogueRefusesAQuoteThatIsNotAListOfSentences) {
  for (const char* bad :
       {R"("seed":"one sentence")", R"("seed":[])", R"("facts":[""])", R"("seed":["a", 2])"}) {
    std::string error;
    const std::string doc = std::string(R"({"format":"hsmbackup-clauses/1","clauses":[)") +
                            R"({"id":"X-1","family":"F","text":"t","source":"seed",)" + bad + "}]}";
    EXPECT_FALSE(ParseCatalogue(doc, &error).has_value()) << bad;
    EXPECT_NE(error.find("X-1"), std::string::npos) << error;
  }
  std::string error;
  auto ok = ParseCatalogue(
      R"({"format":"hsmbackup-clauses/1","clauses":[{"id":"X-1","family":"F","text":"t",)"
      R"("source":"seed, facts","seed":["a.","b."],"facts":["c."]}]})",
      &error);
  ASSERT_TRUE(ok.has_value()) << error;
  ASSERT_EQ(ok->at(0).quotes.size(), 3u);
  EXPECT_EQ(ok->at(0).quotes[1].from, "seed");
  EXPECT_EQ(ok->at(0).quotes[1].sentence, "b.");
  EXPECT_EQ(ok->at(0).quotes[2].from, "facts");
}

}  // namespace
}  // namespace hsmbackup::conformance
