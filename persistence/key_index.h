// Copyright 2026 The gogocache Authors.
//
// KeyIndex: the flat file store's index from each live key to the location
// of its latest record in the log. Internal to //persistence.
//
// Kept by a 64-bit hash of the key (XXH3), not by the key: the keys are in
// the log already, so the index holds none, allocates nothing per key and
// costs a 24-byte slot (27 to 55 bytes per key at the table's load) where a
// map keyed by std::string cost 48 plus a heap copy of every key longer than
// 15 bytes, and rehashing as it grows moves plain words. Two keys may share a
// hash: a hash match is confirmed by reading the key of the record it points to
// (through the caller's KeyReader), and a key whose hash another live key holds
// already is kept by name in a side map, so collisions cost space and time,
// never correctness.
//
// Thread safety: none; the store calls it under its mutex.

#ifndef GOGOCACHE_PERSISTENCE_KEY_INDEX_H_
#define GOGOCACHE_PERSISTENCE_KEY_INDEX_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "persistence/huge_page_allocator.h"

namespace gogocache {
namespace persistence_internal {

struct RecordLocation {
  uint64_t offset;  // Of the record's first byte in the log.
  uint64_t size;    // The whole record's.
};

// KeyIndex's table from a 64-bit hash to a location: one entry per hash.
// Hand-written rather than absl::flat_hash_map for one reason: a batch of
// inserts fetches each key's slot a dozen keys ahead, and absl's prefetch()
// compiles to nothing in optimized builds with GCC 12 (no prefetch is left
// in the object code). Linear probing over 24-byte slots, power-of-two
// capacity doubled at 7/8 full, deletion by backward shift (no tombstones),
// slots on huge pages. Hash 0 marks an empty slot, so a hash of 0 is kept as
// 1: KeyIndex confirms keys, so that is one more collision, handled as any.
class LocationTable {
 public:
  LocationTable() = default;
  LocationTable(const LocationTable&) = delete;
  LocationTable& operator=(const LocationTable&) = delete;

  // The location under `hash`, or nullptr; valid until the next change.
  RecordLocation* Find(uint64_t hash);
  const RecordLocation* Find(uint64_t hash) const {
    return const_cast<LocationTable*>(this)->Find(hash);
  }
  // The location under `hash`, set to `location` first if there was none
  // (then `second` is true).
  std::pair<RecordLocation*, bool> TryEmplace(uint64_t hash,
                                              RecordLocation location);
  // Removes the entry under `hash`, which must be present.
  void Erase(uint64_t hash);
  // Starts fetching the slot where `hash` would be, for an insert soon.
  void Prefetch(uint64_t hash) const {
    if (!slots_.empty()) __builtin_prefetch(&slots_[Kept(hash) & mask_], 1);
  }

  size_t size() const { return size_; }
  size_t capacity() const { return slots_.size(); }

  template <typename Visit>
  void ForEach(Visit visit) {
    for (Slot& slot : slots_) {
      if (slot.hash != 0) visit(slot.location);
    }
  }

 private:
  struct Slot {
    uint64_t hash = 0;
    RecordLocation location = {0, 0};
  };
  static uint64_t Kept(uint64_t hash) { return hash == 0 ? 1 : hash; }
  // The slot holding `kept`, or capacity() if none.
  size_t IndexOf(uint64_t kept) const;
  void Grow();

  std::vector<Slot, HugePageAllocator<Slot>> slots_;
  size_t mask_ = 0;
  size_t size_ = 0;
};

class KeyIndex {
 public:
  using Location = RecordLocation;
  // The key of the record at `offset`, which is a location this index holds
  // (or an empty view if that record cannot be read).
  using KeyReader = absl::FunctionRef<absl::string_view(uint64_t offset)>;
  using Hasher = uint64_t (*)(absl::string_view key);

  // XXH3's 64-bit hash.
  static uint64_t DefaultHash(absl::string_view key);

  // `hasher` is for tests, which need colliding hashes.
  explicit KeyIndex(Hasher hasher = &DefaultHash) : hasher_(hasher) {}

  // Where `key`'s record is, or nullptr. The pointer is valid until the
  // next change to the index.
  const Location* Find(absl::string_view key, KeyReader key_of) const;

  // Points `key` at `location` and returns where it pointed before, if it
  // was present.
  std::optional<Location> Set(absl::string_view key, Location location,
                              KeyReader key_of);

  // Set() for each location in order, the key being the one in the record
  // there; calls `replaced(previous)` for each key that was present. Faster
  // than Set() one by one between other work: back to back, the cache misses
  // of consecutive inserts overlap.
  void SetAll(absl::Span<const Location> locations, KeyReader key_of,
              absl::FunctionRef<void(const Location& previous)> replaced);

  // Removes `key` and returns where it pointed, if it was present.
  std::optional<Location> Erase(absl::string_view key, KeyReader key_of);

  size_t size() const { return by_hash_.size() + by_key_.size(); }

  // Calls `visit(Location&)` for every key, in no particular order; `visit`
  // may change the location's offset (a compaction moving records).
  template <typename Visit>
  void ForEach(Visit visit) {
    by_hash_.ForEach(visit);
    for (auto& [key, location] : by_key_) visit(location);
  }

 private:
  std::optional<Location> SetHashed(absl::string_view key, uint64_t hash,
                                    Location location, KeyReader key_of);

  const Hasher hasher_;
  LocationTable by_hash_;
  // Keys whose hash was held by another live key when they were set.
  absl::flat_hash_map<std::string, Location> by_key_;
};

}  // namespace persistence_internal
}  // namespace gogocache

#endif  // GOGOCACHE_PERSISTENCE_KEY_INDEX_H_
