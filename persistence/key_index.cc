// Copyright 2026 The gogocache Authors.

#include "persistence/key_index.h"

#include <algorithm>

#include "xxhash.h"

namespace gogocache {
namespace persistence_internal {

uint64_t KeyIndex::DefaultHash(absl::string_view key) {
  return XXH3_64bits(key.data(), key.size());
}

const KeyIndex::Location* KeyIndex::Find(absl::string_view key,
                                         KeyReader key_of) const {
  // A key is in exactly one of the maps. It is in by_key_ only if its hash
  // was taken when it was set; the key that took it may be gone since, so
  // by_key_ is asked whenever by_hash_ does not confirm the key.
  if (auto it = by_hash_.find(hasher_(key));
      it != by_hash_.end() && key_of(it->second.offset) == key) {
    return &it->second;
  }
  if (by_key_.empty()) return nullptr;
  auto it = by_key_.find(key);
  return it == by_key_.end() ? nullptr : &it->second;
}

std::optional<KeyIndex::Location> KeyIndex::Set(absl::string_view key,
                                                Location location,
                                                KeyReader key_of) {
  return SetHashed(key, hasher_(key), location, key_of);
}

void KeyIndex::SetAll(absl::Span<const Location> locations, KeyReader key_of,
                      absl::FunctionRef<void(const Location&)> replaced) {
  // Hashed first, then inserted back to back: each insert misses the cache
  // on a table of millions of keys, and with nothing between them the CPU
  // runs ahead into the next insert while one waits. (absl's prefetch() was
  // tried ahead of each insert: GCC 12 compiles it to nothing in optimized
  // builds of this file.)
  constexpr size_t kChunk = 64;
  uint64_t hashes[kChunk];
  for (size_t begin = 0; begin < locations.size(); begin += kChunk) {
    const size_t count = std::min(kChunk, locations.size() - begin);
    for (size_t i = 0; i < count; ++i) {
      hashes[i] = hasher_(key_of(locations[begin + i].offset));
    }
    for (size_t i = 0; i < count; ++i) {
      const Location& location = locations[begin + i];
      if (const std::optional<Location> previous =
              SetHashed(key_of(location.offset), hashes[i], location, key_of)) {
        replaced(*previous);
      }
    }
  }
}

std::optional<KeyIndex::Location> KeyIndex::SetHashed(absl::string_view key,
                                                      uint64_t hash,
                                                      Location location,
                                                      KeyReader key_of) {
  // One probe for the common cases: a new key with a free hash, or the key
  // itself holding it.
  auto [it, inserted] = by_hash_.try_emplace(hash, location);
  if (inserted) {
    // The key may still be in by_key_, set while another key held the hash.
    if (!by_key_.empty()) {
      if (auto old = by_key_.find(key); old != by_key_.end()) {
        by_hash_.erase(it);
        const Location previous = old->second;
        old->second = location;
        return previous;
      }
    }
    return std::nullopt;
  }
  if (key_of(it->second.offset) == key) {
    const Location previous = it->second;
    it->second = location;
    return previous;
  }
  // Another key holds the hash.
  auto [old, added] = by_key_.try_emplace(std::string(key), location);
  if (added) return std::nullopt;
  const Location previous = old->second;
  old->second = location;
  return previous;
}

std::optional<KeyIndex::Location> KeyIndex::Erase(absl::string_view key,
                                                  KeyReader key_of) {
  const uint64_t hash = hasher_(key);
  if (auto it = by_hash_.find(hash);
      it != by_hash_.end() && key_of(it->second.offset) == key) {
    const Location previous = it->second;
    by_hash_.erase(it);
    return previous;
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
