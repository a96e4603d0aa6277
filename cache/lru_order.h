// Copyright 2026 The gogocache Authors.
//
// LruOrder: least recently used first, on one list (the window list of
// EntryLists, newest first). The Go original's policy; the adaptive policy
// runs it where recency alone serves best (a working set swept forward and
// back, reuse distances that grow and shrink).
//
// Thread safety: none; the owning shard calls it under its writer lock.

#ifndef GOGOCACHE_CACHE_LRU_ORDER_H_
#define GOGOCACHE_CACHE_LRU_ORDER_H_

#include "cache/entry_lists.h"
#include "cache/shard_entry.h"

namespace gogocache {
namespace shard_internal {

class LruOrder {
 public:
  // Orders entries on `lists`, which must outlive it. With `stamp_times`
  // each use also records the entry's last use in its policy word, so that
  // another policy can take over the entries.
  LruOrder(EntryLists* lists, bool stamp_times)
      : lists_(*lists), stamp_times_(stamp_times) {}

  void Add(ShardEntry* entry) {
    if (stamp_times_) entry->set_policy_word(lists_.Tick());
    lists_.Insert(entry, kWindow);
  }
  void Restore(ShardEntry* entry) { Add(entry); }
  void Touch(ShardEntry* entry) {
    if (stamp_times_) entry->set_policy_word(lists_.Tick());
    lists_.MoveToNewest(entry);
  }
  void Remove(ShardEntry* entry) { lists_.Erase(entry); }
  ShardEntry* Evict() {
    ShardEntry* oldest = lists_.Oldest(kWindow);
    if (oldest != nullptr) lists_.Erase(oldest);
    return oldest;
  }

 private:
  EntryLists& lists_;
  const bool stamp_times_;
};

}  // namespace shard_internal
}  // namespace gogocache

#endif  // GOGOCACHE_CACHE_LRU_ORDER_H_
