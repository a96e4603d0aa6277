// Copyright 2026 The gogocache Authors.
//
// TinyLfuOrder: Window TinyLFU (Einziger, Friedman and Manes, "TinyLFU: A
// Highly Efficient Cache Admission Policy", ACM ToS 2017, as Caffeine
// implements it). On EntryLists, each list bounded in bytes:
//   window     an LRU for new entries, the WindowSizer's window share;
//   probation  entries out of the window, and the main region's coldest;
//   protected  entries hit while on probation, 80% of the main region.
// When the window overflows, its oldest entries become candidates at the
// newest end of probation; while the shard is over capacity a candidate
// meets probation's oldest entry (the victim), and the one the frequency
// sketch says is used less often leaves.
//
// Thread safety: none; the owning shard calls it under its writer lock.

#ifndef GOGOCACHE_CACHE_TINYLFU_ORDER_H_
#define GOGOCACHE_CACHE_TINYLFU_ORDER_H_

#include <cstddef>
#include <cstdint>

#include "cache/entry_lists.h"
#include "cache/frequency_sketch.h"
#include "cache/shard_entry.h"
#include "cache/window_sizer.h"

namespace gogocache {
namespace shard_internal {

class TinyLfuOrder {
 public:
  // Orders entries on `lists` with the window `window` gives; both must
  // outlive it. With `stamp_times` each use also records the entry's last
  // use in its policy word, so that another policy can take over.
  TinyLfuOrder(EntryLists* lists, WindowSizer* window, bool stamp_times);

  TinyLfuOrder(const TinyLfuOrder&) = delete;
  TinyLfuOrder& operator=(const TinyLfuOrder&) = delete;

  void Add(ShardEntry* entry);
  // On probation, newest, and not a candidate for admission.
  void Restore(ShardEntry* entry);
  void Touch(ShardEntry* entry);
  void Remove(ShardEntry* entry) {
    // The shard evicts only right after an Add, which sets the candidates
    // again; still, never keep a pointer to an entry that left.
    if (entry == next_candidate_) {
      next_candidate_ = nullptr;
      candidates_ = 0;
    }
    lists_.Erase(entry);
  }
  ShardEntry* Evict();

  // For the adaptive policy: Start takes over lists with the window and
  // protected lists within their shares (no candidates pending), with a
  // sketch sized to the entries and seeded from the lists they are on.
  void Start();
  // Forgets the sketch, so that a shard holds one policy's history.
  void Stop() {
    sketch_ = FrequencySketch();
    most_entries_ = 0;
  }

 private:
  // Follows a shard of `entries` holding `bytes` with the window's sample
  // and the sketch.
  void Grow(size_t entries, size_t bytes);
  bool Admit(const ShardEntry* candidate, const ShardEntry* victim);
  double ProtectedCapacity() const {
    return kProtectedShareOfMain * window_.main();
  }

  static constexpr double kProtectedShareOfMain = 0.80;

  EntryLists& lists_;
  WindowSizer& window_;
  const bool stamp_times_;
  FrequencySketch sketch_;
  size_t most_entries_ = 0;  // The most Grow() has seen.
  // Entries moved out of the window by the last Add() that still await
  // their admission decision, newest first at probation's newest end.
  size_t candidates_ = 0;
  ShardEntry* next_candidate_ = nullptr;
  uint64_t random_ = 0x2545F4914F6CDD1DULL;  // xorshift state, for Admit.
};

// Inline: the hit path.
inline void TinyLfuOrder::Touch(ShardEntry* entry) {
  sketch_.Increment(entry->table_hash);
  if (stamp_times_) entry->set_policy_word(lists_.Tick());
  if (window_.Sampled(entry->table_hash)) {
    window_.Record(entry->table_hash, /*hit=*/true, lists_.entries());
  }
  if (entry->region == kProbation) {
    lists_.Move(entry, kProtected);
    // Protected is full: its oldest go back on probation, newest first.
    lists_.SpillOldest(kProtected, ProtectedCapacity(), kProbation);
  } else {
    lists_.MoveToNewest(entry);
  }
}

}  // namespace shard_internal
}  // namespace gogocache

#endif  // GOGOCACHE_CACHE_TINYLFU_ORDER_H_
