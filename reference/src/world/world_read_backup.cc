// The "backup_hsm" part of a slot, with its backup partitions.
#include <map>
#include <string>
#include <vector>

#include "hsmbackup/env.h"
#include "hsmbackup/luna_facts.h"
#include "world/world_internal.h"

namespace hsmbackup::world_internal {
namespace {

constexpr uint32_t kU32Max = std::numeric_limits<uint32_t>::max();
constexpr uint64_t kU64Max = std::numeric_limits<uint64_t>::max();

// Where each key of a backup object was, for checks that need the origin.
struct ObjectPtrs {
  std::string self;
  std::string object;  // empty when absent
  std::string sealed;  // empty when absent
};

// HsmScope is what the checks across partitions need.
struct HsmScope {
  std::map<uint32_t, std::string> handles;  // handle -> pointer of its object
};

Status ReadBackupObject(const JsonReader& r, const Json& v, const std::string& ptr,
                        BackupObject* o, ObjectPtrs* ptrs) {
  ObjectBody body;
  bool has_object = false;
  ptrs->self = ptr;
  HSMB_RETURN_IF_ERROR(r.ReadObject(
      v, ptr,
      {{"handle",
        [&](const Json& x, const std::string& p) {
          return r.ReadU32(x, p, 1, kU32Max, &o->object.handle);
        }},
       {"ouid",
        [&](const Json& x, const std::string& p) {
          return r.ReadOuid(x, p, &o->object.ouid);
        }},
       {"label",
        [&](const Json& x, const std::string& p) {
          return r.ReadText(x, p, 0, kMaxObjectLabelLength, true, &o->object.label);
        }},
       {"size",
        [&](const Json& x, const std::string& p) {
          return r.ReadU64(x, p, 1, kU32Max, &o->size);
        }},
       {"object",
        [&](const Json& x, const std::string& p) {
          has_object = true;
          ptrs->object = p;
          return ReadObjectBody(r, x, p, {}, {"class"}, &body);
        }},
       {"sealed",
        [&](const Json& x, const std::string& p) {
          ptrs->sealed = p;
          return r.ReadHex(x, p, 1, kMaxBlobBytes, true, &o->sealed);
        }}},
      {"handle", "ouid", "label", "size"}));
  if (!has_object) return OkStatus();
  Object& inner = body.object;
  const bool derived = body.derived_size != 0;
  if (derived) inner.value = Secret(DeriveObjectValue(o->object.ouid, body.derived_size));
  if (inner.value.size() != o->size) {
    return r.Error(Child(ptrs->object, derived ? "size" : "value"),
                   "the value is " + std::to_string(inner.value.size()) +
                       " bytes, but the object's size is " + std::to_string(o->size));
  }
  o->object.object_class = inner.object_class;
  o->object.attributes = std::move(inner.attributes);
  o->object.value = std::move(inner.value);
  return OkStatus();
}

Status ReadPartition(const JsonReader& r, const Json& v, const std::string& ptr,
                     BackupPartition* bp, HsmScope* scope, std::string* password_ptr) {
  int origin = 0;
  bool has_smk_blob = false;
  std::vector<ObjectPtrs> object_ptrs;
  std::map<Ouid, size_t> ouids;  // -> index in bp->objects
  HSMB_RETURN_IF_ERROR(r.ReadObject(
      v, ptr,
      {{"name", [&](const Json& x, const std::string& p) { return r.ReadLabel(x, p, &bp->name); }},
       {"domain",
        [&](const Json& x, const std::string& p) {
          return r.ReadSecret(x, p, kMaxSecretLength, &bp->domain);
        }},
       {"password",
        [&](const Json& x, const std::string& p) {
          *password_ptr = p;
          return r.ReadSecret(x, p, kMaxPasswordLength, &bp->password);
        }},
       {"origin",
        [&](const Json& x, const std::string& p) {
          return r.ReadToken(x, p, {"pre77", "v0", "v1"}, &origin);
        }},
       {"source_label",
        [&](const Json& x, const std::string& p) {
          return r.ReadLabel(x, p, &bp->source_label);
        }},
       {"created",
        [&](const Json& x, const std::string& p) {
          int64_t t = 0;
          HSMB_RETURN_IF_ERROR(r.ReadTime(x, p, &t));
          bp->created = FormatUtc(t, kTimeFormat.data());
          return OkStatus();
        }},
       {"allocated",
        [&](const Json& x, const std::string& p) {
          return r.ReadU64(x, p, 0, kU64Max, &bp->allocated);
        }},
       {"user_lockout",
        [&](const Json& x, const std::string& p) {
          return r.ReadU32(x, p, 0, kU32Max, &bp->user_lockout.failures);
        }},
       {"smk_blob",
        [&](const Json& x, const std::string& p) {
          has_smk_blob = true;
          // Empty: no SMK arrived (a V1 backup left empty by a failed clone).
          return r.ReadHex(x, p, 0, kMaxBlobBytes, true, &bp->smk_blob);
        }},
       {"objects",
        [&](const Json& x, const std::string& p) {
          return r.ForEachElement(x, p, [&](const Json& e, const std::string& ep, size_t) {
            BackupObject o;
            ObjectPtrs op;
            HSMB_RETURN_IF_ERROR(ReadBackupObject(r, e, ep, &o, &op));
            auto [it, fresh] = scope->handles.emplace(o.object.handle, ep);
            if (!fresh) {
              return r.Error(Child(ep, "handle"), "handle " + std::to_string(o.object.handle) +
                                                      " is already used by " + it->second);
            }
            auto [id, new_ouid] = ouids.emplace(o.object.ouid, bp->objects.size());
            if (!new_ouid) {
              return r.Error(Child(ep, "ouid"), "OUID " + o.object.ouid.ToHex() +
                                                    " is already used by " +
                                                    object_ptrs[id->second].self);
            }
            bp->objects.push_back(std::move(o));
            object_ptrs.push_back(std::move(op));
            return OkStatus();
          });
        }}},
      {"name", "domain", "origin", "source_label", "created", "allocated"}));

  bp->origin = static_cast<PartitionKind>(origin);
  const bool v1 = bp->origin == PartitionKind::kV1;
  if (v1 && !has_smk_blob) {
    return r.Error(Child(ptr, "smk_blob"),
                   "required key is missing (a V1 backup holds the SMK blob)");
  }
  if (!v1 && has_smk_blob) {
    return r.Error(Child(ptr, "smk_blob"), "only a V1 backup holds an SMK blob");
  }
  for (const ObjectPtrs& op : object_ptrs) {
    if (v1 && !op.object.empty()) {
      return r.Error(op.object, "a V1 backup holds objects only as \"sealed\" blobs");
    }
    if (v1 && op.sealed.empty()) {
      return r.Error(Child(op.self, "sealed"), "required key is missing (V1 origin)");
    }
    if (!v1 && !op.sealed.empty()) {
      return r.Error(op.sealed, "only a V1 backup holds \"sealed\" blobs");
    }
    if (!v1 && op.object.empty()) {
      return r.Error(Child(op.self, "object"), "required key is missing (pre77/v0 origin)");
    }
  }
  return OkStatus();
}

}  // namespace

Status ReadBackupHsm(const JsonReader& r, const Json& v, const std::string& ptr,
                     BackupHsm* b) {
  int model = 0;
  int connection = 0;
  int auth = 0;
  bool has_next = false;
  bool has_so_password = false;
  bool has_ped_domain = false;
  std::string policies_ptr;
  HsmScope scope;
  std::vector<std::string> partition_ptrs;
  std::vector<std::string> password_ptrs;
  HSMB_RETURN_IF_ERROR(r.ReadObject(
      v, ptr,
      {{"model",
        [&](const Json& x, const std::string& p) {
          return r.ReadToken(x, p, {"backup_hsm_7", "backup_hsm_g5"}, &model);
        }},
       {"label", [&](const Json& x, const std::string& p) { return r.ReadLabel(x, p, &b->label); }},
       {"serial",
        [&](const Json& x, const std::string& p) { return r.ReadSerial(x, p, &b->serial); }},
       {"firmware",
        [&](const Json& x, const std::string& p) { return r.ReadVersion(x, p, &b->firmware); }},
       // OPT-SMKONLY-SKS: whether a backup HSM takes SKS backups follows its
       // firmware; a world that still says so itself is refused, not ignored.
       {"sks",
        [&](const Json&, const std::string& p) {
          return r.Error(p, "no longer a key: SKS follows firmware (Backup HSM 7 7.7.1, "
                            "Backup HSM G5 6.28.0 or newer; OPT-SMKONLY-SKS)");
        }},
       {"connection",
        [&](const Json& x, const std::string& p) {
          return r.ReadToken(x, p, {"client", "usb", "appliance"}, &connection);
        }},
       {"auth",
        [&](const Json& x, const std::string& p) {
          return r.ReadToken(x, p, {"password", "ped"}, &auth);
        }},
       {"capacity",
        [&](const Json& x, const std::string& p) {
          return r.ReadU64(x, p, 1, kU64Max, &b->capacity);
        }},
       {"so_password",
        [&](const Json& x, const std::string& p) {
          has_so_password = true;
          return r.ReadSecret(x, p, kMaxPasswordLength, &b->so_password);
        }},
       {"ped_domain",
        [&](const Json& x, const std::string& p) {
          has_ped_domain = true;
          return r.ReadSecret(x, p, kMaxSecretLength, &b->ped_domain);
        }},
       {"policies",
        [&](const Json& x, const std::string& p) {
          policies_ptr = Child(p, "enable_restricted_restore");
          return r.ReadObject(x, p,
                              {{"enable_restricted_restore",
                                [&](const Json& y, const std::string& q) {
                                  return r.ReadBool(y, q, &b->restricted_restore);
                                }}},
                              {});
        }},
       {"so_lockout",
        [&](const Json& x, const std::string& p) {
          return r.ReadU32(x, p, 0, kU32Max, &b->so_lockout.failures);
        }},
       {"zeroized",
        [&](const Json& x, const std::string& p) { return r.ReadBool(x, p, &b->zeroized); }},
       {"handles",
        [&](const Json& x, const std::string& p) {
          return r.ReadHandles(x, p, &has_next, &b->handles);
        }},
       {"partitions",
        [&](const Json& x, const std::string& p) {
          return r.ForEachElement(x, p, [&](const Json& e, const std::string& ep, size_t) {
            BackupPartition bp;
            std::string password_ptr;
            HSMB_RETURN_IF_ERROR(ReadPartition(r, e, ep, &bp, &scope, &password_ptr));
            for (size_t i = 0; i < b->partitions.size(); ++i) {
              if (b->partitions[i].name == bp.name) {
                return r.Error(Child(ep, "name"), Quote(bp.name) + " is already the name of " +
                                                      partition_ptrs[i]);
              }
            }
            b->partitions.push_back(std::move(bp));
            partition_ptrs.push_back(ep);
            password_ptrs.push_back(password_ptr);
            return OkStatus();
          });
        }}},
      {"model", "label", "serial", "firmware", "capacity"}));

  b->model = static_cast<BackupModel>(model);
  b->connection = static_cast<Connection>(connection);
  b->auth = static_cast<AuthMode>(auth);
  const bool ped = b->auth == AuthMode::kPed;
  if (b->restricted_restore &&
      (b->model != BackupModel::kBackupHsm7 || b->firmware < kBackupHsm7RestrictedRestore)) {
    return r.Error(policies_ptr, "policy " + std::to_string(kHsmPolicyRestrictedRestore) +
                                     " \"Enable Restricted Restore\" is a Backup HSM 7 policy "
                                     "from firmware " + kBackupHsm7RestrictedRestore.ToString() +
                                     " (RESTORE-PRE77-TO-V0)");
  }
  if (!ped && !has_so_password) {
    return r.Error(Child(ptr, "so_password"), "required key is missing (password auth)");
  }
  if (!ped && has_ped_domain) {
    return r.Error(Child(ptr, "ped_domain"), "only a PED-authenticated HSM takes a PED domain");
  }
  if (ped && !has_ped_domain) {
    return r.Error(Child(ptr, "ped_domain"), "required key is missing (PED auth)");
  }
  if (ped && has_so_password) {
    return r.Error(Child(ptr, "so_password"), "a PED-authenticated HSM takes no SO password");
  }
  uint64_t taken = 0;
  for (size_t i = 0; i < b->partitions.size(); ++i) {
    if (!ped && password_ptrs[i].empty()) {
      return r.Error(Child(partition_ptrs[i], "password"),
                     "required key is missing (the HSM uses password auth)");
    }
    if (ped && !password_ptrs[i].empty()) {
      return r.Error(password_ptrs[i], "a PED-authenticated HSM's partitions take no password");
    }
    const uint64_t allocated = b->partitions[i].allocated;
    const uint64_t used = b->partitions[i].used(b->model);  // PROJ-SIZE-MODEL
    if (allocated < used) {
      return r.Error(Child(partition_ptrs[i], "allocated"),
                     std::to_string(allocated) + " bytes is less than the " +
                         std::to_string(used) + " the partition uses (" +
                         std::to_string(kPartitionOverheadBytes) + " overhead + objects, each " +
                         std::to_string(ObjectOverheadBytes(b->model)) + " bytes more)");
    }
    if (allocated > b->capacity - taken) {
      return r.Error(Child(partition_ptrs[i], "allocated"),
                     "partitions allocate more than the capacity of " +
                         std::to_string(b->capacity) + " bytes");
    }
    taken += allocated;
  }
  if (!has_next) {
    std::vector<uint32_t> handles;
    for (const auto& [h, unused] : scope.handles) handles.push_back(h);
    b->handles.next = DefaultNextHandle(handles);
  }
  return OkStatus();
}

}  // namespace hsmbackup::world_internal
