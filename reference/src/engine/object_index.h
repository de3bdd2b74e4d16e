// The per-command lookups a backup or restore makes object by object: is
// this handle in use on the device, and where is the object with this OUID.
//
// Both are sized once from what the command can hold and cost a few bytes
// per object, where std::unordered_set/map cost a heap node each (about 96
// bytes per object for the two, more than a third of a 256-byte key; see
// bench/BENCHMARKS.md, "Scale"). Neither allocates in the per-object loop
// unless the command outgrows the size it was given.
#ifndef HSMBACKUP_ENGINE_OBJECT_INDEX_H_
#define HSMBACKUP_ENGINE_OBJECT_INDEX_H_

#include <algorithm>
#include <cstdint>
#include <optional>
#include <unordered_set>
#include <vector>

#include "hsmbackup/model.h"

namespace hsmbackup::engine {

// HandleSet is a set of object handles. Handles below `dense_limit` are one
// bit each; a world may script any 32-bit handle, and those above the limit
// go to a hash set, which stays empty in the usual case.
class HandleSet {
 public:
  explicit HandleSet(uint64_t dense_limit);
  bool contains(uint32_t h) const;
  void insert(uint32_t h);
  void erase(uint32_t h);

 private:
  std::vector<uint64_t> bits_;
  std::unordered_set<uint32_t> sparse_;
};

// DenseLimitFor is the HandleSet limit for a device whose allocator is
// `alloc` and that may hold `objects` objects during the command: enough to
// keep every handle the allocator will hand out in the bitmap, within a cap
// of 8 bytes of bitmap per object.
uint64_t DenseLimitFor(const HandleAllocator& alloc, size_t objects);

inline const Ouid& OuidOf(const Object& o) { return o.ouid; }
inline const Ouid& OuidOf(const BackupObject& o) { return o.object.ouid; }

// OuidIndex finds an element of `objects` (Object or BackupObject) by OUID,
// by position. Open addressing over 4-byte slots (position + 1, 0 = free),
// kept at most half full. The vector may grow while indexed; positions must
// stay valid (elements are appended or replaced, never erased).
template <typename T>
class OuidIndex {
 public:
  // Indexes every element already there (a repeated OUID: the last one),
  // with room for `capacity` elements in all before the table grows.
  OuidIndex(const std::vector<T>* objects, size_t capacity) : objects_(objects) {
    Reserve(std::max(capacity, objects->size()));
    for (size_t i = 0; i < objects->size(); ++i) Add(i);
  }

  std::optional<size_t> Find(const Ouid& ouid) const { return Look(ouid).position; }

  // Probe is what Look found for an OUID: the position indexed under it, or
  // none and the free slot where it would go.
  struct Probe {
    std::optional<size_t> position;
    size_t free_slot = 0;
  };
  Probe Look(const Ouid& ouid) const {
    for (size_t s = Home(ouid);; s = (s + 1) & mask_) {
      if (slots_[s] == 0) return {std::nullopt, s};
      if (OuidOf((*objects_)[slots_[s] - 1]) == ouid) return {slots_[s] - 1, 0};
    }
  }

  // AddAt is Add for an element whose OUID `probe`, the last Look, found
  // unindexed, with no Add since: it takes the slot found rather than
  // hashing and probing again (unless the table must grow first).
  void AddAt(const Probe& probe, size_t position) {
    if (probe.position || 2 * (count_ + 1) > slots_.size()) return Add(position);
    slots_[probe.free_slot] = static_cast<uint32_t>(position + 1);
    ++count_;
  }

  // Add indexes (*objects)[position] under its OUID, replacing whatever
  // position that OUID had.
  void Add(size_t position) {
    if (2 * (count_ + 1) > slots_.size()) Reserve(count_ + 1);
    const Ouid& ouid = OuidOf((*objects_)[position]);
    for (size_t s = Home(ouid);; s = (s + 1) & mask_) {
      if (slots_[s] == 0) {
        slots_[s] = static_cast<uint32_t>(position + 1);
        ++count_;
        return;
      }
      if (OuidOf((*objects_)[slots_[s] - 1]) == ouid) {
        slots_[s] = static_cast<uint32_t>(position + 1);
        return;
      }
    }
  }

 private:
  size_t Home(const Ouid& ouid) const { return OuidHash{}(ouid) & mask_; }

  // Reserve makes room for `n` entries at most half full, re-placing those held.
  void Reserve(size_t n) {
    size_t size = 16;
    while (size < 2 * n) size *= 2;
    if (size <= slots_.size()) return;
    std::vector<uint32_t> old = std::move(slots_);
    slots_.assign(size, 0);
    mask_ = size - 1;
    for (uint32_t v : old) {
      if (v == 0) continue;
      size_t s = Home(OuidOf((*objects_)[v - 1]));
      while (slots_[s] != 0) s = (s + 1) & mask_;
      slots_[s] = v;
    }
  }

  const std::vector<T>* objects_;
  std::vector<uint32_t> slots_;
  size_t mask_ = 0;
  size_t count_ = 0;
};

}  // namespace hsmbackup::engine

#endif  // HSMBACKUP_ENGINE_OBJECT_INDEX_H_
