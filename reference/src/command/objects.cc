// The -objects value (OPT-OBJECTS-FORMS, OPT-OBJECTS-INVALID).
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "command/internal.h"
#include "hsmbackup/command.h"

namespace hsmbackup {
namespace {

using command_internal::Printable;

Status ObjectsError(std::string_view problem, std::string_view list) {
  return Status(Ckr::kArgumentsBad, "-objects: " + std::string(problem) +
                                        " in list '" + Printable(list, 64) + "'");
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

StatusOr<ObjectSelection> ParseObjectList(std::string_view text) {
  if (text.empty()) {
    return Status(Ckr::kArgumentsBad,
                  "-objects: empty value (want a handle, 0, all or a list "
                  "like 3,4,6)");
  }
  if (command_internal::ToLower(text) == "all") return ObjectSelection{};

  ObjectSelection selection;
  selection.all = false;
  std::set<uint32_t> seen;
  size_t elements = 0;
  size_t pos = 0;
  while (true) {
    const size_t comma = text.find(',', pos);
    const std::string_view item =
        text.substr(pos, comma == std::string_view::npos ? std::string_view::npos
                                                         : comma - pos);
    ++elements;
    if (item.empty()) return ObjectsError("empty handle", text);
    for (char c : item) {
      if (c == '+' || c == '-') {
        return ObjectsError("signed handle '" + Printable(item) +
                                "' (handles are unsigned decimal numbers)",
                            text);
      }
      if (c == ' ' || c == '\t') return ObjectsError("space", text);
      if (!IsDigit(c)) {
        return ObjectsError("'" + Printable(item) + "' is not a decimal handle",
                            text);
      }
    }
    uint64_t value = 0;
    for (char c : item) {
      value = value * 10 + static_cast<uint64_t>(c - '0');
      if (value > UINT32_MAX) {
        return ObjectsError("handle '" + Printable(item) +
                                "' is larger than 4294967295",
                            text);
      }
    }
    const auto handle = static_cast<uint32_t>(value);
    if (!seen.insert(handle).second) {
      return ObjectsError("duplicate handle " + std::to_string(handle), text);
    }
    selection.handles.push_back(handle);
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  if (seen.count(0) != 0) {
    if (elements == 1) return ObjectSelection{};  // "0" (or "00"): every object
    return ObjectsError("handle 0 (which means every object and must stand "
                        "alone)",
                        text);
  }
  return selection;
}

}  // namespace hsmbackup
