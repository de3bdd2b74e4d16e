// Lenient readers of an observed state (PROTOCOL.md `observe`) for the
// judges: a field that is missing or of another type reads as empty or 0,
// since the state's shape is checked before any judge runs.
#ifndef HSMBACKUP_CONFORMANCE_MODEL_OBSERVED_H_
#define HSMBACKUP_CONFORMANCE_MODEL_OBSERVED_H_

#include <cstdint>
#include <string>

#include "conformance/model.h"

namespace hsmbackup::conformance::model {

inline std::string Str(const Json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}

inline uint64_t U64(const Json& j, const char* key) {
  return j.contains(key) && j[key].is_number_unsigned() ? j[key].get<uint64_t>() : 0;
}

// SlotOf is the observed slot with id `id`, or null.
inline const Json* SlotOf(const Json& observed, long id) {
  if (!observed.contains("slots") || !observed["slots"].is_array()) return nullptr;
  for (const Json& s : observed["slots"]) {
    if (s.value("id", -1L) == id) return &s;
  }
  return nullptr;
}

}  // namespace hsmbackup::conformance::model

#endif  // HSMBACKUP_CONFORMANCE_MODEL_OBSERVED_H_
