// Copyright 2026 The gogocache Authors.

#include "tools/hit_ratio.h"

#include <list>
#include <queue>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "cache/byte_view.h"
#include "cache/cache_shard.h"
#include "hash/hash_strategy.h"

namespace gogocache {

size_t DistinctKeys(const std::vector<uint64_t>& keys) {
  return absl::flat_hash_set<uint64_t>(keys.begin(), keys.end()).size();
}

uint64_t ExactLruHits(const std::vector<uint64_t>& keys, size_t capacity) {
  if (capacity == 0) return 0;
  std::list<uint64_t> order;  // Most recent first.
  absl::flat_hash_map<uint64_t, std::list<uint64_t>::iterator> where;
  uint64_t hits = 0;
  for (uint64_t key : keys) {
    auto it = where.find(key);
    if (it != where.end()) {
      ++hits;
      order.splice(order.begin(), order, it->second);
      continue;
    }
    if (where.size() == capacity) {
      where.erase(order.back());
      order.pop_back();
    }
    order.push_front(key);
    where[key] = order.begin();
  }
  return hits;
}

uint64_t OptimalHits(const std::vector<uint64_t>& keys, size_t capacity) {
  if (capacity == 0) return 0;
  const size_t n = keys.size();
  // next_use[i]: where keys[i] is accessed next, n for never.
  std::vector<size_t> next_use(n);
  {
    absl::flat_hash_map<uint64_t, size_t> seen;
    for (size_t i = n; i-- > 0;) {
      auto [it, inserted] = seen.try_emplace(keys[i], n);
      next_use[i] = it->second;
      it->second = i;
    }
  }
  // The cache, with each key's next use; the heap may hold stale pairs,
  // skipped when they no longer match.
  absl::flat_hash_map<uint64_t, size_t> cached;
  std::priority_queue<std::pair<size_t, uint64_t>> farthest;
  uint64_t hits = 0;
  for (size_t i = 0; i < n; ++i) {
    const uint64_t key = keys[i];
    auto it = cached.find(key);
    if (it != cached.end()) {
      ++hits;
      it->second = next_use[i];
      farthest.emplace(next_use[i], key);
      continue;
    }
    if (cached.size() == capacity) {
      // Evict what is needed last among what is held.
      for (;;) {
        const auto [use, victim] = farthest.top();
        farthest.pop();
        auto found = cached.find(victim);
        if (found != cached.end() && found->second == use) {
          cached.erase(found);
          break;
        }
      }
    }
    cached.emplace(key, next_use[i]);
    farthest.emplace(next_use[i], key);
  }
  return hits;
}

uint64_t ShardHits(const std::vector<uint64_t>& keys, size_t capacity,
                   EvictionPolicy policy) {
  if (capacity == 0) return 0;
  constexpr size_t kKeySize = sizeof(uint64_t);
  CacheShard shard(capacity * CacheShard::Charge(kKeySize, 0), policy);
  const HashStrategy hash = HashStrategy::Xxh3();
  uint64_t hits = 0;
  ByteView value;
  for (uint64_t key : keys) {
    char bytes[kKeySize];
    for (size_t i = 0; i < kKeySize; ++i)
      bytes[i] = static_cast<char>(key >> (8 * i));
    const absl::string_view encoded(bytes, kKeySize);
    const uint64_t h = hash.Hash(encoded);
    if (shard.Lookup(encoded, h, &value)) {
      ++hits;
    } else {
      shard.Insert(encoded, h, "");
    }
  }
  return hits;
}

}  // namespace gogocache
