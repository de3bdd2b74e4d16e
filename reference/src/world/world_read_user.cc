// The "user_partition" part of a slot.
#include <map>
#include <string>
#include <vector>

#include "world/world_internal.h"
#include "hsmbackup/luna_facts.h"

namespace hsmbackup::world_internal {
namespace {

constexpr uint32_t kU32Max = std::numeric_limits<uint32_t>::max();
constexpr uint64_t kU64Max = std::numeric_limits<uint64_t>::max();

Status ReadPolicies(const JsonReader& r, const Json& v, const std::string& ptr,
                    Policies* out) {
  auto flag = [&](bool* field) {
    return [&r, field](const Json& x, const std::string& p) { return r.ReadBool(x, p, field); };
  };
  HSMB_RETURN_IF_ERROR(
      r.ReadObject(v, ptr,
                   {{"allow_private_key_cloning", flag(&out->allow_private_key_cloning)},
                    {"allow_private_key_wrapping", flag(&out->allow_private_key_wrapping)},
                    {"allow_secret_key_cloning", flag(&out->allow_secret_key_cloning)},
                    {"hsm_allow_cloning", flag(&out->hsm_allow_cloning)},
                    {"allow_cpv1", flag(&out->allow_cpv1)}},
                   {}));
  return OkStatus();
}

Status CheckPolicies(const JsonReader& r, const std::string& ptr, const Policies& p) {
  if (p.allow_private_key_cloning && p.allow_private_key_wrapping) {
    return r.Error(ptr, "policies 0 and 1 cannot both be on (CKR_CONFIG_FAILS_DEPENDENCIES)");
  }
  if (!p.hsm_allow_cloning && (p.allow_private_key_cloning || p.allow_secret_key_cloning)) {
    return r.Error(ptr,
                   "with HSM policy 7 off, policies 0 and 4 cannot be on "
                   "(CKR_CONFIG_FAILS_DEPENDENCIES)");
  }
  return OkStatus();
}

// Credentials remembers which passwords the file gave, for the auth check.
struct Credentials {
  std::string first_ptr;  // pointer of the first password given
  bool co = false;
};

Status ReadCredentials(const JsonReader& r, const Json& v, const std::string& ptr,
                       UserPartition* u, Credentials* seen) {
  auto secret = [&](Secret* field, bool is_co) {
    return [&r, seen, field, is_co](const Json& x, const std::string& p) {
      if (seen->first_ptr.empty()) seen->first_ptr = p;
      seen->co = seen->co || is_co;
      return r.ReadSecret(x, p, kMaxPasswordLength, field);
    };
  };
  return r.ReadObject(v, ptr,
                      {{"po", secret(&u->po_password, false)},
                       {"co", secret(&u->co_password, true)},
                       {"cu", secret(&u->cu_password, false)}},
                      {});
}

Status ReadObjects(const JsonReader& r, const Json& v, const std::string& ptr,
                   UserPartition* u, std::vector<std::string>* object_ptrs) {
  std::map<uint32_t, size_t> handles;  // -> index in u->objects
  std::map<Ouid, size_t> ouids;
  return r.ForEachElement(v, ptr, [&](const Json& e, const std::string& ep, size_t) {
    ObjectBody body;
    Object& o = body.object;
    HSMB_RETURN_IF_ERROR(ReadObjectBody(
        r, e, ep,
        {{"handle",
          [&](const Json& x, const std::string& p) {
            return r.ReadU32(x, p, 1, kU32Max, &o.handle);
          }},
         {"ouid", [&](const Json& x, const std::string& p) { return r.ReadOuid(x, p, &o.ouid); }},
         {"label",
          [&](const Json& x, const std::string& p) {
            return r.ReadText(x, p, 0, kMaxObjectLabelLength, true, &o.label);
          }}},
        {"handle", "ouid", "class", "label"}, &body));
    const size_t index = u->objects.size();
    auto [h, new_handle] = handles.emplace(o.handle, index);
    if (!new_handle) {
      return r.Error(Child(ep, "handle"), "handle " + std::to_string(o.handle) +
                                              " is already used by " + (*object_ptrs)[h->second]);
    }
    auto [id, new_ouid] = ouids.emplace(o.ouid, index);
    if (!new_ouid) {
      return r.Error(Child(ep, "ouid"), "OUID " + o.ouid.ToHex() + " is already used by " +
                                            (*object_ptrs)[id->second]);
    }
    if (body.derived_size != 0) o.value = Secret(DeriveObjectValue(o.ouid, body.derived_size));
    u->objects.push_back(std::move(o));
    object_ptrs->push_back(ep);
    return OkStatus();
  });
}

}  // namespace

Status ReadUserPartition(const JsonReader& r, const Json& v, const std::string& ptr,
                         UserPartition* u) {
  int kind = 0;
  int auth = 0;
  bool has_smk = false;
  bool has_next = false;
  Credentials seen;
  std::vector<std::string> object_ptrs;
  HSMB_RETURN_IF_ERROR(r.ReadObject(
      v, ptr,
      {{"label", [&](const Json& x, const std::string& p) { return r.ReadLabel(x, p, &u->label); }},
       {"serial",
        [&](const Json& x, const std::string& p) { return r.ReadSerial(x, p, &u->serial); }},
       {"firmware",
        [&](const Json& x, const std::string& p) { return r.ReadVersion(x, p, &u->firmware); }},
       {"kind",
        [&](const Json& x, const std::string& p) {
          return r.ReadToken(x, p, {"pre77", "v0", "v1"}, &kind);
        }},
       {"auth",
        [&](const Json& x, const std::string& p) {
          return r.ReadToken(x, p, {"password", "ped"}, &auth);
        }},
       {"domain",
        [&](const Json& x, const std::string& p) {
          return r.ReadSecret(x, p, kMaxSecretLength, &u->domain);
        }},
       {"policies",
        [&](const Json& x, const std::string& p) {
          return ReadPolicies(r, x, p, &u->policies);
        }},
       {"capacity",
        [&](const Json& x, const std::string& p) {
          return r.ReadU64(x, p, 1, kU64Max, &u->capacity);
        }},
       {"credentials",
        [&](const Json& x, const std::string& p) {
          return ReadCredentials(r, x, p, u, &seen);
        }},
       {"co_lockout_threshold",
        [&](const Json& x, const std::string& p) {
          return r.ReadU32(x, p, 1, kMaxCoLockoutThreshold, &u->co_lockout_threshold);
        }},
       {"lockout",
        [&](const Json& x, const std::string& p) {
          return r.ReadObject(x, p,
                              {{"po",
                                [&](const Json& y, const std::string& q) {
                                  return r.ReadU32(y, q, 0, kU32Max, &u->po_lockout.failures);
                                }},
                               {"co",
                                [&](const Json& y, const std::string& q) {
                                  return r.ReadU32(y, q, 0, kU32Max, &u->co_lockout.failures);
                                }}},
                              {});
        }},
       {"zeroized",
        [&](const Json& x, const std::string& p) { return r.ReadBool(x, p, &u->zeroized); }},
       {"smk",
        [&](const Json& x, const std::string& p) {
          has_smk = true;
          Bytes raw;
          HSMB_RETURN_IF_ERROR(r.ReadHex(x, p, 32, 32, true, &raw));
          u->smk = Secret(ByteSpan(raw));
          std::fill(raw.begin(), raw.end(), 0);
          return OkStatus();
        }},
       {"handles",
        [&](const Json& x, const std::string& p) {
          return r.ReadHandles(x, p, &has_next, &u->handles);
        }},
       {"objects",
        [&](const Json& x, const std::string& p) {
          return ReadObjects(r, x, p, u, &object_ptrs);
        }}},
      {"label", "serial", "firmware", "kind", "domain", "capacity"}));

  u->kind = static_cast<PartitionKind>(kind);
  u->auth = static_cast<AuthMode>(auth);
  const bool pre77 = u->kind == PartitionKind::kPre77;
  if (pre77 != (u->firmware < kV0V1Firmware)) {
    const char* need =
        pre77 ? " needs firmware older than 7.7.0" : " needs firmware 7.7.0 or newer";
    return r.Error(Child(ptr, "kind"),
                   Quote(KindToken(u->kind)) + need + ", not " + u->firmware.ToString());
  }
  HSMB_RETURN_IF_ERROR(CheckPolicies(r, Child(ptr, "policies"), u->policies));
  if (u->auth == AuthMode::kPed && !seen.first_ptr.empty()) {
    return r.Error(seen.first_ptr, "a PED-authenticated partition takes no passwords");
  }
  if (u->auth == AuthMode::kPassword && !seen.co) {
    std::string p = v.contains("credentials") ? Child(Child(ptr, "credentials"), "co")
                                              : Child(ptr, "credentials");
    return r.Error(p, "required key is missing (password auth needs a CO password)");
  }
  if (u->kind == PartitionKind::kV1 && !has_smk) {
    return r.Error(Child(ptr, "smk"), "required key is missing (a V1 partition holds an SMK)");
  }
  if (u->kind != PartitionKind::kV1 && has_smk) {
    return r.Error(Child(ptr, "smk"), "only a V1 partition holds an SMK");
  }
  uint64_t used = 0;
  std::vector<uint32_t> handles;
  for (size_t i = 0; i < u->objects.size(); ++i) {
    used += u->objects[i].value.size();
    handles.push_back(u->objects[i].handle);
    if (used > u->capacity) {
      return r.Error(object_ptrs[i], "objects take " + std::to_string(used) +
                                         " bytes up to here, over the capacity of " +
                                         std::to_string(u->capacity));
    }
  }
  if (!has_next) u->handles.next = DefaultNextHandle(handles);
  return OkStatus();
}

}  // namespace hsmbackup::world_internal
