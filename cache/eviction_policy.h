// Copyright 2026 The gogocache Authors.
//
// How a shard chooses what to evict (CacheGroupOptions::eviction).
//
//   kAdaptive (default) LRU, LIRS or Window TinyLFU per shard, whichever
//             miniature simulations of all three on a sample of the shard's
//             keys find better beyond chance; starts as LIRS.
//   kLirs     LIRS (Jiang and Zhang, SIGMETRICS 2002): entries whose
//             last reuse distance was short (LIR, about 99% of the bytes)
//             stay; new keys and keys reused far apart (HIR) go first. A
//             duel against a sampled LRU gives HIR more room on
//             recency-biased traffic. Scan- and loop-resistant.
//   kTinyLfu  Window TinyLFU, as in Caffeine: new entries enter a small LRU
//             window; leaving it, an entry is admitted to the main region (a
//             segmented LRU) only if a frequency sketch says it is wanted
//             more than the entry it would replace. Best of the three on
//             traffic with fixed per-key popularity (Zipf-like).
//   kLru      least recently used first: the Go original's policy, optimal
//             where a working set is swept forward and back, helpless
//             against scans and loops larger than the cache.
//
// See docs/eviction.md for what each costs and measures.

#ifndef GOGOCACHE_CACHE_EVICTION_POLICY_H_
#define GOGOCACHE_CACHE_EVICTION_POLICY_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace gogocache {

enum class EvictionPolicy { kLru, kTinyLfu, kLirs, kAdaptive };

// "lru", "tinylfu", "lirs" or "adaptive".
absl::StatusOr<EvictionPolicy> ParseEvictionPolicy(absl::string_view name);
absl::string_view EvictionPolicyName(EvictionPolicy policy);

}  // namespace gogocache

#endif  // GOGOCACHE_CACHE_EVICTION_POLICY_H_
