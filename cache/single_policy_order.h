// Copyright 2026 The gogocache Authors.
//
// SinglePolicyOrder: an EvictionOrder that runs one policy (LruOrder,
// LirsOrder or TinyLfuOrder) on lists and a window of its own.
//
// Thread safety: none; the owning shard calls it under its writer lock.

#ifndef GOGOCACHE_CACHE_SINGLE_POLICY_ORDER_H_
#define GOGOCACHE_CACHE_SINGLE_POLICY_ORDER_H_

#include <cstddef>

#include "absl/functional/function_ref.h"
#include "cache/entry_lists.h"
#include "cache/eviction_order.h"
#include "cache/lirs_order.h"
#include "cache/lru_order.h"
#include "cache/shard_entry.h"
#include "cache/tinylfu_order.h"
#include "cache/window_sizer.h"

namespace gogocache {
namespace shard_internal {

template <typename Policy>
class SinglePolicyOrder final : public EvictionOrder {
 public:
  // For a shard of `capacity` bytes, the window drifting as `drift` says
  // (AdaptiveOrder's miniatures drift as it does).
  explicit SinglePolicyOrder(
      size_t capacity, WindowSizer::Drift drift = WindowSizer::Drift::kHold)
      : window_(static_cast<double>(capacity), drift), policy_(MakePolicy()) {}

  void Add(ShardEntry* entry) override { policy_.Add(entry); }
  void Restore(ShardEntry* entry) override { policy_.Restore(entry); }
  void TouchAll(ShardEntry* const* entries, size_t count) override {
    TouchInOrder(entries, count,
                 [this](ShardEntry* entry) { policy_.Touch(entry); });
  }
  void Remove(ShardEntry* entry) override { policy_.Remove(entry); }
  ShardEntry* Evict() override { return policy_.Evict(); }
  void ForEach(absl::FunctionRef<void(ShardEntry*)> visit) override {
    lists_.ForEach(visit);
  }

 private:
  Policy MakePolicy();

  EntryLists lists_;
  WindowSizer window_;
  Policy policy_;
};

template <>
inline LruOrder SinglePolicyOrder<LruOrder>::MakePolicy() {
  return LruOrder(&lists_, /*stamp_times=*/false);
}

template <>
inline LirsOrder SinglePolicyOrder<LirsOrder>::MakePolicy() {
  return LirsOrder(&lists_, &window_);
}

template <>
inline TinyLfuOrder SinglePolicyOrder<TinyLfuOrder>::MakePolicy() {
  return TinyLfuOrder(&lists_, &window_, /*stamp_times=*/false);
}

}  // namespace shard_internal
}  // namespace gogocache

#endif  // GOGOCACHE_CACHE_SINGLE_POLICY_ORDER_H_
