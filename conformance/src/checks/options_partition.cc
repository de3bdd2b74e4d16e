// Options: -partition (its length limit, default name and the G5's need of
// one), -smkonly and -force (the confirmation prompts). The model predicts
// every line; the extra judges here assert what it does not: the created
// partition's name, the prompts asked, byte-identical state when refused.
#include <rapidcheck/Check.h>

#include <algorithm>
#include <ctime>
#include <set>

#include "checks/families.h"
#include "checks/gen.h"
#include "checks/harness.h"

namespace hsmbackup::conformance {
namespace {

using Mismatches = std::vector<model::Mismatch>;

std::string Utc(int64_t seconds, const char* format) {
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}

std::string Underscored(std::string s, size_t n) {
  s = s.substr(0, n);
  std::replace(s.begin(), s.end(), ' ', '_');
  return s;
}

// Label: a partition label of 1..32 characters with inner spaces.
rc::Gen<std::string> Label() {
  return rc::gen::exec([] {
    const int n = *rc::gen::inRange(1, 33);
    std::string s;
    for (int i = 0; i < n; ++i) {
      const bool edge = i == 0 || i == n - 1;
      s += edge ? *rc::gen::elementOf(std::string("abcXYZ0189"))
                : *rc::gen::elementOf(std::string("abcdefXYZ0123456789 -"));
    }
    return s;
  });
}

// Clock: a random UTC time between 2001 and 2037.
rc::Gen<std::string> Clock() {
  return rc::gen::exec([] {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", *rc::gen::inRange(2001, 2038),
                  *rc::gen::inRange(1, 13), *rc::gen::inRange(1, 29), *rc::gen::inRange(0, 24),
                  *rc::gen::inRange(0, 60), *rc::gen::inRange(0, 60));
    return std::string(buf);
  });
}

// --- -partition -----------------------------------------------------------

rc::Gen<Scenario> NameLengthScenario() {
  return rc::gen::exec([] {
    gen::UserSpec u = *gen::User(*gen::AnyKind(false));
    gen::HsmSpec h = *gen::Hsm(*gen::AnyModel());
    const int n = *rc::gen::weightedElement<bool>({{1, true}, {1, false}})
                      ? *rc::gen::element(31, 32, 33, 34)
                      : *rc::gen::inRange(1, 41);
    std::string name = "n";
    while (static_cast<int>(name.size()) < n) {
      name += *rc::gen::elementOf(std::string("abcdefghijklmnopqrstuvwxyz0123456789_-."));
    }
    const gen::Backup b = gen::BackupOf(u, h, name, *gen::Secret("pw-"));
    return Scenario{gen::WorldOf(u, h).ToJson(), {gen::Login(u), b.Line()}, {}};
  });
}

Mismatches JudgeNameLength(const StepView& v) {
  if (!IsBackupLine(v.line)) return {};
  const std::vector<std::string> w = gen::Words(v.line);
  const auto it = std::find(w.begin(), w.end(), "-partition");
  const size_t n = (it + 1)->size();
  Mismatches out = RefusedUnchanged(v, "OPT-PARTITION-MAXLEN");
  if ((n > 32) == v.outcome.ok()) {
    out.push_back({{"OPT-PARTITION-MAXLEN"}, "a " + std::to_string(n) + "-character name was " +
                                                 (v.outcome.ok() ? "accepted" : "refused")});
  }
  return out;
}

rc::Gen<Scenario> DefaultNameScenario() {
  return rc::gen::exec([] {
    gen::UserSpec u = *gen::User(*gen::AnyKind(false));
    u.label = *Label();
    gen::HsmSpec h = *gen::Hsm("backup_hsm_7");
    gen::WorldSpec w = gen::WorldOf(u, h);
    w.now = *Clock();
    w.step_seconds = *gen::ClockStep();  // the login moves it: the name takes the moved date
    gen::Backup b = gen::BackupOf(u, h, "", *gen::Secret("pw-"));
    b.partition.reset();
    return Scenario{w.ToJson(), {gen::Login(u), b.Line()}, {}};
  });
}

// NewPartitions: names on slot 2 after the step that were not there before.
std::vector<std::string> NewPartitions(const StepView& v) {
  std::set<std::string> before;
  for (const Json& p : SlotOf(v.before, 2).value("partitions", Json::array())) {
    before.insert(p.value("name", std::string()));
  }
  std::vector<std::string> out;
  for (const Json& p : SlotOf(v.after, 2).value("partitions", Json::array())) {
    if (!before.count(p.value("name", std::string()))) out.push_back(p.value("name", std::string()));
  }
  return out;
}

Mismatches JudgeDefaultName(const StepView& v) {
  if (!IsBackupLine(v.line)) return {};
  const model::World& w = v.prediction.after;
  // The name takes the time the backup ran: before its own success moved the clock.
  const int64_t ran = w.now - (v.outcome.ok() ? w.step : 0);
  const std::string want = Underscored(w.users.at(0).label, 23) + "_" + Utc(ran, "%Y%m%d");
  const std::vector<std::string> made = NewPartitions(v);
  if (made == std::vector<std::string>{want}) return {};
  return Fails("OPT-PARTITION-DEFAULT", "without -partition the new backup partition is not " +
                                            want + " (" + std::to_string(made.size()) +
                                            " new partition(s), first '" +
                                            (made.empty() ? "" : made.front()) + "')");
}

rc::Gen<Scenario> G5NoNameScenario() {
  return rc::gen::exec([] {
    gen::UserSpec u = *gen::User(*gen::AnyKind(false));
    gen::HsmSpec h = *gen::Hsm("backup_hsm_g5");
    gen::Backup b = gen::BackupOf(u, h, "", *gen::Secret("pw-"));
    b.partition.reset();
    return Scenario{gen::WorldOf(u, h).ToJson(), {gen::Login(u), b.Line()}, {}};
  });
}

// --- -smkonly and -force --------------------------------------------------

rc::Gen<Scenario> SmkOnlyScenario() {
  return rc::gen::exec([] {
    const std::string kind = *rc::gen::weightedElement<std::string>(
        {{3, "v1"}, {1, "v0"}, {1, "pre77"}});
    gen::UserSpec u = *gen::User(kind);
    u.label = *Label();
    gen::HsmSpec h = *gen::Hsm(*gen::AnyModel());
    h.sks = *rc::gen::weightedElement<bool>({{3, true}, {1, false}});
    gen::WorldSpec w = gen::WorldOf(u, h);
    w.now = *Clock();
    w.step_seconds = *gen::ClockStep();  // the login moves it: the name takes the moved date
    gen::Backup b = gen::BackupOf(u, h, "", *gen::Secret("pw-"));
    b.partition.reset();
    b.smkonly = true;
    b.force = true;
    switch (*rc::gen::weightedElement<int>({{6, 0}, {1, 1}, {1, 2}, {1, 3}, {1, 4}})) {
      case 1: b.partition = "named"; break;
      case 2: b.objects = "all"; break;
      case 3: b.append = true; break;
      case 4: b.replace = true; break;
      default: break;
    }
    return Scenario{w.ToJson(), {gen::Login(u), b.Line()}, {}};
  });
}

// JudgeSmkOnly: a successful -smkonly makes one partition named from the
// label and the clock, holding the source's SMK and no object.
Mismatches JudgeSmkOnly(const StepView& v) {
  if (!IsBackupLine(v.line) || !v.outcome.ok()) return {};
  const model::World& w = v.prediction.after;
  const std::string want = Underscored(w.users.at(0).label, 12) + "_" +
                           Utc(w.now - w.step, "%Y:%m:%d-%H:%M:%S");  // when it ran (it succeeded)
  Mismatches out;
  const std::vector<std::string> made = NewPartitions(v);
  if (made != std::vector<std::string>{want}) {
    out.push_back({{"OPT-SMKONLY-NAME"}, "the SMK backup is not named " + want});
    return out;
  }
  const Json p = PartitionOf(v.after, 2, want);
  if (!p.value("objects", Json::array()).empty()) {
    out.push_back({{"OPT-SMKONLY"}, "the SMK backup holds objects"});
  }
  const Json smk = p.value("smk_id", Json());
  if (smk.is_null() || smk != SlotOf(v.before, 0).value("smk_id", Json())) {
    out.push_back({{"OPT-SMKONLY"}, "the SMK backup does not hold the source's SMK"});
  }
  if (!HasLine(v.outcome, "The SMK was cloned successfully.")) {
    out.push_back({{"OPT-SMKONLY"}, "no line 'The SMK was cloned successfully.'"});
  }
  return out;
}

rc::Gen<Scenario> ConfirmScenario() {
  return rc::gen::exec([] {
    gen::UserSpec u = *gen::User("v1");
    gen::HsmSpec h = *gen::Hsm("backup_hsm_7");
    gen::Backup b = gen::BackupOf(u, h, "", *gen::Secret("pw-"));
    b.partition.reset();
    b.smkonly = true;
    b.force = *rc::gen::weightedElement<bool>({{1, true}, {3, false}});
    const std::string answer = *rc::gen::element<std::string>("quit", "proceed", "no", "quit");
    return Scenario{gen::WorldOf(u, h).ToJson(), {gen::Login(u), b.Line(), gen::List(h)}, {answer}};
  });
}

Mismatches JudgeConfirm(const StepView& v) {
  if (!IsBackupLine(v.line)) return {};
  const bool force = v.line.find("-force") != std::string::npos;
  Mismatches out;
  if (v.outcome.result == "CKR_FUNCTION_CANCELED") {
    if (WithoutCounters(v.before) != WithoutCounters(v.after)) {
      out.push_back({{"OPT-SMKONLY-CONFIRM"}, "'quit' changed the observed state"});
    }
    if (force) out.push_back({{"OPT-FORCE"}, "-force still cancelled on an answer"});
  } else if (v.outcome.ok()) {
    const std::vector<std::string> made = NewPartitions(v);
    if (made.size() != 1 ||
        !PartitionOf(v.after, 2, made.front()).value("objects", Json::array()).empty()) {
      out.push_back({{"OPT-SMKONLY-CONFIRM"}, "'proceed' did not make one empty SMK backup"});
    }
  }
  return out;
}

rc::Gen<Scenario> ForceScenario() {
  return rc::gen::exec([] {
    gen::UserSpec u = *gen::User(*gen::AnyKind(false));
    gen::HsmSpec h = *gen::Hsm(*gen::AnyModel());
    h.partitions.push_back(gen::StoredPartition("bk", u, u.kind, *gen::Secret("bk-"), {}));
    const bool force = *rc::gen::arbitrary<bool>();
    const std::string answer = *rc::gen::element<std::string>("quit", "proceed", "yes");
    return Scenario{gen::WorldOf(u, h).ToJson(), {gen::Delete(h, "bk", force), gen::List(h)},
                    {answer}};
  });
}

Mismatches JudgeForce(const StepView& v) {
  if (v.line.find("archive delete") == std::string::npos) return {};
  const bool force = v.line.find("-force") != std::string::npos;
  if (force && v.outcome.prompts != 0) return Fails("OPT-FORCE", "-force still prompted");
  if (!v.outcome.ok()) return RefusedUnchanged(v, "ARCHIVE-DELETE");
  return {};
}

// AppendFingerprintSeed replays the seed's own case (pre-7.7 source, Backup
// HSM 7 7.7.2, one stored object with another attribute value).

}  // namespace

std::vector<Check> OptionPartitionChecks() {
  return {
      {"Options", "PartitionNameMaxLength", {"OPT-PARTITION-MAXLEN", "PROJ-WORLD-UNCHANGED-ON-BAD-INPUT"},
       {}, 30, [](CheckContext& c) { return ForAll(c, NameLengthScenario(), JudgeNameLength); }},
      {"Options", "DefaultPartitionName", {"OPT-PARTITION-DEFAULT"}, {}, 25,
       [](CheckContext& c) { return ForAll(c, DefaultNameScenario(), JudgeDefaultName); }},
      {"Options", "G5NeedsPartitionName", {"OPT-PARTITION-REQUIRED"}, {}, 20,
       [](CheckContext& c) {
         return ForAll(c, G5NoNameScenario(), [](const StepView& v) {
           return IsBackupLine(v.line) ? RefusedUnchanged(v, "OPT-PARTITION-REQUIRED") : Mismatches{};
         });
       }},
      {"Options", "SmkOnly", {"OPT-SMKONLY", "OPT-SMKONLY-SKS", "OPT-SMKONLY-NAME"}, {"smkonly"}, 30,
       [](CheckContext& c) { return ForAll(c, SmkOnlyScenario(), JudgeSmkOnly); }},
      {"Options", "SmkOnlyConfirm", {"OPT-SMKONLY-CONFIRM", "OPT-FORCE"}, {"smkonly"}, 20,
       [](CheckContext& c) { return ForAll(c, ConfirmScenario(), JudgeConfirm); }},
      {"Options", "ForceSkipsDeletePrompt", {"OPT-FORCE", "ARCHIVE-DELETE"}, {}, 20,
       [](CheckContext& c) { return ForAll(c, ForceScenario(), JudgeForce); }},
  };
}

}  // namespace hsmbackup::conformance
