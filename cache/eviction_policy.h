// Copyright 2026 The gogocache Authors.
//
// How a shard chooses what to evict (CacheGroupOptions::eviction).
//
//   kLru      (default) least recently used first: the Go original's policy,
//             helpless against scans and loops larger than the cache.
//   kTinyLfu  Window TinyLFU, as in Caffeine: new entries enter a small LRU
//             window (1% of the capacity); leaving it, an entry is admitted
//             to the main region (a segmented LRU) only if a frequency sketch
//             says it is wanted more than the entry it would replace. Scan-
//             and loop-resistant; loses to LRU on strongly recency-biased
//             traces. See docs/eviction.md for measurements.

#ifndef GOGOCACHE_CACHE_EVICTION_POLICY_H_
#define GOGOCACHE_CACHE_EVICTION_POLICY_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace gogocache {

enum class EvictionPolicy { kLru, kTinyLfu, kLirs };

// "lru", "tinylfu" or "lirs".
absl::StatusOr<EvictionPolicy> ParseEvictionPolicy(absl::string_view name);
absl::string_view EvictionPolicyName(EvictionPolicy policy);

}  // namespace gogocache

#endif  // GOGOCACHE_CACHE_EVICTION_POLICY_H_
