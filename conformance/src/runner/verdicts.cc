// From check outcomes to clause verdicts and the exit code.
#include <algorithm>

#include "conformance/report.h"

namespace hsmbackup::conformance {
namespace {

bool Names(const CheckOutcome& o, const std::string& clause) {
  return std::find(o.clauses.begin(), o.clauses.end(), clause) != o.clauses.end();
}

// Expected is the entry that accepts this failure of `clause`, or null.
const ExpectedFailure* Expected(const VendorConfig& config, const std::string& clause,
                                const CheckOutcome& o) {
  for (const ExpectedFailure& xf : config.expected_failures) {
    if (xf.Covers(clause, o.id(), o.message)) return &xf;
  }
  return nullptr;
}

// Listed is the first entry for `clause` at all (for an unexpected pass).
const ExpectedFailure* Listed(const VendorConfig& config, const std::string& clause,
                              const std::vector<std::string>& checks_run) {
  for (const ExpectedFailure& xf : config.expected_failures) {
    if (xf.clause != clause) continue;
    if (xf.check.empty() || std::find(checks_run.begin(), checks_run.end(), xf.check) !=
                                checks_run.end()) {
      return &xf;
    }
  }
  return nullptr;
}

// StoppedAtExpected: `o` failed, on clauses other than the one being
// judged, and the vendor config accepts every failure it blames.
bool StoppedAtExpected(const VendorConfig& config, const CheckOutcome& o) {
  const std::vector<std::string>& blamed = o.Blamed();
  return std::all_of(blamed.begin(), blamed.end(), [&](const std::string& clause) {
    return Expected(config, clause, o) != nullptr;
  });
}

void AddUnique(std::vector<std::string>& list, const std::string& item) {
  if (std::find(list.begin(), list.end(), item) == list.end()) list.push_back(item);
}

std::string Join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : sep) + s;
  return out;
}

}  // namespace

const char* ExitMeaning(int exit_code) {
  switch (exit_code) {
    case kExitConformant: return "conformant: no clause failed or ended in error";
    case kExitNotConformant: return "not conformant: some clause failed or passed unexpectedly";
    case kExitUnknown: return "unknown: no failure, but some clause ended in a harness error";
    case kExitUsage: return "usage error: bad arguments, catalogue or vendor config";
    case kExitTargetDown:
      return "the target could not be started or handshaken (or did not exit after bye)";
    case kExitNothingRan: return "zero checks ran";
  }
  return "unknown exit code";
}

std::string ExitCodesHelp() {
  std::string out = "Exit codes:\n";
  for (int code = 0; code <= 5; ++code) {
    out += "  " + std::to_string(code) + "  " + ExitMeaning(code) + "\n";
  }
  return out +
         "  130, 143  interrupted by SIGINT, SIGTERM (128 + the signal): target processes "
         "stopped, no report written\n";
}

const char* VerdictName(Verdict v) {
  switch (v) {
    case Verdict::kPass: return "pass";
    case Verdict::kFail: return "fail";
    case Verdict::kError: return "error";
    case Verdict::kNotApplicable: return "n/a";
    case Verdict::kNotRun: return "not-run";
    case Verdict::kExpectedFailure: return "expected-failure";
    case Verdict::kUnexpectedPass: return "unexpected-pass";
  }
  return "?";
}

bool CheckOutcome::Blames(const std::string& clause) const {
  if (status != CheckStatus::kFail) return false;
  return std::find(Blamed().begin(), Blamed().end(), clause) != Blamed().end();
}

std::vector<ClauseVerdict> ComputeVerdicts(const std::vector<CatalogueClause>& clauses,
                                           const std::vector<CheckOutcome>& outcomes,
                                           const VendorConfig& config,
                                           const std::vector<SuiteCheck>& suite,
                                           const Hello* claims) {
  std::vector<ClauseVerdict> verdicts;
  for (const CatalogueClause& clause : clauses) {
    ClauseVerdict v{clause.id,
                    clause.family,
                    Verdict::kNotRun,
                    "",
                    {},
                    "",
                    0,
                    clause.text,
                    clause.source.empty() ? "catalogue" : clause.source,
                    {}};
    v.quotes = clause.quotes;
    size_t naming = 0;
    for (const SuiteCheck& s : suite) {
      if (std::find(s.clauses.begin(), s.clauses.end(), clause.id) == s.clauses.end()) continue;
      ++naming;
      const bool ran = std::any_of(outcomes.begin(), outcomes.end(),
                                   [&](const CheckOutcome& o) { return o.id() == s.id; });
      if (!ran) v.checks_not_run.push_back(s.id);
    }
    const CheckOutcome* failed = nullptr;    // a failure no entry accepts
    const CheckOutcome* accepted = nullptr;  // a failure an entry accepts
    const ExpectedFailure* accepted_by = nullptr;
    const CheckOutcome* errored = nullptr;
    const CheckOutcome* stopped_elsewhere = nullptr;
    const CheckOutcome* stopped_at_expected = nullptr;
    bool passed = false;
    std::vector<std::string> why_not_applicable;
    for (const CheckOutcome& o : outcomes) {
      const bool names = Names(o, clause.id);
      // A check may blame a clause it does not name (the model's step did).
      if (!names && !o.Blames(clause.id)) continue;
      if (auto unjudged = o.unjudged.find(clause.id);
          unjudged != o.unjudged.end() && !o.Blames(clause.id)) {
        AddUnique(v.checks, o.id());
        AddUnique(why_not_applicable, o.id() + ": " + unjudged->second);
        continue;
      }
      AddUnique(v.checks, o.id());
      v.seconds += o.seconds;
      if (o.Blames(clause.id)) {
        if (const ExpectedFailure* xf = Expected(config, clause.id, o)) {
          if (accepted == nullptr) {
            accepted = &o;
            accepted_by = xf;
          }
        } else if (failed == nullptr) {
          failed = &o;
        }
        continue;
      }
      switch (o.status) {
        case CheckStatus::kPass: passed = true; break;
        case CheckStatus::kError:
          if (errored == nullptr) errored = &o;
          break;
        case CheckStatus::kNotApplicable: AddUnique(why_not_applicable, o.message); break;
        case CheckStatus::kFail:  // failed on another clause: says nothing of this one
          if (o.judged_through) {  // ... unless it judged every line to the end
            passed = true;
          } else if (StoppedAtExpected(config, o)) {
            if (stopped_at_expected == nullptr) stopped_at_expected = &o;
          } else if (stopped_elsewhere == nullptr) {
            stopped_elsewhere = &o;
          }
          break;
      }
    }
    if (failed != nullptr) {
      v.verdict = Verdict::kFail;
      v.first_failing_check = failed->id();
      v.reason = failed->message;
    } else if (accepted != nullptr) {
      v.verdict = Verdict::kExpectedFailure;
      v.first_failing_check = accepted->id();
      v.reason = accepted_by->reason + " (observed in " + accepted->id() + ": " +
                 accepted->message + ")";
    } else if (errored != nullptr) {
      v.verdict = Verdict::kError;
      v.reason = errored->id() + ": " + errored->message;
    } else if (passed) {
      v.verdict = Verdict::kPass;
    } else if (stopped_elsewhere != nullptr) {
      v.verdict = Verdict::kError;
      // Named, so a reader fixes that clause first and sees this one judged.
      v.reason = "no verdict: " + stopped_elsewhere->id() + " stopped at a failure of " +
                 Join(stopped_elsewhere->Blamed(), ", ");
    } else if (stopped_at_expected != nullptr) {
      // Not judged, and not for a fault of the target's that the vendor
      // has not owned: the run is not made unknown by it.
      v.verdict = Verdict::kNotRun;
      v.reason = "not judged: " + stopped_at_expected->id() +
                 " stopped at a failure the vendor config expects (" +
                 Join(stopped_at_expected->Blamed(), ", ") + ")";
    } else if (!why_not_applicable.empty()) {
      v.verdict = Verdict::kNotApplicable;
      v.reason = Join(why_not_applicable, "; ");
    } else {
      v.verdict = Verdict::kNotRun;
      v.reason = "no selected check names this clause";
    }
    std::vector<std::string> lacking;
    for (const std::string& need : clause.needs) {
      if (claims != nullptr && !claims->Has(need)) lacking.push_back(need);
    }
    if (!lacking.empty() && (v.verdict == Verdict::kPass || v.verdict == Verdict::kNotRun ||
                             v.verdict == Verdict::kNotApplicable)) {
      v.verdict = Verdict::kNotApplicable;
      v.reason = "the clause concerns " + Join(lacking, ", ") +
                 ", which the target does not claim (PROTOCOL.md, hello)";
    }
    const ExpectedFailure* xf = Listed(config, clause.id, v.checks);
    if (xf != nullptr && v.verdict == Verdict::kPass && xf->check.empty() &&
        !v.checks_not_run.empty()) {
      // A check that did not run may be the one that fails: the pass of
      // the checks that ran is no reason to drop the entry, so it counts
      // neither way (a shard, or one check rerun with the CI's config).
      v.reason = "listed as an expected failure (" + xf->reason + "); passed in the " +
                 std::to_string(naming - v.checks_not_run.size()) + " of " +
                 std::to_string(naming) +
                 " checks naming it that ran: an unexpected pass needs all of them (not run "
                 "here: " +
                 Join(v.checks_not_run, ", ") + ")";
    } else if (xf != nullptr && v.verdict == Verdict::kPass) {
      v.verdict = Verdict::kUnexpectedPass;
      v.reason = "listed as an expected failure (" + xf->reason + ") but passed";
      v.first_failing_check = xf->check.empty() && !v.checks.empty() ? v.checks.front() : xf->check;
    }
    verdicts.push_back(std::move(v));
  }
  return verdicts;
}

int ExitCodeFor(const std::vector<ClauseVerdict>& verdicts, size_t checks_run) {
  if (checks_run == 0) return kExitNothingRan;
  bool error = false;
  for (const ClauseVerdict& v : verdicts) {
    if (v.verdict == Verdict::kFail || v.verdict == Verdict::kUnexpectedPass) {
      return kExitNotConformant;
    }
    error = error || v.verdict == Verdict::kError;
  }
  return error ? kExitUnknown : kExitConformant;
}

std::map<Verdict, int> RunReport::Totals() const {
  std::map<Verdict, int> totals;
  for (Verdict v : kAllVerdicts) totals[v] = 0;
  for (const ClauseVerdict& c : clauses) ++totals[c.verdict];
  return totals;
}

}  // namespace hsmbackup::conformance
