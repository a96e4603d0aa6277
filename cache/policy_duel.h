// Copyright 2026 The gogocache Authors.
//
// PolicyDuel: miniature simulations (Waldspurger et al., "Cache Modeling
// and Optimization using Miniature Simulations", USENIX ATC 2017) of LRU,
// LIRS and Window TinyLFU on a shard's sampled keys, each a miniature shard
// holding as many of the sampled keys as the real shard holds of them (the
// same order code over stand-in entries). Evidence accumulates over
// periods of as many sampled accesses as a miniature holds keys, each
// period's counts added to the earlier ones' discounted by 7%, so that the
// duel weighs about the last fourteen periods (after fourteen, a count
// weighs a third): a policy that wins only in one part of a repeating
// pattern (the turn of a sweep) does not win the duel, and one that wins
// steadily does within a few periods. At the end of each period
// the policy with the most hits leads, and it is the challenger when its
// lead over the running policy is beyond chance. Chance is judged as in
// McNemar's test: with no difference, a lead is about the square root of
// the accesses where exactly one of the two hit; the challenger needs twice
// that.
//
// Thread safety: none; the owning shard calls it under its writer lock.

#ifndef GOGOCACHE_CACHE_POLICY_DUEL_H_
#define GOGOCACHE_CACHE_POLICY_DUEL_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>

#include "cache/eviction_policy.h"

namespace gogocache {
namespace shard_internal {

class PolicyDuel {
 public:
  // Miniatures of `entries` sampled keys (at least 16).
  explicit PolicyDuel(size_t entries);
  ~PolicyDuel();

  PolicyDuel(const PolicyDuel&) = delete;
  PolicyDuel& operator=(const PolicyDuel&) = delete;

  // Feeds one sampled access, for a shard running `running` (kLru, kLirs
  // or kTinyLfu). Returns true at the end of a period, when leader() and
  // challenger() are new.
  bool Access(uint32_t hash, EvictionPolicy running);

  // The policy with the most hits.
  EvictionPolicy leader() const { return leader_; }
  // The leader, if it is not the running policy and leads it by more than
  // chance.
  std::optional<EvictionPolicy> challenger() const { return challenger_; }

 private:
  static constexpr int kContenders = 3;

  std::unique_ptr<class MiniCache> minis_[kContenders];
  const size_t period_;
  size_t accesses_ = 0;
  // Discounted counts: hits, and discordant_[a][b], the accesses that
  // contender a hit and b did not.
  double hits_[kContenders] = {};
  double discordant_[kContenders][kContenders] = {};
  EvictionPolicy leader_ = EvictionPolicy::kLirs;
  std::optional<EvictionPolicy> challenger_;
};

}  // namespace shard_internal
}  // namespace gogocache

#endif  // GOGOCACHE_CACHE_POLICY_DUEL_H_
