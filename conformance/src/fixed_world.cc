// The world a fixed-world target holds, rebuilt from what it shows and what
// its vendor says; and the redaction that keeps the vendor's secrets out of
// every report.
#include "conformance/fixed_world.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string_view>

namespace hsmbackup::conformance {
namespace {

// The keys a config entry may hold: what observe cannot show. The rest
// (labels, kinds, objects, partitions' figures) come from observe only, so
// the model never trusts a config over the device.
constexpr std::array<std::string_view, 9> kUserKeys = {
    "serial",   "firmware", "auth",        "domain",
    "policies", "capacity", "credentials", "co_lockout_threshold",
    "smk"};
constexpr std::array<std::string_view, 9> kHsmKeys = {"label",       "serial",     "firmware",
                                                      "sks",         "connection", "auth",
                                                      "so_password", "ped_domain", "partitions"};
constexpr std::array<std::string_view, 4> kPartitionKeys = {"domain", "password", "source_label",
                                                            "created"};

template <size_t N>
bool OneOf(const std::array<std::string_view, N>& keys, const std::string& key) {
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

template <size_t N>
std::string Listed(const std::array<std::string_view, N>& keys) {
  std::string out;
  for (std::string_view k : keys) out += (out.empty() ? "" : ", ") + std::string(k);
  return out;
}

bool CheckEntry(const std::string& where, const Json& entry, std::string* error) {
  if (!entry.is_object()) {
    *error = where + " must be an object";
    return false;
  }
  const bool hsm = entry.contains("so_password") || entry.contains("ped_domain") ||
                   entry.contains("partitions") || entry.contains("sks") ||
                   entry.contains("connection") || entry.contains("label");
  for (const auto& [key, value] : entry.items()) {
    const bool known = hsm ? OneOf(kHsmKeys, key) : OneOf(kUserKeys, key);
    if (!known) {
      *error = where + " has key \"" + key +
               "\", which is not allowed there (a user partition: " + Listed(kUserKeys) +
               "; a backup HSM: " + Listed(kHsmKeys) +
               "; everything else is read from the device with observe)";
      return false;
    }
    if (key == "partitions") {
      if (!value.is_object()) {
        *error = where + ".partitions must be an object of partition name to entry";
        return false;
      }
      for (const auto& [name, p] : value.items()) {
        if (!p.is_object()) {
          *error = where + ".partitions." + name + " must be an object";
          return false;
        }
        for (const auto& [k, v] : p.items()) {
          if (!OneOf(kPartitionKeys, k) || !v.is_string()) {
            *error = where + ".partitions." + name + " has key \"" + k +
                     "\" (allowed, each a string: " + Listed(kPartitionKeys) + ")";
            return false;
          }
        }
      }
    }
  }
  return true;
}

// Missing names the first key the model needs that `entry` lacks, or "".
std::string Missing(const Json& entry, bool hsm) {
  const bool password = entry.value("auth", std::string("password")) == "password";
  if (!entry.contains("firmware")) return "firmware";
  if (hsm) return password && !entry.contains("so_password") ? "so_password" : "";
  if (!entry.contains("domain")) return "domain";
  if (!entry.contains("capacity")) return "capacity";
  if (password && !entry.value("credentials", Json::object()).contains("co")) {
    return "credentials.co";
  }
  return "";
}

// Copied keeps the config entry's keys, then lays the observed ones on top.
Json UserSlot(const Json& seen, const Json& entry) {
  Json u = entry;
  u.erase("partitions");
  if (!u.contains("serial")) u["serial"] = "1";
  u["label"] = seen.value("label", std::string("?"));
  u["kind"] = seen.value("kind", std::string("v0"));
  u["zeroized"] = seen.value("zeroized", false);
  if (seen.contains("co_failures")) u["lockout"] = {{"co", seen["co_failures"]}};
  Json objects = Json::array();
  for (const Json& o : seen.value("objects", Json::array())) {
    objects.push_back({{"handle", o.value("handle", 0u)},
                       {"ouid", o.value("ouid", std::string())},
                       {"class", o.value("class", std::string("data"))},
                       {"label", o.value("label", std::string())},
                       {"size", o.value("size", 1u)}});
  }
  u["objects"] = objects;
  return u;
}

Json HsmSlot(const Json& seen, const Json& entry) {
  Json h = entry;
  const Json known = entry.value("partitions", Json::object());
  if (!h.contains("serial")) h["serial"] = "1";
  if (!h.contains("label")) h["label"] = "fixed";
  h["model"] = seen.value("model", std::string("backup_hsm_7"));
  h["capacity"] = seen.value("capacity", uint64_t{0});
  h["zeroized"] = seen.value("zeroized", false);
  if (seen.contains("so_failures")) h["so_lockout"] = seen["so_failures"];
  Json partitions = Json::array();
  for (const Json& p : seen.value("partitions", Json::array())) {
    const std::string name = p.value("name", std::string());
    const Json said = known.value(name, Json::object());
    Json q = {{"name", name},
              {"domain", said.value("domain", std::string())},
              {"origin", p.value("origin", std::string("v0"))},
              {"source_label", said.value("source_label", std::string("?"))},
              {"created", said.value("created", std::string("2000-01-01T00:00:00Z"))},
              {"allocated", p.value("allocated", uint64_t{0})}};
    if (said.contains("password")) q["password"] = said["password"];
    if (p.contains("failures")) q["user_lockout"] = p["failures"];
    Json objects = Json::array();
    for (const Json& o : p.value("objects", Json::array())) {
      Json x = {{"handle", o.value("handle", 0u)},
                {"ouid", o.value("ouid", std::string())},
                {"label", o.value("label", std::string())},
                {"size", o.value("size", 1u)}};
      // An opaque (V1) object carries no class: the model treats it as sealed.
      if (!o.value("opaque", false)) {
        x["object"] = {{"class", o.value("class", std::string("data"))}};
      }
      objects.push_back(x);
    }
    q["objects"] = objects;
    partitions.push_back(q);
  }
  h["partitions"] = partitions;
  return h;
}

}  // namespace

std::optional<FixedWorldConfig> ParseFixedWorldConfig(const Json& section, std::string* error) {
  if (!section.is_object()) {
    *error = "\"fixed_world\" must be an object";
    return std::nullopt;
  }
  FixedWorldConfig config;
  for (const auto& [key, value] : section.items()) {
    if (key == "client") {
      if (!value.is_object()) {
        *error = "fixed_world.client must be an object";
        return std::nullopt;
      }
      for (const auto& [k, v] : value.items()) {
        if ((k != "version" && k != "default_domain") || !v.is_string()) {
          *error = "fixed_world.client has key \"" + k +
                   "\" (allowed, each a string: version, default_domain)";
          return std::nullopt;
        }
      }
      config.client = value;
    } else if (key == "slots") {
      if (!value.is_object() || value.empty()) {
        *error = "fixed_world.slots must be a non-empty object of slot id to entry";
        return std::nullopt;
      }
      for (const auto& [id, entry] : value.items()) {
        if (id.empty() || id.size() > 10 ||
            id.find_first_not_of("0123456789") != std::string::npos) {
          *error = "fixed_world.slots has key \"" + id + "\", which is not a slot id";
          return std::nullopt;
        }
        if (!CheckEntry("fixed_world.slots." + id, entry, error)) return std::nullopt;
      }
      config.slots = value;
    } else if (key == "allow") {
      if (!value.is_array()) {
        *error = "fixed_world.allow must be an array of strings";
        return std::nullopt;
      }
      for (const Json& a : value) {
        if (!a.is_string() || a.get<std::string>() != kAllowLockout) {
          *error = std::string("fixed_world.allow may list only \"") + kAllowLockout +
                   "\" (fault switches need load, which a fixed world refuses)";
          return std::nullopt;
        }
        config.allow.insert(a.get<std::string>());
      }
    } else {
      *error = "fixed_world has unknown key \"" + key + "\" (allowed: client, slots, allow)";
      return std::nullopt;
    }
  }
  if (config.slots.empty()) {
    *error = "fixed_world needs \"slots\": what observe cannot show of each slot";
    return std::nullopt;
  }
  return config;
}

std::optional<Json> WorldFromObserved(const Json& observed, const FixedWorldConfig& config,
                                      std::string* error) {
  Json client = {{"version", config.client.value("version", std::string("10.4.0"))}};
  if (config.client.contains("default_domain")) {
    client["default_domain"] = config.client["default_domain"];
  }
  Json world = {{"format", "hsmbackup-world/1"},
                {"client", client},
                {"clock", {{"now", "2000-01-01T00:00:00Z"}}},
                {"slots", Json::array()}};
  if (!observed.is_object() || !observed.contains("slots") || !observed["slots"].is_array()) {
    *error = "the observed state has no \"slots\" array";
    return std::nullopt;
  }
  for (const Json& seen : observed["slots"]) {
    if (!seen.is_object() || !seen.contains("id") || !seen["id"].is_number_integer() ||
        seen["id"].get<int64_t>() < 0) {
      *error = "an observed slot has no numeric \"id\"";
      return std::nullopt;
    }
    const std::string id = std::to_string(seen["id"].get<uint64_t>());
    const std::string type = seen.value("type", std::string());
    if (!config.slots.contains(id)) {
      *error = "the device has slot " + id + " (" + type +
               "), which the vendor config's fixed_world.slots does not describe";
      return std::nullopt;
    }
    const Json& entry = config.slots[id];
    const std::string missing = Missing(entry, type == "backup_hsm");
    if (!missing.empty()) {
      *error = "fixed_world.slots." + id + " (" + type + ") needs \"" + missing + "\"";
      return std::nullopt;
    }
    if (type == "user_partition") {
      world["slots"].push_back({{"id", seen["id"]}, {"user_partition", UserSlot(seen, entry)}});
    } else if (type == "backup_hsm") {
      world["slots"].push_back({{"id", seen["id"]}, {"backup_hsm", HsmSlot(seen, entry)}});
    } else {
      *error = "observed slot " + id + " has unknown type \"" + type + "\"";
      return std::nullopt;
    }
  }
  return world;
}

std::string Redact(std::string text, const std::vector<std::string>& secrets) {
  for (const std::string& s : secrets) {
    if (s.empty()) continue;
    for (size_t at = text.find(s); at != std::string::npos; at = text.find(s, at)) {
      text.replace(at, s.size(), "<redacted>");
      at += 10;
    }
  }
  return text;
}

Json RedactJson(const Json& doc, const std::vector<std::string>& secrets) {
  if (doc.is_string()) return Redact(doc.get<std::string>(), secrets);
  if (doc.is_array()) {
    Json out = Json::array();
    for (const Json& v : doc) out.push_back(RedactJson(v, secrets));
    return out;
  }
  if (doc.is_object()) {
    Json out = Json::object();
    for (const auto& [k, v] : doc.items()) out[Redact(k, secrets)] = RedactJson(v, secrets);
    return out;
  }
  return doc;
}

}  // namespace hsmbackup::conformance
