// Copyright 2026 The gogocache Authors.
//
// AdaptiveOrder: the default policy. It runs LRU, LIRS or Window TinyLFU
// on one shard's EntryLists, starting with LIRS, and switches to whichever
// a PolicyDuel of the three, fed the shard's sampled accesses once the
// shard has held half its capacity, finds better than the running one
// beyond chance.
// A switch relinks the lists in place from one policy's meaning to the
// other's; every policy stamps each entry's last use, so the relinked lists
// keep recency. History is kept for the running policy only: LIRS's ghosts
// while LIRS runs, the frequency sketch while TinyLFU runs, which takes over
// with a sketch seeded from the lists (TinyLfuOrder::Start), so that LIRS
// and LRU hits never pay for counting. docs/eviction.md compares the
// alternatives.
//
// Thread safety: none; the owning shard calls it under its writer lock.

#ifndef GOGOCACHE_CACHE_ADAPTIVE_ORDER_H_
#define GOGOCACHE_CACHE_ADAPTIVE_ORDER_H_

#include <cstddef>
#include <cstdint>
#include <memory>

#include "absl/functional/function_ref.h"
#include "cache/entry_lists.h"
#include "cache/eviction_order.h"
#include "cache/eviction_policy.h"
#include "cache/lirs_order.h"
#include "cache/lru_order.h"
#include "cache/policy_duel.h"
#include "cache/shard_entry.h"
#include "cache/tinylfu_order.h"
#include "cache/window_sizer.h"

namespace gogocache {
namespace shard_internal {

class AdaptiveOrder final : public EvictionOrder {
 public:
  // For a shard of `capacity` bytes.
  explicit AdaptiveOrder(size_t capacity);
  ~AdaptiveOrder() override;

  void Add(ShardEntry* entry) override;
  void Restore(ShardEntry* entry) override;
  void TouchAll(ShardEntry* const* entries, size_t count) override;
  void Remove(ShardEntry* entry) override;
  ShardEntry* Evict() override;
  void ForEach(absl::FunctionRef<void(ShardEntry*)> visit) override {
    lists_.ForEach(visit);
  }

 private:
  // Calls `call` with the running policy, returning what it returns.
  template <typename Call>
  decltype(auto) WithRunning(Call call) {
    switch (running_) {
      case EvictionPolicy::kLru:
        return call(lru_);
      case EvictionPolicy::kTinyLfu:
        return call(tinylfu_);
      default:
        return call(lirs_);
    }
  }
  // Feeds one access to the duel, and switches to the policy it elects. Called
  // once the running policy has placed the access: switching in the middle of
  // placing it would leave that policy going on with its own steps on the
  // other's lists.
  void Observe(uint32_t hash);
  // Sizes the duel's sample and miniatures to the shard (see the .cc).
  void SizeDuel();
  void SwitchTo(EvictionPolicy policy);
  // Relinks every entry onto the window list, most recently used first.
  void RelinkByRecency();
  // Relinks for LIRS: the window and then probation become HIR (probation's
  // oldest first out), and the newest HIR entries become LIR, at the
  // stack's bottom, while the LIR share has room.
  void RelinkForLirs();

  const double capacity_;
  EntryLists lists_;
  WindowSizer window_;
  LruOrder lru_;
  LirsOrder lirs_;
  TinyLfuOrder tinylfu_;
  EvictionPolicy running_ = EvictionPolicy::kLirs;
  std::unique_ptr<PolicyDuel> duel_;  // Made by SizeDuel().
  double duel_full_ = 0;  // The full shard's entries it was sized for.
  size_t resize_at_ = 1;  // SizeDuel() checks again at this many entries.
  // Keys whose SampleHash is below this feed the duel.
  uint32_t duel_threshold_ = 0;
};

}  // namespace shard_internal
}  // namespace gogocache

#endif  // GOGOCACHE_CACHE_ADAPTIVE_ORDER_H_
