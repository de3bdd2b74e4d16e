// Options, the syntax side: every option by its shortcut and in any case,
// -slot numbers and `direct`, and -debug adding only lines. Shortcut and
// debug checks run each scenario twice (Paired) and compare the runs.
#include <rapidcheck/Check.h>

#include <algorithm>
#include <cctype>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include "checks/families.h"
#include "checks/gen.h"
#include "checks/harness.h"

namespace hsmbackup::conformance {
namespace {

using Mismatches = std::vector<model::Mismatch>;

// --- shortcuts, -slot, -debug ---------------------------------------------

struct OptSpell {
  const char* name;
  size_t shortest;
};
constexpr OptSpell kSpellings[] = {
    {"append", 1}, {"debug", 3},     {"defaultdomain", 3}, {"domain", 2},  {"force", 1},
    {"objects", 1}, {"partition", 3}, {"password", 3},      {"replace", 3}, {"slot", 1},
    {"smkonly", 3}, {"sopassword", 3}};

// How Spelled writes a line's options.
enum class Spelling {
  kListed,     // each by its full name or the seed's shortcut, lower case
  kAnyPrefix,  // each as a random prefix no shorter than the shortcut, random case
  kOneBad,     // kAnyPrefix, one option too short (or too long) instead
};

// Spelled rewrites every option of an archive line as `spelling` says.
rc::Gen<std::string> Spelled(const std::string& line, Spelling spelling) {
  return rc::gen::exec([line, spelling] {
    const bool bad = spelling == Spelling::kOneBad;
    std::vector<std::string> w = gen::Words(line);
    std::vector<size_t> options;
    for (size_t i = 3; i < w.size(); ++i) {
      if (w[i][0] == '-') options.push_back(i);
    }
    const size_t broken = bad && !options.empty() ? *rc::gen::elementOf(options) : w.size();
    for (size_t i : options) {
      const OptSpell* s = nullptr;
      for (const OptSpell& k : kSpellings) {
        if (w[i].substr(1) == k.name) s = &k;
      }
      if (s == nullptr) continue;
      const std::string name = s->name;
      std::string t;
      if (spelling == Spelling::kListed) {
        t = *rc::gen::arbitrary<bool>() ? name : name.substr(0, s->shortest);
      } else if (i == broken) {
        t = s->shortest > 1 ? name.substr(0, s->shortest - 1) : name + "x";
      } else {
        t = name.substr(0, *rc::gen::inRange(s->shortest, name.size() + 1));
      }
      for (char& c : t) {
        if (spelling != Spelling::kListed && *rc::gen::arbitrary<bool>()) {
          c = static_cast<char>(std::toupper(c));
        }
      }
      w[i] = "-" + t;
    }
    std::string out;
    for (const std::string& x : w) out += (out.empty() ? "" : " ") + x;
    return out;
  });
}

// LongFormScenario: every archive command with its options spelled out.
rc::Gen<Scenario> LongFormScenario() {
  return rc::gen::exec([] {
    gen::UserSpec u = *gen::User(*gen::AnyKind(false));
    gen::HsmSpec h = *gen::Hsm(*gen::AnyModel());
    const std::string stored_pw = *gen::Secret("bk-");
    std::vector<gen::ObjSpec> stored = {u.objects.front()};
    stored.front().handle = 900;
    h.partitions.push_back(gen::StoredPartition("bk", u, u.kind, stored_pw, stored));
    gen::WorldSpec w = gen::WorldOf(u, h);
    gen::Backup b = gen::BackupOf(u, h, "fresh", *gen::Secret("pw-"));
    if (*rc::gen::arbitrary<bool>()) {
      b.domain.reset();
      b.defaultdomain = true;
      w.default_domain = u.domain;
    }
    if (*rc::gen::arbitrary<bool>()) b.objects = std::to_string(u.objects.back().handle);
    b.debug = *rc::gen::arbitrary<bool>();
    gen::Backup append = gen::BackupOf(u, h, "bk", stored_pw);
    append.domain.reset();
    append.append = true;
    return Scenario{w.ToJson(),
                    {gen::Login(u), b.Line(), gen::Contents(h, "bk", stored_pw), gen::List(h),
                     gen::Restore(h, "bk", stored_pw, *rc::gen::element<std::string>("", " -replace")),
                     append.Line(), gen::Delete(h, "bk", true)},
                    {}};
  });
}

// Respelled: the scenario with every archive line's options respelled as
// `spelling` says (kOneBad: one line in eight, the others kAnyPrefix).
Scenario Respelled(const Scenario& long_form, Spelling spelling) {
  Scenario s = long_form;
  for (std::string& l : s.lines) {
    if (l.rfind("partition archive", 0) != 0) continue;
    Spelling line_spelling = spelling;
    if (spelling == Spelling::kOneBad &&
        *rc::gen::weightedElement<bool>({{7, true}, {1, false}})) {
      line_spelling = Spelling::kAnyPrefix;
    }
    l = *Spelled(l, line_spelling);
  }
  return s;
}

rc::Gen<Scenario> ShortcutScenario() {
  return rc::gen::exec([] { return Respelled(*LongFormScenario(), Spelling::kOneBad); });
}

// SmkOnlyLongForm: a V1 partition's -smkonly backup with its options spelled
// out (LongFormScenario has no V1 source: its checks need no capability),
// then list, so the SMK's shortcut -smk is sent too.
rc::Gen<Scenario> SmkOnlyLongForm() {
  return rc::gen::exec([] {
    gen::UserSpec u = *gen::User("v1");
    gen::HsmSpec h = *gen::Hsm("backup_hsm_7");
    gen::Backup b = gen::SmkOnlyBackupOf(u, h, *gen::Secret("pw-"));
    b.force = *rc::gen::arbitrary<bool>();
    return Scenario{gen::WorldOf(u, h).ToJson(), {gen::Login(u), b.Line(), gen::List(h)},
                    {"proceed"}};
  });
}

rc::Gen<Scenario> SlotScenario(bool usb) {
  return rc::gen::exec([usb] {
    gen::UserSpec u = *gen::User(*gen::AnyKind(false));
    gen::HsmSpec h = *gen::Hsm(*gen::AnyModel());
    gen::WorldSpec w = gen::WorldOf(u, h);
    std::vector<std::string> slots = {"2", "0", "5", "99", "4294967295", "abc"};
    if (usb) {
      slots = {"direct", "DIRECT", "Direct", "7", "2", "0"};
      if (*rc::gen::weightedElement<bool>({{3, true}, {1, false}})) {
        gen::HsmSpec d = *gen::Hsm("backup_hsm_7");
        d.slot = 7;
        d.connection = "usb";
        w.hsms.push_back(d);
        // Two USB devices: `direct` names neither (OPT-SLOT).
        if (*rc::gen::weightedElement<bool>({{1, true}, {3, false}})) {
          gen::HsmSpec e = *gen::Hsm(*gen::AnyModel());
          e.slot = 8;
          e.connection = "usb";
          w.hsms.insert(w.hsms.end() - 1, e);
        }
      }
    }
    const std::string slot = *rc::gen::elementOf(slots);
    const gen::HsmSpec& target = w.hsms.back();
    gen::Backup b = gen::BackupOf(u, target, "bk", *gen::Secret("pw-"));
    std::string line = b.Line();
    line.replace(line.find("-slot ") + 6, std::to_string(target.slot).size(), slot);
    std::string list = "partition archive list -slot " + slot + " -sopassword " + target.so_password;
    return Scenario{w.ToJson(), {gen::Login(u), line, list}, {}};
  });
}

// DebugScenario: a mix of good and failing archive lines.
rc::Gen<Scenario> DebugScenario() {
  return rc::gen::exec([] {
    gen::UserSpec u = *gen::User(*gen::AnyKind(false));
    gen::HsmSpec h = *gen::Hsm(*gen::AnyModel());
    const std::string pw = *gen::Secret("pw-");
    Scenario s{gen::WorldOf(u, h).ToJson(), {gen::Login(u)}, {}};
    const int n = *rc::gen::inRange(1, 5);
    for (int i = 0; i < n; ++i) {
      gen::Backup b = gen::BackupOf(u, h, "bk", pw);
      switch (*rc::gen::inRange(0, 8)) {
        case 0: b.domain = "other-domain"; break;
        case 1: b.sopassword = "wrong" + h.so_password; break;
        case 2: b.objects = "77777"; break;
        case 3: b.append = true; break;
        case 4: s.lines.push_back(gen::Contents(h, "bk", *rc::gen::element(pw, std::string("nope")))); continue;
        case 5: s.lines.push_back(gen::Restore(h, "bk", pw)); continue;
        case 6: s.lines.push_back(gen::List(h)); continue;
        default: break;
      }
      s.lines.push_back(b.Line());
    }
    return s;
  });
}

// Told is `transcript` without the lines holding one of `secrets`: those
// are OUT-NO-SECRETS's failure (judged on each run), and may well differ
// where the second run's line spells an option otherwise.
std::vector<std::string> Told(const std::vector<std::string>& transcript,
                              const std::vector<std::string>& secrets) {
  std::vector<std::string> kept;
  for (const std::string& l : transcript) {
    if (std::none_of(secrets.begin(), secrets.end(), [&](const std::string& secret) {
          return !secret.empty() && l.find(secret) != std::string::npos;
        })) {
      kept.push_back(l);
    }
  }
  return kept;
}

// AsFirst is `line` of the second run with the command it may quote put
// back as the first run had it: what -debug appended (`now` extending
// `was`) taken out, or a respelled command replaced by the first's.
std::string AsFirst(std::string line, const std::string& was, const std::string& now) {
  const bool appended = now.size() > was.size() && now.rfind(was, 0) == 0;
  const std::string from = appended ? now.substr(was.size()) : now;
  const std::string to = appended ? "" : was;
  for (size_t at = line.find(from); !from.empty() && at != std::string::npos;
       at = line.find(from, at + to.size())) {
    line.replace(at, from.size(), to);
  }
  return line;
}

// LinesChanged is "" when every line of the first run's transcript (its
// command `was`) is in the second's (its command `now`), unchanged and in
// order (with `same_lines`, and nothing else); else what changed.
std::string LinesChanged(const std::vector<std::string>& first_transcript,
                         const std::vector<std::string>& second_transcript, const std::string& was,
                         const std::string& now, const std::vector<std::string>& secrets,
                         bool same_lines) {
  const std::vector<std::string> before = Told(first_transcript, secrets);
  const std::vector<std::string> after = Told(second_transcript, secrets);
  size_t j = 0;
  for (const std::string& l : after) {
    if (j < before.size() && (l == before[j] || AsFirst(l, was, now) == before[j])) ++j;
  }
  if (j != before.size()) return "the line '" + before[j] + "' went missing or changed";
  if (same_lines && after.size() != before.size()) return "the transcript gained lines";
  return "";
}

// Paired runs each scenario twice, as generated and as `change` makes it:
// the same results, prompts and observed states; the first run's lines in
// order within the second's (all of them and nothing else when `same_lines`).
CheckResult Paired(CheckContext& ctx, const rc::Gen<Scenario>& gen,
                   const std::function<Scenario(const Scenario&)>& change, const std::string& clause,
                   bool same_lines) {
  std::optional<ScenarioVerdict> failure;
  PrintedFailures printed;
  Lacked lacked;
  int runs = 0;
  const auto property = [&](PrintedFailures& into, bool shrinking) {
    const Scenario first = *gen;
    const Scenario second = change(first);
    lacked.Skip(ctx, first.world);
    lacked.Skip(ctx, second.world);
    SkipOnceOutOfService(*ctx.target);
    runs += shrinking ? 0 : 1;
    const std::vector<std::string> world_secrets = model::Secrets(first.world);
    std::vector<Outcome> outs;
    std::vector<std::string> states;
    ScenarioVerdict a = RunScenario(*ctx.target, first, [&](const StepView& v) {
      outs.push_back(v.outcome);
      states.push_back(v.after.dump());
      return Mismatches{};
    });
    if (into.Take(a) || (!a.harness_error && a.mismatches.empty())) {
      a = RunScenario(*ctx.target, second, [&](const StepView& v) -> Mismatches {
        const Outcome& p = outs.at(v.index);
        if (v.outcome.result != p.result || v.outcome.prompts != p.prompts) {
          return Fails(clause, "the result changed from " + p.result + " to " + v.outcome.result +
                                   " (" + std::to_string(v.outcome.prompts) + " prompt(s))");
        }
        if (v.after.dump() != states.at(v.index)) return Fails(clause, "the observed state changed");
        std::vector<std::string> secrets = world_secrets;
        secrets.insert(secrets.end(), v.prediction.typed_secrets.begin(),
                       v.prediction.typed_secrets.end());
        const std::string changed =
            LinesChanged(p.transcript, v.outcome.transcript, first.lines.at(v.index), v.line,
                         secrets, same_lines);
        if (!changed.empty()) return Fails(clause, changed);
        return {};
      });
      if (into.Take(a)) return;
    }
    if (a.harness_error || !a.mismatches.empty()) {
      const std::string why = a.harness_error ? a.message : a.mismatches.front().what;
      if (shrinking) RC_DISCARD(why);
      failure = a;
      RC_FAIL(why);
    }
  };
  std::string could_not_run;
  const bool held = HoldsPastPrinted(ctx, 100, property, printed, &could_not_run);
  if (held && printed.empty()) return CheckResult::Pass(std::max(ctx.cases, 1));
  if (!held && !failure) {
    if (std::optional<CheckResult> r = lacked.GaveUp(runs)) return *r;
    return CheckResult::Error("the paired property could not run: " + could_not_run);
  }
  return printed.Result(held ? nullptr : &*failure, ctx.seed, runs);
}

Scenario Debugged(const Scenario& plain) {
  Scenario s = plain;
  for (std::string& l : s.lines) {
    if (l.rfind("partition archive", 0) == 0) l += " -debug";
  }
  return s;
}

// --- command words (PROJ-COMMAND-WORDS) ------------------------------------

// Abbreviated cuts each command word of `line` (the words before the first
// option) to a random prefix no other command word in its place shares, in
// random case. The shortest such prefixes, from the command table.
std::string Abbreviated(const std::string& line) {
  static const std::map<std::string, size_t> kShortest = {
      {"partition", 1}, {"archive", 1}, {"backup", 1}, {"restore", 1}, {"list", 1},
      {"contents", 1},  {"delete", 1},  {"role", 1},   {"login", 4},   {"slot", 1}};
  std::vector<std::string> w = gen::Words(line);
  for (std::string& word : w) {
    if (word[0] == '-') break;
    const auto it = kShortest.find(word);
    if (it == kShortest.end()) continue;
    word = word.substr(0, *rc::gen::inRange(it->second, word.size() + 1));
    for (char& c : word) {
      if (*rc::gen::arbitrary<bool>()) c = static_cast<char>(std::toupper(c));
    }
  }
  std::string out;
  for (const std::string& x : w) out += (out.empty() ? "" : " ") + x;
  return out;
}

// CommandWordsScenario: a login, a backup and a list with abbreviated command
// words, and help on the archive commands in the ways a user asks for it.
rc::Gen<Scenario> CommandWordsScenario() {
  return rc::gen::exec([] {
    gen::UserSpec u = *gen::User(*gen::AnyKind(false));
    gen::HsmSpec h = *gen::Hsm(*gen::AnyModel());
    gen::WorldSpec w = gen::WorldOf(u, h);
    w.step_seconds = *gen::ClockStep();  // help must not move the clock
    const std::string help = *rc::gen::element<std::string>(
        "help", "partition archive", "par arch", "help partition archive", "HELP p a",
        "help partition archive backup", "help par arch b", "help p a restore", "help slot");
    return gen::ScenarioOf(w, {Abbreviated(gen::Login(u)), help,
                               Abbreviated(gen::BackupOf(u, h, "bk", *gen::Secret("pw-")).Line()),
                               Abbreviated(gen::List(h))});
  });
}

}  // namespace

std::vector<Check> OptionSyntaxChecks() {
  return {
      {"Options", "ShortcutsAndCase", {"OPT-SHORTCUTS"}, {}, 30,
       [](CheckContext& c) { return ForAll(c, ShortcutScenario()); }},
      {"Options", "ShortcutsSameAsLongForm", {"OPT-SHORTCUTS"}, {}, 20,
       [](CheckContext& c) {
         return Paired(
             c, LongFormScenario(),
             [](const Scenario& s) { return Respelled(s, Spelling::kListed); }, "OPT-SHORTCUTS",
             true);
       }},
      {"Options", "ShortcutsSmkOnly", {"OPT-SHORTCUTS"}, {"smkonly"}, 10,
       [](CheckContext& c) {
         return Paired(
             c, SmkOnlyLongForm(),
             [](const Scenario& s) { return Respelled(s, Spelling::kListed); }, "OPT-SHORTCUTS",
             true);
       }},
      {"Options", "SlotNumbers", {"OPT-SLOT"}, {}, 20,
       [](CheckContext& c) { return ForAll(c, SlotScenario(false)); }},
      {"Options", "SlotDirect", {"OPT-SLOT"}, {"usb"}, 20,
       [](CheckContext& c) { return ForAll(c, SlotScenario(true)); }},
      {"Options", "CommandWordsAndHelp", {"PROJ-COMMAND-WORDS"}, {}, 20,
       [](CheckContext& c) { return ForAll(c, CommandWordsScenario()); }},
      {"Options", "DebugOnlyAddsLines", {"OPT-DEBUG"}, {}, 20,
       [](CheckContext& c) { return Paired(c, DebugScenario(), Debugged, "OPT-DEBUG", false); }},
  };
}

}  // namespace hsmbackup::conformance
