// Copyright 2026 The gogocache Authors.
//
// A downstream user's test: picks a shard and a peer for keys with gogocache's
// //hash package, as a service sharding its own keys would.

#include <cstdint>
#include <string>

#include "gtest/gtest.h"
#include "hash/hash_strategy.h"
#include "hash/jump_consistent_hash.h"
#include "hash/shard_selector.h"

namespace {

TEST(PeerPickingTest, SameKeySamePlaceAsTheGoOriginal) {
  const gogocache::HashStrategy crc = gogocache::HashStrategy::Crc32Ieee();
  // Go: crc32.ChecksumIEEE([]byte("123456789")) == 0xcbf43926.
  EXPECT_EQ(crc.Hash("123456789"), 0xCBF43926u);
  absl::StatusOr<gogocache::ShardSelector> shards =
      gogocache::ShardSelector::Create(16, crc.bits());
  ASSERT_TRUE(shards.ok()) << shards.status();
  EXPECT_EQ(shards->Select(crc.Hash("123456789")), 12u);
}

TEST(PeerPickingTest, AddingAPeerMovesKeysOnlyToIt) {
  absl::StatusOr<gogocache::HashStrategy> xxh3 =
      gogocache::HashStrategy::FromName("xxh3");
  ASSERT_TRUE(xxh3.ok()) << xxh3.status();
  for (int i = 0; i < 10000; ++i) {
    const uint64_t hash = xxh3->Hash("user:" + std::to_string(i));
    const int32_t before = gogocache::JumpConsistentHash(hash, 5);
    const int32_t after = gogocache::JumpConsistentHash(hash, 6);
    EXPECT_TRUE(after == before || after == 5) << "key " << i;
  }
}

}  // namespace
