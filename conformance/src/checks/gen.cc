#include "checks/gen.h"

#include "conformance/facts.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

namespace hsmbackup::conformance::gen {
namespace {

using seal::Hex;

const char* const kClasses[] = {"data", "certificate", "public_key", "private_key", "secret_key"};
constexpr size_t kMaxLabel = 128;  // WORLD-FORMAT.md: an object label is text(0..128)

// Padded: `label` lengthened to `length` with printable characters.
std::string Padded(std::string label, size_t length) {
  static constexpr char kPad[] = "abcdefghij0123456789-_.";
  for (size_t k = 0; label.size() < length; ++k) label += kPad[k % (sizeof(kPad) - 1)];
  return label;
}

}  // namespace

uint64_t UserSpec::Payload() const {
  uint64_t n = 0;
  for (const ObjSpec& o : objects) n += o.size;
  return n;
}

Json WorldSpec::ToJson() const {
  Json slots = Json::array();
  for (const UserSpec& u : users) {
    Json objects = Json::array();
    for (const ObjSpec& o : u.objects) {
      objects.push_back({{"handle", o.handle}, {"ouid", o.ouid}, {"class", o.cls},
                         {"label", o.label}, {"attributes", o.attributes}, {"size", o.size}});
    }
    Json p = {{"label", u.label},     {"serial", "1000" + std::to_string(u.slot)},
              {"firmware", u.firmware}, {"kind", u.kind},
              {"auth", u.auth},       {"domain", u.domain},
              {"capacity", u.capacity},
              {"policies", {{"allow_private_key_cloning", u.allow_private},
                            {"allow_secret_key_cloning", u.allow_secret},
                            {"hsm_allow_cloning", u.hsm_allow},
                            {"allow_cpv1", u.allow_cpv1}}},
              {"objects", objects}};
    if (u.auth == "password") p["credentials"] = {{"co", u.co_password}};
    if (u.kind == "v1") p["smk"] = u.smk;
    slots.push_back({{"id", u.slot}, {"user_partition", p}});
  }
  for (const HsmSpec& h : hsms) {
    Json b = {{"model", h.model},           {"label", "backup" + std::to_string(h.slot)},
              {"serial", "2000" + std::to_string(h.slot)}, {"firmware", h.firmware},
              {"connection", h.connection},
              {"auth", h.auth},             {"capacity", h.capacity},
              {"partitions", h.partitions}};
    if (h.restricted_restore) b["policies"] = {{"enable_restricted_restore", true}};
    if (h.auth == "password") b["so_password"] = h.so_password;
    else b["ped_domain"] = h.ped_domain;
    slots.push_back({{"id", h.slot}, {"backup_hsm", b}});
  }
  return {{"format", "hsmbackup-world/1"},
          {"client", {{"version", client}, {"default_domain", default_domain}}},
          {"clock", step_seconds == 0 ? Json{{"now", now}}
                                      : Json{{"now", now}, {"step_seconds", step_seconds}}},
          {"rng", {{"seed", 7}, {"counter", 0}}},
          {"slots", slots},
          {"faults", faults}};
}

rc::Gen<std::string> Secret(const std::string& prefix) {
  return rc::gen::map(
      rc::gen::container<std::vector<char>>(10, rc::gen::elementOf(std::string(
                                                    "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"))),
      [prefix](const std::vector<char>& cs) { return prefix + std::string(cs.begin(), cs.end()); });
}

rc::Gen<std::vector<ObjSpec>> Objects(int min, int max, uint32_t max_size) {
  return rc::gen::mapcat(rc::gen::inRange(min, max + 1), [max_size](int n) {
    return rc::gen::map(
        rc::gen::tuple(
            rc::gen::container<std::vector<std::vector<uint8_t>>>(
                n, rc::gen::container<std::vector<uint8_t>>(11, rc::gen::arbitrary<uint8_t>())),
            rc::gen::container<std::vector<int>>(n, rc::gen::inRange(0, 5)),
            rc::gen::container<std::vector<uint32_t>>(n, rc::gen::inRange<uint32_t>(1, max_size + 1)),
            rc::gen::inRange<uint32_t>(1, 60),
            rc::gen::container<std::vector<size_t>>(
                n, rc::gen::weightedOneOf<size_t>({{6, rc::gen::just(size_t{0})},
                                                   {1, rc::gen::just(size_t{kMaxLabel})},
                                                   {1, rc::gen::inRange<size_t>(0, kMaxLabel)}}))),
        [n](const std::tuple<std::vector<std::vector<uint8_t>>, std::vector<int>,
                             std::vector<uint32_t>, uint32_t, std::vector<size_t>>& t) {
          std::vector<ObjSpec> out;
          for (int i = 0; i < n; ++i) {
            ObjSpec o;
            o.handle = std::get<3>(t) + 7 * static_cast<uint32_t>(i);
            std::vector<uint8_t> id = std::get<0>(t)[i];
            id.push_back(static_cast<uint8_t>(i));  // distinct OUIDs
            o.ouid = Hex(id);
            o.cls = kClasses[std::get<1>(t)[i]];
            o.label = Padded("obj-" + std::to_string(i) + "-" + o.cls, std::get<4>(t)[i]);
            o.size = std::get<2>(t)[i];
            o.attributes = {{"CKA_ID", Hex({static_cast<uint8_t>(i), id[0]})}};
            out.push_back(o);
          }
          return out;
        });
  });
}

std::string Suffixed(const std::string& label, const std::string& suffix) {
  return label.substr(0, kMaxLabel - std::min(kMaxLabel, suffix.size())) + suffix;
}

rc::Gen<int64_t> ClockStep() {
  return rc::gen::weightedOneOf<int64_t>({{3, rc::gen::just<int64_t>(0)},
                                          {1, rc::gen::element<int64_t>(1, 60, 3600, 86400)}});
}

rc::Gen<std::string> ObjectsOption(const std::vector<ObjSpec>& objects) {
  return rc::gen::exec([objects]() -> std::string {
    if (objects.empty() || *rc::gen::weightedElement<bool>({{2, true}, {1, false}})) return "";
    std::vector<uint32_t> handles;
    for (const ObjSpec& o : objects) {
      if (*rc::gen::arbitrary<bool>()) handles.push_back(o.handle);
    }
    if (handles.empty()) handles.push_back(objects.front().handle);
    handles = *rc::gen::elementOf(std::vector<std::vector<uint32_t>>{handles,
                                                                     {handles.rbegin(), handles.rend()}});
    if (*rc::gen::weightedElement<bool>({{1, true}, {5, false}})) handles.push_back(999999);
    std::string s = " -objects ";
    for (size_t i = 0; i < handles.size(); ++i) s += (i ? "," : "") + std::to_string(handles[i]);
    return s;
  });
}

rc::Gen<std::string> AnyKind(bool v1) {
  return v1 ? rc::gen::element<std::string>("pre77", "v0", "v1")
            : rc::gen::element<std::string>("pre77", "v0");
}

rc::Gen<UserSpec> User(const std::string& kind) {
  return rc::gen::map(
      rc::gen::tuple(Objects(1, 6), Secret("co-"), Secret("dom-"),
                     rc::gen::container<std::vector<uint8_t>>(32, rc::gen::arbitrary<uint8_t>()),
                     rc::gen::inRange(0, 3)),
      [kind](const std::tuple<std::vector<ObjSpec>, std::string, std::string,
                              std::vector<uint8_t>, int>& t) {
        UserSpec u;
        u.kind = kind;
        u.objects = std::get<0>(t);
        u.co_password = std::get<1>(t);
        u.domain = std::get<2>(t);
        u.firmware = kind == "pre77" ? "7." + std::to_string(std::get<4>(t) + 3) + ".1"
                                     : "7." + std::to_string(std::get<4>(t) % 2 + 7) + ".0";
        u.label = "part " + kind;  // a space: default names must turn it into '_'
        if (kind == "v1") u.smk = Hex(std::get<3>(t));
        return u;
      });
}

rc::Gen<std::string> AnyModel() { return rc::gen::element<std::string>("backup_hsm_7", "backup_hsm_g5"); }

rc::Gen<HsmSpec> Hsm(const std::string& model) {
  return rc::gen::map(rc::gen::tuple(Secret("so-"), rc::gen::inRange(0, 3)),
                      [model](const std::tuple<std::string, int>& t) {
                        HsmSpec h;
                        h.model = model;
                        h.so_password = std::get<0>(t);
                        h.firmware = model == "backup_hsm_7"
                                         ? "7.7." + std::to_string(std::get<1>(t) + 1)
                                         : "6." + std::to_string(28 + std::get<1>(t)) + ".0";
                        return h;
                      });
}

rc::Gen<std::string> PartitionName() {
  return rc::gen::mapcat(rc::gen::inRange(1, 33), [](int n) {
    return rc::gen::container<std::string>(
        n, rc::gen::elementOf(std::string("abcdefghijklmnopqrstuvwxyz0123456789_-.")));
  });
}

std::vector<std::string> Words(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> w;
  for (std::string s; in >> s;) w.push_back(s);
  return w;
}

std::string Login(const UserSpec& u) {
  return u.auth == "ped" ? "role login -name co" : "role login -name co -password " + u.co_password;
}

std::string Backup::Line() const {
  std::string s = "partition archive backup -slot " + std::to_string(slot);
  if (partition) s += " -partition " + *partition;
  if (domain) s += " -domain " + *domain;
  if (defaultdomain) s += " -defaultdomain";
  if (password) s += " -password " + *password;
  if (sopassword) s += " -sopassword " + *sopassword;
  if (objects) s += " -objects " + *objects;
  if (append) s += " -append";
  if (replace) s += " -replace";
  if (smkonly) s += " -smkonly";
  if (force) s += " -force";
  if (debug) s += " -debug";
  return s;
}

Backup BackupOf(const UserSpec& u, const HsmSpec& h, const std::string& name,
                const std::string& password) {
  Backup b;
  b.slot = h.slot;
  b.partition = name;
  if (h.auth == "password") {
    b.domain = u.domain;
    b.password = password;
    b.sopassword = h.so_password;
  }
  return b;
}

Backup SmkOnlyBackupOf(const UserSpec& u, const HsmSpec& h, const std::string& password) {
  Backup b = BackupOf(u, h, "", password);
  b.partition.reset();
  b.smkonly = true;
  return b;
}

std::string Restore(const HsmSpec& h, const std::string& name, const std::string& password,
                    const std::string& extra) {
  std::string s = "partition archive restore -slot " + std::to_string(h.slot) + " -partition " + name;
  if (h.auth == "password") s += " -password " + password;
  return s + extra;
}

std::string Delete(const HsmSpec& h, const std::string& name, bool force) {
  std::string s = "partition archive delete -slot " + std::to_string(h.slot) + " -partition " + name;
  if (h.auth == "password") s += " -sopassword " + h.so_password;
  return s + (force ? " -force" : "");
}

std::string List(const HsmSpec& h) {
  std::string s = "partition archive list -slot " + std::to_string(h.slot);
  if (h.auth == "password") s += " -sopassword " + h.so_password;
  return s;
}

std::string Contents(const HsmSpec& h, const std::string& name, const std::string& password) {
  std::string s = "partition archive contents -slot " + std::to_string(h.slot) + " -partition " + name;
  if (h.auth == "password") s += " -password " + password;
  return s;
}

Json StoredPartition(const std::string& name, const UserSpec& src, const std::string& origin,
                     const std::string& password, const std::vector<ObjSpec>& objects) {
  Json objs = Json::array();
  // The project's size model (PROJ-SIZE-MODEL): the per-partition overhead,
  // then each object's stored size; the larger model overhead suits both.
  uint64_t used = model::kOverhead;
  const bool v1 = origin == "v1";
  const seal::Bytes smk = seal::FromHex(src.smk);
  for (const ObjSpec& o : objects) {
    Json x = {{"handle", o.handle}, {"ouid", o.ouid}, {"label", o.label}, {"size", o.size}};
    if (v1) {
      const seal::Bytes sealed = seal::SealObject(smk, Plain(o), seal::Nonce(name + "/" + o.ouid));
      x["sealed"] = seal::Hex(sealed);
      used += sealed.size() - o.size;
    } else {
      x["object"] = {{"class", o.cls}, {"attributes", o.attributes}, {"size", o.size}};
    }
    objs.push_back(std::move(x));
    used += o.size + model::kBackupHsm7ObjectOverhead;
  }
  Json p = {{"name", name},           {"domain", src.domain},   {"origin", origin},
            {"source_label", src.label}, {"created", "2026-01-02T03:04:05Z"},
            {"allocated", used},      {"objects", objs}};
  if (v1) p["smk_blob"] = seal::Hex(seal::SealSmk(src.domain, smk, seal::Nonce(name)));
  if (!password.empty()) p["password"] = password;
  return p;
}

std::vector<ObjSpec> Renumbered(std::vector<ObjSpec> objects, uint32_t first) {
  for (ObjSpec& o : objects) o.handle = first++;
  return objects;
}

seal::Plain Plain(const ObjSpec& o) {
  return seal::Plain{o.ouid, o.label, o.cls, o.attributes, seal::DerivedValue(o.ouid, o.size)};
}

Scenario ScenarioOf(const WorldSpec& w, std::vector<std::string> lines,
                    std::vector<std::string> answers) {
  return Scenario{w.ToJson(), std::move(lines), std::move(answers)};
}

WorldSpec WorldOf(const UserSpec& u, const HsmSpec& h) {
  WorldSpec w;
  w.users.push_back(u);
  w.users.back().slot = 0;
  w.hsms.push_back(h);
  w.hsms.back().slot = 2;
  return w;
}

}  // namespace hsmbackup::conformance::gen
