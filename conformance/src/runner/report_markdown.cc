// The Markdown report: what a vendor attaches to a ticket or a PR.
#include <algorithm>
#include <sstream>

#include "report_util.h"

namespace hsmbackup::conformance {
namespace {

using report_internal::CheckById;
using report_internal::Join;
using report_internal::Requirement;
using report_internal::RerunCommand;
using report_internal::Seconds;
using report_internal::ShardText;

// Cell makes text safe in a table cell: one line, pipes escaped.
std::string Cell(const std::string& text) {
  std::string out;
  for (char c : text.substr(0, text.find('\n'))) {
    if (c == '|') {
      out += "\\|";
    } else if (c != '\r') {
      out += c;
    }
  }
  return out;
}

// Fence picks a code fence longer than any backtick run in `text`, so a
// transcript can never close its own block.
std::string Fence(const std::string& text) {
  size_t longest = 0, run = 0;
  for (char c : text) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  return std::string(std::max<size_t>(3, longest + 1), '`');
}

void Block(std::ostringstream& out, const std::string& lang, const std::string& text) {
  const std::string fence = Fence(text);
  out << fence << lang << "\n"
      << text << (text.empty() || text.back() == '\n' ? "" : "\n") << fence << "\n\n";
}

}  // namespace

std::string MarkdownReport(const RunReport& report) {
  std::ostringstream out;
  out << "# Conformance report: " << Cell(report.implementation) << "\n\n"
      << "| | |\n|---|---|\n"
      << "| Verdict | **" << Cell(ExitMeaning(report.exit_code)) << "** (exit " << report.exit_code
      << ") |\n"
      << "| Implementation | " << Cell(report.implementation) << " |\n"
      << "| Target | `" << Cell(report.target) << "` |\n"
      << (report.processes
              ? "| Processes | " + Cell(report_internal::ProcessesText(*report.processes)) + " |\n"
              : std::string())
      << "| Seed | " << report.seed << " |\n"
      << "| Cases | " << (report.cases ? std::to_string(*report.cases) : "each check's default")
      << " |\n";
  if (report.shard) out << "| Shard | " << ShardText(report) << " |\n";
  if (report.merged_shards > 0) {
    out << "| Shards | " << report.merged_shards << ", merged (--merge) |\n";
  }
  out << "| Date | " << report.started << " (" << Seconds(report.seconds) << " s) |\n"
      << "| Tool | hsmbackup-conformance " << report.tool_version << " |\n"
      << "| Catalogue | sha256 `" << Cell(report.catalogue_sha256) << "` |\n\n";
  if (!report.implementation_notes.empty()) {
    out << "## Implementation notes\n\n" << report.implementation_notes << "\n\n";
  }
  out << "## Clauses\n\n| Clause | Family | Verdict | Checks | Detail |\n|---|---|---|---|---|\n";
  for (const ClauseVerdict& v : report.clauses) {
    const std::string detail =
        v.first_failing_check.empty() ? v.reason : v.first_failing_check + ": " + v.reason;
    out << "| " << Cell(v.id) << " | " << Cell(v.family) << " | " << VerdictName(v.verdict) << " | "
        << v.checks.size() << " | " << Cell(detail) << " |\n";
  }
  out << "\nTotals:";
  for (const auto& [verdict, count] : report.Totals()) {
    if (count > 0) out << " " << count << " " << VerdictName(verdict) << ";";
  }
  out << " " << report.checks.size() << " checks ran.\n";
  for (const ClauseVerdict& v : report.clauses) {
    if (v.verdict != Verdict::kFail && v.verdict != Verdict::kUnexpectedPass) continue;
    out << "\n## " << v.id << ": " << VerdictName(v.verdict) << "\n\n";
    // One quoted paragraph per line of the requirement: the clause, then
    // each sentence it rests on.
    std::istringstream requirement(Requirement(v));
    for (std::string line, sep; std::getline(requirement, line); sep = ">\n") {
      const size_t b = line.find_first_not_of(' ');
      out << sep << "> " << Cell(b == std::string::npos ? "" : line.substr(b)) << "\n";
    }
    if (!v.requirement.empty()) out << "\n";
    out << Cell(v.reason) << "\n\n";
    for (const CheckOutcome& c : report.checks) {
      if (!c.Blames(v.id)) continue;
      out << "### " << c.id() << "\n\nClauses: " << Join(c.clauses, ", ") << ". Run seed "
          << report.seed << ", check seed " << c.seed << ".\n\n";
      Block(out, "", c.message);
      if (c.counterexample) {
        const Counterexample& x = *c.counterexample;
        out << (x.scenario.lines.empty() ? std::string("Failing at the load of the world.")
                                         : "Failing step " + std::to_string(x.failing_step + 1) +
                                               ".")
            << "\n\n";
        const std::string step = x.failing_step < x.scenario.lines.size()
                                     ? "lunacm:> " + x.scenario.lines[x.failing_step] + "\n"
                                     : "";
        Block(out, "", step + "expected: " + x.expected + "\nobserved: " + x.observed);
        if (!x.target_transcript.empty()) {
          out << "The target said:\n\n";
          Block(out, "", Join(x.target_transcript, "\n"));
        }
        if (!x.reference_transcript.empty()) {
          out << "The reference said:\n\n";
          Block(out, "", Join(x.reference_transcript, "\n"));
        }
        out << "world.json:\n\n";
        Block(out, "json", x.scenario.world.dump(2, ' ', false, Json::error_handler_t::replace));
        out << "script.lunacm:\n\n";
        Block(out, "", ScenarioScript(x.scenario));
        out << "Replay against the reference:\n\n";
        Block(out, "sh", ReplayCommand(x.scenario, "world.json", "script.lunacm"));
      }
      out << "Rerun this check:\n\n";
      Block(out, "sh", RerunCommand(report, c));
    }
    if (v.verdict == Verdict::kUnexpectedPass) {
      if (const CheckOutcome* c = CheckById(report, v.first_failing_check)) {
        out << "Passing check: " << c->id() << ".\n";
      }
    }
  }
  return out.str();
}

}  // namespace hsmbackup::conformance
