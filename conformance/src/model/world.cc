// The model's reading of a world document: only what the clauses need.
#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include "conformance/model.h"
#include "model/seal.h"

namespace hsmbackup::conformance::model {

std::optional<Version> Version::Parse(const std::string& text) {
  Version v;
  int n = std::sscanf(text.c_str(), "%d.%d.%d", &v.major, &v.minor, &v.patch);
  if (n < 2) return std::nullopt;
  if (n == 2) v.patch = 0;
  return v;
}

uint64_t Partition::Stored(const Object& o) const {
  return (o.sealed != 0 ? o.sealed : o.size) + per_object;
}

uint64_t Partition::used() const {
  int64_t u = static_cast<int64_t>(kOverhead) + extra;
  for (const Object& o : objects) u += static_cast<int64_t>(Stored(o));
  return u < 0 ? 0 : static_cast<uint64_t>(u);
}

void ClearProvenance(World& w) {
  for (auto& [id, u] : w.users) {
    u.why.clear();
    for (Object& o : u.objects) o.why.clear();
  }
  for (auto& [id, h] : w.hsms) {
    h.why.clear();
    h.space_why.clear();
    h.gone.clear();
    h.shrink_failed = false;
    h.figures_open = false;
    for (Partition& p : h.partitions) {
      p.why.clear();
      p.space_why.clear();
      p.name_why.clear();
      p.gone.clear();
      p.allocated_if_continued = 0;
      for (Object& o : p.objects) o.why.clear();
    }
  }
}

uint64_t Hsm::free() const {
  uint64_t taken = 0;
  for (const Partition& p : partitions) taken += p.allocated;
  return capacity - std::min(capacity, taken);
}

Partition* Hsm::Find(const std::string& name) {
  for (Partition& p : partitions) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

bool World::HasFault(FaultType type, uint32_t slot, uint32_t value) const {
  return std::any_of(faults.begin(), faults.end(), [&](const Fault& f) {
    if (f.type != type || (f.slot && *f.slot != slot)) return false;
    switch (type) {
      case FaultType::kVerifyFail: return f.handle == value;
      case FaultType::kPartitionFull: return f.at == value;
      case FaultType::kShrinkFail: return true;
    }
    return false;
  });
}

namespace {

// The values LUNA-FACTS.md and PKCS#11 give; CKR_CERTIFICATE_INVALID has no
// public value (ValueFits).
constexpr std::pair<std::string_view, uint32_t> kCodes[] = {
      {"CKR_OK", 0x0},
      {"CKR_SLOT_ID_INVALID", 0x3},
      {"CKR_GENERAL_ERROR", 0x5},
      {"CKR_ARGUMENTS_BAD", 0x7},
      {"CKR_DATA_INVALID", 0x20},
      {"CKR_DEVICE_ERROR", 0x30},
      {"CKR_DEVICE_MEMORY", 0x31},
      {"CKR_FUNCTION_CANCELED", 0x50},
      {"CKR_OBJECT_HANDLE_INVALID", 0x82},
      {"CKR_PIN_INCORRECT", 0xA0},
      {"CKR_PIN_LEN_RANGE", 0xA2},
      {"CKR_PIN_LOCKED", 0xA4},
      {"CKR_TEMPLATE_INCONSISTENT", 0xD1},
      {"CKR_TOKEN_NOT_PRESENT", 0xE0},
      {"CKR_USER_ALREADY_LOGGED_IN", 0x100},
      {"CKR_USER_NOT_LOGGED_IN", 0x101},
      {"CKR_USER_TYPE_INVALID", 0x103},
      {"CKR_USER_LOCKED_OUT", 0x80000007},
      {"CKR_HSM_STORAGE_FULL", 0x8000002A},
      {"CKR_CONTAINER_OBJECT_STORAGE_FULL", 0x8000002C},
      {"CKR_OPERATION_NOT_ALLOWED", 0x80000030},
      {"CKR_OBJECT_ALREADY_EXISTS", 0x8000006F},
      {"CKR_CONFIG_FAILS_DEPENDENCIES", 0x8000007D},
      {"CKR_SMK_ID_NOT_FOUND", 0x80000099},
      {"CKR_FAILED_TO_CLONE_AN_OBJECT", 0x80000106},
      {"CKR_CLONE_NOT_ATTEMPTED", 0x80000107}};
}  // namespace

std::optional<uint32_t> CkrValue(std::string_view name) {
  for (const auto& [n, v] : kCodes) {
    if (n == name) return v;
  }
  return std::nullopt;
}

bool ValueFits(std::string_view name, uint32_t value) {
  if (const std::optional<uint32_t> known = CkrValue(name)) return value == *known;
  // LUNA-FACTS.md: no public value, so a target picks one in the vendor
  // range; one that is another code's value would say that code instead.
  return value >= 0x80000000u &&
         std::none_of(std::begin(kCodes), std::end(kCodes),
                      [value](const auto& code) { return code.second == value; });
}

namespace {

// Seconds since the epoch of "YYYY-MM-DDTHH:MM:SSZ" (days from civil, UTC).
int64_t ParseTime(const std::string& t) {
  int y = 1970, mo = 1, d = 1, h = 0, mi = 0, s = 0;
  std::sscanf(t.c_str(), "%d-%d-%dT%d:%d:%d", &y, &mo, &d, &h, &mi, &s);
  y -= mo <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const int64_t days = era * 146097 + doe - 719468;
  return days * 86400 + h * 3600 + mi * 60 + s;
}

uint64_t SizeOf(const Json& o) {
  if (o.contains("size")) return o["size"].get<uint64_t>();
  return o.value("value", std::string()).size() / 2;
}

// Typed reads a world-format spelling into its type, or throws (FromWorld
// turns that into its error).
template <typename E>
E Typed(const Json& j, const char* key, const char* fallback = nullptr) {
  const std::string s = fallback != nullptr ? j.value(key, std::string(fallback))
                                            : j.at(key).get<std::string>();
  const std::optional<E> e = FromName<E>(s);
  if (!e) throw std::invalid_argument(std::string("unknown ") + key + " '" + s + "'");
  return *e;
}

Object ReadObject(const Json& o) {
  Object m;
  m.handle = o.value("handle", 0u);
  m.ouid = o.value("ouid", std::string());
  std::transform(m.ouid.begin(), m.ouid.end(), m.ouid.begin(), ::tolower);
  m.label = o.value("label", std::string());
  if (o.contains("class")) m.cls = Typed<ObjectClass>(o, "class");
  m.size = SizeOf(o);
  return m;
}

// SealedLength: what a V1 object's blob takes under the project's blob
// format; the length depends on neither key nor nonce.
uint64_t SealedLength(const Json& o) {
  seal::Plain p;
  p.ouid_hex = o.value("ouid", std::string());
  p.label = o.value("label", std::string());
  p.cls = o.value("class", std::string());
  const Json attributes = o.value("attributes", Json::object());  // kept alive for items()
  for (const auto& [k, v] : attributes.items()) p.attributes[k] = v.get<std::string>();
  p.value = o.contains("size") ? seal::DerivedValue(p.ouid_hex, o["size"].get<uint32_t>())
                               : seal::FromHex(o.value("value", std::string()));
  return seal::SealObject(seal::Bytes(32, 0), p, seal::Nonce("")).size();
}

User ReadUser(const Json& u) {
  User m;
  m.label = u.at("label").get<std::string>();
  m.kind = Typed<Kind>(u, "kind");
  m.auth = Typed<Auth>(u, "auth", "password");
  m.firmware = Version::Parse(u.at("firmware").get<std::string>()).value_or(Version{});
  m.domain = u.at("domain").get<std::string>();
  const Json creds = u.value("credentials", Json::object());
  m.co_password = creds.value("co", std::string());
  const Json pol = u.value("policies", Json::object());
  m.allow_private = pol.value("allow_private_key_cloning", true);
  m.allow_secret = pol.value("allow_secret_key_cloning", true);
  m.hsm_allow = pol.value("hsm_allow_cloning", true);
  m.allow_cpv1 = pol.value("allow_cpv1", false);
  m.capacity = u.at("capacity").get<uint64_t>();
  m.co_threshold = u.value("co_lockout_threshold", 10u);
  m.co_failures = u.value("lockout", Json::object()).value("co", 0u);
  m.zeroized = u.value("zeroized", false);
  for (const Json& o : u.value("objects", Json::array())) {
    m.objects.push_back(ReadObject(o));
    if (m.kind == Kind::kV1) m.objects.back().sealed = SealedLength(o);
  }
  return m;
}

Hsm ReadHsm(const Json& b) {
  Hsm m;
  m.model = Typed<HsmModel>(b, "model");
  m.firmware = Version::Parse(b.at("firmware").get<std::string>()).value_or(Version{});
  m.connection = Typed<Connection>(b, "connection", "client");
  m.auth = Typed<Auth>(b, "auth", "password");
  m.so_password = b.value("so_password", std::string());
  m.ped_domain = b.value("ped_domain", std::string());
  m.capacity = b.at("capacity").get<uint64_t>();
  m.so_failures = b.value("so_lockout", 0u);
  m.zeroized = b.value("zeroized", false);
  m.restricted_restore =
      b.value("policies", Json::object()).value("enable_restricted_restore", false);
  for (const Json& p : b.value("partitions", Json::array())) {
    Partition q;
    q.name = p.at("name").get<std::string>();
    q.domain = p.at("domain").get<std::string>();
    q.password = p.value("password", std::string());
    q.origin = Typed<Kind>(p, "origin");
    q.source_label = p.value("source_label", std::string());
    q.allocated = p.at("allocated").get<uint64_t>();
    q.per_object = ObjectOverhead(m.model);
    q.failures = p.value("user_lockout", 0u);
    q.has_smk = !p.value("smk_blob", std::string()).empty();
    // A stored V1 backup is opened with its domain, so a restore of it is
    // predicted object by object (class and fingerprint), as the source's is.
    const std::optional<seal::Bytes> smk =
        q.has_smk ? seal::OpenSmk(q.domain, seal::FromHex(p["smk_blob"].get<std::string>()))
                  : std::nullopt;
    if (smk) q.smk_id = seal::SmkId(*smk);
    for (const Json& o : p.value("objects", Json::array())) {
      Object x = ReadObject(o);
      if (o.contains("object")) {
        x.cls = Typed<ObjectClass>(o["object"], "class");
      } else {
        x.opaque = true;
        x.sealed = o.value("sealed", std::string()).size() / 2;
        std::optional<seal::Opened> opened =
            smk ? seal::OpenObject(*smk, seal::FromHex(o.value("sealed", std::string())))
                : std::nullopt;
        if (opened) {
          x.cls = FromName<ObjectClass>(opened->cls);
          x.fingerprint = opened->fingerprint;
        }
      }
      q.objects.push_back(x);
    }
    m.partitions.push_back(q);
  }
  return m;
}

}  // namespace

std::optional<World> FromWorld(const Json& doc, std::string* error) {
  try {
    World w;
    const Json& client = doc.at("client");
    w.client = Version::Parse(client.at("version").get<std::string>()).value_or(Version{});
    w.default_domain = client.value("default_domain", std::string("defaultdomain"));
    w.now = ParseTime(doc.at("clock").at("now").get<std::string>());
    w.step = doc.at("clock").value("step_seconds", int64_t{0});
    bool first = true;
    for (const Json& s : doc.at("slots")) {
      const uint32_t id = s.at("id").get<uint32_t>();
      if (s.contains("user_partition")) w.users[id] = ReadUser(s["user_partition"]);
      if (s.contains("backup_hsm")) w.hsms[id] = ReadHsm(s["backup_hsm"]);
      if (first || id < w.current) w.current = id;
      first = false;
    }
    for (const Json& f : doc.value("faults", Json::array())) {
      Fault m;
      m.type = Typed<FaultType>(f, "type");
      if (f.contains("slot")) m.slot = f["slot"].get<uint32_t>();
      m.handle = f.value("handle", 0u);
      m.at = f.value("at", 0u);
      w.faults.push_back(m);
    }
    return w;
  } catch (const Json::exception& e) {
    *error = std::string("the model cannot read this world: ") + e.what();
    return std::nullopt;
  } catch (const std::invalid_argument& e) {
    *error = std::string("the model cannot read this world: ") + e.what();
    return std::nullopt;
  }
}

std::vector<std::string> Secrets(const Json& doc) {
  std::vector<std::string> out;
  auto add = [&](const Json& j, const char* key) {
    if (j.contains(key) && j[key].is_string() && !j[key].get<std::string>().empty()) {
      out.push_back(j[key].get<std::string>());
    }
  };
  if (doc.contains("client")) add(doc["client"], "default_domain");
  for (const Json& s : doc.value("slots", Json::array())) {
    if (s.contains("user_partition")) {
      const Json& u = s["user_partition"];
      add(u, "domain");
      add(u, "smk");
      for (const char* k : {"po", "co", "cu"}) add(u.value("credentials", Json::object()), k);
    }
    if (s.contains("backup_hsm")) {
      const Json& b = s["backup_hsm"];
      add(b, "so_password");
      add(b, "ped_domain");
      for (const Json& p : b.value("partitions", Json::array())) {
        add(p, "domain");
        add(p, "password");
      }
    }
  }
  return out;
}

void Adopt(World& w, const Json& observed) {
  auto u32 = [](const Json& j, const char* key, uint32_t& out) {
    if (j.contains(key) && j[key].is_number_unsigned()) out = j[key].get<uint32_t>();
  };
  for (const Json& s : observed.value("slots", Json::array())) {
    const uint32_t id = s.value("id", 0u);
    auto adopt = [](std::vector<Object>& objects, const Json& seen) {
      for (const Json& o : seen) {
        for (Object& m : objects) {
          if (m.ouid != o.value("ouid", std::string())) continue;
          m.handle = o.value("handle", m.handle);
          if (m.fingerprint.empty() && o.contains("fingerprint") && o["fingerprint"].is_string()) {
            m.fingerprint = o["fingerprint"].get<std::string>();
          }
          // A sealed blob's size is the target's size model.
          if (m.opaque && o.value("opaque", false)) m.size = o.value("size", m.size);
        }
      }
    };
    if (auto u = w.users.find(id); u != w.users.end()) {
      adopt(u->second.objects, s.value("objects", Json::array()));
      if (s.contains("smk_id") && s["smk_id"].is_string()) {
        u->second.smk_id = s["smk_id"].get<std::string>();
      }
      u32(s, "co_failures", u->second.co_failures);
    }
    if (auto h = w.hsms.find(id); h != w.hsms.end()) {
      u32(s, "so_failures", h->second.so_failures);
      for (const Json& p : s.value("partitions", Json::array())) {
        Partition* q = h->second.Find(p.value("name", std::string()));
        if (q == nullptr) continue;
        adopt(q->objects, p.value("objects", Json::array()));
        if (q->smk_id.empty() && p.contains("smk_id") && p["smk_id"].is_string()) {
          q->smk_id = p["smk_id"].get<std::string>();
        }
        u32(p, "failures", q->failures);
        // The target's size model: its figures become the model's.
        if (p.contains("used") && p["used"].is_number_unsigned()) {
          q->extra += static_cast<int64_t>(p["used"].get<uint64_t>()) -
                      static_cast<int64_t>(q->used());
        }
        q->allocated = p.value("allocated", q->allocated);
      }
    }
  }
}

}  // namespace hsmbackup::conformance::model
