#include "hsmbackup/env.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <ctime>
#include <cstdio>
#include <limits>

namespace hsmbackup {

// SplitMix64: a counter-based generator, so the stream is a pure function
// of (seed, counter) and a saved world resumes it exactly. Each output word
// gives its bytes low byte first; whole words are stored with one
// constant-size copy (a nonce per object is one and a half words).
[[gnu::hot]] void DeterministicRng::Fill(std::span<uint8_t> out) {
  const uint64_t seed = state_->seed;
  uint64_t counter = state_->counter;
  auto next = [&] {
    uint64_t z = seed + 0x9E3779B97F4A7C15ULL * (++counter);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  };
  uint8_t* p = out.data();
  size_t n = out.size();
  for (; n >= 8; n -= 8, p += 8) {
    const uint64_t z = next();
    if constexpr (std::endian::native == std::endian::little) {
      std::memcpy(p, &z, 8);
    } else {
      for (size_t b = 0; b < 8; ++b) p[b] = static_cast<uint8_t>(z >> (8 * b));
    }
  }
  if (n > 0) {
    uint64_t z = next();
    if (n >= 4) {  // a nonce's last four bytes: one constant-size store
      const uint32_t low = static_cast<uint32_t>(z);
      if constexpr (std::endian::native == std::endian::little) {
        std::memcpy(p, &low, 4);
      } else {
        for (size_t b = 0; b < 4; ++b) p[b] = static_cast<uint8_t>(low >> (8 * b));
      }
      z >>= 32;
      p += 4;
      n -= 4;
    }
    for (size_t b = 0; b < n; ++b) p[b] = static_cast<uint8_t>(z >> (8 * b));
  }
  state_->counter = counter;
}

std::string FormatUtc(int64_t seconds, const char* pattern) {
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  size_t n = std::strftime(buf, sizeof(buf), pattern, &tm);
  return std::string(buf, n);
}

std::optional<int64_t> ParseIso8601(std::string_view text) {
  if (text.size() != 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' ||
      text[13] != ':' || text[16] != ':' || text[19] != 'Z') {
    return std::nullopt;
  }
  auto num = [&](size_t pos, size_t len, int* out) {
    int v = 0;
    for (size_t i = pos; i < pos + len; ++i) {
      if (text[i] < '0' || text[i] > '9') return false;
      v = v * 10 + (text[i] - '0');
    }
    *out = v;
    return true;
  };
  std::tm tm{};
  int y, mo, d, h, mi, s;
  if (!num(0, 4, &y) || !num(5, 2, &mo) || !num(8, 2, &d) || !num(11, 2, &h) ||
      !num(14, 2, &mi) || !num(17, 2, &s)) {
    return std::nullopt;
  }
  if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) {
    return std::nullopt;
  }
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  int64_t t = static_cast<int64_t>(timegm(&tm));
  // Reject dates that timegm normalised (e.g. February 30).
  if (FormatUtc(t, "%Y-%m-%dT%H:%M:%SZ") != text) return std::nullopt;
  return t;
}

}  // namespace hsmbackup
