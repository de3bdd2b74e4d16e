#include "hsmbackup/version.h"

#include <charconv>

namespace hsmbackup {
namespace {
bool ParseField(std::string_view s, int* out) {
  if (s.empty() || s.size() > 4) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}
}  // namespace

std::optional<Version> Version::Parse(std::string_view text) {
  Version v;
  size_t a = text.find('.');
  if (a == std::string_view::npos) return std::nullopt;
  size_t b = text.find('.', a + 1);
  std::string_view major = text.substr(0, a);
  std::string_view minor =
      text.substr(a + 1, b == std::string_view::npos ? std::string_view::npos : b - a - 1);
  if (!ParseField(major, &v.major) || !ParseField(minor, &v.minor)) {
    return std::nullopt;
  }
  if (b != std::string_view::npos && !ParseField(text.substr(b + 1), &v.patch)) {
    return std::nullopt;
  }
  return v;
}

std::string Version::ToString() const {
  return std::to_string(major) + "." + std::to_string(minor) + "." +
         std::to_string(patch);
}

}  // namespace hsmbackup
