// Copyright 2026 The gogocache Authors.

#include "cache/ghost_table.h"

namespace gogocache {

uint32_t* GhostTable::SetOf(uint32_t hash) {
  // The set comes from the hash's remixed high bits: the shard's table picks
  // its slots from the same hash.
  const uint64_t mixed = (uint64_t{hash} * 0x9E3779B97F4A7C15ULL) >> 32;
  return &slots_[(mixed & set_mask_) * kWays];
}

uint32_t GhostTable::FingerprintOf(uint32_t hash) {
  // MurmurHash3's finalizer: unrelated to the multiplication that picks the
  // set, so keys sharing a set rarely share a fingerprint.
  hash ^= hash >> 16;
  hash *= 0x85EBCA6Bu;
  hash ^= hash >> 13;
  hash *= 0xC2B2AE35u;
  hash ^= hash >> 16;
  const uint32_t fingerprint = hash >> 16;
  return fingerprint == 0 ? 1 : fingerprint;  // 0 marks an empty slot.
}

void GhostTable::EnsureCapacity(size_t entries, uint32_t now) {
  size_t sets = 4;
  while (sets * kWays < 2 * entries) sets <<= 1;
  if (sets * kWays <= slots_.size()) return;
  // A slot keeps too little of the hash to find its key's set in a larger
  // table, so growing forgets every key. That costs nothing in practice: the
  // table grows while the shard fills, and a shard that still has room has
  // evicted nothing (only replaced and erased keys are lost).
  slots_.assign(sets * kWays, 0);
  set_mask_ = sets - 1;
  // About 256 ticks per entry count: fine beside the spans LIRS compares
  // (the LIR entries' recency, at least the entry count in accesses), coarse
  // enough for 16 bits.
  shift_ = 0;
  while ((entries >> shift_) > 256) ++shift_;
  last_sweep_ = now;
}

void GhostTable::Insert(uint32_t hash, uint32_t time, uint32_t now) {
  if (slots_.empty()) EnsureCapacity(0, now);
  Sweep(now);
  // Too old to remember: its 16-bit tick could not tell its age.
  if (((now - time) >> shift_) >= kForgetTicks) return;
  uint32_t* set = SetOf(hash);
  const uint32_t fingerprint = FingerprintOf(hash);
  const uint32_t slot = fingerprint << 16 | Tick(time);
  uint32_t* target = nullptr;
  for (size_t i = 0; i < kWays && target == nullptr; ++i) {
    if (set[i] != 0 && set[i] >> 16 == fingerprint) target = &set[i];
  }
  for (size_t i = 0; i < kWays && target == nullptr; ++i) {
    if (set[i] == 0) target = &set[i];
  }
  if (target == nullptr) {
    target = &set[0];
    for (size_t i = 1; i < kWays; ++i) {
      if (AgeOf(set[i], now) > AgeOf(*target, now)) target = &set[i];
    }
  }
  *target = slot;
}

bool GhostTable::Take(uint32_t hash, uint32_t now, uint32_t* time) {
  if (slots_.empty()) return false;
  Sweep(now);
  uint32_t* set = SetOf(hash);
  const uint32_t fingerprint = FingerprintOf(hash);
  for (size_t i = 0; i < kWays; ++i) {
    if (set[i] != 0 && set[i] >> 16 == fingerprint) {
      *time = now - (AgeOf(set[i], now) << shift_);
      set[i] = 0;
      return true;
    }
  }
  return false;
}

void GhostTable::Sweep(uint32_t now) {
  const uint32_t since = (now - last_sweep_) >> shift_;
  if (since < kForgetTicks) return;
  last_sweep_ = now;
  for (uint32_t& slot : slots_) {
    // Ages below kForgetTicks at the last sweep are below three times that
    // now unless the sweep is this late, when all are old: forget all.
    if (slot != 0 &&
        (since >= 2 * kForgetTicks || AgeOf(slot, now) >= kForgetTicks)) {
      slot = 0;
    }
  }
}

}  // namespace gogocache
