// Internals of the world file reader and writer (world_io.h).
//
// JsonReader walks a parsed document and turns every problem into
// CKR_DATA_INVALID "<origin>: <json pointer>: <why>". Values of secret fields
// never reach a message: ReadSecret and ReadHex(secret=true) describe
// what is wrong without quoting the value.
#ifndef HSMBACKUP_SRC_WORLD_WORLD_INTERNAL_H_
#define HSMBACKUP_SRC_WORLD_WORLD_INTERNAL_H_

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "hsmbackup/model.h"
#include "hsmbackup/secret.h"
#include "hsmbackup/status.h"
#include "hsmbackup/version.h"

namespace hsmbackup::world_internal {

// Json keeps members in document order, so "first problem in document
// order" and the canonical key order of the writer both hold.
using Json = nlohmann::ordered_json;

// Bounds the schema adds to those of model.h.
inline constexpr size_t kMaxSecretLength = 128;    // domains, PED domains
inline constexpr size_t kMaxPasswordLength = kMaxPasswordBytes;  // model.h
inline constexpr size_t kMaxSerialLength = 20;
inline constexpr size_t kMaxBlobBytes = 1 << 20;   // sealed / smk_blob sanity
inline constexpr size_t kMaxNesting = 64;
inline constexpr uint32_t kMaxCoLockoutThreshold = 10;
inline constexpr std::string_view kDefaultDomain = "defaultdomain";
inline constexpr std::string_view kTimeFormat = "%Y-%m-%dT%H:%M:%SZ";

// ParseJsonText parses strict JSON (one value, nothing after it but white
// space) and also rejects duplicate keys and nesting deeper than kMaxNesting.
// Syntax errors name the byte offset, line and column, never the text.
StatusOr<Json> ParseJsonText(std::string_view text, std::string_view origin);

// DeriveObjectValue is the value a "size"-only object has: `size` bytes of
// SplitMix64 output seeded from the OUID (WORLD-FORMAT.md gives the steps).
Bytes DeriveObjectValue(const Ouid& ouid, size_t size);

// DefaultNextHandle is what "handles.next" means when it is absent: one past
// the largest handle in use, 1 when none, 0 (exhausted) after 4294967295.
uint32_t DefaultNextHandle(const std::vector<uint32_t>& handles_in_use);

// Child extends a JSON pointer (RFC 6901) by a key or an index.
std::string Child(const std::string& ptr, std::string_view key);
std::string Child(const std::string& ptr, size_t index);

// IsPrintableAscii is true when every byte is in 0x20..0x7E.
bool IsPrintableAscii(std::string_view s);

// Quote renders a non-secret string for a message: JSON-escaped, shortened.
std::string Quote(std::string_view text);

// A member handler reads one value; it gets the value and its pointer.
using MemberFn = std::function<Status(const Json&, const std::string&)>;
using Members = std::vector<std::pair<std::string_view, MemberFn>>;

// JsonReader holds the origin and offers the typed readers.
class JsonReader {
 public:
  explicit JsonReader(std::string_view origin) : origin_(origin) {}

  Status Error(const std::string& ptr, std::string_view why) const;

  // ReadObject checks that `v` is an object, calls the handler of each
  // member in document order (a key without a handler is an error), then
  // reports the first of `required` that is missing.
  Status ReadObject(const Json& v, const std::string& ptr, const Members& members,
                    std::initializer_list<std::string_view> required) const;
  // ForEachElement checks that `v` is an array and calls `fn` per element.
  Status ForEachElement(const Json& v, const std::string& ptr,
                        const std::function<Status(const Json&, const std::string&,
                                                   size_t)>& fn) const;

  Status ReadText(const Json& v, const std::string& ptr, size_t min, size_t max,
                  bool printable, std::string* out) const;
  Status ReadLabel(const Json& v, const std::string& ptr, std::string* out) const {
    return ReadText(v, ptr, 1, kMaxLabelLength, true, out);
  }
  Status ReadSecret(const Json& v, const std::string& ptr, size_t max,
                    Secret* out) const;
  Status ReadSerial(const Json& v, const std::string& ptr, std::string* out) const;
  Status ReadVersion(const Json& v, const std::string& ptr, Version* out) const;
  Status ReadTime(const Json& v, const std::string& ptr, int64_t* out) const;
  Status ReadBool(const Json& v, const std::string& ptr, bool* out) const;
  Status ReadU64(const Json& v, const std::string& ptr, uint64_t min, uint64_t max,
                 uint64_t* out) const;
  Status ReadU32(const Json& v, const std::string& ptr, uint32_t min, uint32_t max,
                 uint32_t* out) const;
  // ReadHex decodes hex of min..max bytes; a secret's digits are never quoted.
  Status ReadHex(const Json& v, const std::string& ptr, size_t min, size_t max,
                 bool secret, Bytes* out) const;
  Status ReadOuid(const Json& v, const std::string& ptr, Ouid* out) const;
  // ReadToken maps one of `tokens` to its index.
  Status ReadToken(const Json& v, const std::string& ptr,
                   std::initializer_list<std::string_view> tokens, int* out) const;
  Status ReadHandles(const Json& v, const std::string& ptr, bool* has_next,
                     HandleAllocator* out) const;

 private:
  std::string origin_;
};

// Readers of the schema's parts (world_read_*.cc).
Status ReadUserPartition(const JsonReader& r, const Json& v, const std::string& ptr,
                         UserPartition* out);
Status ReadBackupHsm(const JsonReader& r, const Json& v, const std::string& ptr,
                     BackupHsm* out);

// ObjectBody is an object's class, attributes and value, read from either a
// user partition's object or a backup object's "object"; `extra` are the
// members the caller reads itself (handle, ouid, label). A "size" cannot be
// turned into a value before the OUID is known, so it is left in
// derived_size for the caller (value stays empty).
struct ObjectBody {
  Object object;
  size_t derived_size = 0;
};
Status ReadObjectBody(const JsonReader& r, const Json& v, const std::string& ptr,
                      const Members& extra, std::initializer_list<std::string_view> required,
                      ObjectBody* out);

}  // namespace hsmbackup::world_internal

#endif  // HSMBACKUP_SRC_WORLD_WORLD_INTERNAL_H_
