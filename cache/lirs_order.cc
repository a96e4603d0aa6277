// Copyright 2026 The gogocache Authors.

#include "cache/lirs_order.h"

namespace gogocache {
namespace shard_internal {
LirsOrder::LirsOrder(EntryLists* lists, WindowSizer* window)
    : lists_(*lists), window_(*window) {}

void LirsOrder::Grow(const ShardEntry* entry) {
  const size_t entries = lists_.entries() + 1;
  window_.FollowBytes(entries, lists_.total_bytes() + ChargeOf(entry));
  if (entries * 2 > ghosts_.slots()) {
    ghosts_.EnsureCapacity(entries, lists_.clock());
    window_.FollowEntries(entries);
  }
}

void LirsOrder::DemoteLirOverflow() {
  lists_.SpillOldest(kProtected, window_.main(), kWindow);
}

void LirsOrder::Add(ShardEntry* entry) {
  Grow(entry);
  Duel(entry->table_hash, /*hit=*/false, lists_.entries() + 1);
  const uint32_t now = lists_.Tick();
  uint32_t last_use = 0;
  const bool returning =
      ghosts_.Take(entry->table_hash, now, &last_use) && InStack(last_use);
  entry->set_policy_word(now);
  last_added_ = entry;
  // While the shard fills, new keys are LIR until the LIR share is taken.
  const bool filling = lists_.bytes(kWindow) == 0 &&
                       static_cast<double>(lists_.bytes(kProtected) +
                                           ChargeOf(entry)) <= window_.main();
  if (returning || filling) {
    // Its reuse distance is below the LIR entries' largest: LIR.
    lists_.Insert(entry, kProtected);
    DemoteLirOverflow();
  } else {
    lists_.Insert(entry, kWindow);
  }
}

void LirsOrder::Restore(ShardEntry* entry) {
  Grow(entry);
  entry->set_policy_word(lists_.Tick());
  lists_.Insert(entry, kProtected);
  DemoteLirOverflow();
}

void LirsOrder::Remove(ShardEntry* entry) {
  lists_.Erase(entry);
  ghosts_.Insert(entry->table_hash, entry->policy_word(), lists_.clock());
  if (entry == last_added_) last_added_ = nullptr;
}

ShardEntry* LirsOrder::Evict() {
  // The oldest resident HIR entry leaves. When that is the entry just added
  // (no other HIR entry is left), the stack's bottom, the oldest LIR entry,
  // goes instead: LIRS makes room before it admits a new key.
  ShardEntry* victim = lists_.Oldest(kWindow);
  if (victim == nullptr ||
      (victim == last_added_ && lists_.Oldest(kProtected) != nullptr)) {
    victim = lists_.Oldest(kProtected);
  }
  if (victim == nullptr) victim = lists_.Oldest(kWindow);
  if (victim == nullptr) return nullptr;
  lists_.Erase(victim);
  ghosts_.Insert(victim->table_hash, victim->policy_word(), lists_.clock());
  if (victim == last_added_) last_added_ = nullptr;
  return victim;
}

void LirsOrder::Start() {
  ghosts_.EnsureCapacity(lists_.entries(), lists_.clock());
  last_added_ = nullptr;
  DemoteLirOverflow();
}

void LirsOrder::Stop() {
  ghosts_ = GhostTable();
  last_added_ = nullptr;
}

}  // namespace shard_internal
}  // namespace gogocache
