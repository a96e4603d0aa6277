// Copyright 2026 The gogocache Authors.
//
// PolicyDuel: miniature simulations (Waldspurger et al., "Cache Modeling
// and Optimization using Miniature Simulations", USENIX ATC 2017) of LRU,
// LIRS and Window TinyLFU on a shard's sampled keys, each a miniature shard
// holding as many of the sampled keys as the real shard holds of them (the
// same order code over stand-in entries). At the end of every period of
// four times that many sampled accesses it votes for the policy that hit
// more than the running one by more than chance, or for the running one
// when it led the best of the others by more than chance. Chance is judged
// as in McNemar's test: with no difference, a lead is about the square root
// of the accesses where exactly one of the two hit; a vote needs twice that.
//
// Thread safety: none; the owning shard calls it under its writer lock.

#ifndef GOGOCACHE_CACHE_POLICY_DUEL_H_
#define GOGOCACHE_CACHE_POLICY_DUEL_H_

#include <cstddef>
#include <cstdint>
#include <memory>

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

  // Feeds one sampled access. At the end of a period with a vote, returns
  // true with the policy voted for in `*winner`; `running` is the policy
  // the shard runs (kLru, kLirs or kTinyLfu).
  bool Access(uint32_t hash, EvictionPolicy running, EvictionPolicy* winner);

 private:
  static constexpr int kContenders = 3;

  std::unique_ptr<class MiniCache> minis_[kContenders];
  const size_t period_;
  bool warm_ = false;  // The first period only fills the miniatures.
  size_t accesses_ = 0;
  uint64_t hits_[kContenders] = {};
  // discordant_[a][b]: accesses that contender a hit and b did not.
  uint64_t discordant_[kContenders][kContenders] = {};
};

}  // namespace shard_internal
}  // namespace gogocache

#endif  // GOGOCACHE_CACHE_POLICY_DUEL_H_
