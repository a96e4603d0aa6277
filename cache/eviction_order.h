// Copyright 2026 The gogocache Authors.
//
// EvictionOrder: the part of a shard that decides which entry leaves next.
// One implementation per EvictionPolicy, each a small class over the shared
// EntryLists: LruOrder, LirsOrder and TinyLfuOrder (run alone by
// SinglePolicyOrder), and AdaptiveOrder, which runs whichever of the three
// miniature simulations find best; MakeEvictionOrder
// (cache/make_eviction_order.h) picks one. Internal to //cache.
//
// Thread safety: none; the shard calls it only while it holds its writer
// lock.

#ifndef GOGOCACHE_CACHE_EVICTION_ORDER_H_
#define GOGOCACHE_CACHE_EVICTION_ORDER_H_

#include <cstddef>

#include "absl/functional/function_ref.h"
#include "cache/shard_entry.h"

namespace gogocache {
namespace shard_internal {

class EvictionOrder {
 public:
  virtual ~EvictionOrder() = default;

  // A new entry, inserted.
  virtual void Add(ShardEntry* entry) = 0;
  // An entry restored from a persistent store, oldest first: placed as if
  // just used, so that later restores push out earlier ones.
  virtual void Restore(ShardEntry* entry) = 0;
  // Hits on entries[0..count), in the order they happened. One call per
  // batch: the shard replays its buffered hits at once.
  virtual void TouchAll(ShardEntry* const* entries, size_t count) = 0;
  // `entry` leaves (erased or replaced): unlinks it.
  virtual void Remove(ShardEntry* entry) = 0;
  // Unlinks and returns the entry to evict next; nullptr when there is none.
  virtual ShardEntry* Evict() = 0;
  // Calls `visit` on every entry, in no particular order; `visit` may free
  // the entry.
  virtual void ForEach(absl::FunctionRef<void(ShardEntry*)> visit) = 0;
};

// Calls `touch` on entries[0..count) in order, fetching the list neighbours
// of the entries a few places ahead: they are mostly out of cache, and
// fetching them ahead of the relinking that needs them overlaps those misses
// instead of taking them one by one.
template <typename Touch>
inline void TouchInOrder(ShardEntry* const* entries, size_t count,
                         Touch touch) {
  constexpr size_t kNeighboursAhead = 4;
  for (size_t i = 0; i < count; ++i) {
    if (i + kNeighboursAhead < count) {
      const ShardEntry* ahead = entries[i + kNeighboursAhead];
      __builtin_prefetch(ahead->prev, /*rw=*/1);
      __builtin_prefetch(ahead->next, /*rw=*/1);
    }
    touch(entries[i]);
  }
}

}  // namespace shard_internal
}  // namespace gogocache

#endif  // GOGOCACHE_CACHE_EVICTION_ORDER_H_
