// Copyright 2026 The gogocache Authors.
//
// Hit counts of a key trace under a cache of `capacity` entries, for
// `gogocache simulate`. A hit is an access to a key the cache holds; every
// miss inserts the key. Every access counts, first ones included.
//
//   ExactLruHits   a plain, textbook LRU: the reference the shard must match
//   OptimalHits    Belady's MIN: every miss brings its key in and evicts the
//                  held key whose next use is farthest away. The bound no
//                  demand-fetching policy beats; as in Caffeine's
//                  simulator, whose published figures the tests compare
//   ShardHits      gogocache's own shard, the code a CacheGroup runs, with
//                  the given eviction policy; each key is 8 bytes with an
//                  empty value, so the byte capacity of `capacity` such
//                  entries holds exactly that many

#ifndef GOGOCACHE_TOOLS_HIT_RATIO_H_
#define GOGOCACHE_TOOLS_HIT_RATIO_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "cache/eviction_policy.h"

namespace gogocache {

uint64_t ExactLruHits(const std::vector<uint64_t>& keys, size_t capacity);
uint64_t OptimalHits(const std::vector<uint64_t>& keys, size_t capacity);
uint64_t ShardHits(const std::vector<uint64_t>& keys, size_t capacity,
                   EvictionPolicy policy = EvictionPolicy::kLru);

// Number of distinct keys in `keys`.
size_t DistinctKeys(const std::vector<uint64_t>& keys);

}  // namespace gogocache

#endif  // GOGOCACHE_TOOLS_HIT_RATIO_H_
