// Copyright 2026 The gogocache Authors.

#include "cache/make_eviction_order.h"

#include "cache/adaptive_order.h"
#include "cache/lirs_order.h"
#include "cache/lru_order.h"
#include "cache/single_policy_order.h"
#include "cache/tinylfu_order.h"

namespace gogocache {
namespace shard_internal {

std::unique_ptr<EvictionOrder> MakeEvictionOrder(EvictionPolicy policy,
                                                 size_t capacity) {
  switch (policy) {
    case EvictionPolicy::kLru:
      return std::make_unique<SinglePolicyOrder<LruOrder>>(capacity);
    case EvictionPolicy::kLirs:
      return std::make_unique<SinglePolicyOrder<LirsOrder>>(capacity);
    case EvictionPolicy::kTinyLfu:
      return std::make_unique<SinglePolicyOrder<TinyLfuOrder>>(capacity);
    case EvictionPolicy::kAdaptive:
      break;
  }
  return std::make_unique<AdaptiveOrder>(capacity);
}

}  // namespace shard_internal
}  // namespace gogocache
