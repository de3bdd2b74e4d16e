// Typed, non-throwing readers over a parsed document.
#include <string>

#include "hsmbackup/env.h"
#include "world/world_internal.h"

namespace hsmbackup::world_internal {
namespace {

const char* TypeName(const Json& v) {
  switch (v.type()) {
    case Json::value_t::null: return "null";
    case Json::value_t::object: return "an object";
    case Json::value_t::array: return "an array";
    case Json::value_t::string: return "a string";
    case Json::value_t::boolean: return "a boolean";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned: return "an integer";
    case Json::value_t::number_float: return "a fractional number";
    default: return "something else";
  }
}

}  // namespace

bool IsPrintableAscii(std::string_view s) {
  for (char c : s) {
    if (c < 0x20 || c > 0x7E) return false;
  }
  return true;
}

Status JsonReader::Error(const std::string& ptr, std::string_view why) const {
  return Status(Ckr::kDataInvalid,
                origin_ + ": " + (ptr.empty() ? std::string("(root)") : ptr) + ": " +
                    std::string(why));
}

Status JsonReader::ReadObject(const Json& v, const std::string& ptr, const Members& members,
                              std::initializer_list<std::string_view> required) const {
  if (!v.is_object()) return Error(ptr, std::string("want an object, got ") + TypeName(v));
  for (auto it = v.begin(); it != v.end(); ++it) {
    const MemberFn* fn = nullptr;
    for (const auto& [name, handler] : members) {
      if (name == it.key()) fn = &handler;
    }
    std::string child = Child(ptr, it.key());
    if (fn == nullptr) return Error(child, "unknown key");
    HSMB_RETURN_IF_ERROR((*fn)(it.value(), child));
  }
  for (std::string_view name : required) {
    if (!v.contains(std::string(name))) return Error(Child(ptr, name), "required key is missing");
  }
  return OkStatus();
}

Status JsonReader::ForEachElement(
    const Json& v, const std::string& ptr,
    const std::function<Status(const Json&, const std::string&, size_t)>& fn) const {
  if (!v.is_array()) return Error(ptr, std::string("want an array, got ") + TypeName(v));
  for (size_t i = 0; i < v.size(); ++i) {
    HSMB_RETURN_IF_ERROR(fn(v[i], Child(ptr, i), i));
  }
  return OkStatus();
}

Status JsonReader::ReadText(const Json& v, const std::string& ptr, size_t min, size_t max,
                            bool printable, std::string* out) const {
  const auto* s = v.get_ptr<const Json::string_t*>();
  if (s == nullptr) return Error(ptr, std::string("want a string, got ") + TypeName(v));
  if (s->size() < min) {
    return Error(ptr, min == 1 ? std::string("must not be empty")
                               : "shorter than " + std::to_string(min) + " characters");
  }
  if (s->size() > max) {
    return Error(ptr, Quote(*s) + " is longer than " + std::to_string(max) + " characters");
  }
  if (printable && !IsPrintableAscii(*s)) {
    return Error(ptr, Quote(*s) + " has a character outside printable ASCII");
  }
  *out = *s;
  return OkStatus();
}

Status JsonReader::ReadSecret(const Json& v, const std::string& ptr, size_t max,
                              Secret* out) const {
  const auto* s = v.get_ptr<const Json::string_t*>();
  if (s == nullptr) return Error(ptr, std::string("want a string, got ") + TypeName(v));
  if (s->empty()) return Error(ptr, "must not be empty");
  if (s->size() > max) {
    return Error(ptr, "longer than " + std::to_string(max) + " bytes (value not shown)");
  }
  *out = Secret(*s);
  return OkStatus();
}

Status JsonReader::ReadSerial(const Json& v, const std::string& ptr, std::string* out) const {
  std::string s;
  HSMB_RETURN_IF_ERROR(ReadText(v, ptr, 1, kMaxSerialLength, true, &s));
  for (char c : s) {
    if (c < '0' || c > '9') return Error(ptr, Quote(s) + " is not a string of digits");
  }
  *out = std::move(s);
  return OkStatus();
}

Status JsonReader::ReadVersion(const Json& v, const std::string& ptr, Version* out) const {
  std::string s;
  HSMB_RETURN_IF_ERROR(ReadText(v, ptr, 0, 64, false, &s));
  auto parsed = Version::Parse(s);
  if (!parsed) return Error(ptr, Quote(s) + " is not a version (want M.m.p)");
  *out = *parsed;
  return OkStatus();
}

Status JsonReader::ReadTime(const Json& v, const std::string& ptr, int64_t* out) const {
  std::string s;
  HSMB_RETURN_IF_ERROR(ReadText(v, ptr, 0, 64, false, &s));
  auto parsed = ParseIso8601(s);
  if (!parsed) {
    return Error(ptr, Quote(s) + " is not a UTC time (want YYYY-MM-DDTHH:MM:SSZ)");
  }
  *out = *parsed;
  return OkStatus();
}

Status JsonReader::ReadBool(const Json& v, const std::string& ptr, bool* out) const {
  const auto* b = v.get_ptr<const Json::boolean_t*>();
  if (b == nullptr) return Error(ptr, std::string("want true or false, got ") + TypeName(v));
  *out = *b;
  return OkStatus();
}

Status JsonReader::ReadU64(const Json& v, const std::string& ptr, uint64_t min, uint64_t max,
                           uint64_t* out) const {
  // get_ptr of number_integer_t also answers for unsigned values, so the
  // type decides which pointer to ask for.
  std::string range = " (want " + std::to_string(min) + ".." + std::to_string(max) + ")";
  if (v.type() == Json::value_t::number_integer) {
    return Error(ptr, std::to_string(*v.get_ptr<const Json::number_integer_t*>()) +
                          " is out of range" + range);
  }
  const auto* u = v.get_ptr<const Json::number_unsigned_t*>();
  if (u == nullptr || v.type() != Json::value_t::number_unsigned) {
    return Error(ptr, std::string("want a whole number, got ") + TypeName(v));
  }
  if (*u < min || *u > max) return Error(ptr, std::to_string(*u) + " is out of range" + range);
  *out = *u;
  return OkStatus();
}

Status JsonReader::ReadU32(const Json& v, const std::string& ptr, uint32_t min, uint32_t max,
                           uint32_t* out) const {
  uint64_t wide = 0;
  HSMB_RETURN_IF_ERROR(ReadU64(v, ptr, min, max, &wide));
  *out = static_cast<uint32_t>(wide);
  return OkStatus();
}

Status JsonReader::ReadHex(const Json& v, const std::string& ptr, size_t min, size_t max,
                           bool secret, Bytes* out) const {
  const auto* s = v.get_ptr<const Json::string_t*>();
  if (s == nullptr) return Error(ptr, std::string("want a hex string, got ") + TypeName(v));
  std::string shown = secret ? std::string("the value") : Quote(*s);
  Bytes raw;
  if (s->size() % 2 != 0) {
    return Error(ptr, shown + " has an odd number of hex digits (" +
                          std::to_string(s->size()) + ")");
  }
  if (!HexDecode(*s, &raw)) return Error(ptr, shown + " has a character that is not hex");
  if (raw.size() < min || raw.size() > max) {
    std::string want = min == max ? std::to_string(min)
                                  : std::to_string(min) + ".." + std::to_string(max);
    return Error(ptr, shown + " is " + std::to_string(raw.size()) + " bytes (want " + want +
                          ")");
  }
  *out = std::move(raw);
  return OkStatus();
}

Status JsonReader::ReadOuid(const Json& v, const std::string& ptr, Ouid* out) const {
  Bytes raw;
  HSMB_RETURN_IF_ERROR(ReadHex(v, ptr, 12, 12, false, &raw));
  std::copy(raw.begin(), raw.end(), out->bytes.begin());
  return OkStatus();
}

Status JsonReader::ReadToken(const Json& v, const std::string& ptr,
                             std::initializer_list<std::string_view> tokens, int* out) const {
  const auto* s = v.get_ptr<const Json::string_t*>();
  if (s == nullptr) return Error(ptr, std::string("want a string, got ") + TypeName(v));
  std::string want;
  int index = 0;
  for (std::string_view t : tokens) {
    if (t == *s) {
      *out = index;
      return OkStatus();
    }
    want += (index == 0 ? "" : ", ") + Quote(t);
    ++index;
  }
  return Error(ptr, Quote(*s) + " is not one of " + want);
}

Status JsonReader::ReadHandles(const Json& v, const std::string& ptr, bool* has_next,
                               HandleAllocator* out) const {
  constexpr uint32_t kMax = std::numeric_limits<uint32_t>::max();
  *has_next = false;
  return ReadObject(
      v, ptr,
      {{"next",
        [&](const Json& n, const std::string& p) {
          *has_next = true;
          return ReadU32(n, p, 0, kMax, &out->next);
        }},
       {"queue",
        [&](const Json& q, const std::string& p) {
          out->queue.clear();
          return ForEachElement(q, p, [&](const Json& e, const std::string& ep, size_t) {
            uint32_t h = 0;
            HSMB_RETURN_IF_ERROR(ReadU32(e, ep, 1, kMax, &h));
            out->queue.push_back(h);
            return OkStatus();
          });
        }}},
      {});
}

}  // namespace hsmbackup::world_internal
