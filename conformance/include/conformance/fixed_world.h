// Fixed-world targets (conformance/FIXED-WORLD.md): a device whose world
// cannot be loaded. The suite reads it with `observe`, takes what observe
// cannot show (credentials, domains, firmware, policies) from the vendor
// config's "fixed_world" section, and builds from both the world document
// its model needs. Everything here is pure.
#ifndef HSMBACKUP_CONFORMANCE_FIXED_WORLD_H_
#define HSMBACKUP_CONFORMANCE_FIXED_WORLD_H_

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "conformance/target.h"

namespace hsmbackup::conformance {

// kFixedWorldCapability is what a fixed-world target lists in `hello`; its
// `load` is refused (the reference answers CKR_OPERATION_NOT_ALLOWED).
inline constexpr char kFixedWorldCapability[] = "fixed-world";

// The allow-list entries a vendor config may give (FIXED-WORLD.md):
// "lockout" lets checks spend failed logins (never up to a threshold).
inline constexpr char kAllowLockout[] = "lockout";

// FixedWorldConfig is the vendor config's "fixed_world" section:
//   {"client": {"version": "10.4.0", "default_domain": secret},   optional
//    "slots": {"<id>": {<world-format keys observe cannot show>}}, required
//    "allow": ["lockout"]}                                          optional
// A user partition's entry may hold serial, firmware, auth, domain,
// policies, capacity, credentials, co_lockout_threshold, smk; a backup
// HSM's: label, serial, firmware, sks, connection, auth, so_password,
// ped_domain and "partitions": {"<name>": {"domain", "password",
// "source_label", "created"}} for the backup partitions already there.
// Secrets stay in this struct: nothing prints it.
struct FixedWorldConfig {
  Json client = Json::object();
  Json slots = Json::object();  // id (as a string) -> entry
  std::set<std::string> allow;
  bool Allows(const std::string& what) const { return allow.count(what) != 0; }
};

// ParseFixedWorldConfig checks the section's shape and keys (an unknown
// key, a key that observe owns such as "objects", or a wrong type is an
// error naming it, never quoting a value).
std::optional<FixedWorldConfig> ParseFixedWorldConfig(const Json& section, std::string* error);

// WorldFromObserved builds the hsmbackup-world/1 document of an observed
// state: labels, kinds, models, capacities, objects, partitions and
// counters from `observed`, the rest from `config`. Every observed slot
// needs a config entry of its type (an error names the slot). The clock is
// fixed (it only names default partitions, which the fixed-world checks
// never use); a backup partition without a config entry gets domain "".
std::optional<Json> WorldFromObserved(const Json& observed, const FixedWorldConfig& config,
                                      std::string* error);

// Redact replaces every occurrence of each of `secrets` (non-empty) in
// `text` with "<redacted>".
std::string Redact(std::string text, const std::vector<std::string>& secrets);
// RedactJson applies Redact to every string (keys too) of `doc`.
Json RedactJson(const Json& doc, const std::vector<std::string>& secrets);

}  // namespace hsmbackup::conformance

#endif  // HSMBACKUP_CONFORMANCE_FIXED_WORLD_H_
