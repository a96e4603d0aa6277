// Copyright 2026 The gogocache Authors.

#include "persistence/key_index.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include "absl/numeric/bits.h"
#include "xxhash.h"

namespace gogocache {
namespace persistence_internal {

void LocationTable::Slot::set_location(RecordLocation location) {
  if (location.offset > kMaxOffset || location.size > kMaxSize) {
    // The store refuses logs and records beyond these; getting here would
    // silently point a key at the wrong record.
    std::fprintf(stderr, "gogocache: record location %llu+%llu out of range\n",
                 static_cast<unsigned long long>(location.offset),
                 static_cast<unsigned long long>(location.size));
    std::abort();
  }
  offset_low = static_cast<uint32_t>(location.offset);
  offset_high = static_cast<uint16_t>(location.offset >> 32);
  size = static_cast<uint32_t>(location.size);
}

RecordLocation LocationTable::Entry::get() const { return slot_->location(); }

void LocationTable::Entry::set(RecordLocation location) {
  slot_->set_location(location);
}

size_t LocationTable::IndexOf(uint64_t kept) const {
  if (slots_.empty()) return 0;
  for (size_t i = Home(kept);; i = (i + 1) & mask_) {
    if (slots_[i].hash() == kept) return i;
    if (slots_[i].empty()) return slots_.size();
  }
}

std::optional<RecordLocation> LocationTable::Find(uint64_t hash) const {
  const size_t i = IndexOf(Kept(hash));
  if (i == slots_.size()) return std::nullopt;
  return slots_[i].location();
}

std::pair<LocationTable::Entry, bool> LocationTable::TryEmplace(
    uint64_t hash, RecordLocation location) {
  if ((size_ + 1) * 8 > slots_.size() * 7) Grow();
  const uint64_t kept = Kept(hash);
  for (size_t i = Home(kept);; i = (i + 1) & mask_) {
    Slot& slot = slots_[i];
    if (slot.hash() == kept) return {Entry(&slot), false};
    if (slot.empty()) {
      slot.set_hash(kept);
      slot.set_location(location);
      ++size_;
      return {Entry(&slot), true};
    }
  }
}

void LocationTable::Erase(uint64_t hash) {
  size_t hole = IndexOf(Kept(hash));
  // Backward shift: a later entry of the run moves into the hole unless its
  // home lies after the hole, so no probe ever stops early at it.
  for (size_t j = (hole + 1) & mask_; !slots_[j].empty(); j = (j + 1) & mask_) {
    const size_t home = Home(slots_[j].hash());
    if (((j - home) & mask_) >= ((j - hole) & mask_)) {
      slots_[hole] = slots_[j];
      hole = j;
    }
  }
  slots_[hole] = Slot();
  --size_;
}

void LocationTable::Grow() {
  const std::vector<Slot, HugePageAllocator<Slot>> old = std::move(slots_);
  slots_ = std::vector<Slot, HugePageAllocator<Slot>>(
      std::max<size_t>(16, 2 * old.size()));
  mask_ = slots_.size() - 1;
  shift_ = 48 - absl::countr_zero(slots_.size());
  for (const Slot& slot : old) {
    if (slot.empty()) continue;
    size_t i = Home(slot.hash());
    while (!slots_[i].empty()) i = (i + 1) & mask_;
    slots_[i] = slot;
  }
}

uint64_t KeyIndex::DefaultHash(absl::string_view key) {
  return XXH3_64bits(key.data(), key.size());
}

std::optional<KeyIndex::Location> KeyIndex::Find(absl::string_view key,
                                                 KeyReader key_of) const {
  // A key is in exactly one of the maps. It is in by_key_ only if its hash
  // was taken when it was set; the key that took it may be gone since, so
  // by_key_ is asked whenever by_hash_ does not confirm the key.
  if (const std::optional<Location> at = by_hash_.Find(hasher_(key));
      at.has_value() && key_of(at->offset) == key) {
    return at;
  }
  if (by_key_.empty()) return std::nullopt;
  auto it = by_key_.find(key);
  if (it == by_key_.end()) return std::nullopt;
  return it->second;
}

std::optional<KeyIndex::Location> KeyIndex::Set(absl::string_view key,
                                                Location location,
                                                KeyReader key_of) {
  return SetHashed([key] { return key; }, hasher_(key), location, key_of);
}

void KeyIndex::SetAll(absl::Span<const HashedLocation> locations,
                      KeyReader key_of,
                      absl::FunctionRef<void(const Location&)> replaced) {
  // Each key's slot is fetched kAhead keys before it is used: far enough
  // for the fetch to land in time, few enough for the CPU to keep them all
  // in flight.
  constexpr size_t kAhead = 12;
  for (size_t i = 0; i < std::min(kAhead, locations.size()); ++i) {
    by_hash_.Prefetch(locations[i].hash);
  }
  for (size_t i = 0; i < locations.size(); ++i) {
    if (i + kAhead < locations.size()) {
      by_hash_.Prefetch(locations[i + kAhead].hash);
    }
    const Location location = locations[i].location;
    if (const std::optional<Location> previous =
            SetHashed([&] { return key_of(location.offset); },
                      locations[i].hash, location, key_of)) {
      replaced(*previous);
    }
  }
}

std::optional<KeyIndex::Location> KeyIndex::SetHashed(
    absl::FunctionRef<absl::string_view()> key, uint64_t hash,
    Location location, KeyReader key_of) {
  // One probe for the common cases: a new key with a free hash, or the key
  // itself holding it.
  auto [at, inserted] = by_hash_.TryEmplace(hash, location);
  if (inserted) {
    // The key may still be in by_key_, set while another key held the hash.
    if (!by_key_.empty()) {
      if (auto old = by_key_.find(key()); old != by_key_.end()) {
        by_hash_.Erase(hash);
        return std::exchange(old->second, location);
      }
    }
    return std::nullopt;
  }
  const absl::string_view new_key = key();
  if (const Location held = at.get(); key_of(held.offset) == new_key) {
    at.set(location);
    return held;
  }
  // Another key holds the hash.
  auto [old, added] = by_key_.try_emplace(std::string(new_key), location);
  if (added) return std::nullopt;
  return std::exchange(old->second, location);
}

std::optional<KeyIndex::Location> KeyIndex::Erase(absl::string_view key,
                                                  KeyReader key_of) {
  const uint64_t hash = hasher_(key);
  if (const std::optional<Location> at = by_hash_.Find(hash);
      at.has_value() && key_of(at->offset) == key) {
    by_hash_.Erase(hash);
    return at;
  }
  if (by_key_.empty()) return std::nullopt;
  auto it = by_key_.find(key);
  if (it == by_key_.end()) return std::nullopt;
  const Location previous = it->second;
  by_key_.erase(it);
  return previous;
}

}  // namespace persistence_internal
}  // namespace gogocache
