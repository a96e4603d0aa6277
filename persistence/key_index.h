// Copyright 2026 The gogocache Authors.
//
// KeyIndex: the flat file store's index from each live key to the location
// of its latest record in the log. Internal to //persistence.
//
// Kept by a 64-bit hash of the key (XXH3), not by the key: the keys are in
// the log already, so the index holds none, allocates nothing per key and
// costs a 24-byte slot (plus absl's control byte) where a map keyed by
// std::string cost 48 plus a heap copy of every key longer than 15 bytes, and
// rehashing as it grows moves plain words. Two keys may share a hash: a hash
// match is confirmed by reading the key of the record it points to (through
// the caller's KeyReader), and a key whose hash another live key holds
// already is kept by name in a side map, so collisions cost space and time,
// never correctness.
//
// Thread safety: none; the store calls it under its mutex.

#ifndef GOGOCACHE_PERSISTENCE_KEY_INDEX_H_
#define GOGOCACHE_PERSISTENCE_KEY_INDEX_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "persistence/huge_page_allocator.h"

namespace gogocache {
namespace persistence_internal {

class KeyIndex {
 public:
  struct Location {
    uint64_t offset;  // Of the record's first byte in the log.
    uint64_t size;    // The whole record's.
  };
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
    for (auto& [hash, location] : by_hash_) visit(location);
    for (auto& [key, location] : by_key_) visit(location);
  }

 private:
  std::optional<Location> SetHashed(absl::string_view key, uint64_t hash,
                                    Location location, KeyReader key_of);

  const Hasher hasher_;
  // Millions of keys are probed at random: on huge pages, a probe does not
  // also miss the TLB.
  absl::flat_hash_map<uint64_t, Location, absl::Hash<uint64_t>,
                      std::equal_to<uint64_t>,
                      HugePageAllocator<std::pair<const uint64_t, Location>>>
      by_hash_;
  // Keys whose hash was held by another live key when they were set.
  absl::flat_hash_map<std::string, Location> by_key_;
};

}  // namespace persistence_internal
}  // namespace gogocache

#endif  // GOGOCACHE_PERSISTENCE_KEY_INDEX_H_
