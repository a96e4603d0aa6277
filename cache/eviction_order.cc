// Copyright 2026 The gogocache Authors.

#include "cache/eviction_order.h"

#include <algorithm>
#include <cmath>
#include <new>

#include "absl/container/flat_hash_map.h"

namespace gogocache {
namespace shard_internal {
namespace {

constexpr double kWindowShare = 0.01;  // Initial, and smallest.
constexpr double kProtectedShareOfMain = 0.80;
// The duel samples at most this many keys' worth of the shard.
constexpr double kSampledEntries = 256;
// Each period moves the window by this share of the capacity.
constexpr double kWindowStep = 0.05;
// The lead, in standard deviations, that moves the window: less evidence
// than the policy duel's 2, as a step of the window is cheap to take back
// (the next period can) and a switch of policy relinks the whole shard.
constexpr double kWindowSigmas = 1.5;
// A LIR hit moves its entry to the top only if the entry has not been
// moved within the newest 1/kLazyPromotionDivisor of the stack's span
// (larger shares cost recency-biased traces hit ratio: docs/eviction.md).
constexpr uint32_t kLazyPromotionDivisor = 16;

// Caffeine's guard against hash flooding (keys chosen to collide in the
// sketch make the residents look hot, so nothing new is admitted): a warm
// candidate (above this) that loses is still admitted 1 time in 128. Here
// only when it loses to a saturated victim, the state flooding produces:
// on honest traffic such random admissions knock a loop larger than the
// cache out of its stable resident set (the LIRS `loop` trace at 768
// entries: 0.67 with them, 0.75 without).
constexpr int kWarmCandidate = 5;

}  // namespace

// A miniature shard over sampled keys, counted in entries: whether the
// policy would have hit.
class MiniCache {
 public:
  MiniCache(EvictionPolicy policy, size_t entries)
      : capacity_(entries * kEntryOverhead), order_(policy, capacity_) {}
  ~MiniCache() {
    for (const auto& [hash, entry] : entries_) ::operator delete(entry);
  }

  bool Access(uint32_t hash) {
    const auto it = entries_.find(hash);
    if (it != entries_.end()) {
      order_.Touch(it->second);
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
    order_.Add(entry);
    usage_ += kEntryOverhead;
    while (usage_ > capacity_) {
      ShardEntry* victim = order_.Evict();
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
  EvictionOrder order_;
  absl::flat_hash_map<uint32_t, ShardEntry*> entries_;
};

// LIRS and TinyLFU side by side on the same sampled accesses.
class PolicyDuel {
 public:
  explicit PolicyDuel(size_t entries)
      : lirs_(EvictionPolicy::kLirs, std::max<size_t>(entries, 16)),
        tinylfu_(EvictionPolicy::kTinyLfu, std::max<size_t>(entries, 16)),
        period_(std::max<size_t>(4 * entries, 256)) {}

  // Feeds one sampled access; at the end of a period returns true with the
  // policy that did better by more than chance in `*winner`.
  bool Access(uint32_t hash, EvictionPolicy* winner) {
    const bool lirs_hit = lirs_.Access(hash);
    const bool tinylfu_hit = tinylfu_.Access(hash);
    lirs_hits_ += lirs_hit;
    tinylfu_hits_ += tinylfu_hit;
    discordant_ += lirs_hit != tinylfu_hit;
    if (++accesses_ < period_) return false;
    // McNemar: with no difference, the lead is about the square root of the
    // accesses where exactly one of them hit.
    const double slack = 2 * std::sqrt(static_cast<double>(discordant_));
    const double lead =
        static_cast<double>(tinylfu_hits_) - static_cast<double>(lirs_hits_);
    bool decided = false;
    if (warm_ && lead > slack) {
      *winner = EvictionPolicy::kTinyLfu;
      decided = true;
    } else if (warm_ && -lead > slack) {
      *winner = EvictionPolicy::kLirs;
      decided = true;
    }
    warm_ = true;  // The first period fills the miniatures.
    accesses_ = lirs_hits_ = tinylfu_hits_ = discordant_ = 0;
    return decided;
  }

 private:
  MiniCache lirs_;
  MiniCache tinylfu_;
  const size_t period_;
  bool warm_ = false;
  size_t accesses_ = 0;
  uint64_t lirs_hits_ = 0;
  uint64_t tinylfu_hits_ = 0;
  uint64_t discordant_ = 0;
};

EvictionOrder::~EvictionOrder() = default;

EvictionOrder::EvictionOrder(EvictionPolicy policy, size_t capacity)
    : adaptive_(policy == EvictionPolicy::kAdaptive),
      mode_(adaptive_ ? EvictionPolicy::kLirs : policy),
      voted_mode_(mode_),
      capacity_(static_cast<double>(capacity)),
      window_capacity_(kWindowShare * static_cast<double>(capacity)),
      protected_capacity_(kProtectedShareOfMain * (1 - kWindowShare) *
                          static_cast<double>(capacity)) {
  Init(&window_);
  Init(&probation_);
  Init(&protected_);
}

void EvictionOrder::Init(ShardEntry* head) {
  head->prev = head->next = head;
  head->key_size = 0;
  head->value_size = 0;
}

void EvictionOrder::LinkFront(ShardEntry* head, ShardEntry* entry) {
  entry->next = head->next;
  entry->prev = head;
  head->next->prev = entry;
  head->next = entry;
}

void EvictionOrder::LinkBack(ShardEntry* head, ShardEntry* entry) {
  entry->prev = head->prev;
  entry->next = head;
  head->prev->next = entry;
  head->prev = entry;
}

void EvictionOrder::Unlink(ShardEntry* entry) {
  entry->prev->next = entry->next;
  entry->next->prev = entry->prev;
}

ShardEntry* EvictionOrder::HeadOf(uint32_t region) {
  return region == kWindow      ? &window_
         : region == kProbation ? &probation_
                                : &protected_;
}

size_t& EvictionOrder::BytesOf(uint32_t region) {
  switch (region) {
    case kProbation:
      return probation_bytes_;
    case kProtected:
      return protected_bytes_;
    default:
      return window_bytes_;
  }
}

void EvictionOrder::Link(ShardEntry* entry, uint32_t region, bool as_oldest) {
  entry->region = region;
  if (as_oldest) {
    LinkBack(HeadOf(region), entry);
  } else {
    LinkFront(HeadOf(region), entry);
  }
  BytesOf(region) += ChargeOf(entry);
}

size_t EvictionOrder::SpillOldest(uint32_t from, double limit, uint32_t to) {
  ShardEntry* head = HeadOf(from);
  size_t moved = 0;
  while (static_cast<double>(BytesOf(from)) > limit) {
    ShardEntry* oldest = Oldest(head);
    Detach(oldest);
    Link(oldest, to);
    ++moved;
  }
  return moved;
}

void EvictionOrder::Detach(ShardEntry* entry) {
  Unlink(entry);
  BytesOf(entry->region) -= ChargeOf(entry);
}

void EvictionOrder::Add(ShardEntry* entry) {
  if (mode_ == EvictionPolicy::kLru) {
    entry->region = kWindow;
    LinkFront(&window_, entry);
    return;
  }
  if (mode_ == EvictionPolicy::kLirs) {
    AddLirs(entry);
  } else {
    AddTinyLfu(entry);
  }
  SwitchIfVoted();
}

void EvictionOrder::AddTinyLfu(ShardEntry* entry) {
  GrowEntries();
  sketch_.Increment(entry->table_hash);
  if (adaptive_) entry->set_policy_word(Tick());
  Duel(entry->table_hash, /*hit=*/false);
  Link(entry, kWindow);
  candidates_ = SpillOldest(kWindow, window_capacity_, kProbation);
  next_candidate_ = Newest(&probation_);
}

void EvictionOrder::GrowEntries() {
  ++entries_;
  // The sketch follows the entry count up: ten increments per entry between
  // halvings, its table about one word per entry. The ghost table keeps two
  // slots per entry.
  bool grown = false;
  if (KeepsGhosts() && entries_ * 2 > ghosts_.slots()) {
    ghosts_.EnsureCapacity(entries_, clock_);
    grown = true;
  }
  if ((mode_ == EvictionPolicy::kTinyLfu || sketch_active_) &&
      entries_ * 10 > sketch_.sample_size()) {
    sketch_.EnsureCapacity(entries_);
    grown = true;
  }
  if (!grown) return;
  sample_threshold_ = static_cast<uint32_t>(
      65536 * std::min(1.0, kSampledEntries / static_cast<double>(entries_)));
}

void EvictionOrder::Restore(ShardEntry* entry) {
  switch (mode_) {
    case EvictionPolicy::kLru:
      Add(entry);
      return;
    case EvictionPolicy::kLirs:
      // LIR, at the top of the stack; the oldest LIR entries move to HIR
      // and are the first to go.
      GrowEntries();
      if (sketch_active_) sketch_.Increment(entry->table_hash);
      entry->set_policy_word(Tick());
      Link(entry, kProtected);
      DemoteLirOverflow();
      return;
    case EvictionPolicy::kTinyLfu:
    case EvictionPolicy::kAdaptive:  // Never the mode.
      // On probation, newest, and not a candidate for admission: eviction
      // takes probation's oldest.
      GrowEntries();
      sketch_.Increment(entry->table_hash);
      if (adaptive_) entry->set_policy_word(Tick());
      Link(entry, kProbation);
      candidates_ = 0;
      return;
  }
}

void EvictionOrder::Touch(ShardEntry* entry) {
  if (mode_ == EvictionPolicy::kLru) {
    if (window_.next != entry) {
      Unlink(entry);
      LinkFront(&window_, entry);
    }
    return;
  }
  if (mode_ == EvictionPolicy::kLirs) {
    TouchLirs(entry);
  } else {
    TouchTinyLfu(entry);
  }
  SwitchIfVoted();
}

void EvictionOrder::TouchTinyLfu(ShardEntry* entry) {
  sketch_.Increment(entry->table_hash);
  if (adaptive_) entry->set_policy_word(Tick());
  Duel(entry->table_hash, /*hit=*/true);
  switch (entry->region) {
    case kWindow:
      Unlink(entry);
      LinkFront(&window_, entry);
      break;
    case kProbation:
      Detach(entry);
      Link(entry, kProtected);
      // Protected is full: its oldest go back on probation, newest first.
      SpillOldest(kProtected, protected_capacity_, kProbation);
      break;
    default:
      Unlink(entry);
      LinkFront(&protected_, entry);
  }
}

void EvictionOrder::Remove(ShardEntry* entry) {
  if (mode_ == EvictionPolicy::kLru) {
    Unlink(entry);
    return;
  }
  --entries_;
  Detach(entry);
  if (KeepsGhosts()) {
    // Replaced or erased: remembered like an evicted key, so a new value of
    // a key in use comes back as what it was.
    ghosts_.Insert(entry->table_hash, entry->policy_word(), clock_);
    if (entry == last_added_) last_added_ = nullptr;
  }
}

bool EvictionOrder::Admit(const ShardEntry* candidate,
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

ShardEntry* EvictionOrder::Evict() {
  if (mode_ == EvictionPolicy::kLru) {
    ShardEntry* oldest = Oldest(&window_);
    if (oldest != nullptr) Unlink(oldest);
    return oldest;
  }
  if (mode_ == EvictionPolicy::kLirs) return EvictLirs();
  // As Caffeine: the newest candidate meets the oldest victim; a candidate
  // admitted stays, and the next (older) candidate meets the next victim.
  ShardEntry* victim = Oldest(&probation_);
  if (next_candidate_ == &probation_) candidates_ = 0;  // Walked past them.
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
  } else if ((evicted = Oldest(&protected_)) == nullptr) {
    evicted = Oldest(&window_);
  }
  if (evicted == nullptr) return nullptr;
  // The next candidate is the one behind this one, found once the evicted
  // entry (this candidate, or a victim that may have been behind it) is out.
  ShardEntry* const behind = candidate != nullptr ? candidate->next : nullptr;
  --entries_;
  Detach(evicted);
  if (candidate != nullptr) {
    next_candidate_ = evicted == candidate ? behind : candidate->next;
  }
  return evicted;
}

void EvictionOrder::DuelSampled(uint32_t hash, bool hit) {
  // The LRU this shard would have been, on the sampled keys.
  const size_t shadow_capacity = std::max<size_t>(
      1, entries_ * static_cast<size_t>(sample_threshold_) >> 16);
  const bool lru_hit = shadow_.Access(hash, shadow_capacity);
  period_lru_hits_ += lru_hit;
  period_hits_ += hit;
  period_discordant_ += lru_hit != hit;
  if (adaptive_) {
    if (policy_duel_ == nullptr &&
        static_cast<double>(BytesOf(kWindow) + BytesOf(kProbation) +
                            BytesOf(kProtected)) >= 0.99 * capacity_) {
      // Full: from here on, eviction decides what is hit.
      policy_duel_ = std::make_unique<PolicyDuel>(shadow_capacity);
    }
    if (policy_duel_ != nullptr) {
      EvictionPolicy winner;
      if (policy_duel_->Access(hash, &winner)) Vote(winner);
    }
  }
  // A period: as many sampled accesses as the shadow holds entries.
  if (++period_accesses_ < std::max<size_t>(shadow_capacity, 64)) return;
  // Recency would have served these accesses better: give it room. Else
  // hand the room back to the frequency-admitted main region. A lead within
  // kWindowSigmas standard deviations of chance moves nothing. As in the
  // policy duel (McNemar), chance is judged on the accesses where exactly
  // one of the two hit: most accesses hit in both or neither and say
  // nothing, and judged on all of them a steady lead of LRU by a few
  // percent (`sprite` at 1,000 entries and more) never moved the window.
  const uint64_t slack = static_cast<uint64_t>(
      kWindowSigmas * std::sqrt(static_cast<double>(period_discordant_)));
  if (period_lru_hits_ > period_hits_ + slack) {
    window_capacity_ += kWindowStep * capacity_;
  } else if (period_hits_ > period_lru_hits_ + slack) {
    window_capacity_ -= kWindowStep * capacity_;
  }
  window_capacity_ =
      std::clamp(window_capacity_, kWindowShare * capacity_, capacity_);
  protected_capacity_ = kProtectedShareOfMain * (capacity_ - window_capacity_);
  period_accesses_ = period_lru_hits_ = period_hits_ = period_discordant_ = 0;
  if (mode_ == EvictionPolicy::kLirs) DemoteLirOverflow();
}

void EvictionOrder::Vote(EvictionPolicy winner) {
  if (winner == mode_) {
    votes_against_ = 0;
    if (mode_ == EvictionPolicy::kLirs) sketch_active_ = false;
    return;
  }
  if (winner == EvictionPolicy::kTinyLfu && !sketch_active_) {
    // Warm the sketch for a period before TinyLFU decides on it.
    sketch_active_ = true;
    sketch_.EnsureCapacity(entries_);
  }
  if (++votes_against_ >= 2) {
    votes_against_ = 0;
    voted_mode_ = winner;
  }
}

void EvictionOrder::SwitchIfVoted() {
  if (voted_mode_ != mode_) SwitchTo(voted_mode_);
}

void EvictionOrder::SwitchTo(EvictionPolicy mode) {
  if (mode == EvictionPolicy::kTinyLfu) {
    // LIR entries become protected, HIR ones the window; what overflows
    // either goes on probation, oldest first out.
    SpillOldest(kWindow, window_capacity_, kProbation);
    SpillOldest(kProtected, protected_capacity_, kProbation);
    candidates_ = 0;
    next_candidate_ = Newest(&probation_);
    last_added_ = nullptr;
    mode_ = mode;
    // TinyLFU keeps no ghosts: give their memory back rather than hold two
    // policies' history (they are rebuilt, empty, on a switch back).
    ghosts_ = GhostTable();
    return;
  }
  // To LIRS: protected entries are LIR; the window, then probation, HIR
  // (probation's oldest first out).
  ShardEntry window_entries;
  Init(&window_entries);
  while (ShardEntry* oldest = Oldest(&window_)) {
    Detach(oldest);
    LinkFront(&window_entries, oldest);
  }
  while (ShardEntry* oldest = Oldest(&probation_)) {
    Detach(oldest);
    Link(oldest, kWindow);
  }
  while (ShardEntry* oldest = Oldest(&window_entries)) {
    Unlink(oldest);
    Link(oldest, kWindow);
  }
  mode_ = mode;
  sketch_active_ = false;
  ghosts_.EnsureCapacity(entries_, clock_);
  // TinyLFU's protected share (80% of the main region) is less than LIRS's
  // LIR share, and LIRS alone would not make up the difference where reuse
  // is always longer than the stack (a loop larger than the shard): new keys
  // only become LIR by coming back within it. So the newest HIR entries
  // become LIR while the LIR share has room, at the bottom of the stack,
  // where they are the first to go back to HIR unless they are hit.
  while (ShardEntry* newest = Newest(&window_)) {
    if (static_cast<double>(protected_bytes_ + ChargeOf(newest)) >
        capacity_ - window_capacity_) {
      break;
    }
    Detach(newest);
    Link(newest, kProtected, /*as_oldest=*/true);
  }
  DemoteLirOverflow();
}

uint32_t EvictionOrder::Tick() { return ++clock_; }

bool EvictionOrder::InStack(uint32_t time) const {
  if (protected_.prev == &protected_) return true;  // No LIR entry yet.
  return clock_ - time < StackSpan();
}

void EvictionOrder::DemoteLirOverflow() {
  SpillOldest(kProtected, capacity_ - window_capacity_, kWindow);
}

void EvictionOrder::AddLirs(ShardEntry* entry) {
  GrowEntries();
  if (sketch_active_) sketch_.Increment(entry->table_hash);
  Duel(entry->table_hash, /*hit=*/false);
  const uint32_t now = Tick();
  uint32_t last_use = 0;
  const bool returning =
      ghosts_.Take(entry->table_hash, now, &last_use) && InStack(last_use);
  entry->set_policy_word(now);
  last_added_ = entry;
  // While the shard fills, new keys are LIR until the LIR share is taken.
  const bool filling =
      window_bytes_ == 0 &&
      static_cast<double>(protected_bytes_ + ChargeOf(entry)) <=
          capacity_ - window_capacity_;
  if (returning || filling) {
    // Its reuse distance is below the LIR entries' largest: LIR.
    Link(entry, kProtected);
    DemoteLirOverflow();
  } else {
    Link(entry, kWindow);
  }
}

void EvictionOrder::TouchLirs(ShardEntry* entry) {
  if (sketch_active_) sketch_.Increment(entry->table_hash);
  Duel(entry->table_hash, /*hit=*/true);
  const uint32_t now = Tick();
  if (entry->region == kProtected) {
    // Lazy promotion: an entry still in the newest sixteenth of the stack
    // (moved to the top more recently than a sixteenth of the way back to
    // the bottom's move) keeps its place and its time. The list stays
    // ordered by the times it records, each behind the real last use by
    // less than a sixteenth of the stack's span at that use, and a hit often
    // skips relinking: no writes to two list neighbours, which are random
    // cache lines, nor to an entry other threads keep reading.
    if (now - entry->policy_word() < StackSpan() / kLazyPromotionDivisor) {
      return;
    }
    if (protected_.next != entry) {
      Unlink(entry);
      LinkFront(&protected_, entry);
    }
  } else if (InStack(entry->policy_word())) {
    // A resident HIR entry reused within the stack: it becomes LIR, and the
    // oldest LIR entries make room.
    Detach(entry);
    Link(entry, kProtected);
    DemoteLirOverflow();
  } else {
    Unlink(entry);
    LinkFront(&window_, entry);
  }
  entry->set_policy_word(now);
}

ShardEntry* EvictionOrder::EvictLirs() {
  // The oldest resident HIR entry leaves. When that is the entry just added
  // (no other HIR entry is left), the stack's bottom, the oldest LIR entry,
  // goes instead: LIRS makes room before it admits a new key.
  ShardEntry* victim = Oldest(&window_);
  if (victim == nullptr ||
      (victim == last_added_ && Oldest(&protected_) != nullptr)) {
    victim = Oldest(&protected_);
  }
  if (victim == nullptr) victim = Oldest(&window_);
  if (victim == nullptr) return nullptr;
  --entries_;
  Detach(victim);
  ghosts_.Insert(victim->table_hash, victim->policy_word(), clock_);
  if (victim == last_added_) last_added_ = nullptr;
  return victim;
}

}  // namespace shard_internal
}  // namespace gogocache
