// Copyright 2026 The gogocache Authors.

#include "hash/shard_selector.h"

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hash/chi_square.h"
#include "hash/hash_strategy.h"

namespace gogocache {
namespace {

using ::gogocache::testing::ChiSquareCritical;
using ::gogocache::testing::ChiSquareUniform;
using ::testing::HasSubstr;

ShardSelector MakeSelector(uint32_t shards, int bits) {
  absl::StatusOr<ShardSelector> selector = ShardSelector::Create(shards, bits);
  EXPECT_TRUE(selector.ok()) << selector.status();
  return *selector;
}

TEST(ShardSelectorTest, RejectsOutOfRangeArguments) {
  EXPECT_THAT(ShardSelector::Create(0, 64).status().message(),
              HasSubstr("shard count"));
  EXPECT_THAT(ShardSelector::Create(4, 0).status().message(),
              HasSubstr("got 0"));
  EXPECT_THAT(ShardSelector::Create(4, 65).status().message(),
              HasSubstr("got 65"));
}

// Over the whole hash space of a narrow hash, every shard owns one contiguous
// run and the runs differ in length by at most one: no shard is favoured.
TEST(ShardSelectorTest, SplitsTheHashSpaceIntoNearlyEqualRuns) {
  for (int bits : {1, 8, 12}) {
    const uint64_t space = uint64_t{1} << bits;
    for (uint32_t shards = 1; shards <= 50; ++shards) {
      const ShardSelector selector = MakeSelector(shards, bits);
      std::vector<uint64_t> counts(shards, 0);
      uint32_t previous = 0;
      for (uint64_t hash = 0; hash < space; ++hash) {
        const uint32_t shard = selector.Select(hash);
        ASSERT_LT(shard, shards);
        ASSERT_GE(shard, previous) << "runs must be contiguous";
        previous = shard;
        ++counts[shard];
      }
      const uint64_t floor = space / shards;
      for (uint32_t s = 0; s < shards; ++s) {
        // With fewer hash values than shards some shards own none.
        EXPECT_GE(counts[s], floor) << "bits " << bits << " shards " << shards;
        EXPECT_LE(counts[s], floor + 1)
            << "bits " << bits << " shards " << shards;
      }
    }
  }
}

TEST(ShardSelectorTest, PowerOfTwoShardsUseTheTopBits) {
  const ShardSelector selector = MakeSelector(16, 64);
  EXPECT_EQ(selector.Select(0), 0u);
  EXPECT_EQ(selector.Select(0x0FFFFFFFFFFFFFFFULL), 0u);
  EXPECT_EQ(selector.Select(0x1000000000000000ULL), 1u);
  EXPECT_EQ(selector.Select(0xF000000000000000ULL), 15u);
  EXPECT_EQ(selector.Select(~uint64_t{0}), 15u);
}

TEST(ShardSelectorTest, IgnoresBitsAboveTheHashWidth) {
  const ShardSelector selector = MakeSelector(7, 32);
  for (uint64_t hash : {0ULL, 1ULL, 0x12345678ULL, 0xFFFFFFFFULL}) {
    EXPECT_EQ(selector.Select(hash), selector.Select(hash | (0xABCDULL << 32)));
  }
}

// Real keys through each built-in strategy land on the shards uniformly.
TEST(ShardSelectorTest, BuiltinStrategiesSpreadKeysUniformly) {
  constexpr int kKeys = 200000;
  for (const HashStrategy& strategy :
       {HashStrategy::Crc32Ieee(), HashStrategy::Xxh3()}) {
    for (uint32_t shards : {2u, 7u, 10u, 16u, 64u, 100u}) {
      const ShardSelector selector = MakeSelector(shards, strategy.bits());
      std::vector<uint64_t> counts(shards, 0);
      for (int i = 0; i < kKeys; ++i) {
        ++counts[selector.Select(strategy.Hash(absl::StrCat("key-", i)))];
      }
      EXPECT_LT(ChiSquareUniform(counts), ChiSquareCritical(shards - 1))
          << strategy.name() << " over " << shards << " shards";
    }
  }
}

// The statistic is not toothless: a hash that ignores most of the key fails.
uint64_t FirstByte(absl::string_view key) {
  return key.empty() ? 0 : static_cast<uint8_t>(key.back());
}

TEST(ShardSelectorTest, ChiSquareCatchesABadHash) {
  absl::StatusOr<HashStrategy> bad =
      HashStrategy::Custom("last", &FirstByte, 8);
  ASSERT_TRUE(bad.ok());
  const ShardSelector selector = MakeSelector(16, bad->bits());
  std::vector<uint64_t> counts(16, 0);
  for (int i = 0; i < 200000; ++i) {
    ++counts[selector.Select(bad->Hash(absl::StrCat("key-", i)))];
  }
  EXPECT_GT(ChiSquareUniform(counts), ChiSquareCritical(15));
}

}  // namespace
}  // namespace gogocache
