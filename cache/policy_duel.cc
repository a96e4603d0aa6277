// Copyright 2026 The gogocache Authors.

#include "cache/policy_duel.h"

#include <algorithm>
#include <cmath>
#include <new>

#include "absl/container/flat_hash_map.h"
#include "cache/eviction_order.h"
#include "cache/lirs_order.h"
#include "cache/lru_order.h"
#include "cache/shard_entry.h"
#include "cache/single_policy_order.h"
#include "cache/tinylfu_order.h"
#include "cache/window_sizer.h"

namespace gogocache {
namespace shard_internal {
namespace {

// The lead, in standard deviations, that makes a challenger.
constexpr double kSigmas = 2;
// The share of the counts carried into the next period. Periods are short
// (one miniature's worth of sampled accesses), so that a lead is looked at
// often, and the evidence long: 0.93^4 is 0.75 per four periods.
constexpr double kCarried = 0.93;

// The contenders, by index.
constexpr EvictionPolicy kContenderPolicies[] = {
    EvictionPolicy::kLru, EvictionPolicy::kLirs, EvictionPolicy::kTinyLfu};

std::unique_ptr<EvictionOrder> MakeContender(int index, size_t capacity) {
  // The window drifts as in AdaptiveOrder, which these stand in for.
  constexpr WindowSizer::Drift kDrift = WindowSizer::Drift::kShrink;
  switch (index) {
    case 0:
      return std::make_unique<SinglePolicyOrder<LruOrder>>(capacity, kDrift);
    case 1:
      return std::make_unique<SinglePolicyOrder<LirsOrder>>(capacity, kDrift);
    default:
      return std::make_unique<SinglePolicyOrder<TinyLfuOrder>>(capacity,
                                                               kDrift);
  }
}

int IndexOf(EvictionPolicy policy) {
  switch (policy) {
    case EvictionPolicy::kLru:
      return 0;
    case EvictionPolicy::kLirs:
      return 1;
    default:
      return 2;
  }
}

}  // namespace

// A miniature shard over sampled keys, counted in entries: whether the
// policy would have hit.
class MiniCache {
 public:
  MiniCache(int contender, size_t entries)
      : capacity_(entries * kEntryOverhead),
        order_(MakeContender(contender, capacity_)) {}
  ~MiniCache() {
    for (const auto& [hash, entry] : entries_) ::operator delete(entry);
  }

  bool Access(uint32_t hash) {
    const auto it = entries_.find(hash);
    if (it != entries_.end()) {
      order_->TouchAll(&it->second, 1);
      return true;
    }
    ShardEntry* entry =
        new (::operator new(ShardEntry::AllocationSize(0, 0))) ShardEntry;
    entry->key_size = 0;
    entry->region = 0;
    entry->table_hash = hash;
    entry->value_size = 0;
    entry->prev = entry->next = nullptr;
    entry->set_policy_word(0);
    entries_.emplace(hash, entry);
    order_->Add(entry);
    usage_ += kEntryOverhead;
    while (usage_ > capacity_) {
      ShardEntry* victim = order_->Evict();
      if (victim == nullptr) break;
      usage_ -= kEntryOverhead;
      entries_.erase(victim->table_hash);
      ::operator delete(victim);
    }
    return false;
  }

 private:
  const size_t capacity_;
  size_t usage_ = 0;
  std::unique_ptr<EvictionOrder> order_;
  absl::flat_hash_map<uint32_t, ShardEntry*> entries_;
};

PolicyDuel::PolicyDuel(size_t entries)
    : period_(std::max<size_t>(entries, 64)) {
  for (int i = 0; i < kContenders; ++i) {
    minis_[i] = std::make_unique<MiniCache>(i, std::max<size_t>(entries, 16));
  }
}

PolicyDuel::~PolicyDuel() = default;

bool PolicyDuel::Access(uint32_t hash, EvictionPolicy running) {
  bool hit[kContenders];
  for (int i = 0; i < kContenders; ++i) {
    hit[i] = minis_[i]->Access(hash);
    hits_[i] += hit[i];
  }
  for (int a = 0; a < kContenders; ++a) {
    for (int b = 0; b < kContenders; ++b)
      discordant_[a][b] += hit[a] && !hit[b];
  }
  if (++accesses_ < period_) return false;
  accesses_ = 0;
  const int current = IndexOf(running);
  int best = current;
  for (int i = 0; i < kContenders; ++i) {
    if (hits_[i] > hits_[best]) best = i;
  }
  leader_ = kContenderPolicies[best];
  const double discordant =
      discordant_[best][current] + discordant_[current][best];
  challenger_.reset();
  if (best != current &&
      hits_[best] - hits_[current] > kSigmas * std::sqrt(discordant)) {
    challenger_ = leader_;
  }
  for (double& hits : hits_) hits *= kCarried;
  for (auto& row : discordant_) {
    for (double& count : row) count *= kCarried;
  }
  return true;
}

}  // namespace shard_internal
}  // namespace gogocache
