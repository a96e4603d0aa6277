// Copyright 2026 The gogocache Authors.
//
// EntryTable: a shard's index from key to entry, an open-addressing hash
// table of ShardEntry pointers (Robin Hood linear probing, deletion by
// backward shift). Internal to //cache.
//
// Hand-written rather than absl::flat_hash_set, for memory: a swiss table's
// capacities are powers of two (less one), so its load swings between 7/16
// and 7/8 as the entry count grows and a slot (pointer and control byte)
// costs 10 to 21 bytes per entry, a third of a shard's whole per-entry
// budget at the wrong count. Here a slot is 8 bytes, the slot count is any
// number (the home slot is picked by multiply-high, not by a mask), and the
// table grows by a quarter when 7/8 full, so the load stays between 0.7 and
// 0.875: 9.1 to 11.4 bytes per entry. (LevelDB's cache keeps its own table
// too, for speed.)
//
// A slot packs the pointer (x86-64 and AArch64 user-space addresses fit in
// 48 bits; Insert checks) with 8 bits of the key's hash and the slot's
// distance from its home slot. Robin Hood ordering lets a lookup stop at the
// first slot closer to its home than the probe is to the key's, so hits and
// misses alike read a few adjacent slots, usually one cache line, and look
// at an entry only when the hash bits and distance match.
//
// Thread safety: none. The shard lets many readers call Find at once only
// while no writer is changing the table.

#ifndef GOGOCACHE_CACHE_ENTRY_TABLE_H_
#define GOGOCACHE_CACHE_ENTRY_TABLE_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>

#include "absl/strings/string_view.h"
#include "cache/shard_entry.h"

namespace gogocache {
namespace shard_internal {

class EntryTable {
 public:
  EntryTable() = default;
  EntryTable(const EntryTable&) = delete;
  EntryTable& operator=(const EntryTable&) = delete;

  // The entry holding `key`, whose table hash is `hash`; nullptr if none.
  // Inline, as it is on every hit's path.
  ShardEntry* Find(absl::string_view key, uint32_t hash) const {
    const size_t i = IndexOf(key, hash);
    return i == capacity_ ? nullptr : PointerOf(slots_[i]);
  }

  // Adds `entry`, indexed by its key and table_hash. Its key must not be in
  // the table already.
  void Insert(ShardEntry* entry);

  // Removes and returns the entry holding `key`; nullptr if none.
  ShardEntry* Remove(absl::string_view key, uint32_t hash);

  // Removes `entry`, which must be in the table.
  void Remove(const ShardEntry* entry);

  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }

  // The entry in slot `i` (below capacity()), or nullptr when it is empty:
  // a way to visit every entry, slot by slot.
  ShardEntry* EntryAt(size_t i) const { return PointerOf(slots_[i]); }

 private:
  static constexpr int kPointerBits = 48;
  static constexpr uint64_t kPointerMask = (uint64_t{1} << kPointerBits) - 1;
  static constexpr int kTagShift = kPointerBits;
  static constexpr uint64_t kTagMask = uint64_t{0xFF} << kTagShift;
  static constexpr int kDistanceShift = 56;
  // Distances up to 254 are kept in the slot; 255 means "255 or more: ask
  // the entry" (runs that long need thousands of colliding hashes).
  static constexpr uint64_t kFarDistance = 255;
  static constexpr size_t kMinCapacity = 16;

  static ShardEntry* PointerOf(uint64_t slot) {
    return reinterpret_cast<ShardEntry*>(slot & kPointerMask);
  }
  // `slot`'s entry and tag, at `distance` from home.
  static uint64_t WithDistance(uint64_t slot, uint64_t distance) {
    return (slot & (kPointerMask | kTagMask)) |
           (distance < kFarDistance ? distance : kFarDistance)
               << kDistanceShift;
  }
  // How far slot `i`, holding `slot`, is from the home of its entry.
  uint64_t DistanceOf(uint64_t slot, size_t i) const {
    const uint64_t kept = slot >> kDistanceShift;
    if (kept < kFarDistance) return kept;
    const size_t home = HomeOf(PointerOf(slot)->table_hash);
    return i >= home ? i - home : i + capacity_ - home;
  }
  // The home slot takes the hash's high bits (multiply-high), the tag its
  // low ones, so the two are independent up to 2^24 slots.
  static uint64_t TagOf(uint32_t hash) {
    return static_cast<uint64_t>(hash & 0xFF) << kTagShift;
  }
  size_t HomeOf(uint32_t hash) const {
    return static_cast<size_t>((uint64_t{hash} * capacity_) >> 32);
  }
  size_t Next(size_t i) const { return i + 1 == capacity_ ? 0 : i + 1; }

  // Whether the `size` bytes at `a` and `b` are equal. Keys of 8 to 16
  // bytes (the common size) are compared as two overlapping words, inline:
  // memcmp is a call through the PLT and a dispatch on the length, a fifth
  // of a probe's instructions.
  static bool KeyBytesEqual(const char* a, const char* b, size_t size) {
    if (size >= 8 && size <= 16) {
      uint64_t a_head, b_head, a_tail, b_tail;
      std::memcpy(&a_head, a, 8);
      std::memcpy(&b_head, b, 8);
      std::memcpy(&a_tail, a + size - 8, 8);
      std::memcpy(&b_tail, b + size - 8, 8);
      return ((a_head ^ b_head) | (a_tail ^ b_tail)) == 0;
    }
    return std::memcmp(a, b, size) == 0;
  }
  // The index of the slot holding `key`, or capacity_ if none.
  size_t IndexOf(absl::string_view key, uint32_t hash) const {
    if (size_ == 0) return capacity_;
    const uint64_t tag = TagOf(hash);
    const uint64_t* const slots = slots_.get();
    size_t i = HomeOf(hash);
    for (uint64_t distance = 0;; ++distance) {
      const uint64_t slot = slots[i];
      if (slot == 0) return capacity_;
      const uint64_t slot_distance = DistanceOf(slot, i);
      // Robin Hood order: the key would have displaced an entry nearer its
      // home than the key is to its own.
      if (slot_distance < distance) return capacity_;
      if (slot_distance == distance && (slot & kTagMask) == tag) {
        const ShardEntry* entry = PointerOf(slot);
        if (entry->table_hash == hash && entry->key_size == key.size() &&
            KeyBytesEqual(entry->key_data(), key.data(), key.size())) {
          return i;
        }
      }
      i = Next(i);
    }
  }
  // Empties slot `i`, shifting the run after it back by one.
  void EraseAt(size_t i);
  // Places `entry` by Robin Hood insertion (there is room).
  void Place(ShardEntry* entry);
  // Moves every entry to a table of `capacity` slots.
  void Rebuild(size_t capacity);
  static size_t Grown(size_t capacity) {
    return capacity < kMinCapacity ? kMinCapacity : capacity + capacity / 4;
  }

  std::unique_ptr<uint64_t[]> slots_;  // 0 is empty.
  size_t capacity_ = 0;
  size_t size_ = 0;
};

}  // namespace shard_internal
}  // namespace gogocache

#endif  // GOGOCACHE_CACHE_ENTRY_TABLE_H_
