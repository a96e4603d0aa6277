// Copyright 2026 The gogocache Authors.
//
// HashLru: an exact LRU over 32-bit key hashes, holding no values: it answers
// whether an access would have hit an LRU cache of a given number of entries.
// WindowSizer runs one over a sample of a shard's keys to duel against LRU
// (cache/window_sizer.h).
//
// The recency list is threaded through the hash table itself: each slot of
// an open-addressed table (linear probing, at most half full) holds a key
// and the 32-bit indices of its list neighbours, so an access costs one probe
// and the writes to its neighbours' slots, with no separate node to reach.
// That is hand-written rather than an absl::flat_hash_map from hash to a
// node, which cost a probe of the map and then a second random access for
// the node: the duel runs on every sampled hit, inside the shard's writer
// lock. 12-byte slots, the table at most half full (24 to 48 bytes per
// entry as it grows by doubling), and no allocation once it has grown to the
// largest capacity asked for.
//
// Thread safety: none; the owning shard calls it under its writer lock.

#ifndef GOGOCACHE_CACHE_HASH_LRU_H_
#define GOGOCACHE_CACHE_HASH_LRU_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace gogocache {

class HashLru {
 public:
  HashLru() { Reset(kMinSlots); }

  // Records an access of the key with this hash, as the most recent, and
  // returns whether it was held; then forgets the least recent keys beyond
  // `capacity` (at least 1).
  bool Access(uint32_t hash, size_t capacity);

  size_t size() const { return size_; }

 private:
  struct Slot {
    uint32_t hash;
    uint32_t prev;  // Towards the most recent; the sentinel ends the list.
    uint32_t next;  // Towards the least recent; kFree marks an empty slot.
  };
  static constexpr uint32_t kFree = UINT32_MAX;
  static constexpr size_t kMinSlots = 16;

  // The sentinel follows the table: its next is the most recent key, its
  // prev the least recent.
  uint32_t sentinel() const { return static_cast<uint32_t>(mask_ + 1); }
  uint32_t Home(uint32_t hash) const {
    return static_cast<uint32_t>((hash * 0x9E3779B97F4A7C15ULL) >> 32) &
           static_cast<uint32_t>(mask_);
  }
  // The slot holding `hash`, or the empty slot where it would go.
  uint32_t Probe(uint32_t hash) const;
  void Unlink(uint32_t slot);
  void LinkFront(uint32_t slot);
  // Empties `slot`, moving later keys of its probe run back into the gap
  // (and their neighbours' links with them).
  void Erase(uint32_t slot);
  // An empty table of `table` slots (a power of two) and the sentinel.
  void Reset(size_t table);
  // Twice the slots, the list's order kept.
  void Grow();

  std::vector<Slot> slots_;  // The table, then the sentinel.
  size_t mask_ = 0;
  size_t size_ = 0;
};

}  // namespace gogocache

#endif  // GOGOCACHE_CACHE_HASH_LRU_H_
