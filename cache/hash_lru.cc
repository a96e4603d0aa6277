// Copyright 2026 The gogocache Authors.

#include "cache/hash_lru.h"

#include <algorithm>

namespace gogocache {

uint32_t HashLru::Probe(uint32_t hash) const {
  uint32_t slot = Home(hash);
  while (slots_[slot].next != kFree && slots_[slot].hash != hash) {
    slot = (slot + 1) & static_cast<uint32_t>(mask_);
  }
  return slot;
}

void HashLru::Unlink(uint32_t slot) {
  slots_[slots_[slot].prev].next = slots_[slot].next;
  slots_[slots_[slot].next].prev = slots_[slot].prev;
}

void HashLru::LinkFront(uint32_t slot) {
  Slot& head = slots_[sentinel()];
  slots_[slot].prev = sentinel();
  slots_[slot].next = head.next;
  slots_[head.next].prev = slot;
  head.next = slot;
}

void HashLru::Erase(uint32_t gap) {
  const uint32_t mask = static_cast<uint32_t>(mask_);
  for (uint32_t slot = (gap + 1) & mask; slots_[slot].next != kFree;
       slot = (slot + 1) & mask) {
    // A key may fill the gap if the gap lies on its way from its home slot,
    // that is, no further from its home than the key is.
    const uint32_t home = Home(slots_[slot].hash);
    if (((slot - home) & mask) < ((slot - gap) & mask)) continue;
    slots_[gap] = slots_[slot];
    slots_[slots_[gap].prev].next = gap;
    slots_[slots_[gap].next].prev = gap;
    gap = slot;
  }
  slots_[gap].next = kFree;
}

void HashLru::Reset(size_t table) {
  slots_.assign(table + 1, Slot{0, 0, kFree});
  mask_ = table - 1;
  slots_[sentinel()] = Slot{0, sentinel(), sentinel()};
}

void HashLru::Grow() {
  // The keys, least recent first, to be linked in again in that order.
  std::vector<uint32_t> keys;
  keys.reserve(size_);
  for (uint32_t slot = slots_[sentinel()].prev; slot != sentinel();
       slot = slots_[slot].prev) {
    keys.push_back(slots_[slot].hash);
  }
  Reset(2 * (mask_ + 1));
  for (uint32_t hash : keys) {
    const uint32_t slot = Probe(hash);
    slots_[slot].hash = hash;
    LinkFront(slot);
  }
}

bool HashLru::Access(uint32_t hash, size_t capacity) {
  uint32_t slot = Probe(hash);
  const bool held = slots_[slot].next != kFree;
  if (held) {
    if (slots_[sentinel()].next != slot) {
      Unlink(slot);
      LinkFront(slot);
    }
  } else {
    if (2 * (size_ + 1) > mask_ + 1) {
      Grow();
      slot = Probe(hash);
    }
    slots_[slot].hash = hash;
    LinkFront(slot);
    ++size_;
  }
  const size_t keep = std::max<size_t>(capacity, 1);
  while (size_ > keep) {
    const uint32_t oldest = slots_[sentinel()].prev;
    Unlink(oldest);
    Erase(oldest);
    --size_;
  }
  return held;
}

}  // namespace gogocache
