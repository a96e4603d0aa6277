// Copyright 2026 The gogocache Authors.
//
// ShardSelector maps a key's hash onto one of N shards. It sits on every
// cache lookup, so it costs one multiplication and no division.
//
// The mapping is Lemire's multiply-high ("fastrange"): the hash, widened to
// 64 bits so its informative bits are the high ones, is read as a fraction of
// 2^64 and scaled by N. Each shard owns one contiguous run of hash values whose
// length is floor(2^b / N) or that plus one (b = the strategy's bits), so the
// shards are equal to within one hash value: exactly equal when N is a power
// of two. Unlike `hash % N`, the shard depends on the hash's high bits, which
// for CRC-32 are as well mixed as the low ones, and no shard is favoured for
// being numbered low.
//
// Thread safety: immutable after construction; Select() may be called from
// any number of threads.

#ifndef GOGOCACHE_HASH_SHARD_SELECTOR_H_
#define GOGOCACHE_HASH_SHARD_SELECTOR_H_

#include <cstdint>

#include "absl/numeric/int128.h"
#include "absl/status/statusor.h"

namespace gogocache {

class ShardSelector {
 public:
  // A selector over `num_shards` shards for hashes whose low `hash_bits` bits
  // are informative. InvalidArgument unless num_shards >= 1 and hash_bits is
  // in [1, 64].
  static absl::StatusOr<ShardSelector> Create(uint32_t num_shards,
                                              int hash_bits);

  // The shard, in [0, num_shards()), that `hash` belongs to. Bits of `hash`
  // above hash_bits are ignored.
  uint32_t Select(uint64_t hash) const {
    const uint64_t widened = hash << shift_;
    return static_cast<uint32_t>(
        absl::Uint128High64(absl::uint128(widened) * num_shards_));
  }

  uint32_t num_shards() const { return num_shards_; }

 private:
  ShardSelector(uint32_t num_shards, int shift)
      : num_shards_(num_shards), shift_(shift) {}

  uint32_t num_shards_;
  int shift_;  // 64 - hash_bits: moves the informative bits to the top.
};

}  // namespace gogocache

#endif  // GOGOCACHE_HASH_SHARD_SELECTOR_H_
