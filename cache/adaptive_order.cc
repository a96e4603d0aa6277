// Copyright 2026 The gogocache Authors.

#include "cache/adaptive_order.h"

#include <algorithm>
#include <vector>

namespace gogocache {
namespace shard_internal {
AdaptiveOrder::AdaptiveOrder(size_t capacity)
    : capacity_(static_cast<double>(capacity)),
      window_(capacity_, WindowSizer::Drift::kShrink),
      lru_(&lists_, /*stamp_times=*/true),
      lirs_(&lists_, &window_),
      tinylfu_(&lists_, &window_, /*stamp_times=*/true) {}

AdaptiveOrder::~AdaptiveOrder() = default;

void AdaptiveOrder::Add(ShardEntry* entry) {
  WithRunning([entry](auto& policy) { policy.Add(entry); });
  Observe(entry->table_hash);
}

void AdaptiveOrder::Restore(ShardEntry* entry) {
  WithRunning([entry](auto& policy) { policy.Restore(entry); });
}

void AdaptiveOrder::TouchAll(ShardEntry* const* entries, size_t count) {
  TouchInOrder(entries, count, [this](ShardEntry* entry) {
    WithRunning([entry](auto& policy) { policy.Touch(entry); });
    Observe(entry->table_hash);
  });
}

void AdaptiveOrder::Remove(ShardEntry* entry) {
  WithRunning([entry](auto& policy) { policy.Remove(entry); });
}

ShardEntry* AdaptiveOrder::Evict() {
  return WithRunning([](auto& policy) { return policy.Evict(); });
}

void AdaptiveOrder::Observe(uint32_t hash) {
  // Until the shard evicts, every policy holds every key and there is
  // nothing to choose; the duel's hits would only cost the hit path. It
  // starts with the window's sample, at half the capacity (where Caffeine
  // starts counting frequencies), so that its miniatures have seen the
  // second half's keys, and the first half's in use since, by the first
  // eviction. Until then LIRS runs, whose inserts start the sample.
  if (!window_.sampling()) return;
  if (lists_.entries() >= resize_at_) SizeDuel();
  if (WindowSizer::SampleHash(hash) >= duel_threshold_) return;
  if (duel_->Access(hash, running_) && duel_->challenger().has_value()) {
    SwitchTo(*duel_->challenger());
  }
}

void AdaptiveOrder::SizeDuel() {
  // The entries the shard holds when full, if they are like those it holds
  // now; the miniatures hold the sampled share of them. Made when the duel
  // starts, and made again (empty) whenever the entry count has doubled and
  // the estimate has moved by more than half, so that early entries unlike
  // the later ones do not leave every access sampled, or none.
  const double full = capacity_ * static_cast<double>(lists_.entries()) /
                      static_cast<double>(lists_.total_bytes());
  resize_at_ = 2 * lists_.entries();
  if (duel_ != nullptr && full < 2 * duel_full_ && 2 * full > duel_full_) {
    return;
  }
  duel_full_ = full;
  const double sampled = std::min(full, WindowSizer::kSampledEntries);
  duel_threshold_ = static_cast<uint32_t>(65536 * sampled / full);
  duel_ = std::make_unique<PolicyDuel>(static_cast<size_t>(sampled));
}

void AdaptiveOrder::SwitchTo(EvictionPolicy policy) {
  if (running_ == EvictionPolicy::kLirs) lirs_.Stop();
  if (running_ == EvictionPolicy::kTinyLfu) tinylfu_.Stop();
  switch (policy) {
    case EvictionPolicy::kLru:
      RelinkByRecency();
      break;
    case EvictionPolicy::kTinyLfu:
      // From LIRS, LIR entries become protected and HIR ones the window;
      // from LRU, the newest are the window. What overflows either goes on
      // probation, oldest first out.
      tinylfu_.Start();
      break;
    default:
      RelinkForLirs();
      lirs_.Start();
  }
  running_ = policy;
}

void AdaptiveOrder::RelinkByRecency() {
  std::vector<ShardEntry*> entries;
  entries.reserve(lists_.entries());
  lists_.ForEach([&entries](ShardEntry* entry) { entries.push_back(entry); });
  const uint32_t now = lists_.clock();
  std::sort(entries.begin(), entries.end(),
            [now](const ShardEntry* a, const ShardEntry* b) {
              return now - a->policy_word() < now - b->policy_word();
            });
  for (ShardEntry* entry : entries) {
    lists_.Move(entry, kWindow, /*as_oldest=*/true);
  }
}

void AdaptiveOrder::RelinkForLirs() {
  // Probation's entries go behind the window's, oldest last.
  while (ShardEntry* newest = lists_.Newest(kProbation)) {
    lists_.Move(newest, kWindow, /*as_oldest=*/true);
  }
  // TinyLFU's protected share (80% of the main region) is less than LIRS's
  // LIR share, and LIRS alone would not make up the difference where reuse
  // is always longer than the stack (a loop larger than the shard): new keys
  // only become LIR by coming back within it. From LRU there is no LIR
  // entry at all.
  while (ShardEntry* newest = lists_.Newest(kWindow)) {
    if (static_cast<double>(lists_.bytes(kProtected) + ChargeOf(newest)) >
        window_.main()) {
      break;
    }
    lists_.Move(newest, kProtected, /*as_oldest=*/true);
  }
}

}  // namespace shard_internal
}  // namespace gogocache
