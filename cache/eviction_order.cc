// Copyright 2026 The gogocache Authors.

#include "cache/eviction_order.h"

#include <algorithm>
#include <cmath>

namespace gogocache {
namespace shard_internal {
namespace {

constexpr double kWindowShare = 0.01;  // Initial, and smallest.
constexpr double kProtectedShareOfMain = 0.80;
// The duel samples at most this many keys' worth of the shard.
constexpr double kSampledEntries = 256;
// Each period moves the window by this share of the capacity.
constexpr double kWindowStep = 0.05;

uint32_t SampleHash(uint32_t hash) {
  return static_cast<uint32_t>((hash * 0x9E3779B1u) >> 16);
}
// Caffeine's guard against hash flooding (keys chosen to collide in the
// sketch make the residents look hot, so nothing new is admitted): a warm
// candidate (above this) that loses is still admitted 1 time in 128. Here
// only when it loses to a saturated victim, the state flooding produces:
// on honest traffic such random admissions knock a loop larger than the
// cache out of its stable resident set (the LIRS `loop` trace at 768
// entries: 0.67 with them, 0.75 without).
constexpr int kWarmCandidate = 5;

}  // namespace

EvictionOrder::EvictionOrder(EvictionPolicy policy, size_t capacity)
    : policy_(policy),
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

void EvictionOrder::Unlink(ShardEntry* entry) {
  entry->prev->next = entry->next;
  entry->next->prev = entry->prev;
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

void EvictionOrder::Link(ShardEntry* entry, uint32_t region) {
  entry->region = region;
  LinkFront(region == kWindow      ? &window_
            : region == kProbation ? &probation_
                                   : &protected_,
            entry);
  BytesOf(region) += ChargeOf(entry);
}

void EvictionOrder::Detach(ShardEntry* entry) {
  Unlink(entry);
  BytesOf(entry->region) -= ChargeOf(entry);
}

void EvictionOrder::Add(ShardEntry* entry) {
  if (policy_ == EvictionPolicy::kLru) {
    entry->region = kWindow;
    LinkFront(&window_, entry);
    return;
  }
  if (policy_ == EvictionPolicy::kLirs) {
    AddLirs(entry);
    return;
  }
  GrowEntries();
  sketch_.Increment(entry->table_hash);
  Duel(entry->table_hash, /*hit=*/false);
  Link(entry, kWindow);
  candidates_ = 0;
  while (static_cast<double>(window_bytes_) > window_capacity_) {
    ShardEntry* oldest = Oldest(&window_);
    Detach(oldest);
    Link(oldest, kProbation);
    ++candidates_;
  }
  next_candidate_ = Newest(&probation_);
}

void EvictionOrder::GrowEntries() {
  ++entries_;
  // The sketch follows the entry count up: ten increments per entry between
  // halvings, its table about one word per entry. The ghost table keeps two
  // slots per entry.
  const bool grown = policy_ == EvictionPolicy::kLirs
                         ? entries_ * 2 > ghosts_.slots()
                         : entries_ * 10 > sketch_.sample_size();
  if (!grown) return;
  if (policy_ == EvictionPolicy::kLirs) {
    ghosts_.EnsureCapacity(entries_, clock_);
  } else {
    sketch_.EnsureCapacity(entries_);
  }
  sample_threshold_ = static_cast<uint32_t>(
      65536 * std::min(1.0, kSampledEntries / static_cast<double>(entries_)));
}

void EvictionOrder::Restore(ShardEntry* entry) {
  switch (policy_) {
    case EvictionPolicy::kLru:
      Add(entry);
      return;
    case EvictionPolicy::kLirs:
      // LIR, at the top of the stack; the oldest LIR entries move to HIR
      // and are the first to go.
      GrowEntries();
      entry->set_policy_word(Tick());
      Link(entry, kProtected);
      DemoteLirOverflow();
      return;
    case EvictionPolicy::kTinyLfu:
      // On probation, newest, and not a candidate for admission: eviction
      // takes probation's oldest.
      GrowEntries();
      sketch_.Increment(entry->table_hash);
      Link(entry, kProbation);
      candidates_ = 0;
      return;
  }
}

void EvictionOrder::Touch(ShardEntry* entry) {
  if (policy_ == EvictionPolicy::kLru) {
    if (window_.next != entry) {
      Unlink(entry);
      LinkFront(&window_, entry);
    }
    return;
  }
  if (policy_ == EvictionPolicy::kLirs) {
    TouchLirs(entry);
    return;
  }
  sketch_.Increment(entry->table_hash);
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
      while (static_cast<double>(protected_bytes_) > protected_capacity_) {
        ShardEntry* oldest = Oldest(&protected_);
        Detach(oldest);
        Link(oldest, kProbation);
      }
      break;
    default:
      Unlink(entry);
      LinkFront(&protected_, entry);
  }
}

void EvictionOrder::Remove(ShardEntry* entry) {
  if (policy_ == EvictionPolicy::kLru) {
    Unlink(entry);
    return;
  }
  --entries_;
  Detach(entry);
  if (policy_ == EvictionPolicy::kLirs) {
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
  if (policy_ == EvictionPolicy::kLru) {
    ShardEntry* oldest = Oldest(&window_);
    if (oldest != nullptr) Unlink(oldest);
    return oldest;
  }
  if (policy_ == EvictionPolicy::kLirs) return EvictLirs();
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

void EvictionOrder::Duel(uint32_t hash, bool hit) {
  if (SampleHash(hash) >= sample_threshold_) return;
  // The LRU this shard would have been, on the sampled keys.
  const size_t shadow_capacity = std::max<size_t>(
      1, entries_ * static_cast<size_t>(sample_threshold_) >> 16);
  if (shadow_.Access(hash, shadow_capacity)) ++period_lru_hits_;
  period_hits_ += hit;
  // A period: as many sampled accesses as the shadow holds entries.
  if (++period_accesses_ < std::max<size_t>(shadow_capacity, 64)) return;
  // Recency would have served these accesses better: give it room. Else
  // hand the room back to the frequency-admitted main region. Differences
  // within about one standard deviation of chance (the square root of the
  // accesses) move nothing.
  const uint64_t slack =
      static_cast<uint64_t>(std::sqrt(static_cast<double>(period_accesses_)));
  if (period_lru_hits_ > period_hits_ + slack) {
    window_capacity_ += kWindowStep * capacity_;
  } else if (period_hits_ > period_lru_hits_ + slack) {
    window_capacity_ -= kWindowStep * capacity_;
  }
  window_capacity_ =
      std::clamp(window_capacity_, kWindowShare * capacity_, capacity_);
  protected_capacity_ = kProtectedShareOfMain * (capacity_ - window_capacity_);
  period_accesses_ = period_lru_hits_ = period_hits_ = 0;
  if (policy_ == EvictionPolicy::kLirs) DemoteLirOverflow();
}

uint32_t EvictionOrder::Tick() { return ++clock_; }

bool EvictionOrder::InStack(uint32_t time) const {
  const ShardEntry* bottom = protected_.prev;
  if (bottom == &protected_) return true;  // No LIR entry yet.
  return clock_ - time < clock_ - bottom->policy_word();
}

void EvictionOrder::DemoteLirOverflow() {
  const double lir_capacity = capacity_ - window_capacity_;
  while (static_cast<double>(protected_bytes_) > lir_capacity) {
    ShardEntry* bottom = Oldest(&protected_);
    Detach(bottom);
    Link(bottom, kWindow);
  }
}

void EvictionOrder::AddLirs(ShardEntry* entry) {
  GrowEntries();
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
  Duel(entry->table_hash, /*hit=*/true);
  const uint32_t now = Tick();
  if (entry->region == kProtected) {
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
