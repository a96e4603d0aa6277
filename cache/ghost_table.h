// Copyright 2026 The gogocache Authors.
//
// GhostTable: keys a shard evicted recently, each with the time (in the
// shard's access count) it was last used, so that a key coming back can be
// told apart from a new one. The LIRS policy uses it for the non-resident
// blocks of its recency stack (Jiang and Zhang, "LIRS: An Efficient Low
// Inter-reference Recency Set Replacement Policy", SIGMETRICS 2002).
//
// Bounded: sets of kWays slots of 8 bytes (32-bit key hash, 32-bit time),
// at least two slots per entry of the shard, rounded up to a power of two
// (16 to 32 bytes per entry). A full set forgets its longest-unused key.
// Keys are known by their 32-bit hash only, so two keys with the same hash
// are taken for one; for a replacement policy that costs at most a wrong
// guess about one key.
//
// Times are 32-bit access counts compared by age (now - time), so they wrap
// safely as long as the ages compared stay below 2^32 accesses. Time 0 marks
// an empty slot; the caller never uses it.
//
// Thread safety: none; the owning shard calls it under its writer lock.

#ifndef GOGOCACHE_CACHE_GHOST_TABLE_H_
#define GOGOCACHE_CACHE_GHOST_TABLE_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace gogocache {

class GhostTable {
 public:
  static constexpr size_t kWays = 4;

  GhostTable() = default;

  // Sizes the table for a shard of `entries` entries (grows only), keeping
  // what it holds; `now` is the current time.
  void EnsureCapacity(size_t entries, uint32_t now);

  // Remembers that the key with this hash left the shard, last used at
  // `time` (not 0).
  void Insert(uint32_t hash, uint32_t time, uint32_t now);

  // If the key with this hash is remembered, forgets it and returns true with
  // the time it was last used in `*time`.
  bool Take(uint32_t hash, uint32_t* time);

  size_t slots() const { return slots_.size(); }

 private:
  struct Slot {
    uint32_t hash;
    uint32_t time;  // 0: empty.
  };

  Slot* SetOf(uint32_t hash);

  std::vector<Slot> slots_;
  size_t set_mask_ = 0;  // Sets - 1.
};

}  // namespace gogocache

#endif  // GOGOCACHE_CACHE_GHOST_TABLE_H_
