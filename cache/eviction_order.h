// Copyright 2026 The gogocache Authors.
//
// EvictionOrder: the part of a shard that decides which entry leaves next,
// for any EvictionPolicy. Internal to //cache; the shard calls it only
// while it holds its writer lock, so nothing here is synchronized.
//
// kLru keeps one recency list. kTinyLfu (Window TinyLFU: Einziger, Friedman
// and Manes, "TinyLFU: A Highly Efficient Cache Admission Policy", ACM ToS
// 2017, as Caffeine implements it) keeps three, each bounded in bytes:
//   window     an LRU for new entries, 1% of the capacity;
//   probation  entries out of the window, and the main region's coldest;
//   protected  entries hit while on probation, 80% of the main region.
// When the window overflows its oldest entries become candidates at the
// front of probation; while the shard is over capacity a candidate meets the
// probation's oldest entry (the victim) and the one the sketch says is used
// less often leaves.
//
// kLirs (LIRS: Jiang and Zhang, SIGMETRICS 2002) reuses two of the lists:
//   window     resident HIR entries (new keys, long reuse distance), newest
//              first; the oldest is evicted first;
//   protected  LIR entries, most recently used first, bounded in bytes by
//              the capacity minus the HIR share.
// Instead of the paper's stack, every entry's last use (an access count, in
// its policy word) and every evicted key's (in a GhostTable) tell whether a
// key is in the stack: used after the oldest LIR entry. A HIR entry or
// ghost reused while in the stack becomes LIR and the oldest LIR entries
// move to HIR. Promotion is lazy: a LIR entry hit while it is still in the
// newest sixteenth of the stack (by the times of the last moves to the top)
// stays put, time and place, so the list stays ordered by the times it
// keeps and a hit near the top relinks nothing.
//
// Both kTinyLfu's window and kLirs's HIR share start at 1% of the capacity
// and are resized by a duel against a sampled LRU (see Duel()).
//
// kAdaptive runs kLirs or kTinyLfu (mode_) on the same lists, switching by
// relinking them (LIR <-> protected, HIR <-> window, probation <-> the
// oldest HIR), as two miniature shards of the two policies, fed the same
// sampled accesses (MiniCache, PolicyDuel in the .cc), vote.

#ifndef GOGOCACHE_CACHE_EVICTION_ORDER_H_
#define GOGOCACHE_CACHE_EVICTION_ORDER_H_

#include <cstddef>
#include <cstdint>
#include <memory>

#include "cache/eviction_policy.h"
#include "cache/frequency_sketch.h"
#include "cache/ghost_table.h"
#include "cache/hash_lru.h"
#include "cache/shard_entry.h"

namespace gogocache {
namespace shard_internal {

// Bytes charged per entry beyond its key and value (see LruShard).
inline constexpr size_t kEntryOverhead = 64;

inline size_t ChargeOf(const ShardEntry* entry) {
  return entry->key_size + entry->value_size + kEntryOverhead;
}

class EvictionOrder {
 public:
  EvictionOrder(EvictionPolicy policy, size_t capacity);

  ~EvictionOrder();

  EvictionOrder(const EvictionOrder&) = delete;
  EvictionOrder& operator=(const EvictionOrder&) = delete;

  // A new entry, inserted.
  void Add(ShardEntry* entry);
  // An entry restored from a persistent store, oldest first: placed as if
  // just used, so that later restores push out earlier ones.
  void Restore(ShardEntry* entry);
  // A hit on `entry`, in the order the hits happened.
  void Touch(ShardEntry* entry);
  // `entry` leaves (erased or replaced): unlinks it.
  void Remove(ShardEntry* entry);
  // Unlinks and returns the entry to evict next; nullptr when there is none.
  ShardEntry* Evict();

  // Calls `visit` on every entry, in no particular order.
  template <typename Visit>
  void ForEach(Visit visit) {
    for (ShardEntry* head : {&window_, &probation_, &protected_}) {
      for (ShardEntry* e = head->next; e != head;) {
        ShardEntry* next = e->next;
        visit(e);
        e = next;
      }
    }
  }

 private:
  enum Region : uint32_t { kWindow = 0, kProbation = 1, kProtected = 2 };

  static void Init(ShardEntry* head);
  static void LinkFront(ShardEntry* head, ShardEntry* entry);
  static void LinkBack(ShardEntry* head, ShardEntry* entry);
  static void Unlink(ShardEntry* entry);
  static ShardEntry* Oldest(ShardEntry* head) {
    return head->prev == head ? nullptr : head->prev;
  }
  static ShardEntry* Newest(ShardEntry* head) {
    return head->next == head ? nullptr : head->next;
  }

  ShardEntry* HeadOf(uint32_t region);
  size_t& BytesOf(uint32_t region);
  // Moves the oldest entries of region `from` to the newest end of region
  // `to` while `from` holds more than `limit` bytes; returns how many.
  size_t SpillOldest(uint32_t from, double limit, uint32_t to);
  // Counts one more entry, sizing the sketch or ghost table and the duel's
  // sample to the entries.
  void GrowEntries();
  // Puts `entry` on `region`'s list, newest (or with `as_oldest`, oldest).
  void Link(ShardEntry* entry, uint32_t region, bool as_oldest = false);
  void Detach(ShardEntry* entry);
  bool Admit(const ShardEntry* candidate, const ShardEntry* victim);
  // Feeds one access (hit or miss) to the duel against LRU, and resizes the
  // window at the end of each period.
  // Inline: most accesses are not sampled, and this is on every hit's replay.
  void Duel(uint32_t hash, bool hit) {
    if (SampleHash(hash) < sample_threshold_) DuelSampled(hash, hit);
  }
  void DuelSampled(uint32_t hash, bool hit);
  // Which 2^16-th of the keys `hash` falls in, for the sample.
  static uint32_t SampleHash(uint32_t hash) {
    return static_cast<uint32_t>((hash * 0x9E3779B1u) >> 16);
  }

  // kTinyLfu's Add() and Touch().
  void AddTinyLfu(ShardEntry* entry);
  void TouchTinyLfu(ShardEntry* entry);

  // kLirs. Resident HIR entries are on the window list (newest first), LIR
  // entries on the protected list (most recent first); its oldest is the
  // stack's bottom.
  void AddLirs(ShardEntry* entry);
  void TouchLirs(ShardEntry* entry);
  ShardEntry* EvictLirs();
  // The next access time (32 bits, wrapping; compared as ages).
  uint32_t Tick();
  // Whether a key last used at `time` is in the LIRS stack: used more
  // recently than the oldest LIR entry.
  bool InStack(uint32_t time) const;
  // Accesses since the oldest LIR entry's last move to the top; there must
  // be a LIR entry.
  uint32_t StackSpan() const { return clock_ - protected_.prev->policy_word(); }
  // Moves the oldest LIR entries to the newest end of the HIR list while
  // the LIR entries take more than their share.
  void DemoteLirOverflow();

  // kAdaptive: runs LIRS or TinyLFU (mode_), as miniature simulations of
  // both on the sampled keys vote. Keeps last-use times in either mode,
  // ghosts only while LIRS runs, the sketch while TinyLFU runs or is winning,
  // so that a shard holds the history of one policy, not both.
  bool KeepsGhosts() const { return mode_ == EvictionPolicy::kLirs; }
  void Vote(EvictionPolicy winner);
  // A vote won takes effect here, once the access that ended the duel's
  // period is placed: switching relinks every list, and the policy that
  // placed the access would otherwise go on with its own steps on the
  // other's lists (TinyLFU spilling LIRS's HIR entries onto probation, a
  // list LIRS never evicts from).
  void SwitchIfVoted();
  void SwitchTo(EvictionPolicy mode);

  const bool adaptive_;
  EvictionPolicy mode_;  // The policy running: policy_, or kAdaptive's pick.
  EvictionPolicy voted_mode_;  // kAdaptive's pick, applied by SwitchIfVoted.
  const double capacity_;
  ShardEntry window_;  // Sentinels: next is the newest, prev the oldest.
  ShardEntry probation_;
  ShardEntry protected_;
  size_t window_bytes_ = 0;
  size_t probation_bytes_ = 0;
  size_t protected_bytes_ = 0;
  double window_capacity_;
  double protected_capacity_;
  size_t entries_ = 0;
  // Entries moved out of the window by the last Add() that still await
  // their admission decision, at the front of probation.
  size_t candidates_ = 0;
  ShardEntry* next_candidate_ = nullptr;
  FrequencySketch sketch_;

  // kLirs: the access count, evicted keys with their last use, and the entry
  // the last Add() inserted (not evicted while an older HIR entry remains).
  uint32_t clock_ = 0;
  GhostTable ghosts_;
  ShardEntry* last_added_ = nullptr;

  // kAdaptive: the miniature simulations (made when the shard first fills),
  // whether the sketch is kept up, and votes in a row for the other mode.
  std::unique_ptr<class PolicyDuel> policy_duel_;
  bool sketch_active_ = false;
  int votes_against_ = 0;

  uint64_t random_ = 0x2545F4914F6CDD1DULL;  // xorshift state, for Admit.
  // The duel: an LRU over a sample of the keys (all of them for small
  // shards), sized to the same share of the shard's entries, and the hits
  // of it and of this order on the sampled accesses of the current period.
  HashLru shadow_;
  uint32_t sample_threshold_ = 1 << 16;  // Of 2^16: the sampled share.
  uint64_t period_accesses_ = 0;
  uint64_t period_lru_hits_ = 0;
  uint64_t period_hits_ = 0;
  uint64_t period_discordant_ = 0;  // Accesses only one of the two hit.
};

}  // namespace shard_internal
}  // namespace gogocache

#endif  // GOGOCACHE_CACHE_EVICTION_ORDER_H_
