// Options: -partition (its length limit, default name and the G5's need of
// one), -smkonly and -force (the confirmation prompts). The model predicts
// every line, the created partition's name and the prompts included; these
// checks choose labels, clocks and answers that reach each rule.
#include <rapidcheck/Check.h>


#include "checks/families.h"
#include "checks/gen.h"
#include "checks/harness.h"

namespace hsmbackup::conformance {
namespace {

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
    // SKS follows firmware (OPT-SMKONLY-SKS): sometimes one step below it.
    if (*rc::gen::weightedElement<bool>({{1, true}, {3, false}})) {
      h.firmware = h.model == "backup_hsm_7" ? "7.7.0" : "6.27.0";
    }
    gen::WorldSpec w = gen::WorldOf(u, h);
    w.now = *Clock();
    w.step_seconds = *gen::ClockStep();  // the login moves it: the name takes the moved date
    gen::Backup b = gen::SmkOnlyBackupOf(u, h, *gen::Secret("pw-"));
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

rc::Gen<Scenario> ConfirmScenario() {
  return rc::gen::exec([] {
    gen::UserSpec u = *gen::User("v1");
    gen::HsmSpec h = *gen::Hsm("backup_hsm_7");
    gen::Backup b = gen::SmkOnlyBackupOf(u, h, *gen::Secret("pw-"));
    b.force = *rc::gen::weightedElement<bool>({{1, true}, {3, false}});
    const std::string answer = *rc::gen::element<std::string>("quit", "proceed", "no", "quit");
    return Scenario{gen::WorldOf(u, h).ToJson(), {gen::Login(u), b.Line(), gen::List(h)}, {answer}};
  });
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

}  // namespace

std::vector<Check> OptionPartitionChecks() {
  return {
      {"Options", "PartitionNameMaxLength", {"OPT-PARTITION-MAXLEN", "PROJ-WORLD-UNCHANGED-ON-BAD-INPUT"},
       {}, 30, [](CheckContext& c) { return ForAll(c, NameLengthScenario()); }},
      {"Options", "DefaultPartitionName", {"OPT-PARTITION-DEFAULT"}, {}, 25,
       [](CheckContext& c) { return ForAll(c, DefaultNameScenario()); }},
      {"Options", "G5NeedsPartitionName", {"OPT-PARTITION-REQUIRED"}, {}, 20,
       [](CheckContext& c) { return ForAll(c, G5NoNameScenario()); }},
      {"Options", "SmkOnly", {"OPT-SMKONLY", "OPT-SMKONLY-SKS", "OPT-SMKONLY-NAME"}, {"smkonly"}, 30,
       [](CheckContext& c) { return ForAll(c, SmkOnlyScenario()); }},
      {"Options", "SmkOnlyConfirm", {"OPT-SMKONLY-CONFIRM", "OPT-FORCE"}, {"smkonly"}, 20,
       [](CheckContext& c) { return ForAll(c, ConfirmScenario()); }},
      {"Options", "ForceSkipsDeletePrompt", {"OPT-FORCE", "ARCHIVE-DELETE"}, {}, 20,
       [](CheckContext& c) { return ForAll(c, ForceScenario()); }},
  };
}

}  // namespace hsmbackup::conformance
