// Copyright 2026 The gogocache Authors.
//
// HashLru: an exact LRU over 32-bit key hashes, holding no values: it answers
// whether an access would have hit an LRU cache of a given number of entries.
// The eviction order runs one over a sample of its keys to duel against LRU
// (cache/eviction_order.h).
//
// Nodes live in one vector linked by 32-bit indices, so an access costs a
// table probe and a few index writes, and no allocation once the vector has
// grown to the largest capacity asked for: 12 bytes per node plus the
// index's slot.
//
// Thread safety: none; the owning shard calls it under its writer lock.

#ifndef GOGOCACHE_CACHE_HASH_LRU_H_
#define GOGOCACHE_CACHE_HASH_LRU_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/container/flat_hash_map.h"

namespace gogocache {

class HashLru {
 public:
  HashLru();

  // Records an access of the key with this hash, as the most recent, and
  // returns whether it was held; then forgets the least recent keys beyond
  // `capacity` (at least 1).
  bool Access(uint32_t hash, size_t capacity);

  size_t size() const { return index_.size(); }

 private:
  struct Node {
    uint32_t hash;
    uint32_t prev;  // Towards the most recent; kHead ends the list.
    uint32_t next;  // Towards the least recent.
  };
  static constexpr uint32_t kHead = 0;  // nodes_[0] is the sentinel.

  void Unlink(uint32_t node);
  void LinkFront(uint32_t node);

  std::vector<Node> nodes_;
  std::vector<uint32_t> free_;                     // Unused node indices.
  absl::flat_hash_map<uint32_t, uint32_t> index_;  // Hash to node.
};

}  // namespace gogocache

#endif  // GOGOCACHE_CACHE_HASH_LRU_H_
