// Source and restore: the source never changes, restore's rules and round
// trip, SMK restore, the archive administration commands, and the
// project's own clauses (same-OUID restore, append origin, PED credentials,
// PIN length, bad input).
#include <algorithm>
#include <cctype>
#include <set>
#include <sstream>

#include "checks/families.h"
#include "checks/gen.h"
#include "checks/harness.h"

namespace hsmbackup::conformance {
namespace {

using Mismatches = std::vector<model::Mismatch>;

bool Starts(const std::string& line, const char* verb) {
  return line.rfind(std::string("partition archive ") + verb, 0) == 0;
}

Mismatches Unchanged(const StepView& v, const std::string& clause) {
  if (WithoutCounters(v.before) == WithoutCounters(v.after)) return {};
  return Fails(clause, v.outcome.result + " from '" + v.line.substr(0, 40) +
                           "...' but the observed state changed");
}

// Content: what a restore must give back of an object, without its handle.
std::string Content(const Json& o) {
  return o.value("ouid", std::string()) + "|" + o.value("label", std::string()) + "|" +
         o.value("class", std::string()) + "|" + std::to_string(o.value("size", 0u)) + "|" +
         o.value("fingerprint", std::string());
}

std::set<std::string> Contents(const Json& objects) {
  std::set<std::string> out;
  for (const Json& o : objects) out.insert(Content(o));
  return out;
}

// --- SRC-UNCHANGED --------------------------------------------------------

rc::Gen<Scenario> SourceScenario(bool v1_and_faults) {
  return rc::gen::exec([v1_and_faults] {
    gen::UserSpec u = *gen::User(*gen::AnyKind(v1_and_faults));
    gen::HsmSpec h = *gen::Hsm(*gen::AnyModel());
    gen::WorldSpec w = gen::WorldOf(u, h);
    if (v1_and_faults) {
      const int f = *rc::gen::inRange(0, 3);
      if (f == 1) w.faults.push_back({{"type", "verify_fail"}, {"handle", u.objects.back().handle}});
      if (f == 2) w.faults.push_back({{"type", "partition_full"}, {"at", *rc::gen::inRange(1, 4)}});
    }
    const std::string pw = *gen::Secret("pw-");
    Scenario s{w.ToJson(), {gen::Login(u)}, {}};
    const int n = *rc::gen::inRange(1, 4);
    for (int i = 0; i < n; ++i) {
      gen::Backup b = gen::BackupOf(u, h, *rc::gen::element<std::string>("bk", "bk2"), pw);
      switch (*rc::gen::inRange(0, 6)) {
        case 0: b.domain = "other-domain"; break;
        case 1: b.append = true; b.replace = *rc::gen::arbitrary<bool>(); break;
        case 2: b.objects = std::to_string(u.objects.front().handle); break;
        case 3: b.sopassword = "wrong-so"; break;
        default: break;
      }
      b.debug = *rc::gen::arbitrary<bool>();
      s.lines.push_back(b.Line());
    }
    return s;
  });
}

Mismatches JudgeSource(const StepView& v) {
  if (!Starts(v.line, "backup") ||
      WithoutCounters(SlotOf(v.before, 0)) == WithoutCounters(SlotOf(v.after, 0))) {
    return {};
  }
  return Fails("SRC-UNCHANGED", "the backup (" + v.outcome.result + ") changed the source partition");
}

// --- restore --------------------------------------------------------------

rc::Gen<Scenario> MissingScenario() {
  return rc::gen::exec([] {
    gen::UserSpec u = *gen::User(*gen::AnyKind(false));
    gen::HsmSpec h = *gen::Hsm(*gen::AnyModel());
    const std::string pw = *gen::Secret("bk-");
    h.partitions.push_back(gen::StoredPartition("bk", u, u.kind, pw, gen::Renumbered(*gen::Objects(0, 2), 500)));
    std::string line = gen::Restore(h, *rc::gen::element<std::string>("bk2", "b", "bkk", "BK"), pw);
    if (*rc::gen::weightedElement<bool>({{1, true}, {4, false}})) {
      line = "partition archive restore -slot 2 -password " + pw;  // no -partition at all
    }
    return Scenario{gen::WorldOf(u, h).ToJson(), {gen::Login(u), line}, {}};
  });
}

Mismatches JudgeMissing(const StepView& v) {
  if (!Starts(v.line, "restore")) return {};
  Mismatches out = Unchanged(v, "RESTORE-TARGET-EXISTS");
  const bool named = v.line.find("-partition") != std::string::npos;
  if (named && v.outcome.result != "CKR_TOKEN_NOT_PRESENT") {
    out.push_back({{"RESTORE-TARGET-EXISTS"}, "restoring a missing backup answered " + v.outcome.result});
  }
  return out;
}

// RulesScenario: a stored pre77/v0 backup restored (all of it, or the
// objects -objects names) into a pre77/v0 partition, the domains equal or
// not, one stored object rejected.
rc::Gen<Scenario> RulesScenario() {
  return rc::gen::exec([] {
    const std::string kind = *rc::gen::element<std::string>("pre77", "v0");
    gen::UserSpec u = *gen::User(kind);
    gen::HsmSpec h = *gen::Hsm(*gen::AnyModel());
    const std::string origin = kind == "pre77" && *rc::gen::arbitrary<bool>()
                                   ? "v0"  // FW-NO-DOWNGRADE
                                   : *rc::gen::element<std::string>("pre77", "v0");
    gen::UserSpec src = u;
    if (*rc::gen::weightedElement<bool>({{1, true}, {3, false}})) src.domain = "other-" + u.domain;
    const std::vector<gen::ObjSpec> stored = gen::Renumbered(*gen::Objects(2, 5), 3000);
    const std::string pw = *gen::Secret("bk-");
    h.partitions.push_back(gen::StoredPartition("bk", src, origin, pw, stored));
    gen::WorldSpec w = gen::WorldOf(u, h);
    if (*rc::gen::weightedElement<bool>({{3, true}, {1, false}})) {
      w.faults.push_back({{"type", "verify_fail"}, {"handle", (*rc::gen::elementOf(stored)).handle}});
    }
    return Scenario{w.ToJson(), {gen::Login(u), gen::Restore(h, "bk", pw, *gen::ObjectsOption(stored))},
                    {}};
  });
}

Mismatches JudgeRules(const StepView& v) {
  if (!Starts(v.line, "restore")) return {};
  const model::World& w = v.prediction.after;
  const std::string origin = PartitionOf(v.before, 2, "bk").value("origin", std::string());
  if (origin != "pre77" && w.users.at(0).kind == "pre77") {
    Mismatches out = Unchanged(v, "FW-NO-DOWNGRADE");
    if (v.outcome.result != "CKR_OPERATION_NOT_ALLOWED") {
      out.push_back({{"FW-NO-DOWNGRADE"}, "a " + origin + " backup restored into a pre-7.7 "
                                          "partition answered " + v.outcome.result});
    }
    return out;
  }
  return {};
}

// RoundTripScenario: back a partition up, then restore into a second,
// empty partition of the same kind, domain (and SMK).
rc::Gen<Scenario> RoundTripScenario(bool v1) {
  return rc::gen::exec([v1] {
    gen::UserSpec u = *gen::User(v1 ? std::string("v1") : *gen::AnyKind(false));
    gen::HsmSpec h = *gen::Hsm(*gen::AnyModel());
    gen::UserSpec t = u;
    t.slot = 1;
    t.label = "target";
    t.objects.clear();
    t.co_password = *gen::Secret("co2-");
    gen::WorldSpec w = gen::WorldOf(u, h);
    w.users.push_back(t);
    const std::string pw = *gen::Secret("pw-");
    return Scenario{w.ToJson(),
                    {gen::Login(u), gen::BackupOf(u, h, "bk", pw).Line(), "slot set -slot 1",
                     gen::Login(t), gen::Restore(h, "bk", pw)},
                    {}};
  });
}

Mismatches JudgeRoundTrip(const StepView& v) {
  if (!Starts(v.line, "restore")) return {};
  if (!v.outcome.ok()) return Fails("RESTORE-ROUNDTRIP", "the restore answered " + v.outcome.result);
  if (Contents(SlotOf(v.after, 1).value("objects", Json::array())) !=
      Contents(SlotOf(v.after, 0).value("objects", Json::array()))) {
    return Fails("RESTORE-ROUNDTRIP", "the restored objects differ from the source's (OUID, "
                                      "label, class, size or fingerprint)");
  }
  return {};
}

std::string SmkName(const std::string& label) {
  std::string s = label.substr(0, 12);
  std::replace(s.begin(), s.end(), ' ', '_');
  return s + "_2026:11:27-12:00:00";  // gen::WorldSpec's clock
}

rc::Gen<Scenario> SmkRestoreScenario() {
  return rc::gen::exec([] {
    gen::UserSpec u = *gen::User("v1");
    gen::UserSpec t = *gen::User("v1");
    t.slot = 1;
    t.smk[0] = u.smk[0] == 'f' ? 'e' : 'f';  // another SMK, also once shrunk
    if (*rc::gen::weightedElement<bool>({{3, true}, {1, false}})) t.domain = u.domain;
    gen::HsmSpec h = *gen::Hsm("backup_hsm_7");
    gen::WorldSpec w = gen::WorldOf(u, h);
    w.users.push_back(t);
    const std::string pw = *gen::Secret("pw-");
    gen::Backup b = gen::BackupOf(u, h, "", pw);
    b.partition.reset();
    b.smkonly = true;
    b.force = true;
    const bool force = *rc::gen::arbitrary<bool>();
    const std::string restore =
        gen::Restore(h, SmkName(u.label), pw, force ? " -smkonly -force" : " -smkonly");
    return Scenario{w.ToJson(),
                    {gen::Login(u), b.Line(), "slot set -slot 1", gen::Login(t), restore},
                    {*rc::gen::element<std::string>("proceed", "quit", "yes", "no")}};
  });
}

Mismatches JudgeSmkRestore(const StepView& v) {
  if (!Starts(v.line, "restore")) return {};
  const int prompts = v.line.find("-force") == std::string::npos ? 1 : 0;
  if (v.prediction.codes.count("CKR_OK") && v.outcome.prompts != prompts) {
    return Fails("RESTORE-SMK", "an SMK restore asked " + std::to_string(v.outcome.prompts) +
                                    " prompt(s), expected " + std::to_string(prompts));
  }
  const Json source = SlotOf(v.before, 0).value("smk_id", Json());
  const Json now = SlotOf(v.after, 1).value("smk_id", Json());
  if (v.outcome.ok() && (now != source || now == SlotOf(v.before, 1).value("smk_id", Json()))) {
    return Fails("RESTORE-SMK", "after an SMK restore the target's SMK is not the backed-up one");
  }
  if (v.outcome.result == "CKR_FUNCTION_CANCELED") return Unchanged(v, "RESTORE-SMK");
  return {};
}

// --- list, contents, delete -----------------------------------------------

rc::Gen<Scenario> AdminScenario(const std::string& verb, bool v1) {
  return rc::gen::exec([verb, v1] {
    gen::UserSpec u = *gen::User(v1 ? std::string("v1") : *gen::AnyKind(false));
    for (size_t i = 0; i < u.objects.size(); ++i) u.objects[i].label = "obj-" + std::to_string(i);
    gen::HsmSpec h = *gen::Hsm(*gen::AnyModel());
    const int n = *rc::gen::inRange(verb == "delete" ? 1 : 0, 4);
    std::vector<std::string> pws;
    for (int i = 0; i < n; ++i) {
      pws.push_back(*gen::Secret("bk-"));
      h.partitions.push_back(gen::StoredPartition("old" + std::to_string(i), u, u.kind, pws.back(),
                                    gen::Renumbered(*gen::Objects(0, 3), 4000 + 10 * i)));
    }
    const std::string pw = *gen::Secret("pw-");
    Scenario s{gen::WorldOf(u, h).ToJson(), {gen::Login(u)}, {}};
    if (verb != "delete" || *rc::gen::arbitrary<bool>()) {
      s.lines.push_back(gen::BackupOf(u, h, "bk", pw).Line());
      pws.push_back(pw);
    }
    const bool right = *rc::gen::weightedElement<bool>({{4, true}, {1, false}});
    if (verb == "list") {
      s.lines.push_back(right ? gen::List(h) : "partition archive list -slot 2 -sopassword bad-so");
    } else if (verb == "contents") {
      s.lines.push_back(gen::Contents(h, "bk", right ? pw : "bad-pw"));
    } else {
      const size_t k = *rc::gen::inRange<size_t>(0, pws.size());
      const std::string name = k < static_cast<size_t>(n) ? "old" + std::to_string(k) : "bk";
      gen::HsmSpec so = h;
      if (!right) so.so_password = "bad-so";
      const bool force = *rc::gen::arbitrary<bool>();
      s.lines.push_back(gen::Delete(so, name, force));
      if (!force) s.answers = {*rc::gen::element<std::string>("proceed", "quit", "y", "no")};
      s.lines.push_back(gen::List(h));
    }
    return s;
  });
}

// ARCHIVE-LIST and ARCHIVE-CONTENTS are judged by the model on every
// list and contents line (model/text.cc: every field, as facts).

Mismatches JudgeDelete(const StepView& v) {
  if (!Starts(v.line, "delete")) return {};
  if (!v.outcome.ok()) return Unchanged(v, "ARCHIVE-DELETE");
  std::istringstream in(v.line.substr(v.line.find("-partition ") + 11));
  std::string name;
  in >> name;
  const Json gone = PartitionOf(v.before, 2, name);
  const uint64_t freed = SlotOf(v.after, 2).value("free", uint64_t{0}) -
                         SlotOf(v.before, 2).value("free", uint64_t{0});
  if (!PartitionOf(v.after, 2, name).is_null() || freed != gone.value("allocated", uint64_t{0})) {
    return Fails("ARCHIVE-DELETE", "deleting " + name + " freed " + std::to_string(freed) +
                                       " bytes, not its allocation of " +
                                       std::to_string(gone.value("allocated", uint64_t{0})));
  }
  return {};
}

// --- the project's clauses ------------------------------------------------

rc::Gen<Scenario> SameOuidScenario() {
  return rc::gen::exec([] {
    gen::UserSpec u = *gen::User(*gen::AnyKind(false));
    gen::HsmSpec h = *gen::Hsm(*gen::AnyModel());
    std::vector<gen::ObjSpec> stored = gen::Renumbered(*gen::Objects(0, 2), 5000);
    for (size_t i = 0; i < u.objects.size(); ++i) {
      if (i > 0 && *rc::gen::arbitrary<bool>()) continue;
      gen::ObjSpec o = u.objects[i];
      o.handle = 5100 + static_cast<uint32_t>(i);
      o.label = gen::Suffixed(o.label, "-stored");
      stored.push_back(o);
    }
    const std::string pw = *gen::Secret("bk-");
    h.partitions.push_back(gen::StoredPartition("bk", u, u.kind, pw, stored));
    const std::string extra = *rc::gen::element<std::string>("", " -replace");
    return Scenario{gen::WorldOf(u, h).ToJson(), {gen::Login(u), gen::Restore(h, "bk", pw, extra)}, {}};
  });
}

bool HasWord(const std::vector<std::string>& lines, const std::string& a, const std::string& b) {
  for (const std::string& l : lines) {
    std::istringstream in(l);
    std::set<std::string> words;
    for (std::string w; in >> w;) {
      while (!w.empty() && !std::isalnum(static_cast<unsigned char>(w.back()))) w.pop_back();
      words.insert(w);
    }
    if (words.count(a) && words.count(b)) return true;
  }
  return false;
}

Mismatches JudgeSameOuid(const StepView& v) {
  if (!Starts(v.line, "restore") || !v.outcome.ok()) return {};
  const bool replace = v.line.find("-replace") != std::string::npos;
  const Json stored = PartitionOf(v.before, 2, "bk").value("objects", Json::array());
  for (const Json& was : SlotOf(v.before, 0).value("objects", Json::array())) {
    const std::string ouid = was.value("ouid", std::string());
    const Json b = ObjectOf(stored, ouid);
    if (b.is_null()) continue;
    const Json now = ObjectOf(SlotOf(v.after, 0).value("objects", Json::array()), ouid);
    const std::string bh = std::to_string(b.value("handle", 0u));
    const std::string th = std::to_string(was.value("handle", 0u));
    if (!replace && (now != was || !HasWord(v.outcome.transcript, bh, th))) {
      return Fails("PROJ-RESTORE-SAME-OUID", "object " + ouid + " was overwritten, or its skip "
                                             "not reported with both handles (" + bh + ", " + th + ")");
    }
    if (replace && (now.value("handle", 0u) == was.value("handle", 0u) ||
                    now.value("fingerprint", std::string()) != b.value("fingerprint", std::string()))) {
      return Fails("PROJ-RESTORE-SAME-OUID", "-replace did not overwrite object " + ouid +
                                                 " with the backup's (new handle, its fingerprint)");
    }
  }
  return {};
}

rc::Gen<Scenario> OriginScenario() {
  return rc::gen::exec([] {
    gen::UserSpec u = *gen::User(*rc::gen::weightedElement<std::string>({{2, "v0"}, {1, "pre77"}}));
    gen::HsmSpec h = *gen::Hsm(*gen::AnyModel());
    const std::string origin = *rc::gen::weightedElement<std::string>(
        {{2, u.kind == "v0" ? "pre77" : "v0"}, {1, u.kind}});
    const std::string pw = *gen::Secret("bk-");
    h.partitions.push_back(gen::StoredPartition("bk", u, origin, pw, gen::Renumbered(*gen::Objects(0, 2), 6000)));
    gen::Backup b = gen::BackupOf(u, h, "bk", pw);
    b.append = true;
    return Scenario{gen::WorldOf(u, h).ToJson(), {gen::Login(u), b.Line()}, {}};
  });
}

Mismatches JudgeOrigin(const StepView& v) {
  if (!Starts(v.line, "backup")) return {};
  const std::string origin = PartitionOf(v.before, 2, "bk").value("origin", std::string());
  if (origin == v.prediction.after.users.at(0).kind) return {};
  Mismatches out = Unchanged(v, "PROJ-APPEND-ORIGIN");
  if (v.outcome.result != "CKR_OPERATION_NOT_ALLOWED") {
    out.push_back({{"PROJ-APPEND-ORIGIN"}, "appending a " + v.prediction.after.users.at(0).kind +
                                               " source to a " + origin + " backup answered " +
                                               v.outcome.result});
  }
  return out;
}

rc::Gen<Scenario> PedCredentialScenario() {
  return rc::gen::exec([] {
    gen::UserSpec u = *gen::User(*gen::AnyKind(false));
    u.auth = "ped";
    gen::HsmSpec h = *gen::Hsm("backup_hsm_7");
    h.auth = "ped";
    h.ped_domain = u.domain;
    h.partitions.push_back(gen::StoredPartition("bk", u, u.kind, "", {}));
    const std::string typed = *rc::gen::element<std::string>(
        "", "", " -password typed-pw-1", " -sopassword typed-so-1", " -domain typed-domain",
        " -defaultdomain");
    const std::vector<std::string> lines = {
        gen::BackupOf(u, h, "fresh", "").Line(), gen::List(h), gen::Contents(h, "bk", ""),
        gen::Restore(h, "bk", ""), gen::Delete(h, "bk", true)};
    return Scenario{gen::WorldOf(u, h).ToJson(),
                    {gen::Login(u), *rc::gen::elementOf(lines) + typed},
                    {}};
  });
}

Mismatches JudgePedCredentials(const StepView& v) {
  if (v.line.rfind("partition archive", 0) != 0) return {};
  const bool typed = v.line.find("typed") != std::string::npos ||
                     v.line.find("-defaultdomain") != std::string::npos;
  if (!typed) return {};
  Mismatches out = Unchanged(v, "PROJ-PED-CREDENTIALS");
  if (v.outcome.result != "CKR_ARGUMENTS_BAD") {
    out.push_back({{"PROJ-PED-CREDENTIALS"}, "a typed credential on a PED device answered " +
                                                 v.outcome.result});
  }
  return out;
}

rc::Gen<Scenario> PinScenario() {
  return rc::gen::exec([] {
    gen::UserSpec u = *gen::User(*gen::AnyKind(false));
    gen::HsmSpec h = *gen::Hsm(*gen::AnyModel());
    if (h.model == "backup_hsm_7") h.firmware = *rc::gen::element<std::string>("7.7.1", "7.7.2", "7.8.0");
    const int n = *rc::gen::weightedElement<int>({{1, 7}, {1, 8}, {2, 0}});
    const std::string pw = (*gen::Secret("p")).substr(0, n > 0 ? n : *rc::gen::inRange(1, 12));
    return Scenario{gen::WorldOf(u, h).ToJson(),
                    {gen::Login(u), gen::BackupOf(u, h, "bk", pw).Line()}, {}};
  });
}

Mismatches JudgePin(const StepView& v) {
  if (!Starts(v.line, "backup")) return {};
  const model::Hsm& h = v.prediction.after.hsms.at(2);
  std::istringstream in(v.line.substr(v.line.find("-password ") + 10));
  std::string pw;
  in >> pw;
  const bool refuse = h.model == "backup_hsm_7" && h.firmware >= model::Version{7, 7, 2} && pw.size() < 8;
  if (refuse != (v.outcome.result == "CKR_PIN_LEN_RANGE") || (!refuse && !v.outcome.ok())) {
    return Fails("PROJ-PIN-LENGTH", "a " + std::to_string(pw.size()) + "-character password on " +
                                        h.model + " answered " + v.outcome.result);
  }
  return refuse ? Unchanged(v, "PROJ-PIN-LENGTH") : Mismatches{};
}

rc::Gen<Scenario> BadInputScenario() {
  return rc::gen::exec([] {
    gen::UserSpec u = *gen::User(*gen::AnyKind(false));
    gen::HsmSpec h = *gen::Hsm(*gen::AnyModel());
    const std::string pw = *gen::Secret("pw-");
    gen::Backup b = gen::BackupOf(u, h, "bk", pw);
    const std::string good = b.Line();
    const std::string verb = *rc::gen::element<std::string>("backup", "restore", "contents", "delete");
    std::string line = verb == "backup"     ? good
                       : verb == "restore"  ? gen::Restore(h, "bk", pw)
                       : verb == "contents" ? gen::Contents(h, "bk", pw)
                                            : gen::Delete(h, "bk", true);
    switch (*rc::gen::inRange(0, 6)) {
      case 0: line += " -frobnicate"; break;
      case 1: line.replace(line.find("-partition bk"), 13, "-partition " + std::string(33, 'q')); break;
      case 2: line += " -objects 3,,4"; break;
      case 3: line += " -domain d1 -defaultdomain"; break;
      case 4: line += " -partition"; break;
      default: line += " -slot 2"; break;  // a repeated option
    }
    return Scenario{gen::WorldOf(u, h).ToJson(), {gen::Login(u), good, line}, {}};
  });
}

Mismatches JudgeBadInput(const StepView& v) {
  if (v.index != 2) return {};
  Mismatches out = Unchanged(v, "PROJ-WORLD-UNCHANGED-ON-BAD-INPUT");
  if (v.outcome.result != "CKR_ARGUMENTS_BAD") {
    out.push_back({{"PROJ-WORLD-UNCHANGED-ON-BAD-INPUT"}, "bad input answered " + v.outcome.result});
  }
  return out;
}

}  // namespace

std::vector<Check> RestoreFamilyChecks() {
  return {
      {"RestoreFamily", "BackupLeavesSourceUnchanged", {"SRC-UNCHANGED"}, {}, 30,
       [](CheckContext& c) { return ForAll(c, SourceScenario(false), JudgeSource); }},
      {"RestoreFamily", "BackupLeavesSourceUnchangedV1AndFaults", {"SRC-UNCHANGED"},
       {"smkonly", "fault.verify_fail", "fault.partition_full"}, 25,
       [](CheckContext& c) { return ForAll(c, SourceScenario(true), JudgeSource); }},
      {"RestoreFamily", "RestoreOfMissingBackup", {"RESTORE-TARGET-EXISTS"}, {}, 20,
       [](CheckContext& c) { return ForAll(c, MissingScenario(), JudgeMissing); }},
      {"RestoreFamily", "RestoreRules", {"RESTORE-RULES", "FW-NO-DOWNGRADE", "OPT-OBJECTS-INVALID"},
       {"fault.verify_fail"}, 30,
       [](CheckContext& c) { return ForAll(c, RulesScenario(), JudgeRules); }},
      {"RestoreFamily", "RoundTrip", {"RESTORE-ROUNDTRIP"}, {}, 25,
       [](CheckContext& c) { return ForAll(c, RoundTripScenario(false), JudgeRoundTrip); }},
      {"RestoreFamily", "RoundTripV1", {"RESTORE-ROUNDTRIP", "RESTORE-RULES"}, {"smkonly"}, 20,
       [](CheckContext& c) { return ForAll(c, RoundTripScenario(true), JudgeRoundTrip); }},
      {"RestoreFamily", "RestoreSmk", {"RESTORE-SMK", "OPT-FORCE"}, {"smkonly"}, 20,
       [](CheckContext& c) { return ForAll(c, SmkRestoreScenario(), JudgeSmkRestore); }},
      {"RestoreFamily", "ArchiveList", {"ARCHIVE-LIST"}, {}, 20,
       [](CheckContext& c) { return ForAll(c, AdminScenario("list", false)); }},
      {"RestoreFamily", "ArchiveContents", {"ARCHIVE-CONTENTS"}, {}, 20,
       [](CheckContext& c) { return ForAll(c, AdminScenario("contents", false)); }},
      {"RestoreFamily", "ArchiveContentsV1", {"ARCHIVE-CONTENTS", "CLONE-OPAQUE-V1"}, {"smkonly"}, 20,
       [](CheckContext& c) { return ForAll(c, AdminScenario("contents", true)); }},
      {"RestoreFamily", "ArchiveDelete", {"ARCHIVE-DELETE"}, {}, 25,
       [](CheckContext& c) { return ForAll(c, AdminScenario("delete", false), JudgeDelete); }},
      {"RestoreFamily", "RestoreSameOuid", {"PROJ-RESTORE-SAME-OUID"}, {}, 25,
       [](CheckContext& c) { return ForAll(c, SameOuidScenario(), JudgeSameOuid); }},
      {"RestoreFamily", "AppendOrigin", {"PROJ-APPEND-ORIGIN"}, {}, 20,
       [](CheckContext& c) { return ForAll(c, OriginScenario(), JudgeOrigin); }},
      {"RestoreFamily", "PedCredentials", {"PROJ-PED-CREDENTIALS"}, {"ped"}, 25,
       [](CheckContext& c) { return ForAll(c, PedCredentialScenario(), JudgePedCredentials); }},
      {"RestoreFamily", "PinLength", {"PROJ-PIN-LENGTH"}, {}, 25,
       [](CheckContext& c) { return ForAll(c, PinScenario(), JudgePin); }},
      {"RestoreFamily", "BadInputChangesNothing", {"PROJ-WORLD-UNCHANGED-ON-BAD-INPUT"}, {}, 30,
       [](CheckContext& c) { return ForAll(c, BadInputScenario(), JudgeBadInput); }},
  };
}

}  // namespace hsmbackup::conformance
