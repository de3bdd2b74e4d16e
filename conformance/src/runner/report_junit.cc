// JUnit XML: one testsuite per clause family, one testcase per clause, so CI
// systems show clause verdicts rather than check names.
#include <algorithm>
#include <cstdint>
#include <sstream>

#include "report_util.h"

namespace hsmbackup::conformance {
namespace {

using report_internal::Requirement;
using report_internal::RerunCommand;
using report_internal::Seconds;
using report_internal::ShardText;

constexpr char kReplacement[] = "\xEF\xBF\xBD";  // U+FFFD

// Escape writes `text` as XML 1.0 character data. Invalid UTF-8 and code
// points XML cannot carry at all (most C0 controls, U+FFFE/U+FFFF) become
// U+FFFD: a counterexample may hold any bytes a target printed.
std::string Escape(const std::string& text, bool attribute) {
  std::string out;
  for (size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&apos;"; break;
        case '\n': out += attribute ? "&#10;" : "\n"; break;
        case '\r': out += "&#13;"; break;
        case '\t': out += attribute ? "&#9;" : "\t"; break;
        default: out += c < 0x20 ? kReplacement : std::string(1, static_cast<char>(c));
      }
      ++i;
      continue;
    }
    const size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
    uint32_t cp = len == 4 ? c & 0x07u : len == 3 ? c & 0x0Fu : c & 0x1Fu;
    bool ok = len != 0 && c < 0xF5 && i + len <= text.size();
    for (size_t k = 1; ok && k < len; ++k) {
      const unsigned char cc = static_cast<unsigned char>(text[i + k]);
      ok = (cc & 0xC0) == 0x80;
      cp = (cp << 6) | (cc & 0x3Fu);
    }
    if (!ok) {  // a stray byte: replace it alone and resynchronise
      out += kReplacement;
      ++i;
      continue;
    }
    // Overlong forms, surrogates and the two non-characters XML excludes
    // are whole sequences: one replacement each.
    const bool allowed = !(len == 3 && cp < 0x800) &&
                         !(len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) &&
                         !(cp >= 0xD800 && cp <= 0xDFFF) && cp != 0xFFFE && cp != 0xFFFF;
    if (allowed) {
      out.append(text, i, len);
    } else {
      out += kReplacement;
    }
    i += len;
  }
  return out;
}

std::string FirstLine(const std::string& text) { return text.substr(0, text.find('\n')); }

// FailureText is every failing check's story for one clause.
std::string FailureText(const RunReport& report, const ClauseVerdict& v) {
  std::ostringstream out;
  out << VerdictName(v.verdict) << ": " << v.reason << "\n";
  out << Requirement(v);
  for (const CheckOutcome& c : report.checks) {
    const bool named = std::find(v.checks.begin(), v.checks.end(), c.id()) != v.checks.end();
    const bool no_verdict = v.verdict == Verdict::kError && named && c.status != CheckStatus::kPass;
    if (!c.Blames(v.id) && !no_verdict) continue;
    out << "\n"
        << c.id() << " (run seed " << report.seed << ", check seed " << c.seed
        << "): " << CheckStatusName(c.status) << "\n"
        << c.message << "\n";
    if (c.counterexample) out << Describe(*c.counterexample);
    out << "rerun: " << RerunCommand(report, c) << "\n";
  }
  return out.str();
}

}  // namespace

std::string XmlEscape(const std::string& text) { return Escape(text, true); }

std::string JunitXml(const RunReport& report) {
  std::vector<std::string> families;
  for (const ClauseVerdict& v : report.clauses) {
    if (std::find(families.begin(), families.end(), v.family) == families.end()) {
      families.push_back(v.family);
    }
  }
  auto is_failure = [](Verdict v) { return v == Verdict::kFail || v == Verdict::kUnexpectedPass; };
  auto is_skip = [](Verdict v) {
    return v == Verdict::kNotApplicable || v == Verdict::kNotRun || v == Verdict::kExpectedFailure;
  };
  // A check naming several clauses is in each one's time: a suite's time
  // counts each of its checks once, and the whole is the run's wall time.
  struct Counts {
    int tests = 0, failures = 0, errors = 0, skipped = 0;
    double seconds = 0;
    std::vector<std::string> checks;
    void Add(const RunReport& report, const ClauseVerdict& v, bool failure, bool skip) {
      ++tests;
      failures += failure;
      errors += v.verdict == Verdict::kError;
      skipped += skip;
      for (const std::string& id : v.checks) {
        if (std::find(checks.begin(), checks.end(), id) != checks.end()) continue;
        checks.push_back(id);
        if (const CheckOutcome* c = report_internal::CheckById(report, id)) seconds += c->seconds;
      }
    }
  };
  auto counts_attrs = [](const Counts& c) {
    return " tests=\"" + std::to_string(c.tests) + "\" failures=\"" + std::to_string(c.failures) +
           "\" errors=\"" + std::to_string(c.errors) + "\" skipped=\"" + std::to_string(c.skipped) +
           "\" time=\"" + Seconds(c.seconds) + "\"";
  };
  Counts all;
  std::ostringstream suites;
  for (const std::string& family : families) {
    Counts counts;
    std::ostringstream cases;
    for (const ClauseVerdict& v : report.clauses) {
      if (v.family != family) continue;
      counts.Add(report, v, is_failure(v.verdict), is_skip(v.verdict));
      all.Add(report, v, is_failure(v.verdict), is_skip(v.verdict));
      cases << "    <testcase classname=\"" << Escape(family, true) << "\" name=\""
            << Escape(v.id, true) << "\" time=\"" << Seconds(v.seconds) << "\"";
      if (v.verdict == Verdict::kPass) {
        cases << "/>\n";
        continue;
      }
      cases << ">\n";
      const std::string message =
          Escape(std::string(VerdictName(v.verdict)) + ": " + FirstLine(v.reason), true);
      if (is_failure(v.verdict)) {
        cases << "      <failure type=\"" << VerdictName(v.verdict) << "\" message=\"" << message
              << "\">" << Escape(FailureText(report, v), false) << "</failure>\n";
      } else if (v.verdict == Verdict::kError) {
        cases << "      <error type=\"error\" message=\"" << message << "\">"
              << Escape(FailureText(report, v), false) << "</error>\n";
      } else {
        cases << "      <skipped message=\"" << message << "\"/>\n";
      }
      cases << "    </testcase>\n";
    }
    suites << "  <testsuite name=\"" << Escape(family, true) << "\"" << counts_attrs(counts)
           << " timestamp=\"" << Escape(report.started, true) << "\">\n"
           << "    <properties>\n"
           << "      <property name=\"implementation\" value=\""
           << Escape(report.implementation, true) << "\"/>\n"
           << "      <property name=\"target\" value=\"" << Escape(report.target, true) << "\"/>\n"
           << "      <property name=\"seed\" value=\"" << report.seed << "\"/>\n"
           << "      <property name=\"tool_version\" value=\"" << Escape(report.tool_version, true)
           << "\"/>\n"
           << "      <property name=\"catalogue_sha256\" value=\""
           << Escape(report.catalogue_sha256, true) << "\"/>\n";
    if (report.shard) {
      suites << "      <property name=\"shard\" value=\"" << ShardText(report) << "\"/>\n";
    }
    if (report.merged_shards > 0) {
      suites << "      <property name=\"merged_shards\" value=\"" << report.merged_shards
             << "\"/>\n";
    }
    if (report.processes) {
      suites << "      <property name=\"processes\" value=\""
             << Escape(std::string(report.processes->Mode()), true) << "\"/>\n";
    }
    suites << "    </properties>\n" << cases.str() << "  </testsuite>\n";
  }
  all.seconds = report.seconds;
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"hsmbackup-conformance\"" +
         counts_attrs(all) + ">\n" + suites.str() + "</testsuites>\n";
}

}  // namespace hsmbackup::conformance
