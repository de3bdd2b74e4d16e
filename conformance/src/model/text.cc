// Judging the project-wording lines of a transcript by their facts.
#include "model/text.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <iterator>
#include <string_view>

#include "model/observed.h"

namespace hsmbackup::conformance::model {
namespace {

// Count renders "1 object" / "6 objects" for the judge's own messages.
std::string Count(long n, const std::string& noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

bool HasWord(const std::string& line, const char* word) {
  return Lower(line).find(word) != std::string::npos;
}

// Grouped writes `n` with `sep` between each group of three digits.
std::string Grouped(uint64_t n, std::string_view sep) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += sep;
    out += digits[i];
  }
  return out;
}

bool IsDigit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

// JudgeSeedLines: the lines the seed quotes, exactly (their handles aside).
void JudgeSeedLines(const Said& s, const std::vector<std::string>& printed,
                    std::vector<Mismatch>& out) {
  std::vector<std::string> lines;
  for (const std::string& l : printed) lines.push_back(LineForm(l));
  // The source handles the 'Cloned object' lines name, in order.
  std::vector<uint32_t> seen;
  for (const std::string& l : lines) {
    unsigned handle = 0;
    char to[64] = {0};
    if (std::sscanf(l.c_str(), "Cloned object %u to partition %63s", &handle, to) == 2) {
      seen.push_back(handle);
    }
  }
  auto was_skipped = [&](uint32_t h) {
    return std::find(s.skipped_handles.begin(), s.skipped_handles.end(), h) !=
           s.skipped_handles.end();
  };
  if (s.cloned && seen != *s.cloned) {
    // Lines for objects -append must skip, and otherwise the right ones:
    // the target cloned what it must not (OPT-APPEND), not a line rule.
    std::vector<uint32_t> rest;
    bool skipped_cloned = false;
    for (uint32_t h : seen) {
      if (was_skipped(h)) {
        skipped_cloned = true;
      } else {
        rest.push_back(h);
      }
    }
    if (skipped_cloned && rest == *s.cloned) {
      out.push_back({{"OPT-APPEND"},
                     "a 'Cloned object' line names a same-OUID object -append must skip",
                     ""});
    } else {
      out.push_back({{"CLONE-ONE-AT-A-TIME"},
                     "the 'Cloned object S to partition P (new handle T).' lines name " +
                         std::to_string(seen.size()) + " object(s) (" + HandleList(seen) +
                         "), expected one per stored object (" + std::to_string(s.cloned->size()) +
                         "), " +
                         (s.cloned_order.empty() ? "in this order: " + HandleList(*s.cloned)
                                                 : s.cloned_order),
                     ""});
    }
  }
  constexpr char kSameOuid[] = "has same OUID as Source Object handle";
  for (const auto& [source, want] : s.fingerprint_lines) {
    if (std::find(lines.begin(), lines.end(), want) != lines.end()) continue;
    const bool cloned = std::find(seen.begin(), seen.end(), source) != seen.end();
    out.push_back(
        {{cloned ? "OPT-APPEND" : "OPT-APPEND-FINGERPRINT"},
         "missing line '" + want + "'" + (cloned ? " (the object was cloned, not skipped)" : ""),
         ""});
  }
  if (s.fingerprints_known) {
    for (const std::string& l : lines) {
      if (l.find(kSameOuid) != std::string::npos &&
          std::none_of(s.fingerprint_lines.begin(), s.fingerprint_lines.end(),
                       [&](const auto& f) { return f.second == l; })) {
        out.push_back({{"OPT-APPEND-FINGERPRINT"}, "unexpected line '" + l + "'", ""});
      }
    }
  }
  if (s.smk_cloned && std::none_of(lines.begin(), lines.end(), [](const std::string& l) {
        return l.find("The SMK was cloned successfully.") != std::string::npos;
      })) {
    out.push_back({{"OPT-SMKONLY"}, "no line 'The SMK was cloned successfully.'", ""});
  }
}

// JudgePed: 'Please attend to the PED.' where the PED acts, and only there.
void JudgePed(const Said& s, const Outcome& o, std::vector<Mismatch>& out) {
  static constexpr const char* kActions[] = {"Logging in as the SO", "Creating partition",
                                             "Logging into the container", "Creating Domain"};
  constexpr char kPed[] = "Please attend to the PED.";
  std::vector<std::string> lines;
  for (const std::string& l : o.transcript) {
    if (std::string form = LineForm(l); !form.empty()) lines.push_back(std::move(form));
  }
  const long seen = std::count(lines.begin(), lines.end(), kPed);
  switch (s.ped) {
    case Said::Ped::kUnjudged: return;
    case Said::Ped::kNever:
      if (seen != 0) out.push_back({{"OUT-PED"}, "a password device printed the PED line", ""});
      return;
    case Said::Ped::kLogin:
      if (o.ok() && seen == 0) {
        out.push_back({{"OUT-PED"}, "a PED login did not ask for the PED", ""});
      }
      return;
    case Said::Ped::kEachAction: break;
  }
  int actions = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    for (const char* a : kActions) {
      if (lines[i].rfind(a, 0) != 0) continue;
      ++actions;
      if (i + 1 >= lines.size() || lines[i + 1] != kPed) {
        out.push_back({{"OUT-PED"}, "'" + lines[i] + "' is not followed by '" + kPed + "'", ""});
        return;
      }
    }
  }
  if (o.ok() && seen < s.ped_prompts) {
    out.push_back({{"OUT-PED"},
                   "a PED restore asked for the PED " + std::to_string(seen) +
                       " times; it takes the SO's, the partition's and the domain's "
                       "PED keys (" +
                       std::to_string(s.ped_prompts) + ")",
                   ""});
    return;
  }
  if (o.ok() && actions < s.ped_actions) {
    out.push_back({{"OUT-PED"},
                   "the transcript shows " + std::to_string(actions) + " of the " +
                       std::to_string(s.ped_actions) +
                       " steps at which the PED acts (lines beginning 'Logging in "
                       "as the SO', 'Creating partition', 'Logging into the "
                       "container', 'Creating Domain'), each followed by '" +
                       kPed + "'",
                   ""});
  }
}

}  // namespace

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

bool HasToken(const std::string& line, const std::string& token) {
  const std::vector<std::string> t = Tokens(line);
  return std::find(t.begin(), t.end(), Lower(token)) != t.end();
}

std::string Trim(std::string s) {
  for (size_t at; (at = s.find("\xc2\xa0")) != std::string::npos;) s.replace(at, 2, " ");
  const size_t a = s.find_first_not_of(" \t\r");
  if (a == std::string::npos) return "";
  return s.substr(a, s.find_last_not_of(" \t\r") - a + 1);
}

std::string LineForm(const std::string& line) {
  std::string out;
  for (char c : Trim(line)) {
    const bool blank = c == ' ' || c == '\t' || c == '\r';
    if (!blank) {
      out += c;
    } else if (out.back() != ' ') {  // Trim: the first character is not blank
      out += ' ';
    }
  }
  return out;
}

std::string HandleList(const std::vector<uint32_t>& handles) {
  std::string out;
  for (uint32_t h : handles) out += (out.empty() ? "" : ", ") + std::to_string(h);
  return out;
}

bool HasFigure(const std::string& line, uint64_t n) {
  if (HasToken(line, std::to_string(n))) return true;
  if (n < 1000) return false;
  for (std::string_view sep : kThousandsSeparators) {
    const std::string want = Grouped(n, sep);
    for (size_t at = line.find(want); at != std::string::npos; at = line.find(want, at + 1)) {
      const size_t end = at + want.size();
      // Not the middle of a longer figure: no digit, nor a separator and a
      // digit, on either side.
      const bool before =
          at > 0 && (IsDigit(line[at - 1]) ||
                     (at > sep.size() && line.compare(at - sep.size(), sep.size(), sep) == 0 &&
                      IsDigit(line[at - sep.size() - 1])));
      const bool after = end < line.size() &&
                         (IsDigit(line[end]) ||
                          (line.compare(end, sep.size(), sep) == 0 &&
                           end + sep.size() < line.size() && IsDigit(line[end + sep.size()])));
      if (!before && !after) return true;
    }
  }
  return false;
}

std::vector<std::string> Tokens(const std::string& line) {
  std::vector<std::string> out;
  std::string cur;
  for (unsigned char c : line) {
    if (std::isalnum(c) || c == '_') {
      cur += static_cast<char>(std::tolower(c));
    } else if (!cur.empty()) {
      out.push_back(cur);
      cur.clear();
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

std::vector<Mismatch> JudgeText(const Prediction& p, const Outcome& o, const Json& observed) {
  std::vector<Mismatch> out;
  const Said& s = p.said;
  const std::vector<std::string>& lines = o.transcript;
  auto any = [&](auto pred) { return std::any_of(lines.begin(), lines.end(), pred); };
  // A failure after the first is there only because a pre-7.7 source goes
  // on: when the first is reported in a line of its own and a later one is
  // not, the source stopped (CLONE-CONTINUE-PRE77); otherwise failures go
  // unreported (CLONE-DISCARD), even where the closing message names the
  // first, as every failure's message may.
  auto in_message = [&](const std::string& l) {
    const std::string f = LineForm(l);
    return !f.empty() && LineForm(o.message).find(f) != std::string::npos;
  };
  bool first_reported = true;
  for (size_t i = 0; i < s.failed.size(); ++i) {
    const auto& [handle, code] = s.failed[i];
    // A rejected blob's code is the target's own (CLONE-DISCARD `accepts`
    // own-code): its line names the code the command answered.
    const bool own = p.own_code && code == "CKR_FAILED_TO_CLONE_AN_OBJECT" && !o.ok();
    auto reports = [&](const std::string& l) {
      return HasToken(l, std::to_string(handle)) &&
             (HasToken(l, code) || (own && HasToken(l, o.result)));
    };
    if (i == 0) {
      first_reported = any([&](const std::string& l) { return reports(l) && !in_message(l); });
    }
    if (any(reports)) continue;
    out.push_back(
        {{i > 0 && first_reported ? "CLONE-CONTINUE-PRE77" : "CLONE-DISCARD"},
         "no line reports the failure of object " + std::to_string(handle) + " (" + code +
             (own && o.result != code ? " or " + o.result + ", the code the command answered"
                                      : "") +
             ")",
         ""});
  }
  // The advice the seed gives the manual's reader after a domain mismatch
  // ("you must manually delete the empty backup partition"), a failed
  // re-size ("you must delete the backup") or a revert ("you will need to
  // free up some space") is not output the seed prescribes: the project
  // prints it, a target may not (clauses.json `accepts` reader-advice).

  // PROJ-COMMAND-WORDS: help names what it lists.
  for (const std::string& name : s.help_names) {
    if (!any([&](const std::string& l) {
          return name[0] == '-' ? l.find(name) != std::string::npos : HasToken(l, name);
        })) {
      out.push_back({{"PROJ-COMMAND-WORDS"}, "the help does not name '" + name + "'", ""});
    }
  }
  // OPT-APPEND: each object -append skips is said, naming it and the backup
  // object that keeps its OUID. Where the seed's fingerprint line is due it
  // says so, and its absence is OPT-APPEND-FINGERPRINT's alone.
  for (const auto& [source, target] : s.append_skipped) {
    const bool fingerprint_due =
        std::any_of(s.fingerprint_lines.begin(), s.fingerprint_lines.end(),
                    [&, src = source](const auto& f) { return f.first == src; });
    if (!fingerprint_due && !any([&](const std::string& l) {
          return HasToken(l, std::to_string(source)) && HasToken(l, std::to_string(target));
        })) {
      out.push_back({{"OPT-APPEND"},
                     "no line says that object " + std::to_string(source) +
                         " was skipped (same OUID as backup object " + std::to_string(target) + ")",
                     ""});
    }
  }
  // The count of the objects selected; on -append also (OUT-TRANSCRIPT
  // `accepts` append-count-new) of those left once the skips are taken off.
  // Counted from the skips themselves, not from the lines that say them: a
  // target may count only what it clones and say nothing of a skip
  // (append-count-new with append-silent-skip).
  const long will_clone = s.will_back_up - s.skipped();
  if (s.will_back_up >= 0 && !any([&](const std::string& l) {
        const std::vector<std::string> t = Tokens(l);
        return !t.empty() &&
               (t.front() == std::to_string(s.will_back_up) ||
                t.front() == std::to_string(will_clone)) &&
               HasWord(l, "will be backed up");
      })) {
    out.push_back({{"OUT-TRANSCRIPT"},
                   "no line says " + Count(s.will_back_up, "object") +
                       " will be backed up (the objects selected)" +
                       (will_clone != s.will_back_up
                            ? " or " + std::to_string(will_clone) +
                                  " (those selected less the same-OUID objects -append skips)"
                            : ""),
                   ""});
  }
  auto says_backed_up = [&](long n) {
    return any([&](const std::string& l) {
      const std::vector<std::string> t = Tokens(l);
      return !t.empty() && t.front() == std::to_string(n) && HasWord(l, "backed up") &&
             l.find(s.backed_up_to) != std::string::npos;
    });
  };
  if (s.backed_up >= 0 && !says_backed_up(s.backed_up)) {
    // Counting the objects -append skipped says they were backed up.
    const long skipped = s.skipped();
    const bool counted_skipped = skipped > 0 && says_backed_up(s.backed_up + skipped);
    out.push_back({{counted_skipped ? "OPT-APPEND" : "OUT-TRANSCRIPT"},
                   "no line says " + Count(s.backed_up, "object") +
                       (s.backed_up == 1 ? " has" : " have") + " been backed up to partition " +
                       s.backed_up_to +
                       (counted_skipped ? " (the count includes the " + std::to_string(skipped) +
                                              " same-OUID object(s) -append skips)"
                                        : std::string()),
                   ""});
  }
  JudgeSeedLines(s, lines, out);
  JudgePed(s, o, out);
  for (const auto& [backup_handle, target_handle] : s.restore_skipped) {
    if (!any([&](const std::string& l) {
          return HasToken(l, std::to_string(backup_handle)) &&
                 HasToken(l, std::to_string(target_handle));
        })) {
      out.push_back({{"PROJ-RESTORE-SAME-OUID"},
                     "no line reports the skip of backup object " + std::to_string(backup_handle) +
                         " (same OUID as object " + std::to_string(target_handle) +
                         " of the target partition)",
                     ""});
    }
  }
  if (s.list_slot >= 0) JudgeList(p, o, observed, out);
  if (s.contents_slot >= 0) JudgeContents(p, o, observed, out);
  return out;
}

}  // namespace hsmbackup::conformance::model
