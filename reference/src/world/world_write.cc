// WorldToJson: the canonical rendering of a world.
//
// Keys come in schema order (WORLD-FORMAT.md). An optional key is written
// exactly when its value differs from its default, so one world has one text.
#include <string>
#include <vector>

#include "hsmbackup/env.h"
#include "hsmbackup/world_io.h"
#include "world/world_internal.h"

namespace hsmbackup {
namespace world_internal {
namespace {

// PutIf takes the value by reference so that a caller's `std::move(x)` next
// to a condition on `x` moves nothing before the condition is evaluated.
void PutIf(Json* out, const char* key, bool write, Json&& value) {
  if (write) (*out)[key] = std::move(value);
}

void WriteObjectTail(const Object& o, Json* out) {
  if (!o.attributes.empty()) {
    Json attributes = Json::object();
    for (const auto& [name, value] : o.attributes) attributes[std::string(name)] = value;
    (*out)["attributes"] = std::move(attributes);
  }
  if (!o.value.empty() && o.value == Secret(DeriveObjectValue(o.ouid, o.value.size()))) {
    (*out)["size"] = o.value.size();
  } else {
    (*out)["value"] = HexEncode(o.value.secret_bytes());
  }
}

void WriteHandles(const HandleAllocator& h, const std::vector<uint32_t>& in_use, Json* out) {
  Json j = Json::object();
  PutIf(&j, "next", h.next != DefaultNextHandle(in_use), h.next);
  PutIf(&j, "queue", !h.queue.empty(), h.queue);
  PutIf(out, "handles", !j.empty(), std::move(j));
}

Json WriteUser(const UserPartition& u) {
  Json j = Json::object();
  j["label"] = u.label;
  j["serial"] = u.serial;
  j["firmware"] = u.firmware.ToString();
  j["kind"] = KindToken(u.kind);
  PutIf(&j, "auth", u.auth != AuthMode::kPassword, AuthToken(u.auth));
  j["domain"] = u.domain.Reveal();
  const Policies d;
  const Policies& p = u.policies;
  Json policies = Json::object();
  PutIf(&policies, "allow_private_key_cloning",
        p.allow_private_key_cloning != d.allow_private_key_cloning, p.allow_private_key_cloning);
  PutIf(&policies, "allow_private_key_wrapping",
        p.allow_private_key_wrapping != d.allow_private_key_wrapping,
        p.allow_private_key_wrapping);
  PutIf(&policies, "allow_secret_key_cloning",
        p.allow_secret_key_cloning != d.allow_secret_key_cloning, p.allow_secret_key_cloning);
  PutIf(&policies, "hsm_allow_cloning", p.hsm_allow_cloning != d.hsm_allow_cloning,
        p.hsm_allow_cloning);
  PutIf(&policies, "allow_cpv1", p.allow_cpv1 != d.allow_cpv1, p.allow_cpv1);
  PutIf(&j, "policies", !policies.empty(), std::move(policies));
  j["capacity"] = u.capacity;
  if (u.auth == AuthMode::kPassword) {
    Json credentials = Json::object();
    PutIf(&credentials, "po", !u.po_password.empty(), u.po_password.Reveal());
    credentials["co"] = u.co_password.Reveal();
    PutIf(&credentials, "cu", !u.cu_password.empty(), u.cu_password.Reveal());
    j["credentials"] = std::move(credentials);
  }
  PutIf(&j, "co_lockout_threshold", u.co_lockout_threshold != kMaxCoLockoutThreshold,
        u.co_lockout_threshold);
  Json lockout = Json::object();
  PutIf(&lockout, "po", u.po_lockout.failures != 0, u.po_lockout.failures);
  PutIf(&lockout, "co", u.co_lockout.failures != 0, u.co_lockout.failures);
  PutIf(&j, "lockout", !lockout.empty(), std::move(lockout));
  PutIf(&j, "zeroized", u.zeroized, true);
  if (u.smk.has_value()) j["smk"] = HexEncode(u.smk->secret_bytes());
  std::vector<uint32_t> in_use;
  Json objects = Json::array();
  for (const Object& o : u.objects) {
    in_use.push_back(o.handle);
    Json jo = Json::object();
    jo["handle"] = o.handle;
    jo["ouid"] = o.ouid.ToHex();
    jo["class"] = ClassToken(o.object_class);
    jo["label"] = o.label;
    WriteObjectTail(o, &jo);
    objects.push_back(std::move(jo));
  }
  WriteHandles(u.handles, in_use, &j);
  PutIf(&j, "objects", !objects.empty(), std::move(objects));
  return j;
}

Json WriteBackupObject(const BackupObject& o) {
  Json j = Json::object();
  j["handle"] = o.object.handle;
  j["ouid"] = o.object.ouid.ToHex();
  j["label"] = o.object.label;
  j["size"] = o.size;
  if (o.opaque()) {
    j["sealed"] = HexEncode(o.sealed);
  } else {
    Json inner = Json::object();
    inner["class"] = ClassToken(o.object.object_class);
    WriteObjectTail(o.object, &inner);
    j["object"] = std::move(inner);
  }
  return j;
}

Json WriteBackup(const BackupHsm& b) {
  const bool password = b.auth == AuthMode::kPassword;
  Json j = Json::object();
  j["model"] = ModelToken(b.model);
  j["label"] = b.label;
  j["serial"] = b.serial;
  j["firmware"] = b.firmware.ToString();
  PutIf(&j, "connection", b.connection != Connection::kClient, ConnectionToken(b.connection));
  PutIf(&j, "auth", !password, AuthToken(b.auth));
  if (b.restricted_restore) {
    Json policies = Json::object();
    policies["enable_restricted_restore"] = true;
    j["policies"] = std::move(policies);
  }
  j["capacity"] = b.capacity;
  if (password) {
    j["so_password"] = b.so_password.Reveal();
  } else {
    j["ped_domain"] = b.ped_domain.Reveal();
  }
  PutIf(&j, "so_lockout", b.so_lockout.failures != 0, b.so_lockout.failures);
  PutIf(&j, "zeroized", b.zeroized, true);
  std::vector<uint32_t> in_use;
  Json partitions = Json::array();
  for (const BackupPartition& p : b.partitions) {
    Json jp = Json::object();
    jp["name"] = p.name;
    jp["domain"] = p.domain.Reveal();
    PutIf(&jp, "password", password, p.password.Reveal());
    jp["origin"] = KindToken(p.origin);
    jp["source_label"] = p.source_label;
    jp["created"] = p.created;
    jp["allocated"] = p.allocated;
    PutIf(&jp, "user_lockout", p.user_lockout.failures != 0, p.user_lockout.failures);
    PutIf(&jp, "smk_blob", p.origin == PartitionKind::kV1, HexEncode(p.smk_blob));
    Json objects = Json::array();
    for (const BackupObject& o : p.objects) {
      in_use.push_back(o.object.handle);
      objects.push_back(WriteBackupObject(o));
    }
    PutIf(&jp, "objects", !objects.empty(), std::move(objects));
    partitions.push_back(std::move(jp));
  }
  WriteHandles(b.handles, in_use, &j);
  PutIf(&j, "partitions", !partitions.empty(), std::move(partitions));
  return j;
}

}  // namespace
}  // namespace world_internal

std::string WorldToJson(const World& world) {
  using world_internal::Json;
  using world_internal::PutIf;
  Json doc = Json::object();
  doc["format"] = kWorldFormat;
  Json client = Json::object();
  client["version"] = world.client.ToString();
  PutIf(&client, "default_domain",
        !(world.default_domain == Secret(world_internal::kDefaultDomain)),
        world.default_domain.Reveal());
  doc["client"] = std::move(client);
  Json clock = Json::object();
  clock["now"] = FormatUtc(world.clock.now, world_internal::kTimeFormat.data());
  PutIf(&clock, "step_seconds", world.clock.step_seconds != 0, world.clock.step_seconds);
  doc["clock"] = std::move(clock);
  const RngState rng_default;
  Json rng = Json::object();
  PutIf(&rng, "seed", world.rng.seed != rng_default.seed, world.rng.seed);
  PutIf(&rng, "counter", world.rng.counter != rng_default.counter, world.rng.counter);
  PutIf(&doc, "rng", !rng.empty(), std::move(rng));
  Json slots = Json::array();
  for (const Slot& s : world.slots) {
    Json js = Json::object();
    js["id"] = s.id;
    if (s.user.has_value()) js["user_partition"] = world_internal::WriteUser(*s.user);
    if (s.backup.has_value()) js["backup_hsm"] = world_internal::WriteBackup(*s.backup);
    slots.push_back(std::move(js));
  }
  doc["slots"] = std::move(slots);
  Json faults = Json::array();
  for (const Fault& f : world.faults) {
    Json jf = Json::object();
    switch (f.type) {
      case FaultType::kVerifyFail:
        jf["type"] = "verify_fail";
        jf["handle"] = f.handle;
        break;
      case FaultType::kPartitionFull:
        jf["type"] = "partition_full";
        jf["at"] = f.at;
        break;
      case FaultType::kShrinkFail:
        jf["type"] = "shrink_fail";
        break;
    }
    if (f.slot.has_value()) jf["slot"] = *f.slot;
    faults.push_back(std::move(jf));
  }
  PutIf(&doc, "faults", !faults.empty(), std::move(faults));
  return doc.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace hsmbackup
