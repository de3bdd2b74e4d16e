// Options: -append, -replace and -objects (-partition, -smkonly and -force
// are in options_partition.cc; the shortcuts, -slot and -debug in
// options_syntax.cc). The model predicts every line; the extra
// judges here assert what it does not (a line that must appear, handles that
// must not change, byte-identical state, -debug adding only lines).
#include <rapidcheck/Check.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "checks/families.h"
#include "checks/gen.h"
#include "checks/harness.h"

namespace hsmbackup::conformance {
namespace {

using Mismatches = std::vector<model::Mismatch>;


// --- -append, -replace, existing names -----------------------------------

// ConfirmAnswer: the answer to a destructive backup's proceed/quit question
// (OPT-REPLACE-CONFIRM), mostly proceed.
rc::Gen<std::string> ConfirmAnswer() {
  return rc::gen::weightedElement<std::string>({{4, "proceed"}, {1, "quit"}});
}

// AppendScenario: a stored partition "bk" holds absent, identical or changed
// (label and size, or only an attribute) copies of the source's objects;
// then `-append` (with `-replace` if asked) backs the source up into it.
rc::Gen<Scenario> AppendScenario(bool replace) {
  return rc::gen::exec([replace] {
    gen::UserSpec u = *gen::User(*gen::AnyKind(false));
    gen::HsmSpec h = *gen::Hsm(*gen::AnyModel());
    if (u.kind == "pre77" && h.model == "backup_hsm_7" && *rc::gen::arbitrary<bool>()) {
      h.firmware = *rc::gen::element<std::string>("7.3.0", "7.7.0");  // no fingerprint line
    }
    const std::string pw = *gen::Secret("bk-");
    std::vector<gen::ObjSpec> stored;
    for (size_t i = 0; i < u.objects.size(); ++i) {
      const int what = *rc::gen::inRange(0, 4);  // absent, identical, relabelled, new attribute
      if (what == 0) continue;
      gen::ObjSpec o = u.objects[i];
      o.handle = 1000 + static_cast<uint32_t>(i);
      if (what == 2) {
        o.label = gen::Suffixed(o.label, "-old");
        o.size = o.size % 2048 + 1;
      }
      if (what == 3) o.attributes["CKA_ID"] = "ff00";
      stored.push_back(o);
    }
    if (stored.empty()) {  // at least one same-OUID object
      stored.push_back(u.objects.front());
      stored.back().handle = 1000;
      stored.back().label = gen::Suffixed(stored.back().label, "-old");
    }
    h.partitions.push_back(gen::StoredPartition("bk", u, u.kind, pw, stored));
    gen::Backup b = gen::BackupOf(u, h, "bk", pw);
    if (*rc::gen::arbitrary<bool>()) b.domain.reset();  // an existing partition keeps its domain
    b.append = true;
    b.replace = replace;
    b.debug = *rc::gen::weightedElement<bool>({{1, true}, {3, false}});
    if (replace) b.force = *rc::gen::weightedElement<bool>({{1, true}, {3, false}});
    return Scenario{gen::WorldOf(u, h).ToJson(), {gen::Login(u), b.Line()},
                    {*ConfirmAnswer()}};
  });
}

rc::Gen<Scenario> ReplaceScenario() {
  return rc::gen::exec([] {
    gen::UserSpec u = *gen::User(*gen::AnyKind(false));
    gen::HsmSpec h = *gen::Hsm(*gen::AnyModel());
    const std::string old_pw = *gen::Secret("old-"), new_pw = *gen::Secret("new-");
    const bool exists = *rc::gen::weightedElement<bool>({{4, true}, {1, false}});
    if (exists) {
      std::vector<gen::ObjSpec> stored = *gen::Objects(0, 3);
      for (size_t i = 0; i < stored.size(); ++i) stored[i].handle = 2000 + static_cast<uint32_t>(i);
      gen::ObjSpec same = u.objects.front();
      same.handle = 1999;
      same.label = gen::Suffixed(same.label, "-old");
      stored.push_back(same);
      h.partitions.push_back(
          gen::StoredPartition("bk", u, *rc::gen::element<std::string>("pre77", "v0"), old_pw, stored));
    }
    gen::Backup b = gen::BackupOf(u, h, "bk", new_pw);
    b.replace = true;
    b.force = *rc::gen::weightedElement<bool>({{1, true}, {3, false}});
    Scenario s{gen::WorldOf(u, h).ToJson(), {gen::Login(u), b.Line()}, {*ConfirmAnswer()}};
    if (exists) s.lines.push_back(gen::Contents(h, "bk", old_pw));
    s.lines.push_back(gen::Contents(h, "bk", new_pw));
    return s;
  });
}

rc::Gen<Scenario> ExistsScenario() {
  return rc::gen::exec([] {
    gen::UserSpec u = *gen::User(*gen::AnyKind(false));
    gen::HsmSpec h = *gen::Hsm(*gen::AnyModel());
    const std::string pw = *gen::Secret("bk-");
    h.partitions.push_back(gen::StoredPartition("bk", u, u.kind, pw, {}));
    gen::Backup b = gen::BackupOf(u, h, "bk", pw);
    // Refused before the SO login: a wrong SO password must not be reported.
    if (*rc::gen::arbitrary<bool>()) b.sopassword = "wrong" + h.so_password;
    b.debug = *rc::gen::arbitrary<bool>();
    return Scenario{gen::WorldOf(u, h).ToJson(), {gen::Login(u), b.Line()}, {}};
  });
}

// --- -objects -------------------------------------------------------------

std::string Join(const std::vector<uint32_t>& hs) {
  std::string s;
  for (uint32_t h : hs) s += (s.empty() ? "" : ",") + std::to_string(h);
  return s;
}

rc::Gen<Scenario> ObjectsScenario() {
  return rc::gen::exec([] {
    gen::UserSpec u = *gen::User(*gen::AnyKind(false));
    gen::HsmSpec h = *gen::Hsm(*gen::AnyModel());
    gen::Backup b = gen::BackupOf(u, h, *gen::PartitionName(), *gen::Secret("pw-"));
    b.partition = "p" + b.partition->substr(1);  // never an option-like '-'
    std::vector<uint32_t> handles;
    for (const gen::ObjSpec& o : u.objects) handles.push_back(o.handle);
    switch (*rc::gen::inRange(0, 4)) {
      case 0: b.objects = std::to_string(*rc::gen::elementOf(handles)); break;
      case 1: b.objects = *rc::gen::element<std::string>("0", "all", "ALL", "All"); break;
      case 2: {  // a subset, in a random order
        std::vector<std::pair<int, uint32_t>> keyed;
        for (uint32_t hd : handles) {
          if (*rc::gen::arbitrary<bool>()) keyed.push_back({*rc::gen::inRange(0, 1000), hd});
        }
        if (keyed.empty()) keyed.push_back({0, handles.back()});
        std::sort(keyed.begin(), keyed.end());
        std::vector<uint32_t> list;
        for (const auto& k : keyed) list.push_back(k.second);
        b.objects = Join(list);
        break;
      }
      default: break;  // no -objects: everything
    }
    return Scenario{gen::WorldOf(u, h).ToJson(), {gen::Login(u), b.Line()}, {}};
  });
}

rc::Gen<Scenario> ClientScenario() {
  return rc::gen::exec([] {
    gen::UserSpec u = *gen::User(*gen::AnyKind(false));
    gen::HsmSpec h = *gen::Hsm(*gen::AnyModel());
    gen::WorldSpec w = gen::WorldOf(u, h);
    w.client = *rc::gen::element<std::string>("10.0.0", "10.1.3", "10.2.0", "10.2.9", "10.3.0",
                                              "10.4.0", "10.5.1", "11.0.0");
    gen::Backup b = gen::BackupOf(u, h, "bk", *gen::Secret("pw-"));
    // A handle list: the forms' own check judges 'all' and '0', so a target
    // that refuses one of them (OPT-OBJECTS-FORMS) still has this judged.
    b.objects = std::to_string(u.objects.front().handle);
    return Scenario{w.ToJson(), {gen::Login(u), b.Line()}, {}};
  });
}

rc::Gen<Scenario> BadObjectsScenario() {
  return rc::gen::exec([] {
    gen::UserSpec u = *gen::User(*gen::AnyKind(false));
    gen::HsmSpec h = *gen::Hsm(*gen::AnyModel());
    const std::string a = std::to_string(u.objects.front().handle);
    const std::string b = std::to_string(u.objects.back().handle + 1);
    uint32_t unknown = 5000;
    for (const gen::ObjSpec& o : u.objects) unknown = std::max(unknown, o.handle + 1000);
    gen::Backup bk = gen::BackupOf(u, h, "bk", *gen::Secret("pw-"));
    bk.objects = *rc::gen::element<std::string>(a + ",," + b, a + ",", "," + a, "x", "0," + a,
                                                a + ",0", a + "," + a, "4294967296", a + ";" + b,
                                                "1.5", std::to_string(unknown));
    bk.debug = *rc::gen::arbitrary<bool>();
    return Scenario{gen::WorldOf(u, h).ToJson(), {gen::Login(u), bk.Line()}, {}};
  });
}

CheckResult AppendFingerprintSeed(CheckContext& ctx, const std::filesystem::path& data_dir) {
  const std::filesystem::path path = data_dir / "fixtures" / "worlds" / "pre77-to-bh7.json";
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  const Json world = Json::parse(text.str(), nullptr, false);
  if (!in || world.is_discarded()) return CheckResult::Error("cannot read " + path.string());
  const Scenario s{world,
                   {"role login -name co -password fake-legacy-co-pin",
                    "partition archive backup -slot 1 -partition legacy73_20190301 -password "
                    "fake-backup-po-pwd -sopassword fake-bh7-so-pwd -append"},
                   {}};
  return Example(ctx, s);  // the model predicts the seed's line from the observed fingerprints
}

}  // namespace

std::vector<Check> OptionChecks(const std::filesystem::path& data_dir) {
  return {
      {"Options", "AppendNeverOverwrites", {"OPT-APPEND", "OPT-APPEND-FINGERPRINT"}, {}, 30,
       [](CheckContext& c) { return ForAll(c, AppendScenario(false)); }},
      {"Options", "AppendFingerprintSeedExample", {"OPT-APPEND-FINGERPRINT", "OPT-APPEND"}, {}, 1,
       [data_dir](CheckContext& c) { return AppendFingerprintSeed(c, data_dir); }},
      {"Options", "AppendReplaceOverwrites", {"OPT-APPEND-REPLACE", "OPT-REPLACE-CONFIRM"}, {}, 25,
       [](CheckContext& c) { return ForAll(c, AppendScenario(true)); }},
      {"Options", "ReplaceRecreatesWithNewPassword", {"OPT-REPLACE", "OPT-REPLACE-CONFIRM"}, {},
       25, [](CheckContext& c) { return ForAll(c, ReplaceScenario()); }},
      {"Options", "ExistingNameRefused", {"OPT-EXISTS"}, {}, 20,
       [](CheckContext& c) { return ForAll(c, ExistsScenario()); }},
      {"Options", "ObjectsForms", {"OPT-OBJECTS-FORMS"}, {}, 30,
       [](CheckContext& c) { return ForAll(c, ObjectsScenario()); }},
      {"Options", "ObjectsNeedClient103", {"OPT-OBJECTS-CLIENT"}, {}, 25,
       [](CheckContext& c) { return ForAll(c, ClientScenario()); }},
      {"Options", "ObjectsInvalidRefused", {"OPT-OBJECTS-INVALID", "PROJ-WORLD-UNCHANGED-ON-BAD-INPUT"},
       {}, 30, [](CheckContext& c) { return ForAll(c, BadObjectsScenario()); }},
  };
}

}  // namespace hsmbackup::conformance
