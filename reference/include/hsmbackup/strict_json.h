// The one strict JSON reader every JSON input of the reference goes through
// (world files, `serve` protocol lines, the world inside a `load`).
#ifndef HSMBACKUP_STRICT_JSON_H_
#define HSMBACKUP_STRICT_JSON_H_

#include <cstddef>
#include <string_view>

#include <nlohmann/json.hpp>

#include "hsmbackup/status.h"

namespace hsmbackup {

// ParseStrictJson parses `text` as exactly one JSON value (RFC 8259) with
// nothing after it but white space, and refuses, as CKR_DATA_INVALID:
//   - a UTF-8 byte order mark, and a NUL byte anywhere;
//   - a duplicate key in any object;
//   - arrays and objects nested more than `max_depth` levels deep (checked
//     while parsing, so a document a million levels deep costs no stack
//     and no more memory than `max_depth` levels).
// Messages start with `origin` and name a byte offset, line and column, or
// a JSON pointer ("(root)" for the document); they never quote the input.
StatusOr<nlohmann::json> ParseStrictJson(std::string_view text, std::string_view origin,
                                         size_t max_depth);

}  // namespace hsmbackup

#endif  // HSMBACKUP_STRICT_JSON_H_
