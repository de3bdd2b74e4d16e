// ParseWorld: the top level of the world file, its slots and faults.
#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "hsmbackup/world_io.h"
#include "world/world_internal.h"

namespace hsmbackup {
namespace world_internal {
namespace {

constexpr uint32_t kU32Max = std::numeric_limits<uint32_t>::max();
constexpr uint64_t kU64Max = std::numeric_limits<uint64_t>::max();

Status ReadAttributes(const JsonReader& r, const Json& v, const std::string& ptr,
                      Attributes* out) {
  if (!v.is_object()) return r.Error(ptr, "want an object of strings");
  if (v.size() > kMaxAttributes) {
    return r.Error(ptr, "has " + std::to_string(v.size()) + " attributes (at most " +
                            std::to_string(kMaxAttributes) + ")");
  }
  for (auto it = v.begin(); it != v.end(); ++it) {
    std::string p = Child(ptr, it.key());
    const std::string& name = it.key();
    if (name.empty() || name.size() > kMaxAttributeNameLength || !IsPrintableAscii(name)) {
      return r.Error(p, "an attribute name must be 1.." +
                            std::to_string(kMaxAttributeNameLength) +
                            " printable ASCII characters");
    }
    std::string value;
    HSMB_RETURN_IF_ERROR(r.ReadText(it.value(), p, 0, kMaxAttributeValueLength, false, &value));
    out->Set(name, value);
  }
  return OkStatus();
}

Status ReadClock(const JsonReader& r, const Json& v, const std::string& ptr, Clock* out) {
  return r.ReadObject(
      v, ptr,
      {{"now", [&](const Json& x, const std::string& p) { return r.ReadTime(x, p, &out->now); }},
       {"step_seconds",
        [&](const Json& x, const std::string& p) {
          uint64_t step = 0;
          HSMB_RETURN_IF_ERROR(
              r.ReadU64(x, p, 0, std::numeric_limits<int64_t>::max(), &step));
          out->step_seconds = static_cast<int64_t>(step);
          return OkStatus();
        }}},
      {"now"});
}

Status ReadFault(const JsonReader& r, const Json& v, const std::string& ptr, Fault* out,
                 std::string* slot_ptr) {
  int type = -1;
  std::string handle_ptr;
  std::string at_ptr;
  HSMB_RETURN_IF_ERROR(r.ReadObject(
      v, ptr,
      {{"type",
        [&](const Json& x, const std::string& p) {
          return r.ReadToken(x, p, {"verify_fail", "partition_full", "shrink_fail"}, &type);
        }},
       {"handle",
        [&](const Json& x, const std::string& p) {
          handle_ptr = p;
          return r.ReadU32(x, p, 1, kU32Max, &out->handle);
        }},
       {"at",
        [&](const Json& x, const std::string& p) {
          at_ptr = p;
          return r.ReadU32(x, p, 1, kU32Max, &out->at);
        }},
       {"slot",
        [&](const Json& x, const std::string& p) {
          *slot_ptr = p;
          uint32_t id = 0;
          HSMB_RETURN_IF_ERROR(r.ReadU32(x, p, 0, kU32Max, &id));
          out->slot = id;
          return OkStatus();
        }}},
      {"type"}));
  out->type = static_cast<FaultType>(type);
  if (out->type == FaultType::kVerifyFail && handle_ptr.empty()) {
    return r.Error(Child(ptr, "handle"), "required key is missing (verify_fail names a handle)");
  }
  if (out->type == FaultType::kPartitionFull && at_ptr.empty()) {
    return r.Error(Child(ptr, "at"), "required key is missing (partition_full names \"at\")");
  }
  if (out->type != FaultType::kVerifyFail && !handle_ptr.empty()) {
    return r.Error(handle_ptr, "only verify_fail faults take a handle");
  }
  if (out->type != FaultType::kPartitionFull && !at_ptr.empty()) {
    return r.Error(at_ptr, "only partition_full faults take \"at\"");
  }
  return OkStatus();
}

Status ReadSlot(const JsonReader& r, const Json& v, const std::string& ptr, Slot* out) {
  HSMB_RETURN_IF_ERROR(r.ReadObject(
      v, ptr,
      {{"id", [&](const Json& x, const std::string& p) {
          return r.ReadU32(x, p, 0, kU32Max, &out->id);
        }},
       {"user_partition",
        [&](const Json& x, const std::string& p) {
          out->user.emplace();
          return ReadUserPartition(r, x, p, &*out->user);
        }},
       {"backup_hsm",
        [&](const Json& x, const std::string& p) {
          out->backup.emplace();
          return ReadBackupHsm(r, x, p, &*out->backup);
        }}},
      {"id"}));
  if (out->user.has_value() == out->backup.has_value()) {
    return r.Error(ptr, out->user.has_value()
                            ? "has both \"user_partition\" and \"backup_hsm\" (want one)"
                            : "has neither \"user_partition\" nor \"backup_hsm\" (want one)");
  }
  return OkStatus();
}

Status ReadWorldRoot(const JsonReader& r, const Json& doc, World* w) {
  // A file that is not a world at all is best told so before anything else.
  if (doc.is_object()) {
    auto it = doc.find("format");
    if (it == doc.end()) return r.Error("/format", "required key is missing");
    const auto* s = it->get_ptr<const Json::string_t*>();
    if (s == nullptr || *s != kWorldFormat) {
      return r.Error("/format", s == nullptr ? "want the string " + Quote(kWorldFormat)
                                             : Quote(*s) + " is not " + Quote(kWorldFormat));
    }
  }
  w->default_domain = Secret(kDefaultDomain);
  std::vector<std::string> slot_ptrs;
  std::vector<std::string> fault_slot_ptrs;
  HSMB_RETURN_IF_ERROR(r.ReadObject(
      doc, "",
      {{"format", [](const Json&, const std::string&) { return OkStatus(); }},
       {"client",
        [&](const Json& x, const std::string& p) {
          return r.ReadObject(
              x, p,
              {{"version",
                [&](const Json& y, const std::string& q) {
                  return r.ReadVersion(y, q, &w->client);
                }},
               {"default_domain",
                [&](const Json& y, const std::string& q) {
                  return r.ReadSecret(y, q, kMaxSecretLength, &w->default_domain);
                }}},
              {"version"});
        }},
       {"clock",
        [&](const Json& x, const std::string& p) { return ReadClock(r, x, p, &w->clock); }},
       {"rng",
        [&](const Json& x, const std::string& p) {
          return r.ReadObject(
              x, p,
              {{"seed",
                [&](const Json& y, const std::string& q) {
                  return r.ReadU64(y, q, 0, kU64Max, &w->rng.seed);
                }},
               {"counter",
                [&](const Json& y, const std::string& q) {
                  return r.ReadU64(y, q, 0, kU64Max, &w->rng.counter);
                }}},
              {});
        }},
       {"slots",
        [&](const Json& x, const std::string& p) {
          HSMB_RETURN_IF_ERROR(
              r.ForEachElement(x, p, [&](const Json& e, const std::string& ep, size_t) {
                Slot slot;
                HSMB_RETURN_IF_ERROR(ReadSlot(r, e, ep, &slot));
                for (size_t i = 0; i < w->slots.size(); ++i) {
                  if (w->slots[i].id == slot.id) {
                    return r.Error(Child(ep, "id"), "slot " + std::to_string(slot.id) +
                                                        " is already defined at " + slot_ptrs[i]);
                  }
                }
                w->slots.push_back(std::move(slot));
                slot_ptrs.push_back(ep);
                return OkStatus();
              }));
          if (w->slots.empty()) return r.Error(p, "want at least one slot");
          return OkStatus();
        }},
       {"faults",
        [&](const Json& x, const std::string& p) {
          return r.ForEachElement(x, p, [&](const Json& e, const std::string& ep, size_t) {
            Fault f;
            std::string slot_ptr;
            HSMB_RETURN_IF_ERROR(ReadFault(r, e, ep, &f, &slot_ptr));
            w->faults.push_back(f);
            fault_slot_ptrs.push_back(slot_ptr);
            return OkStatus();
          });
        }}},
      {"format", "client", "clock", "slots"}));
  for (size_t i = 0; i < w->faults.size(); ++i) {
    const auto& slot = w->faults[i].slot;
    if (!slot.has_value()) continue;
    const Slot* s = w->FindSlot(*slot);
    if (s == nullptr) {
      return r.Error(fault_slot_ptrs[i], "there is no slot " + std::to_string(*slot));
    }
    if (!s->backup.has_value()) {
      return r.Error(fault_slot_ptrs[i],
                     "slot " + std::to_string(*slot) + " is not a backup HSM");
    }
  }
  std::stable_sort(w->slots.begin(), w->slots.end(),
                   [](const Slot& a, const Slot& b) { return a.id < b.id; });
  return OkStatus();
}

}  // namespace

Status ReadObjectBody(const JsonReader& r, const Json& v, const std::string& ptr,
                      const Members& extra, std::initializer_list<std::string_view> required,
                      ObjectBody* out) {
  bool has_value = false;
  bool has_size = false;
  Members members = extra;
  members.emplace_back("class", [&](const Json& x, const std::string& p) {
    int c = 0;
    HSMB_RETURN_IF_ERROR(r.ReadToken(
        x, p, {"data", "certificate", "public_key", "private_key", "secret_key"}, &c));
    out->object.object_class = static_cast<ObjectClass>(c);
    return OkStatus();
  });
  members.emplace_back("attributes", [&](const Json& x, const std::string& p) {
    return ReadAttributes(r, x, p, &out->object.attributes);
  });
  members.emplace_back("value", [&](const Json& x, const std::string& p) {
    has_value = true;
    Bytes value;
    HSMB_RETURN_IF_ERROR(r.ReadHex(x, p, 1, kMaxObjectValueBytes, true, &value));
    out->object.value = Secret(std::move(value));
    return OkStatus();
  });
  members.emplace_back("size", [&](const Json& x, const std::string& p) {
    has_size = true;
    uint64_t n = 0;
    HSMB_RETURN_IF_ERROR(r.ReadU64(x, p, 1, kMaxObjectValueBytes, &n));
    out->derived_size = n;
    return OkStatus();
  });
  HSMB_RETURN_IF_ERROR(r.ReadObject(v, ptr, members, required));
  if (has_value && has_size) {
    return r.Error(Child(ptr, "size"), "\"value\" and \"size\" exclude each other");
  }
  if (!has_value && !has_size) {
    return r.Error(Child(ptr, "value"), "required key is missing (give \"value\" or \"size\")");
  }
  return OkStatus();
}

}  // namespace world_internal

StatusOr<World> ParseWorld(std::string_view json_text, std::string_view origin) {
  using world_internal::Json;
  HSMB_ASSIGN_OR_RETURN(Json doc, world_internal::ParseJsonText(json_text, origin));
  World world;
  HSMB_RETURN_IF_ERROR(
      world_internal::ReadWorldRoot(world_internal::JsonReader(origin), doc, &world));
  return world;
}

StatusOr<World> ParseWorldDocument(const nlohmann::json& document, std::string_view origin) {
  // The reader walks an ordered document; a std::map document converts to
  // one in its own (sorted) key order, the order its dump would read back in.
  const world_internal::Json doc(document);
  World world;
  HSMB_RETURN_IF_ERROR(
      world_internal::ReadWorldRoot(world_internal::JsonReader(origin), doc, &world));
  return world;
}

}  // namespace hsmbackup
