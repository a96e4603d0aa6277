// Copyright 2026 The gogocache Authors.

#include "hash/jump_consistent_hash.h"

namespace gogocache {

int32_t JumpConsistentHash(uint64_t key, int32_t num_buckets) {
  // The loop follows the paper: a 64-bit linear congruential generator seeded
  // by the key decides, for the current bucket b, how far the key's next
  // "jump" goes; the last jump below num_buckets is the answer.
  constexpr uint64_t kMultiplier = 2862933555777941757ULL;
  constexpr double kTwoTo31 = static_cast<double>(1LL << 31);
  int64_t bucket = -1;
  int64_t next = 0;
  while (next < num_buckets) {
    bucket = next;
    key = key * kMultiplier + 1;
    next =
        static_cast<int64_t>(static_cast<double>(bucket + 1) *
                             (kTwoTo31 / static_cast<double>((key >> 33) + 1)));
  }
  return bucket < 0 ? 0 : static_cast<int32_t>(bucket);
}

}  // namespace gogocache
