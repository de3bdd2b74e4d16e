// Output: the seed's transcripts line for line, the shape of every failure,
// PED prompts, and no secret in anything a target says.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "checks/families.h"
#include "checks/gen.h"
#include "checks/harness.h"
#include "model/text.h"

namespace hsmbackup::conformance {
namespace {

using Mismatches = std::vector<model::Mismatch>;

constexpr char kPrompt[] = "Type 'proceed' to continue, or 'quit' to quit now ->";

// NonBlank: the lines in LineForm, blank ones dropped (the seed indents; the
// protocol does not, and paragraph spacing is not what the seed fixes).
std::vector<std::string> NonBlank(const std::vector<std::string>& lines) {
  std::vector<std::string> out;
  for (const std::string& l : lines) {
    if (!model::LineForm(l).empty()) out.push_back(model::LineForm(l));
  }
  return out;
}

std::string ReadText(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return in ? s.str() : std::string();
}

// SeedExample: the seed's output after the command line that starts with
// `command`, up to its Command Result line; `fallback` when the seed page
// is not in the data directory (an installed kit ships only the fallback).
std::vector<std::string> SeedExample(const std::filesystem::path& data_dir,
                                     const std::string& command,
                                     const std::vector<std::string>& fallback) {
  std::istringstream in(ReadText(data_dir / "seed" / "partition-archive-backup.txt"));
  std::vector<std::string> out;
  bool inside = false;
  for (std::string l; std::getline(in, l);) {
    const std::string t = model::LineForm(l);
    if (!inside) {
      inside = t.rfind(command, 0) == 0;
      continue;
    }
    if (!t.empty()) out.push_back(t);
    if (t.rfind("Command Result", 0) == 0) return out;
  }
  return fallback;
}

const std::vector<std::string> kSeedBackup = {
    "Logging in as the SO on slot 2.",
    "Creating partition sa78backup on slot 2.",
    "Logging into the container sa78backup on slot 2 as the user.",
    "Creating Domain for the partition sa78backup on slot 2.",
    "Verifying that all objects can be backed up...",
    "6 objects will be backed up.",
    "Backing up objects...",
    "Cloned object 70 to partition sa78backup (new handle 14).",
    "Cloned object 69 to partition sa78backup (new handle 18).",
    "Cloned object 53 to partition sa78backup (new handle 19).",
    "Cloned object 54 to partition sa78backup (new handle 23).",
    "Cloned object 52 to partition sa78backup (new handle 24).",
    "Cloned object 47 to partition sa78backup (new handle 28).",
    "Backup Complete.",
    "6 objects have been backed up to partition sa78backup",
    "on slot 2.",
    "Command Result : No Error"};

const std::vector<std::string> kSeedSks = {
    "You are backing up a SKS partition.",
    "Only the SKS master key (SMK) will be backed up.",
    "No other objects will be cloned.",
    "Are you sure you wish to continue?",
    "Type 'proceed' to continue, or 'quit' to quit now ->proceed",
    "Logging in as the SO on slot 5.",
    "Please attend to the PED.",
    "Creating partition 358628973182_2019:03:09-16:52:47 on slot 5.",
    "Please attend to the PED.",
    "Logging into the container 358628973182_2019:03:09-16:52:47 on slot 5 as the user.",
    "Please attend to the PED.",
    "Creating Domain for the partition 358628973182_2019:03:09-16:52:47 on slot 5.",
    "Please attend to the PED.",
    "The SMK was cloned successfully.",
    "Command Result : No Error"};

// SameLines compares a transcript with the seed's lines. The prompt line
// matches with or without the echoed answer.
Mismatches SameLines(const std::vector<std::string>& want, const Outcome& o,
                     const std::string& clause) {
  const std::vector<std::string> got = NonBlank(o.transcript);
  for (size_t i = 0; i < std::max(want.size(), got.size()); ++i) {
    const std::string w = i < want.size() ? want[i] : "(nothing)";
    const std::string g = i < got.size() ? got[i] : "(nothing)";
    const bool prompt = w.rfind(kPrompt, 0) == 0 && g.rfind(kPrompt, 0) == 0;
    if (w != g && !prompt) {
      return Fails(clause, "line " + std::to_string(i + 1) + " is '" + g + "', the seed has '" +
                               w + "'");
    }
  }
  return {};
}

std::optional<Json> FixtureWorld(const std::filesystem::path& data_dir, const std::string& name) {
  const Json w = Json::parse(ReadText(data_dir / "fixtures" / "worlds" / name), nullptr, false);
  if (w.is_discarded()) return std::nullopt;
  return w;
}

CheckResult SeedBackup(CheckContext& ctx, const std::filesystem::path& data_dir) {
  const std::optional<Json> world = FixtureWorld(data_dir, "seed-example.json");
  if (!world) return CheckResult::Error("cannot read fixtures/worlds/seed-example.json");
  const std::vector<std::string> want = SeedExample(
      data_dir, "lunacm:> partition archive backup -slot 2 -partition sa78backup", kSeedBackup);
  const Scenario s{*world,
                   {"role login -name co -password userpin1234",
                    "partition archive backup -slot 2 -partition sa78backup -domain clientdomain "
                    "-password newPa$$w0rd -sopassword backupSOpwd"},
                   {}};
  return Example(ctx, s, [want](const StepView& v) {
    return v.index == 1 ? SameLines(want, v.outcome, "OUT-TRANSCRIPT") : Mismatches{};
  });
}

CheckResult SeedSmkOnly(CheckContext& ctx, const std::filesystem::path& data_dir) {
  const std::optional<Json> world = FixtureWorld(data_dir, "seed-smkonly.json");
  if (!world) return CheckResult::Error("cannot read fixtures/worlds/seed-smkonly.json");
  std::vector<std::string> want =
      SeedExample(data_dir, "lunacm:>partition archive backup -slot 5 -smkonly", kSeedSks);
  // OPT-SMKONLY-NAME: the seed's container line says 2017 for the same name.
  for (std::string& l : want) {
    const size_t at = l.find("_2017:");
    if (l.rfind("Logging into the container", 0) == 0 && at != std::string::npos) {
      l.replace(at, 6, "_2019:");
    }
  }
  const Scenario s{*world, {"role login -name co", "partition archive backup -slot 5 -smkonly"},
                   {"proceed"}};
  return Example(ctx, s, [want](const StepView& v) {
    return v.index == 1 ? SameLines(want, v.outcome, "OUT-TRANSCRIPT") : Mismatches{};
  });
}

// --- OUT-ERROR (judged by the model on every failing line) ----------------

Json StoredEmpty(const gen::UserSpec& u, const std::string& password) {
  return {{"name", "bk"},          {"domain", u.domain},        {"password", password},
          {"origin", u.kind},      {"source_label", u.label},   {"created", "2026-01-02T03:04:05Z"},
          {"allocated", model::kOverhead}, {"objects", Json::array()}};
}

rc::Gen<Scenario> FailureScenario() {
  return rc::gen::exec([] {
    gen::UserSpec u = *gen::User(*gen::AnyKind(false));
    gen::HsmSpec h = *gen::Hsm(*gen::AnyModel());
    const std::string pw = *gen::Secret("bk-");
    h.partitions.push_back(StoredEmpty(u, pw));
    Scenario s{gen::WorldOf(u, h).ToJson(), {}, {}};
    if (*rc::gen::weightedElement<bool>({{4, true}, {1, false}})) s.lines.push_back(gen::Login(u));
    const int n = *rc::gen::inRange(1, 5);
    for (int i = 0; i < n; ++i) {
      gen::Backup b = gen::BackupOf(u, h, "fresh", *gen::Secret("pw-"));
      switch (*rc::gen::inRange(0, 14)) {
        case 0: b.sopassword = "wrong-so"; break;
        case 1: b.sopassword.reset(); break;
        case 2: b.slot = 9; break;
        case 3: b.partition = "bk"; break;
        case 4: b.objects = "99999"; break;
        case 5: b.partition = std::string(33, 'x'); break;
        case 6: b.objects = "1,,2"; break;
        case 7: b.partition.reset(); break;  // refused on a G5
        case 8: s.lines.push_back(gen::Contents(h, "bk", "wrong-pw")); continue;
        case 9: s.lines.push_back(gen::Restore(h, "missing", pw)); continue;
        case 10: s.lines.push_back(gen::Delete(h, "missing", true)); continue;
        case 11: s.lines.push_back("partition archive backup"); continue;
        case 12: s.lines.push_back(b.Line() + " -frobnicate"); continue;
        default: s.lines.push_back("role login -name co -password wrong-co"); continue;
      }
      b.debug = *rc::gen::arbitrary<bool>();
      s.lines.push_back(b.Line());
    }
    return s;
  });
}

// --- OUT-PED (judged by the model: model/text.cc) -------------------------

rc::Gen<Scenario> PedScenario() {
  return rc::gen::exec([] {
    gen::UserSpec u = *gen::User(*gen::AnyKind(false));
    gen::HsmSpec h = *gen::Hsm("backup_hsm_7");
    if (*rc::gen::weightedElement<bool>({{3, true}, {1, false}})) {
      u.auth = "ped";
      h.auth = "ped";
      h.ped_domain = u.domain;
    }
    const std::string pw = *gen::Secret("pw-");
    gen::Backup b = gen::BackupOf(u, h, "bk", pw);
    if (*rc::gen::arbitrary<bool>()) b.objects = std::to_string(u.objects.front().handle);
    return Scenario{gen::WorldOf(u, h).ToJson(),
                    {gen::Login(u), b.Line(), gen::List(h), gen::Contents(h, "bk", pw),
                     gen::Restore(h, "bk", pw), gen::Delete(h, "bk", true)},
                    {}};
  });
}

// --- OUT-NO-SECRETS -------------------------------------------------------

rc::Gen<Scenario> SecretScenario() {
  return rc::gen::exec([] {
    gen::UserSpec u = *gen::User(*gen::AnyKind(false));
    gen::HsmSpec h = *gen::Hsm(*gen::AnyModel());
    const std::string pw = *gen::Secret("bk-");
    h.partitions.push_back(StoredEmpty(u, pw));
    Scenario s{gen::WorldOf(u, h).ToJson(), {gen::Login(u)}, {}};
    const int n = *rc::gen::inRange(1, 7);
    for (int i = 0; i < n; ++i) {
      gen::Backup b = gen::BackupOf(u, h, "n" + std::to_string(i), *gen::Secret("np-"));
      std::string tail;
      switch (*rc::gen::inRange(0, 12)) {
        case 0: b.sopassword = *gen::Secret("wso-"); break;
        case 1: b.domain = *gen::Secret("wdo-"); break;
        case 2: b.password = (*gen::Secret("s")).substr(0, 7); break;  // too short on 7.7.2+
        case 3: tail = " -frobnicate"; break;
        case 4: tail = " -password " + *gen::Secret("dup-"); break;
        case 5: b.sopassword.reset(); tail = " -sopassword"; break;  // no value
        case 6: s.lines.push_back(gen::Contents(h, "bk", *gen::Secret("wpw-"))); continue;
        case 7: s.lines.push_back(gen::Restore(h, "bk", *gen::Secret("wpw-"), " -debug")); continue;
        case 8: s.lines.push_back(gen::Delete(h, "bk", true) + "x -debug"); continue;
        case 9: s.lines.push_back("role login -name co -password " + *gen::Secret("wco-")); continue;
        case 10: b.partition = "bk"; b.append = true; b.password = *gen::Secret("wpw-"); break;
        default: break;  // a good backup
      }
      b.debug = *rc::gen::weightedElement<bool>({{2, true}, {1, false}});
      s.lines.push_back(b.Line() + tail);
    }
    return s;
  });
}

}  // namespace

std::vector<Check> OutputChecks(const std::filesystem::path& data_dir) {
  return {
      {"Output", "SeedBackupTranscript", {"OUT-TRANSCRIPT"}, {}, 1,
       [data_dir](CheckContext& c) { return SeedBackup(c, data_dir); }},
      {"Output", "SeedSmkOnlyTranscript", {"OUT-TRANSCRIPT", "OUT-PED", "OPT-SMKONLY-NAME"},
       {"ped", "smkonly"}, 1, [data_dir](CheckContext& c) { return SeedSmkOnly(c, data_dir); }},
      {"Output", "FailuresEndWithResult", {"OUT-ERROR"}, {}, 30,
       [](CheckContext& c) { return ForAll(c, FailureScenario()); }},
      {"Output", "PedPrompts", {"OUT-PED"}, {"ped"}, 20,
       [](CheckContext& c) { return ForAll(c, PedScenario()); }},
      {"Output", "NoSecretsAnywhere", {"OUT-NO-SECRETS"}, {}, 30,
       [](CheckContext& c) { return ForAll(c, SecretScenario()); }},
  };
}

}  // namespace hsmbackup::conformance
