// Copyright 2026 The gogocache Authors.

#include "cache/hot_cache.h"

namespace gogocache {

HotCache::HotCache(size_t capacity_bytes, ShardSelector selector,
                   EvictionPolicy policy, Clock* clock)
    : selector_(selector),
      expiring_(clock != nullptr),
      stripes_(std::make_unique<Stripe[]>(kStripes)) {
  const size_t per_shard = capacity_bytes / selector_.num_shards();
  shards_.reserve(selector_.num_shards());
  for (uint32_t i = 0; i < selector_.num_shards(); ++i) {
    shards_.push_back(std::make_unique<CacheShard>(per_shard, policy, clock));
  }
}

uint64_t HotCache::Generation(uint64_t hash) {
  Stripe& stripe = StripeFor(hash);
  std::lock_guard<std::mutex> lock(stripe.mu);
  return stripe.generation;
}

ByteView HotCache::Keep(absl::string_view key, uint64_t hash,
                        uint64_t generation, absl::string_view value,
                        absl::Time expires) {
  Stripe& stripe = StripeFor(hash);
  std::lock_guard<std::mutex> lock(stripe.mu);
  // A Set or Remove of the key since `generation` was read dropped the
  // copies everywhere; keeping this answer would bring an older value back.
  // A copy that cannot carry its expiry is not kept.
  if (stripe.generation == generation &&
      (expiring_ || expires == absl::InfiniteFuture())) {
    EntryExpiry expiry;
    expiry.expires = expires;
    ShardInsert result = ShardFor(hash).Insert(key, hash, value, expiry);
    if (result.inserted) return std::move(result.value);
  }
  return ByteView::CopyOf(value);  // An answer, not kept.
}

void HotCache::Drop(absl::string_view key, uint64_t hash) {
  Stripe& stripe = StripeFor(hash);
  std::lock_guard<std::mutex> lock(stripe.mu);
  ++stripe.generation;
  ShardFor(hash).Erase(key, hash);
}

CacheShardStats HotCache::GetStats() const {
  CacheShardStats sum;
  for (const auto& shard : shards_) sum.Add(shard->GetStats());
  return sum;
}

}  // namespace gogocache
