// Generated worlds and lunacm lines for the checks (RapidCheck generators).
//
// Specs are plain structs a check can adjust after generating them (e.g. a
// wrong domain, a fault at object k), then turn into a world document.
#ifndef HSMBACKUP_CONFORMANCE_CHECKS_GEN_H_
#define HSMBACKUP_CONFORMANCE_CHECKS_GEN_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <rapidcheck.h>

#include "model/seal.h"
#include "conformance/scenario.h"
#include "conformance/target.h"

namespace hsmbackup::conformance::gen {

struct ObjSpec {
  uint32_t handle = 0;
  std::string ouid, cls = "secret_key", label;
  uint32_t size = 32;
  std::map<std::string, std::string> attributes;
};

struct UserSpec {
  uint32_t slot = 0;
  std::string kind = "v0", auth = "password", label = "part", firmware = "7.8.0";
  std::string domain = "domain-a", co_password = "copassword1";
  bool allow_private = true, allow_secret = true, hsm_allow = true;
  bool allow_cpv1 = false;  // partition policy 42
  uint64_t capacity = 1u << 22;
  std::string smk;  // 64 hex digits for v1
  std::vector<ObjSpec> objects;
  uint64_t Payload() const;  // sum of object sizes
};

struct HsmSpec {
  uint32_t slot = 2;
  std::string model = "backup_hsm_7", firmware = "7.7.2", auth = "password";
  std::string connection = "client", so_password = "sopassword1", ped_domain;
  bool restricted_restore = false;  // HSM policy 55: Backup HSM 7 from 7.7.1 only
  uint64_t capacity = 1u << 24;
  Json partitions = Json::array();  // pre-existing backup partitions, as world JSON
};

struct WorldSpec {
  std::string client = "10.4.0", now = "2026-11-27T12:00:00Z", default_domain = "domain-default";
  int64_t step_seconds = 0;  // clock.step_seconds: the clock moves after each CKR_OK
  std::vector<UserSpec> users;
  std::vector<HsmSpec> hsms;
  Json faults = Json::array();
  Json ToJson() const;
};

// Secret: a distinctive random string, so a leak is never a coincidence.
rc::Gen<std::string> Secret(const std::string& prefix);
// Objects: n in [min, max] objects with distinct handles and OUIDs, every
// class, sizes 1..max_size, labels "obj-<i>-<class>" sometimes padded up to
// the 128 characters a label may have.
rc::Gen<std::vector<ObjSpec>> Objects(int min, int max, uint32_t max_size = 2048);
// User: a password partition of `kind` (pre77 | v0 | v1) with 1..6 objects.
rc::Gen<UserSpec> User(const std::string& kind);
// AnyKind: pre77, v0, or v1 when `v1` is allowed.
rc::Gen<std::string> AnyKind(bool v1);
// Hsm: a password backup HSM of `model` new enough for every kind.
rc::Gen<HsmSpec> Hsm(const std::string& model);
// AnyModel: backup_hsm_7 or backup_hsm_g5.
rc::Gen<std::string> AnyModel();
// Suffixed: `label` + `suffix`, cut so it stays within the 128 characters
// a label may have.
std::string Suffixed(const std::string& label, const std::string& suffix);
// ClockStep: 0 (a clock that stands) mostly, else 1 s .. 1 day.
rc::Gen<int64_t> ClockStep();
// ObjectsOption: " -objects h1,h2,..." naming some of `objects` in any order,
// sometimes with a handle none of them has; "" sometimes (no option).
rc::Gen<std::string> ObjectsOption(const std::vector<ObjSpec>& objects);
// PartitionName: 1..32 printable characters without spaces.
rc::Gen<std::string> PartitionName();

// Lines.
std::vector<std::string> Words(const std::string& line);  // split on white space
std::string Login(const UserSpec& u);  // role login -name co -password ...

// Backup builds a `partition archive backup` line option by option.
struct Backup {
  uint32_t slot = 2;
  std::optional<std::string> partition, password, sopassword, domain, objects;
  bool defaultdomain = false, append = false, replace = false, smkonly = false, force = false;
  bool debug = false;
  std::string Line() const;
};
// Backup for a fresh partition `name` of `h` with the source's domain.
Backup BackupOf(const UserSpec& u, const HsmSpec& h, const std::string& name,
                const std::string& password);
// SmkOnlyBackupOf: `u`'s -smkonly backup to `h` under the default name.
Backup SmkOnlyBackupOf(const UserSpec& u, const HsmSpec& h, const std::string& password);
std::string Restore(const HsmSpec& h, const std::string& name, const std::string& password,
                    const std::string& extra = "");
std::string Delete(const HsmSpec& h, const std::string& name, bool force = true);
std::string List(const HsmSpec& h);
std::string Contents(const HsmSpec& h, const std::string& name, const std::string& password);

// StoredPartition is a backup partition already on a backup HSM, as world
// JSON, so a check controls its objects and handles. Origin v1 seals the SMK
// of `src` under its domain and each object under that SMK (model/seal.h),
// as a V1 backup holds them. An empty `password` is a PED partition's (no
// typed credential).
Json StoredPartition(const std::string& name, const UserSpec& src, const std::string& origin,
                     const std::string& password, const std::vector<ObjSpec>& objects);

// Renumbered: the objects with handles from `first` on (backup HSM handles
// are unique across the device).
std::vector<ObjSpec> Renumbered(std::vector<ObjSpec> objects, uint32_t first);

// Plain: what a world object stands for (its value derived from the OUID).
seal::Plain Plain(const ObjSpec& o);

// ScenarioOf: the world document, the lines and the prompt answers.
Scenario ScenarioOf(const WorldSpec& w, std::vector<std::string> lines,
                    std::vector<std::string> answers = {});

// WorldOf puts one user partition (slot 0) and one backup HSM (slot 2) in a world.
WorldSpec WorldOf(const UserSpec& u, const HsmSpec& h);

}  // namespace hsmbackup::conformance::gen

#endif  // HSMBACKUP_CONFORMANCE_CHECKS_GEN_H_
