// Copyright 2026 The gogocache Authors.

#include "cache/entry_table.h"

#include <cstdio>
#include <cstdlib>
#include <utility>

namespace gogocache {
namespace shard_internal {

void EntryTable::Insert(ShardEntry* entry) {
  const uintptr_t address = reinterpret_cast<uintptr_t>(entry);
  if ((address & ~kPointerMask) != 0) {
    // Only a platform with wider user addresses (or tagged heap pointers)
    // gets here; dropping the top bits would corrupt the cache.
    std::fprintf(stderr, "gogocache: entry address %p above 48 bits\n",
                 static_cast<void*>(entry));
    std::abort();
  }
  if ((size_ + 1) * 8 > capacity_ * 7) Rebuild(Grown(capacity_));
  Place(entry);
  ++size_;
}

void EntryTable::Place(ShardEntry* entry) {
  size_t i = HomeOf(entry->table_hash);
  uint64_t carried =
      reinterpret_cast<uintptr_t>(entry) | TagOf(entry->table_hash);
  uint64_t* const slots = slots_.get();
  for (uint64_t distance = 0;; ++distance) {
    uint64_t& slot = slots[i];
    if (slot == 0) {
      slot = WithDistance(carried, distance);
      return;
    }
    // The entry farther from its home keeps the slot; the other moves on.
    const uint64_t slot_distance = DistanceOf(slot, i);
    if (slot_distance < distance) {
      const uint64_t displaced = slot;
      slot = WithDistance(carried, distance);
      carried = displaced;
      distance = slot_distance;
    }
    i = Next(i);
  }
}

void EntryTable::Rebuild(size_t capacity) {
  const std::unique_ptr<uint64_t[]> old = std::move(slots_);
  const size_t old_capacity = capacity_;
  slots_ = std::make_unique<uint64_t[]>(capacity);  // Zeroed: all empty.
  capacity_ = capacity;
  for (size_t i = 0; i < old_capacity; ++i) {
    if (old[i] != 0) Place(PointerOf(old[i]));
  }
}

void EntryTable::EraseAt(size_t i) {
  // Backward shift: each following entry not at its home moves one slot
  // closer to it, so no tombstone is left to lengthen later probes.
  uint64_t* const slots = slots_.get();
  for (size_t next = Next(i); slots[next] != 0; next = Next(next)) {
    const uint64_t distance = DistanceOf(slots[next], next);
    if (distance == 0) break;
    slots[i] = WithDistance(slots[next], distance - 1);
    i = next;
  }
  slots[i] = 0;
  --size_;
}

ShardEntry* EntryTable::Remove(absl::string_view key, uint32_t hash) {
  const size_t i = IndexOf(key, hash);
  if (i == capacity_) return nullptr;
  ShardEntry* entry = PointerOf(slots_[i]);
  EraseAt(i);
  return entry;
}

void EntryTable::Remove(const ShardEntry* entry) {
  size_t i = HomeOf(entry->table_hash);
  while (PointerOf(slots_[i]) != entry) i = Next(i);
  EraseAt(i);
}

}  // namespace shard_internal
}  // namespace gogocache
