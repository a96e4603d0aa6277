// Copyright 2026 The gogocache Authors.
//
// MakeEvictionOrder: the EvictionOrder for a policy. Internal to //cache.

#ifndef GOGOCACHE_CACHE_MAKE_EVICTION_ORDER_H_
#define GOGOCACHE_CACHE_MAKE_EVICTION_ORDER_H_

#include <cstddef>
#include <memory>

#include "cache/eviction_order.h"
#include "cache/eviction_policy.h"

namespace gogocache {
namespace shard_internal {

// The order for `policy` in a shard of `capacity` bytes.
std::unique_ptr<EvictionOrder> MakeEvictionOrder(EvictionPolicy policy,
                                                 size_t capacity);

}  // namespace shard_internal
}  // namespace gogocache

#endif  // GOGOCACHE_CACHE_MAKE_EVICTION_ORDER_H_
