// Copyright 2026 The gogocache Authors.
//
// EntryLists: the lists every eviction policy keeps a shard's entries on,
// their sizes in bytes, and the access clock that stamps entries' last uses.
// Each policy gives the three lists its own meaning (see the policies'
// headers); sharing them lets the adaptive policy switch between policies by
// relinking entries instead of copying them.
//
// Each list is doubly linked through the entries' `prev`/`next` around a
// sentinel: `next` of the sentinel is the newest entry, `prev` the oldest.
// An entry's `region` names the list holding it.
//
// Thread safety: none; the owning shard calls it under its writer lock.

#ifndef GOGOCACHE_CACHE_ENTRY_LISTS_H_
#define GOGOCACHE_CACHE_ENTRY_LISTS_H_

#include <cstddef>
#include <cstdint>

#include "cache/shard_entry.h"

namespace gogocache {
namespace shard_internal {

enum Region : uint8_t { kWindow = 0, kProbation = 1, kProtected = 2 };

class EntryLists {
 public:
  EntryLists() {
    for (ShardEntry& head : heads_) {
      head.prev = head.next = &head;
      head.key_size = 0;
      head.value_size = 0;
    }
  }

  // The sentinels' addresses are the lists' ends.
  EntryLists(const EntryLists&) = delete;
  EntryLists& operator=(const EntryLists&) = delete;

  // A new entry, onto `region`'s newest end (or with `as_oldest`, oldest).
  void Insert(ShardEntry* entry, Region region, bool as_oldest = false) {
    Link(entry, region, as_oldest);
    ++entries_;
  }
  // An entry leaving the order.
  void Erase(ShardEntry* entry) {
    Detach(entry);
    --entries_;
  }
  // An entry moving to `region`'s newest end (or oldest).
  void Move(ShardEntry* entry, Region region, bool as_oldest = false) {
    Detach(entry);
    Link(entry, region, as_oldest);
  }
  // Makes `entry` the newest of its own list.
  void MoveToNewest(ShardEntry* entry) {
    ShardEntry* head = &heads_[entry->region];
    if (head->next == entry) return;
    Unlink(entry);
    LinkFront(head, entry);
  }
  // Moves the oldest entries of `from` to the newest end of `to` while
  // `from` holds more than `limit` bytes; returns how many moved.
  size_t SpillOldest(Region from, double limit, Region to) {
    size_t moved = 0;
    while (static_cast<double>(bytes_[from]) > limit) {
      Move(Oldest(from), to);
      ++moved;
    }
    return moved;
  }

  ShardEntry* Oldest(Region region) {
    ShardEntry* head = &heads_[region];
    return head->prev == head ? nullptr : head->prev;
  }
  ShardEntry* Newest(Region region) {
    ShardEntry* head = &heads_[region];
    return head->next == head ? nullptr : head->next;
  }
  // The entry after `entry` towards the newest end; nullptr past it.
  ShardEntry* Newer(ShardEntry* entry) {
    return entry->prev == &heads_[entry->region] ? nullptr : entry->prev;
  }
  // The entry after `entry` towards the oldest end; nullptr past it.
  ShardEntry* Older(ShardEntry* entry) {
    return entry->next == &heads_[entry->region] ? nullptr : entry->next;
  }

  size_t bytes(Region region) const { return bytes_[region]; }
  size_t total_bytes() const {
    return bytes_[kWindow] + bytes_[kProbation] + bytes_[kProtected];
  }
  size_t entries() const { return entries_; }

  // The next access time: 32 bits that wrap, so times compare as ages
  // (`clock() - time`).
  uint32_t Tick() { return ++clock_; }
  uint32_t clock() const { return clock_; }

  // Calls `visit` on every entry, in no particular order; `visit` may free
  // the entry.
  template <typename Visit>
  void ForEach(Visit visit) {
    for (ShardEntry& head : heads_) {
      for (ShardEntry* e = head.next; e != &head;) {
        ShardEntry* next = e->next;
        visit(e);
        e = next;
      }
    }
  }

 private:
  void Link(ShardEntry* entry, Region region, bool as_oldest) {
    entry->region = region;
    if (as_oldest) {
      LinkBack(&heads_[region], entry);
    } else {
      LinkFront(&heads_[region], entry);
    }
    bytes_[region] += ChargeOf(entry);
  }
  void Detach(ShardEntry* entry) {
    Unlink(entry);
    bytes_[entry->region] -= ChargeOf(entry);
  }
  static void LinkFront(ShardEntry* head, ShardEntry* entry) {
    entry->next = head->next;
    entry->prev = head;
    head->next->prev = entry;
    head->next = entry;
  }
  static void LinkBack(ShardEntry* head, ShardEntry* entry) {
    entry->prev = head->prev;
    entry->next = head;
    head->prev->next = entry;
    head->prev = entry;
  }
  static void Unlink(ShardEntry* entry) {
    entry->prev->next = entry->next;
    entry->next->prev = entry->prev;
  }

  ShardEntry heads_[3];
  size_t bytes_[3] = {0, 0, 0};
  size_t entries_ = 0;
  uint32_t clock_ = 0;
};

}  // namespace shard_internal
}  // namespace gogocache

#endif  // GOGOCACHE_CACHE_ENTRY_LISTS_H_
