// Dotted versions: firmware (7.7.1, 6.28.0) and client (10.3.0).
#ifndef HSMBACKUP_VERSION_H_
#define HSMBACKUP_VERSION_H_

#include <compare>
#include <optional>
#include <string>
#include <string_view>

namespace hsmbackup {

// Version is major.minor.patch; comparisons are numeric, field by field.
struct Version {
  int major = 0;
  int minor = 0;
  int patch = 0;

  // Parse accepts "M.m.p" or "M.m" (patch 0), each field 0..9999 in decimal
  // digits; anything else is nullopt.
  static std::optional<Version> Parse(std::string_view text);
  std::string ToString() const;

  auto operator<=>(const Version&) const = default;
};

}  // namespace hsmbackup

#endif  // HSMBACKUP_VERSION_H_
