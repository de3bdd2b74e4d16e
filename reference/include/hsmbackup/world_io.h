// Loading and saving worlds as JSON (schema: reference/WORLD-FORMAT.md).
//
// LoadWorld validates everything and reports the first problem with the file
// name, the JSON path and why, as CKR_DATA_INVALID (or CKR_GENERAL_ERROR when
// the file cannot be read). SaveWorld writes atomically: a temporary file in
// the same directory, fsync, rename, fsync of the directory; an interrupted
// save never leaves a torn file.
#ifndef HSMBACKUP_WORLD_IO_H_
#define HSMBACKUP_WORLD_IO_H_

#include <string>
#include <string_view>

#include "hsmbackup/model.h"
#include "hsmbackup/status.h"

namespace hsmbackup {

inline constexpr std::string_view kWorldFormat = "hsmbackup-world/1";

// ParseWorld reads a world from JSON text; `origin` names the source in
// error messages (a file name, or "<string>").
StatusOr<World> ParseWorld(std::string_view json_text, std::string_view origin);
StatusOr<World> LoadWorld(const std::string& path);

// WorldToJson renders a world canonically (stable key order, 2-space
// indent, trailing newline): ParseWorld(WorldToJson(w)) == w.
std::string WorldToJson(const World& world);
Status SaveWorld(const World& world, const std::string& path);

}  // namespace hsmbackup

#endif  // HSMBACKUP_WORLD_IO_H_
