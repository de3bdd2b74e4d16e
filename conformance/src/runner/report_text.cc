// The terminal summary: what a person reads when the run ends.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "report_util.h"

namespace hsmbackup::conformance {
namespace report_internal {

std::string ShellQuote(const std::string& word) {
  if (!word.empty() && word.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                              "0123456789-_./=:,+@%") == std::string::npos) {
    return word;
  }
  std::string out = "'";
  for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string Requirement(const ClauseVerdict& v) {
  if (v.requirement.empty()) return "";
  std::string out = v.id + " requires (" + v.requirement_source + "): " + v.requirement + "\n";
  for (const Quote& q : v.quotes) {
    out += "  " + std::string(q.from == "facts" ? "LUNA-FACTS.md" : "the " + q.from) + " says: \"" +
           q.sentence + "\"\n";
  }
  return out;
}

std::string Requirements(const RunReport& report, const CheckOutcome& check) {
  std::string out;
  for (const ClauseVerdict& v : report.clauses) {
    if (check.Blames(v.id)) out += Requirement(v);
  }
  return out;
}

std::string RerunCommand(const RunReport& report, const CheckOutcome& check) {
  std::string cmd = "hsmbackup-conformance --seed " + std::to_string(report.seed);
  if (report.cases) cmd += " --cases " + std::to_string(*report.cases);
  if (report.target != "in-process reference") cmd += " --target-cmd " + ShellQuote(report.target);
  // A reused process is judged on what it kept across load, and a pinned
  // mode is what the adapter needs: the rerun starts processes the same way.
  if (report.processes && report.processes->kind == Processes::Kind::kReused) {
    cmd += " --reuse-target";
  }
  if (report.processes && report.processes->pinned) {
    cmd += " --next-process " + std::string(report.processes->Mode());
  }
  return cmd + report.rerun_options + " --gtest_filter=" + ShellQuote(check.id());
}

std::string ProcessesText(const Processes& processes) {
  const std::string pipelined =
      processes.pipelined ? "; observe written with each load and execute" : "";
  std::string text;
  switch (processes.kind) {
    case Processes::Kind::kInProcess: return "none: the reference runs in this process";
    case Processes::Kind::kReused: return "one for the whole run (--reuse-target)" + pipelined;
    case Processes::Kind::kPerCheck: break;
  }
  switch (processes.next) {
    case NextProcess::kWhenAsked: text = "one per check, each started when its check begins"; break;
    case NextProcess::kAfterBye:
      text = "one per check, each started once the previous one has answered bye";
      break;
    case NextProcess::kOneAhead: text = "one per check, each started one check ahead"; break;
    case NextProcess::kFork:
      text = "one per check, each a copy (fork) of one process started for the run";
      break;
  }
  if (processes.pinned) {
    text += " (--next-process " + std::string(processes.Mode()) + ")";
  } else if (processes.preflight_hello_seconds) {
    const long ms = std::lround(*processes.preflight_hello_seconds * 1000);
    text += " (the default; the preflight answered hello in " + std::to_string(ms) + " ms)";
  }
  return text + pipelined;
}

std::string Seconds(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", seconds);
  return text;
}

std::string ShardText(const RunReport& report) {
  if (!report.shard) return "";
  return std::to_string(report.shard->index) + "/" + std::to_string(report.shard->total);
}

std::string Join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : sep) + s;
  return out;
}

std::vector<const CheckOutcome*> FailedChecks(const RunReport& report) {
  std::vector<const CheckOutcome*> failed;
  for (const CheckOutcome& c : report.checks) {
    if (c.status == CheckStatus::kFail) failed.push_back(&c);
  }
  return failed;
}

const CheckOutcome* CheckById(const RunReport& report, const std::string& id) {
  for (const CheckOutcome& c : report.checks) {
    if (c.id() == id) return &c;
  }
  return nullptr;
}

}  // namespace report_internal

std::string_view Processes::Mode() const {
  switch (kind) {
    case Kind::kInProcess: return "in-process";
    case Kind::kReused: return "reused";
    case Kind::kPerCheck: break;
  }
  return NextProcessName(next);
}

using report_internal::FailedChecks;
using report_internal::Join;
using report_internal::ProcessesText;
using report_internal::RerunCommand;
using report_internal::Requirements;
using report_internal::Seconds;
using report_internal::ShardText;

namespace {

std::string Pad(const std::string& s, size_t width) {
  return s.size() >= width ? s + " " : s + std::string(width - s.size(), ' ');
}

}  // namespace

std::string ClauseTable(const RunReport& report) {
  std::ostringstream out;
  out << "hsmbackup-conformance " << report.tool_version << "\n"
      << "catalogue:      sha256 " << report.catalogue_sha256 << "\n"
      << "implementation: " << report.implementation << "\n"
      << "target:         " << report.target << "\n"
      << (report.processes && report.processes->kind != Processes::Kind::kInProcess
              ? "processes:      " + ProcessesText(*report.processes) + "\n"
              : std::string())
      << "seed:           " << report.seed << "   cases: "
      << (report.cases ? std::to_string(*report.cases) : std::string("each check's default"))
      << (report.shard ? "   shard: " + ShardText(report) : std::string())
      << (report.merged_shards > 0
              ? "   merged: " + std::to_string(report.merged_shards) + " shards"
              : std::string())
      << "\n"
      << "started:        " << report.started << "   duration: " << Seconds(report.seconds)
      << " s\n\n";
  size_t id_width = 6, family_width = 6;
  for (const ClauseVerdict& v : report.clauses) {
    id_width = std::max(id_width, v.id.size() + 1);
    family_width = std::max(family_width, v.family.size() + 1);
  }
  out << Pad("CLAUSE", id_width) << Pad("FAMILY", family_width) << Pad("VERDICT", 17)
      << "CHECKS  DETAIL\n";
  for (const ClauseVerdict& v : report.clauses) {
    std::string detail =
        v.first_failing_check.empty() ? v.reason : v.first_failing_check + ": " + v.reason;
    if (const size_t nl = detail.find('\n'); nl != std::string::npos) detail.resize(nl);
    out << Pad(v.id, id_width) << Pad(v.family, family_width) << Pad(VerdictName(v.verdict), 17)
        << Pad(std::to_string(v.checks.size()), 8) << detail << "\n";
  }
  out << "\nTotals (clauses):";
  for (const auto& [verdict, count] : report.Totals()) {
    if (count > 0) out << " " << count << " " << VerdictName(verdict) << ";";
  }
  out << " " << report.checks.size() << " checks ran\n";
  out << "Exit " << report.exit_code << ": " << ExitMeaning(report.exit_code) << "\n";
  for (const CheckOutcome* c : FailedChecks(report)) {
    // A failure the vendor config expects is still shown, labelled as such.
    bool expected = true;
    for (const ClauseVerdict& v : report.clauses) {
      if (c->Blames(v.id) && v.verdict != Verdict::kExpectedFailure) expected = false;
    }
    // The clauses the failure blames first; those the check names, when
    // they differ (a check of one clause can find another's fault).
    out << (expected ? "\n=== EXPECTED FAIL " : "\n=== FAIL ") << c->id() << " (fails "
        << Join(c->Blamed(), ", ")
        << (c->Blamed() == c->clauses ? "" : "; the check names " + Join(c->clauses, ", "))
        << "; run seed " << report.seed << ", check seed " << c->seed << ")\n";
    if (expected) {
      // Owned: one line here, so a run's own failures stand out; the whole
      // failure is in every report file.
      out << c->message.substr(0, c->message.find('\n')) << "\n"
          << "(the vendor config expects it: the counterexample is in the --report, --markdown "
             "and --junit reports)\n";
    } else {
      out << Requirements(report, *c) << c->message << "\n";
      if (c->counterexample) out << Describe(*c->counterexample);
    }
    out << "rerun: " << RerunCommand(report, *c) << "\n";
  }
  for (const CheckOutcome& c : report.checks) {
    if (c.status != CheckStatus::kError) continue;
    out << "\n=== ERROR " << c.id() << " (run seed " << report.seed << ")\n" << c.message << "\n";
    // The scenario the target stopped answering in, when the check knew it.
    if (c.counterexample) out << Describe(*c.counterexample);
    out << "rerun: " << RerunCommand(report, c) << "\n";
  }
  return out.str();
}

}  // namespace hsmbackup::conformance
