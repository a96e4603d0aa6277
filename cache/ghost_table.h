// Copyright 2026 The gogocache Authors.
//
// GhostTable: keys a shard evicted recently, each with the time (in the
// shard's access count) it was last used, so that a key coming back can be
// told apart from a new one. The LIRS policy uses it for the non-resident
// blocks of its recency stack (Jiang and Zhang, "LIRS: An Efficient Low
// Inter-reference Recency Set Replacement Policy", SIGMETRICS 2002).
//
// Bounded and compact: sets of kWays 4-byte slots, at least two slots per
// entry of the shard, rounded up to a power of two (8 to 16 bytes per entry).
// A slot holds a 16-bit fingerprint of the key's hash and its last use to
// 16 bits of a coarse clock, whose tick (a power of two of accesses, about
// a 256th of the entries) grows with the table. A full set forgets its
// longest-unused key. Consequences, all harmless to a replacement policy:
//   - keys are known by fingerprint: a new key is taken for a remembered one
//     about once in 16,000 lookups;
//   - a remembered last use is off by less than a tick;
//   - keys unused for 2^14 to 2^15 ticks (about 64 to 128 times the entries,
//     in accesses) are forgotten, so that the 16-bit times never wrap.
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

  // Sizes the table for a shard of `entries` entries (grows only; growing
  // forgets every key); `now` is the current time (as for every call below:
  // 32-bit access counts, compared modulo 2^32).
  void EnsureCapacity(size_t entries, uint32_t now);

  // Remembers that the key with this hash left the shard, last used at
  // `time` (at most `now`; a key unused for kForgetTicks is not kept).
  void Insert(uint32_t hash, uint32_t time, uint32_t now);

  // If the key with this hash is remembered, forgets it and returns true with
  // the time it was last used (to a tick) in `*time`.
  bool Take(uint32_t hash, uint32_t now, uint32_t* time);

  size_t slots() const { return slots_.size(); }

 private:
  static constexpr uint32_t kForgetTicks = uint32_t{1} << 14;

  uint32_t* SetOf(uint32_t hash);
  static uint32_t FingerprintOf(uint32_t hash);
  uint32_t Tick(uint32_t time) const { return (time >> shift_) & 0xFFFF; }
  // How many ticks before `now` the slot's key was last used.
  uint32_t AgeOf(uint32_t slot, uint32_t now) const {
    return (Tick(now) - slot) & 0xFFFF;
  }
  // Forgets keys unused for kForgetTicks, at least every kForgetTicks.
  void Sweep(uint32_t now);

  std::vector<uint32_t> slots_;  // Fingerprint << 16 | tick; 0 is empty.
  size_t set_mask_ = 0;          // Sets - 1.
  int shift_ = 0;                // A tick is 2^shift_ accesses.
  uint32_t last_sweep_ = 0;
};

}  // namespace gogocache

#endif  // GOGOCACHE_CACHE_GHOST_TABLE_H_
