// Copyright 2026 The gogocache Authors.
//
// HotCache: the copies a CacheGroup with peers keeps of values other owners
// answered, so that a popular key is not a network hop every time. It is
// sharded like the group's own shards and evicts by the group's policy,
// whose admission keeps keys fetched once from pushing out keys fetched
// often.
//
// No copy outlives a newer value: each key's stripe (one of kStripes, by
// hash) has a generation that Drop() advances. A fetch reads Generation()
// before it asks the owner, and Keep() keeps the answer only if the
// generation has not moved since, that is, if no Set or Remove of a key of
// the stripe reached this process meanwhile.
//
// Thread safety: every method may be called from any number of threads.

#ifndef GOGOCACHE_CACHE_HOT_CACHE_H_
#define GOGOCACHE_CACHE_HOT_CACHE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "cache/byte_view.h"
#include "cache/cache_shard.h"
#include "cache/eviction_policy.h"
#include "hash/shard_selector.h"
#include "loader/clock.h"

namespace gogocache {

class HotCache {
 public:
  static constexpr size_t kStripes = 256;

  // `capacity_bytes` split over `selector`'s shards. With a `clock` (not
  // owned), copies expire with the owner's value; without, only copies that
  // never expire are kept.
  HotCache(size_t capacity_bytes, ShardSelector selector, EvictionPolicy policy,
           Clock* clock);

  HotCache(const HotCache&) = delete;
  HotCache& operator=(const HotCache&) = delete;

  // CacheShard::Lookup on the key's hot shard.
  bool Lookup(absl::string_view key, uint64_t hash, ByteView* value,
              bool count = true) {
    return ShardFor(hash).Lookup(key, hash, value, count);
  }

  // The key's stripe generation, to hand to Keep() after a fetch.
  uint64_t Generation(uint64_t hash);

  // Keeps `value`, which its owner serves until `expires`, as the key's copy
  // if its stripe's generation is still `generation`; returns a view of the
  // copy, or of a copy of `value` when it is not kept.
  ByteView Keep(absl::string_view key, uint64_t hash, uint64_t generation,
                absl::string_view value, absl::Time expires);

  // Drops the key's copy, and any fetch of its stripe under way.
  void Drop(absl::string_view key, uint64_t hash);

  // The shards' statistics, summed.
  CacheShardStats GetStats() const;

 private:
  struct alignas(64) Stripe {
    std::mutex mu;
    uint64_t generation = 0;  // Guarded by mu.
  };

  CacheShard& ShardFor(uint64_t hash) const {
    return *shards_[selector_.Select(hash)];
  }
  Stripe& StripeFor(uint64_t hash) { return stripes_[hash % kStripes]; }

  const ShardSelector selector_;
  const bool expiring_;
  std::vector<std::unique_ptr<CacheShard>> shards_;
  std::unique_ptr<Stripe[]> stripes_;
};

}  // namespace gogocache

#endif  // GOGOCACHE_CACHE_HOT_CACHE_H_
