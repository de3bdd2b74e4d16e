// Comparing what a target did with what the model predicted.
//
// Blame follows the order in which a command's effects depend on each
// other: the prompts it asks, then its result code, then the state it
// leaves, then what its transcript tells. The first difference in that
// chain is charged to its clause; every later one is reported as its
// consequence. The state is compared in compare.cc.
#include <algorithm>
#include <charconv>
#include <cstdio>
#include <iterator>
#include <map>
#include <set>
#include <string_view>
#include <utility>

#include "conformance/fixed_world.h"
#include "conformance/model.h"
#include "model/compare.h"
#include "model/observed.h"
#include "model/text.h"

namespace hsmbackup::conformance::model {
namespace {

// The one clause that judges a failure's code and nothing else.
constexpr char kCodeOnly[] = "DOM-ERROR-CODE";

// Either names `codes` joined by "or".
std::string Either(const std::set<std::string>& codes) {
  std::string s;
  for (const std::string& c : codes) s += (s.empty() ? "" : " or ") + c;
  return s;
}

std::string Names(const std::vector<std::string>& names) {
  std::string s;
  for (const std::string& n : names) s += (s.empty() ? "" : ", ") + n;
  return "[" + s + "]";
}

// CredentialProblem: "" when the credentials the target says it asked for
// (a response without `credential_prompts` is not judged) are the ones the
// line left off, as a set: in any order, and a name asked twice counts once
// (lunacm confirms a new password at a second prompt); when one of them had
// no answer the target may stop at it, so it must have asked only those and
// at least one unanswered (AUTH-PROMPT). A command that fails with a code
// the model expects may have asked only some of them: the seed does not
// say whether an answer is checked as it is typed (a new password too
// short) or once all are in, nor whether a line that fails anyway asks
// first, so a target may stop at the answer, or the check, that fails it.
std::string CredentialProblem(const Prediction& p, const Outcome& outcome) {
  if (!outcome.credential_prompts) return "";
  const std::vector<std::string>& got = *outcome.credential_prompts;
  const std::set<std::string> asked(got.begin(), got.end());
  const std::set<std::string> want(p.credential_prompts.begin(), p.credential_prompts.end());
  const std::string what = "asked for the credentials " + Names(got) + ", expected " +
                           Names(p.credential_prompts);
  const bool subset = std::includes(want.begin(), want.end(), asked.begin(), asked.end());
  if (!outcome.ok() && p.codes.count(outcome.result) != 0 && subset) return "";
  if (p.unanswered.empty()) return asked == want ? "" : what;
  const bool reached = std::any_of(asked.begin(), asked.end(),
                                   [&](const std::string& n) { return p.unanswered.count(n); });
  return subset && reached ? "" : what + " (stopping at one without an answer)";
}

// WentAhead: the transcript shows a backup past its checks and the SO login,
// at its partition: a line the seed's example prints from there on.
bool WentAhead(const Outcome& o) {
  static constexpr std::string_view kFromThere[] = {"Creating partition ",
                                                    "Logging into the container ",
                                                    "Creating Domain for the partition ",
                                                    "Verifying that all objects can be backed up",
                                                    "Backing up objects",
                                                    "Cloned object "};
  return std::any_of(o.transcript.begin(), o.transcript.end(), [](const std::string& l) {
    const std::string f = LineForm(l);
    return std::any_of(std::begin(kFromThere), std::end(kFromThere),
                       [&](std::string_view head) { return f.rfind(head, 0) == 0; });
  });
}

// JudgeReading compares the outcome and state with one reading; `secrets`
// are kept out of the target's message quoted in a code difference.
std::vector<Mismatch> JudgeReading(const Prediction& p, const Outcome& outcome,
                                   const Json& observed, const std::vector<std::string>& secrets) {
  std::vector<Mismatch> out;
  Blame b(&out);
  const std::string first_code_clause =
      p.code_clauses.empty() ? std::string("OUT-ERROR") : p.code_clauses.front();
  // A line the target refused for how it spells an option or a command
  // word, where every reading goes ahead: the spelling is the first cause,
  // and the prompts a refused line never asks follow from it.
  std::string cause_clause, cause_why;
  if (outcome.result == "CKR_ARGUMENTS_BAD" && !p.Accepts(outcome.result)) {
    if (p.respelled) {
      cause_clause = "OPT-SHORTCUTS";  // it refused an option spelling the seed allows
      cause_why = " (the line spells an option as a longer prefix or in upper case)";
    } else if (p.shortcut) {
      cause_clause = "OPT-SHORTCUTS";  // it refused the seed's own shortcut
      cause_why = " (the line spells an option as the seed's shortcut)";
    } else if (p.abbreviated) {
      cause_clause = "PROJ-COMMAND-WORDS";  // it refused a command word's unique prefix
      cause_why =
          " (the line abbreviates a command word to a prefix no other word shares, or writes one "
          "in another case)";
    } else if (!p.form_clause.empty()) {
      cause_clause = p.form_clause;  // it refused an option form the seed allows
      cause_why = p.form_why;
    }
  }
  // A line the model says succeeds, refused with the code of one rule that
  // the model finds does not apply here (a Backup HSM G5 asking for the
  // Backup HSM 7's longer password, say): that rule is the first cause, not
  // the clause of the success path (RESIZE-GRAB-ALL for a G5 backup).
  if (cause_clause.empty() && p.codes.count("CKR_OK") != 0 && !p.Accepts(outcome.result) &&
      outcome.result == "CKR_PIN_LEN_RANGE") {
    cause_clause = "PROJ-PIN-LENGTH";
    cause_why = " (a new password's length refused where that rule does not apply)";
  }
  // A line the model says succeeds on a USB-attached backup HSM reached
  // through -slot, refused as if -slot named no backup HSM: OPT-SLOT. Any
  // other refusal there is the success path's clause (RESIZE-GRAB-ALL for a
  // G5 that does not grow, say), as on any other slot.
  if (cause_clause.empty() && p.usb_slot && p.codes.count("CKR_OK") != 0 &&
      !p.Accepts(outcome.result) &&
      (outcome.result == "CKR_SLOT_ID_INVALID" || outcome.result == "CKR_ARGUMENTS_BAD" ||
       outcome.result == "CKR_TOKEN_NOT_PRESENT")) {
    cause_clause = "OPT-SLOT";
    cause_why = " (-slot takes a USB-attached backup HSM's number or 'direct')";
  }
  // A backup that goes ahead past the SO login and ends in a failure whose
  // code is the project's choice (own-code) may answer any failure code
  // there; one that answers such a code with no line showing it went ahead
  // refused before anything happened, a path no reading of the failure
  // takes (a refusal leaves the state a revert restores, so only the path
  // tells them apart).
  const bool refused_early = p.goes_ahead && !outcome.ok() && p.codes.count(outcome.result) == 0 &&
                             p.Accepts(outcome.result) && !WentAhead(outcome);
  auto judge_code = [&] {
    if (p.Accepts(outcome.result) && !refused_early) return;
    const std::string what =
        "answered " + outcome.result + QuotedMessage(outcome, secrets) +
        (refused_early ? " with no line showing the backup past its checks and the SO login "
                         "(none of the seed's 'Creating partition', 'Logging into the container', "
                         "'Creating Domain', 'Verifying that all objects can be backed up...', "
                         "'Backing up objects...', 'Cloned object' lines): a refusal, where the "
                         "backup goes ahead and ends in " +
                             Either(p.codes) + " (or, once it has gone ahead, any failure code)"
                       : ", expected " + p.Expected() + p.code_why);
    std::vector<std::string> blamed =
        p.code_clauses.empty() ? std::vector<std::string>{"OUT-ERROR"} : p.code_clauses;
    if (!cause_clause.empty()) blamed = {cause_clause};
    if (b.cause().empty()) {
      b.AddAll(blamed, what + cause_why);
    } else {
      b.Add(first_code_clause, "", what);
    }
    // DOM-ERROR-CODE fixes only the code of a failure whose state another
    // clause describes (DOM-MISMATCH-EMPTY): a target that fails there with
    // another code took the same path, so what it left is judged in its own
    // right, not as following from the code.
    const bool only_the_code = !outcome.ok() && blamed == std::vector<std::string>{kCodeOnly};
    if (!only_the_code) b.CausedBy(blamed.front());
  };
  if (!cause_clause.empty()) judge_code();
  if (outcome.prompts != p.prompts) {
    b.Add(p.prompt_clause, first_code_clause,
          "asked " + std::to_string(outcome.prompts) + " prompt(s), expected " +
              std::to_string(p.prompts));
    b.CausedBy(p.prompt_clause.empty() ? first_code_clause : p.prompt_clause);
  }
  if (std::string why = CredentialProblem(p, outcome); !why.empty()) {
    b.Add("AUTH-PROMPT", first_code_clause, why);
    b.CausedBy("AUTH-PROMPT");
  }
  if (cause_clause.empty()) judge_code();
  std::map<uint32_t, const Json*> slots;
  const Json observed_slots = observed.value("slots", Json::array());
  for (const Json& s : observed_slots) slots[s.value("id", 0u)] = &s;
  for (const auto& [id, u] : p.after.users) {
    const std::string why = u.why.empty() ? "SRC-UNCHANGED" : u.why;
    auto it = slots.find(id);
    if (it == slots.end()) {
      b.Add(why, "", "slot " + std::to_string(id) + " is missing");
      continue;
    }
    const std::string where = "user partition on slot " + std::to_string(id);
    if (it->second->value("zeroized", false) != u.zeroized) {
      b.Add("AUTH-LOCKOUT", "", where + (u.zeroized ? " should be zeroized" : " is zeroized"));
    }
    CompareCounter(*it->second, "co_failures", u.co_failures, where + ": failed CO logins", b);
    CompareObjects(u.objects, {}, it->second->value("objects", Json::array()), where, why, false,
                   b);
    if (!u.smk_id.empty() && Str(*it->second, "smk_id") != u.smk_id) {
      b.Add(why, "", where + ": its SMK is not the expected one");
    }
  }
  for (const auto& [id, h] : p.after.hsms) {
    auto it = slots.find(id);
    if (it == slots.end()) {
      b.Add(h.why, p.state_clause, "slot " + std::to_string(id) + " is missing");
      continue;
    }
    CompareHsm(p, id, h, *it->second, b, &out);
  }
  for (Mismatch& m : JudgeText(p, outcome, observed)) {
    if (!b.cause().empty() && m.primary()) m.after = b.cause();
    m.printed = true;
    out.push_back(std::move(m));
  }
  return out;
}

// Primaries counts the clauses a reading would fail, not its mismatches:
// one broken rule can leave many objects out of place, and it must not make
// a reading that blames another rule look closer (a V0 source that goes on
// after a failure leaves several objects CLONE-STOP-V0V1 forbids; reading it
// as a revert would blame CLONE-PARTIAL-STATE once).
size_t Primaries(const std::vector<Mismatch>& ms) {
  std::set<std::string> clauses;
  for (const Mismatch& m : ms) {
    if (m.primary()) clauses.insert(m.clauses.begin(), m.clauses.end());
  }
  return clauses.size();
}

// ResultLine reads a line of the project's result form 'Command Result :
// 0x<hex> (<name>)': the value (1 to 8 hex digits in either case, OUT-ERROR
// `accepts` hex-case and hex-width) and the name; nullopt for a line of
// another form.
std::optional<std::pair<uint32_t, std::string>> ResultLine(const std::string& line) {
  constexpr std::string_view kHead = "Command Result : 0x";
  if (line.rfind(kHead, 0) != 0 || line.size() < kHead.size() + 4 || line.back() != ')') {
    return std::nullopt;
  }
  const size_t digits = line.find(" (", kHead.size());
  if (digits == std::string::npos || digits == kHead.size() || digits - kHead.size() > 8) {
    return std::nullopt;
  }
  uint32_t value = 0;
  const char* end = line.data() + digits;
  const auto [stop, error] = std::from_chars(line.data() + kHead.size(), end, value, 16);
  if (error != std::errc() || stop != end) return std::nullopt;
  return std::make_pair(value, line.substr(digits + 2, line.size() - digits - 3));
}

// ClosingProblem: "" when the transcript closes as OUT-TRANSCRIPT (success:
// the seed's 'Command Result : No Error') or OUT-ERROR (a failure) requires;
// else what is wrong. The form of a failure is not the seed's (LUNA-FACTS.md:
// lunacm's is not public; OUT-ERROR `accepts` error-form): a failure must
// print something ("an error message is displayed") and not close with the
// seed's success line, and a line in the project's form 'Command Result :
// 0x<hex> (<CKR name>)' must name the result and a value it may have.
std::string ClosingProblem(const Outcome& o) {
  // Lines in LineForm: the result line is a seed line too ("Command Result :
  // No Error"), its blanks judged like every other's.
  std::vector<std::string> lines;
  for (const std::string& l : o.transcript) {
    if (std::string form = LineForm(l); !form.empty()) lines.push_back(std::move(form));
  }
  constexpr char kSuccess[] = "Command Result : No Error";
  const std::string last = lines.empty() ? "" : lines.back();
  if (o.ok()) {
    return last == kSuccess ? "" : "the transcript's last line is '" + last + "'";
  }
  if (lines.empty()) return o.result + " with nothing printed";
  if (last == kSuccess) {
    return o.result + ", but the transcript closes with the seed's success line '" +
           std::string(kSuccess) + "'";
  }
  for (const std::string& l : lines) {
    const auto shown = ResultLine(l);
    if (!shown) continue;
    const auto& [value, name] = *shown;
    if (name != o.result) {
      return "the result line '" + l + "' names " + name + "; the command answered " + o.result;
    }
    if (ValueFits(o.result, value)) continue;
    const std::optional<uint32_t> code = CkrValue(o.result);
    char want[96];
    std::snprintf(want, sizeof want, "Command Result : 0x%08X (%s)", code.value_or(0),
                  o.result.c_str());
    return "the result line is '" + l + "'" +
           (code ? ", expected '" + std::string(want) +
                       "' (hex digits in either case, leading zeros optional)"
                 : ", whose value is not one a target may choose for " + o.result +
                       " (no public value: one in the vendor range, 0x80000000 and up, that is "
                       "no other code's)");
  }
  return "";
}

// SpacesReplaced: `seen` is `name` with each of its positions `spaces` (a
// source label's spaces) holding one same character a name allows, or all
// of them dropped (OPT-PARTITION-DEFAULT and OPT-SMKONLY-NAME `accepts`
// label-spaces-replaced).
bool SpacesReplaced(const std::string& name, const std::vector<size_t>& spaces,
                    const std::string& seen) {
  if (spaces.empty() || seen == name) return false;
  if (seen.size() == name.size()) {
    const char c = seen[spaces.front()];
    if (c <= 0x20 || c >= 0x7F) return false;
    std::string want = name;
    for (size_t i : spaces) want[i] = c;
    return want == seen;
  }
  std::string dropped;
  for (size_t i = 0; i < name.size(); ++i) {
    if (std::find(spaces.begin(), spaces.end(), i) == spaces.end()) dropped += name[i];
  }
  return dropped == seen;
}

// AdoptSpacedName: where `q` names a partition from a label with spaces and
// the target holds none of that name but one that differs only there
// (SpacesReplaced), the reading takes the target's name.
void AdoptSpacedName(Prediction& q, const Json& observed) {
  if (!observed.is_object() || !observed.contains("slots") || !observed["slots"].is_array()) return;
  for (auto& [id, h] : q.after.hsms) {
    const Json* slot = nullptr;
    for (const Json& s : observed["slots"]) {
      if (s.is_object() && s.value("id", 0u) == id) slot = &s;
    }
    if (slot == nullptr) continue;
    std::set<std::string> seen;
    if (!slot->contains("partitions") || !(*slot)["partitions"].is_array()) continue;
    for (const Json& part : (*slot)["partitions"]) {
      if (part.is_object()) seen.insert(Str(part, "name"));
    }
    for (Partition& m : h.partitions) {
      if (m.label_spaces.empty() || seen.count(m.name) != 0) continue;
      for (const std::string& n : seen) {
        const bool known = std::any_of(h.partitions.begin(), h.partitions.end(),
                                       [&](const Partition& o) { return o.name == n; });
        if (known || h.gone.count(n) != 0 || !SpacesReplaced(m.name, m.label_spaces, n)) continue;
        if (q.said.backed_up_to == m.name) q.said.backed_up_to = n;
        m.name = n;
        q.reading += std::string(q.reading.empty() ? "" : "+") + "label-spaces-replaced";
        m.label_spaces.clear();
        break;
      }
    }
  }
}

}  // namespace

std::string QuotedMessage(const Outcome& o, const std::vector<std::string>& secrets) {
  const std::string first = LineForm(o.message.substr(0, o.message.find('\n')));
  if (first.empty()) return "";
  std::vector<std::string> known;
  for (const std::string& s : secrets) {
    if (!s.empty()) known.push_back(s);
  }
  return " (\"" + Redact(first, known) + "\")";
}

bool OnlyPrinted(const std::vector<Mismatch>& ms) {
  return !ms.empty() &&
         std::all_of(ms.begin(), ms.end(), [](const Mismatch& m) { return m.printed; });
}

std::vector<Mismatch> Judge(Prediction& p, const Outcome& outcome, const Json& observed,
                            const std::vector<std::string>& secrets) {
  std::vector<Mismatch> out;
  Blame b(&out);
  // OUT-NO-SECRETS: nothing the target says may hold a secret.
  const std::string state_text = observed.dump();
  auto leaks = [&](const std::string& secret) {
    bool leaked = outcome.message.find(secret) != std::string::npos ||
                  state_text.find(secret) != std::string::npos;
    for (const std::string& l : outcome.transcript) leaked |= l.find(secret) != std::string::npos;
    return leaked;
  };
  if (std::any_of(secrets.begin(), secrets.end(), leaks)) {
    b.Independent("OUT-NO-SECRETS", "a secret of the world appears in the output");
  } else if (std::any_of(p.typed_secrets.begin(), p.typed_secrets.end(), leaks)) {
    b.Independent("OUT-NO-SECRETS", "a credential typed on the line appears in the output");
  }
  // A leak is in what the target said (its transcript, message or observed
  // state), never in the world the model keeps: the scenario goes on.
  if (!out.empty()) out.back().printed = true;
  // OUT-ERROR / OUT-TRANSCRIPT: how the transcript closes.
  if (std::string why = ClosingProblem(outcome); !why.empty()) {
    b.Independent(outcome.ok() ? "OUT-TRANSCRIPT" : "OUT-ERROR", why);
    out.back().printed = true;
  }
  if (!p.modelled) {
    Adopt(p.after, observed);
    return out;
  }
  // The reading that fits: no primary mismatch, else the fewest clauses
  // failed; on a tie one that explains the prompts the target asked (the
  // first link of the chain, so the difference it blames is the real one,
  // not the prompts that follow from another reading), else the project's.
  AdoptSpacedName(p, observed);
  for (Prediction& alt : p.alternatives) AdoptSpacedName(alt, observed);
  std::vector<std::string> quiet = secrets;
  quiet.insert(quiet.end(), p.typed_secrets.begin(), p.typed_secrets.end());
  std::vector<Mismatch> best = JudgeReading(p, outcome, observed, quiet);
  size_t chosen = 0;
  auto fits_prompts = [&](const Prediction& q) {
    return outcome.prompts == q.prompts && CredentialProblem(q, outcome).empty();
  };
  for (size_t i = 0; i < p.alternatives.size() && Primaries(best) != 0; ++i) {
    const Prediction& alt = p.alternatives[i];
    std::vector<Mismatch> other = JudgeReading(alt, outcome, observed, quiet);
    const Prediction& taken = chosen == 0 ? p : p.alternatives[chosen - 1];
    if (Primaries(other) < Primaries(best) ||
        (Primaries(other) == Primaries(best) && !fits_prompts(taken) && fits_prompts(alt))) {
      best = std::move(other);
      chosen = i + 1;
    }
  }
  if (chosen != 0) {
    Prediction taken = std::move(p.alternatives[chosen - 1]);
    taken.alternatives.clear();
    p = std::move(taken);
  }
  // The chain's last link, once a reading is taken (a reading is chosen on
  // every clause it would fail): where the state the target left differs,
  // what its transcript tells follows from that difference.
  const auto state_first = std::find_if(best.begin(), best.end(), [](const Mismatch& m) {
    return m.primary() && !m.printed;
  });
  if (state_first != best.end()) {
    const std::string cause = state_first->clauses.front();
    for (Mismatch& m : best) {
      if (m.primary() && m.printed) m.after = cause;
    }
  }
  out.insert(out.end(), best.begin(), best.end());
  Adopt(p.after, observed);
  return out;
}

}  // namespace hsmbackup::conformance::model
