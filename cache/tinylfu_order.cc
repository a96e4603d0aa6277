// Copyright 2026 The gogocache Authors.

#include "cache/tinylfu_order.h"

#include <utility>

namespace gogocache {
namespace shard_internal {
namespace {

// Caffeine's guard against hash flooding (keys chosen to collide in the
// sketch make the residents look hot, so nothing new is admitted): a warm
// candidate (above this) that loses is still admitted 1 time in 128. Here
// only when it loses to a saturated victim, the state flooding produces: on
// honest traffic such random admissions knock a loop larger than the cache
// out of its stable resident set.
constexpr int kWarmCandidate = 5;

}  // namespace

TinyLfuOrder::TinyLfuOrder(EntryLists* lists, WindowSizer* window,
                           bool stamp_times)
    : lists_(*lists), window_(*window), stamp_times_(stamp_times) {}

void TinyLfuOrder::Grow(size_t entries, size_t bytes) {
  window_.FollowBytes(entries, bytes);
  if (entries <= most_entries_) return;
  most_entries_ = entries;
  window_.FollowEntries(entries);
  if (entries <= sketch_.table_words()) {
    sketch_.EnsureCapacity(entries);  // Ten increments per entry.
    return;
  }
  // A larger table starts over, and each entry the shard holds is counted
  // in it as often as the smaller one estimated (collisions included).
  // Copying the table into both halves of the larger one would also hand
  // each count to every key that shared its word, an excess that lasts
  // until halvings wear it down. What is lost is the history of keys no
  // longer held: none while the shard fills.
  FrequencySketch larger;
  larger.EnsureCapacity(entries);
  if (sketch_.table_words() > 0) {
    lists_.ForEach([this, &larger](ShardEntry* entry) {
      const int uses = sketch_.Frequency(entry->table_hash);
      if (uses > 0) larger.IncrementBy(entry->table_hash, uses);
    });
  }
  sketch_ = std::move(larger);
}

void TinyLfuOrder::Add(ShardEntry* entry) {
  const size_t entries = lists_.entries() + 1;
  Grow(entries, lists_.total_bytes() + ChargeOf(entry));
  sketch_.Increment(entry->table_hash);
  if (stamp_times_) entry->set_policy_word(lists_.Tick());
  if (window_.Sampled(entry->table_hash)) {
    window_.Record(entry->table_hash, /*hit=*/false, entries);
  }
  lists_.Insert(entry, kWindow);
  candidates_ = lists_.SpillOldest(kWindow, window_.window(), kProbation);
  next_candidate_ = lists_.Newest(kProbation);
}

void TinyLfuOrder::Restore(ShardEntry* entry) {
  Grow(lists_.entries() + 1, lists_.total_bytes() + ChargeOf(entry));
  sketch_.Increment(entry->table_hash);
  if (stamp_times_) entry->set_policy_word(lists_.Tick());
  lists_.Insert(entry, kProbation);
  candidates_ = 0;
}

bool TinyLfuOrder::Admit(const ShardEntry* candidate,
                         const ShardEntry* victim) {
  const int candidate_frequency = sketch_.Frequency(candidate->table_hash);
  const int victim_frequency = sketch_.Frequency(victim->table_hash);
  if (candidate_frequency > victim_frequency) return true;
  if (candidate_frequency <= kWarmCandidate ||
      victim_frequency < FrequencySketch::kMaxFrequency) {
    return false;
  }
  random_ ^= random_ << 13;
  random_ ^= random_ >> 7;
  random_ ^= random_ << 17;
  return (random_ & 127) == 0;
}

ShardEntry* TinyLfuOrder::Evict() {
  // As Caffeine: the newest candidate meets the oldest victim; a candidate
  // admitted stays, and the next (older) candidate meets the next victim.
  ShardEntry* victim = lists_.Oldest(kProbation);
  if (next_candidate_ == nullptr) candidates_ = 0;  // Walked past them.
  ShardEntry* candidate = candidates_ > 0 ? next_candidate_ : nullptr;
  ShardEntry* evicted;
  if (candidate != nullptr && victim != nullptr && candidate != victim) {
    --candidates_;
    evicted = Admit(candidate, victim) ? victim : candidate;
  } else if (candidate != nullptr) {
    --candidates_;
    evicted = candidate;
  } else if (victim != nullptr) {
    evicted = victim;
  } else if ((evicted = lists_.Oldest(kProtected)) == nullptr) {
    evicted = lists_.Oldest(kWindow);
  }
  if (evicted == nullptr) return nullptr;
  // The next candidate is the one behind this one, found once the evicted
  // entry (this candidate, or a victim that may have been behind it) is out.
  ShardEntry* const behind =
      candidate != nullptr ? lists_.Older(candidate) : nullptr;
  lists_.Erase(evicted);
  if (candidate != nullptr) {
    next_candidate_ = evicted == candidate ? behind : lists_.Older(candidate);
  }
  return evicted;
}

void TinyLfuOrder::Start() {
  Grow(lists_.entries(), lists_.total_bytes());
  // The sketch starts with what the lists say of each entry: one on the
  // protected list (from LIRS, a LIR entry) was used at least twice
  // recently, any other at least once. With every count at zero, any
  // candidate seen once would win admission over every resident until the
  // sketch had learnt the traffic, undoing the previous policy's choices.
  for (Region region : {kWindow, kProbation, kProtected}) {
    const int uses = region == kProtected ? 2 : 1;
    for (ShardEntry* e = lists_.Newest(region); e != nullptr;
         e = lists_.Older(e)) {
      sketch_.IncrementBy(e->table_hash, uses);
    }
  }
  lists_.SpillOldest(kWindow, window_.window(), kProbation);
  lists_.SpillOldest(kProtected, ProtectedCapacity(), kProbation);
  candidates_ = 0;
  next_candidate_ = lists_.Newest(kProbation);
}

}  // namespace shard_internal
}  // namespace gogocache
