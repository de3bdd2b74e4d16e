// The injected environment: randomness and handle allocation.
//
// Nothing in the reference reads the system clock or /dev/urandom. The clock
// is World::clock, randomness comes from an Rng, and handles from a
// HandleAllocator, all stored in the World, so runs replay byte for byte.
// The reference is an emulator: its keys are deterministic by design and must
// never protect anything real.
#ifndef HSMBACKUP_ENV_H_
#define HSMBACKUP_ENV_H_

#include <cstdint>
#include <functional>
#include <limits>
#include <span>
#include <string>

#include "hsmbackup/model.h"
#include "hsmbackup/status.h"

namespace hsmbackup {

// Rng fills buffers with bytes. Implementations need not be thread-safe.
class Rng {
 public:
  virtual ~Rng() = default;
  virtual void Fill(std::span<uint8_t> out) = 0;
};

// DeterministicRng is SplitMix64 over (seed, counter), advancing the counter
// stored in `state` (which must outlive it) so that a saved world resumes the
// same stream.
class DeterministicRng final : public Rng {
 public:
  explicit DeterministicRng(RngState* state) : state_(state) {}
  void Fill(std::span<uint8_t> out) override;

 private:
  RngState* state_;
};

// AllocateHandle returns the next handle of `alloc` for which `in_use(h)`
// (any callable taking a uint32_t and returning bool) is false, consuming it
// (queued handles first, then next, next+1, ...). Fails with
// CKR_DEVICE_MEMORY if the 32-bit handle space is exhausted. A template, so
// the clone loop's check inlines rather than going through a std::function
// per object.
template <typename InUse>
StatusOr<uint32_t> AllocateHandle(HandleAllocator& alloc, const InUse& in_use) {
  while (!alloc.queue.empty()) {
    const uint32_t h = alloc.queue.front();
    alloc.queue.erase(alloc.queue.begin());
    if (h != 0 && !in_use(h)) return h;
  }
  while (alloc.next != 0) {
    const uint32_t h = alloc.next;
    alloc.next = h == std::numeric_limits<uint32_t>::max() ? 0 : h + 1;
    if (!in_use(h)) return h;
  }
  return Status(Ckr::kDeviceMemory, "no object handles left on this device");
}

// FormatUtc renders seconds since the epoch with a strftime pattern in UTC.
std::string FormatUtc(int64_t seconds, const char* pattern);
// ParseIso8601 accepts "YYYY-MM-DDTHH:MM:SSZ" (UTC only).
std::optional<int64_t> ParseIso8601(std::string_view text);

}  // namespace hsmbackup

#endif  // HSMBACKUP_ENV_H_
