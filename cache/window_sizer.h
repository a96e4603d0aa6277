// Copyright 2026 The gogocache Authors.
//
// WindowSizer: how many bytes of a shard go to recency (Window TinyLFU's
// window, LIRS's HIR share), found by a duel against LRU on the same
// accesses (the idea of comparing against a simulated alternative is from
// miniature simulations, Waldspurger et al., USENIX ATC 2017, and set
// dueling, Qureshi et al., ISCA 2007).
//
// An exact LRU over a hash-sampled subset of the keys (all of them while the
// shard holds at most kSampledEntries), sized to the same share of the
// shard's entries, sees the sampled accesses the policy sees, from the
// moment the shard first holds half its capacity: until the shard evicts,
// the window's size changes nothing, and the hits of a shard that stays
// below half do not pay for the sample. At the end of each period (as many
// sampled accesses as the LRU holds keys) a lead of the LRU grows the window
// by a step, a lead of the policy shrinks it, and a lead within chance moves
// nothing. Chance is judged as in McNemar's test,
// on the accesses where exactly one of the two hit: most accesses hit in
// both or neither and say nothing. What a period within chance does depends
// on the Drift.
//
// Thread safety: none; the owning shard calls it under its writer lock.

#ifndef GOGOCACHE_CACHE_WINDOW_SIZER_H_
#define GOGOCACHE_CACHE_WINDOW_SIZER_H_

#include <cstddef>
#include <cstdint>

#include "cache/hash_lru.h"

namespace gogocache {
namespace shard_internal {

class WindowSizer {
 public:
  // The most keys' worth of a shard the sample covers.
  static constexpr double kSampledEntries = 256;

  // What a period without a lead beyond chance does to the window.
  enum class Drift {
    kHold,  // Nothing: the window moves only on evidence.
    // Shrinks it unless LRU hit more often: only a lead of LRU keeps the
    // window open. For the adaptive policy, which has LRU itself to turn
    // to where recency serves best: a window left open by an earlier phase
    // would otherwise stay open where neither hits (a loop larger than the
    // cache), with LIRS and TinyLFU reduced to LRU.
    kShrink,
  };

  WindowSizer(double capacity, Drift drift);

  WindowSizer(const WindowSizer&) = delete;
  WindowSizer& operator=(const WindowSizer&) = delete;

  // Bytes for recency, and for the rest (the main region, the LIR set).
  double window() const { return window_; }
  double main() const { return capacity_ - window_; }
  double capacity() const { return capacity_; }

  // Which 2^16-th of the keys `hash` falls in: a key is sampled at rate r
  // when this is below r * 2^16.
  static uint32_t SampleHash(uint32_t hash) {
    return static_cast<uint32_t>((hash * 0x9E3779B1u) >> 16);
  }

  // Whether the duel samples the key with this hash. Inline: most accesses
  // are not sampled, and this is on every hit's replay.
  bool Sampled(uint32_t hash) const {
    return SampleHash(hash) < sample_threshold_;
  }
  // Resizes the sample to a shard of `entries`, once sampling has started.
  void FollowEntries(size_t entries);
  // Starts sampling, sized to `entries`, when the shard's `bytes` first
  // reach half the capacity. Inline: on every insert.
  void FollowBytes(size_t entries, size_t bytes) {
    if (!sampling_ && 2 * static_cast<double>(bytes) >= capacity_) {
      sampling_ = true;
      FollowEntries(entries);
    }
  }
  // Whether the shard has held half the capacity, and sampling has started.
  bool sampling() const { return sampling_; }
  // The sampled keys' share of a shard of `entries`, in entries (at least 1).
  size_t SampledShare(size_t entries) const {
    const size_t share = entries * sample_threshold_ >> 16;
    return share > 0 ? share : 1;
  }

  // One sampled access, which the policy did or did not `hit`, in a shard
  // of `entries`. Returns true at the end of a period (the window may have
  // moved).
  bool Record(uint32_t hash, bool hit, size_t entries);

 private:
  const double capacity_;
  const Drift drift_;
  double window_;
  HashLru shadow_;
  bool sampling_ = false;  // Set once the shard has held half the capacity.
  uint32_t sample_threshold_ = 0;  // Of 2^16: the sampled share.
  uint64_t accesses_ = 0;
  uint64_t lru_hits_ = 0;
  uint64_t hits_ = 0;
  uint64_t discordant_ = 0;  // Accesses only one of the two hit.
};

}  // namespace shard_internal
}  // namespace gogocache

#endif  // GOGOCACHE_CACHE_WINDOW_SIZER_H_
