#include "engine/object_index.h"

#include <algorithm>

namespace hsmbackup::engine {
HandleSet::HandleSet(uint64_t dense_limit) : bits_((dense_limit + 63) / 64, 0) {}

[[gnu::hot]] bool HandleSet::contains(uint32_t h) const {
  if (h / 64 < bits_.size()) return (bits_[h / 64] >> (h % 64)) & 1;
  return sparse_.count(h) != 0;
}

[[gnu::hot]] void HandleSet::insert(uint32_t h) {
  if (h / 64 < bits_.size()) {
    bits_[h / 64] |= uint64_t{1} << (h % 64);
  } else {
    sparse_.insert(h);
  }
}

void HandleSet::erase(uint32_t h) {
  if (h / 64 < bits_.size()) {
    bits_[h / 64] &= ~(uint64_t{1} << (h % 64));
  } else {
    sparse_.erase(h);
  }
}

// The allocator hands out queued handles, then next, next+1, ... skipping
// those in use: with `objects` held at most, every handle it returns during
// the command is below next + objects + 1, or is a queued one. The bitmap is
// capped at 8 bytes per object, so a world that scripts handles near 2^32
// costs a few hash-set entries rather than half a gigabyte of bits.
uint64_t DenseLimitFor(const HandleAllocator& alloc, size_t objects) {
  uint64_t limit = uint64_t{alloc.next} + objects + 1;
  for (uint32_t q : alloc.queue) limit = std::max<uint64_t>(limit, uint64_t{q} + 1);
  return std::min<uint64_t>(limit, 64 * (uint64_t{objects} + 1) + 4096);
}

}  // namespace hsmbackup::engine
