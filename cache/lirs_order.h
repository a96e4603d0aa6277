// Copyright 2026 The gogocache Authors.
//
// LirsOrder: LIRS (Jiang and Zhang, "LIRS: An Efficient Low Inter-reference
// Recency Set Replacement Policy to Improve Buffer Cache Performance",
// SIGMETRICS 2002). Entries whose last reuse distance was short (LIR) stay;
// new keys and keys reused far apart (HIR) go first. On EntryLists:
//   window     resident HIR entries, newest first; the oldest leaves first;
//   protected  LIR entries, most recently used first, bounded in bytes by
//              the WindowSizer's main share (the HIR share is its window).
// Instead of the paper's stack, every entry's last use (an access time, in
// its policy word) and every evicted key's (in a GhostTable) tell whether a
// key is in the stack: used after the oldest LIR entry. A HIR entry or ghost
// reused while in the stack becomes LIR, and the oldest LIR entries move to
// HIR. Promotion is lazy: a LIR entry hit while it is still in the newest
// sixteenth of the stack (by the times of the last moves to the top) keeps
// its place and its time, so the list stays ordered by the times it keeps
// and a hit near the top relinks nothing.
//
// Thread safety: none; the owning shard calls it under its writer lock.

#ifndef GOGOCACHE_CACHE_LIRS_ORDER_H_
#define GOGOCACHE_CACHE_LIRS_ORDER_H_

#include <cstddef>
#include <cstdint>

#include "cache/entry_lists.h"
#include "cache/ghost_table.h"
#include "cache/shard_entry.h"
#include "cache/window_sizer.h"

namespace gogocache {
namespace shard_internal {

class LirsOrder {
 public:
  // Orders entries on `lists` with the HIR share `window` gives; both must
  // outlive it.
  LirsOrder(EntryLists* lists, WindowSizer* window);

  LirsOrder(const LirsOrder&) = delete;
  LirsOrder& operator=(const LirsOrder&) = delete;

  void Add(ShardEntry* entry);
  // LIR, at the top of the stack; the oldest LIR entries move to HIR and
  // are the first to go.
  void Restore(ShardEntry* entry);
  void Touch(ShardEntry* entry);
  // Replaced or erased: remembered like an evicted key, so that a new value
  // of a key in use comes back as what it was.
  void Remove(ShardEntry* entry);
  ShardEntry* Evict();

  // For the adaptive policy, which hands the lists between policies. Start
  // takes over lists where every entry carries its last use: LIR entries
  // on the protected list, HIR entries on the window list. Stop forgets the
  // ghosts, so that a shard holds one policy's history.
  void Start();
  void Stop();
  // Moves the oldest LIR entries to the newest end of the HIR list while
  // the LIR entries take more than their share.
  void DemoteLirOverflow();

 private:
  // A LIR hit moves its entry to the top only if the entry has not been
  // moved within the newest 1/kLazyPromotionDivisor of the stack's span
  // (larger shares cost recency-biased traces hit ratio: docs/eviction.md).
  static constexpr uint32_t kLazyPromotionDivisor = 16;

  // Whether a key last used at `time` is in the LIRS stack: used more
  // recently than the oldest LIR entry.
  bool InStack(uint32_t time) {
    if (lists_.Oldest(kProtected) == nullptr) return true;  // No LIR yet.
    return lists_.clock() - time < StackSpan();
  }
  // Accesses since the oldest LIR entry's last move to the top; there must
  // be a LIR entry.
  uint32_t StackSpan() {
    return lists_.clock() - lists_.Oldest(kProtected)->policy_word();
  }
  // Sizes the ghosts (and the window's sample) to one more entry, `entry`,
  // and starts the window's sample once the shard holds half its capacity
  // with it.
  void Grow(const ShardEntry* entry);
  // Feeds one access to the window's duel against LRU, in a shard of
  // `entries`.
  void Duel(uint32_t hash, bool hit, size_t entries) {
    if (window_.Sampled(hash) && window_.Record(hash, hit, entries)) {
      DemoteLirOverflow();
    }
  }

  EntryLists& lists_;
  WindowSizer& window_;
  GhostTable ghosts_;
  // The entry the last Add() inserted: not evicted while an older HIR entry
  // remains.
  ShardEntry* last_added_ = nullptr;
};

// Inline: the hit path.
inline void LirsOrder::Touch(ShardEntry* entry) {
  Duel(entry->table_hash, /*hit=*/true, lists_.entries());
  const uint32_t now = lists_.Tick();
  if (entry->region == kProtected) {
    // Lazy promotion: an entry still in the newest sixteenth of the stack
    // keeps its place and its time. The list stays ordered by the times it
    // records, each behind the real last use by less than a sixteenth of
    // the stack's span at that use, and a hit often skips relinking: no
    // writes to two list neighbours, which are random cache lines, nor to an
    // entry other threads keep reading.
    if (now - entry->policy_word() < StackSpan() / kLazyPromotionDivisor) {
      return;
    }
    lists_.MoveToNewest(entry);
  } else if (InStack(entry->policy_word())) {
    // A resident HIR entry reused within the stack: it becomes LIR, and the
    // oldest LIR entries make room.
    lists_.Move(entry, kProtected);
    DemoteLirOverflow();
  } else {
    lists_.MoveToNewest(entry);
  }
  entry->set_policy_word(now);
}

}  // namespace shard_internal
}  // namespace gogocache

#endif  // GOGOCACHE_CACHE_LIRS_ORDER_H_
