// Copyright 2026 The gogocache Authors.

#include "hash/shard_selector.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace gogocache {

absl::StatusOr<ShardSelector> ShardSelector::Create(uint32_t num_shards,
                                                    int hash_bits) {
  if (num_shards < 1) {
    return absl::InvalidArgumentError("shard count must be at least 1, got 0");
  }
  if (hash_bits < 1 || hash_bits > 64) {
    return absl::InvalidArgumentError(
        absl::StrCat("hash bits must be in [1, 64], got ", hash_bits));
  }
  return ShardSelector(num_shards, 64 - hash_bits);
}

}  // namespace gogocache
