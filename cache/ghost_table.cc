// Copyright 2026 The gogocache Authors.

#include "cache/ghost_table.h"

#include <utility>

namespace gogocache {

GhostTable::Slot* GhostTable::SetOf(uint32_t hash) {
  // The set comes from the hash's remixed high bits: the shard's table picks
  // its slots from the same hash.
  const uint64_t mixed = (uint64_t{hash} * 0x9E3779B97F4A7C15ULL) >> 32;
  return &slots_[(mixed & set_mask_) * kWays];
}

void GhostTable::EnsureCapacity(size_t entries, uint32_t now) {
  size_t sets = 4;
  while (sets * kWays < 2 * entries) sets <<= 1;
  if (sets * kWays <= slots_.size()) return;
  std::vector<Slot> old =
      std::exchange(slots_, std::vector<Slot>(sets * kWays));
  set_mask_ = sets - 1;
  for (const Slot& slot : old) {
    if (slot.time != 0) Insert(slot.hash, slot.time, now);
  }
}

void GhostTable::Insert(uint32_t hash, uint32_t time, uint32_t now) {
  if (slots_.empty()) EnsureCapacity(0, now);
  Slot* set = SetOf(hash);
  Slot* target = nullptr;
  for (size_t i = 0; i < kWays && target == nullptr; ++i) {
    if (set[i].time != 0 && set[i].hash == hash) target = &set[i];
  }
  for (size_t i = 0; i < kWays && target == nullptr; ++i) {
    if (set[i].time == 0) target = &set[i];
  }
  if (target == nullptr) {
    target = &set[0];
    for (size_t i = 1; i < kWays; ++i) {
      if (now - set[i].time > now - target->time) target = &set[i];
    }
  }
  *target = Slot{hash, time};
}

bool GhostTable::Take(uint32_t hash, uint32_t* time) {
  if (slots_.empty()) return false;
  Slot* set = SetOf(hash);
  for (size_t i = 0; i < kWays; ++i) {
    if (set[i].time != 0 && set[i].hash == hash) {
      *time = set[i].time;
      set[i].time = 0;
      return true;
    }
  }
  return false;
}

}  // namespace gogocache
