// Copyright 2026 The gogocache Authors.

#include "hash/jump_consistent_hash.h"

#include <cstdint>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "hash/chi_square.h"
#include "hash/hash_strategy.h"

namespace gogocache {
namespace {

using ::gogocache::testing::ChiSquareCritical;
using ::gogocache::testing::ChiSquareUniform;

// Values of the paper's reference implementation, as other ports test them.
TEST(JumpConsistentHashTest, MatchesReferenceVectors) {
  EXPECT_EQ(JumpConsistentHash(1, 1), 0);
  EXPECT_EQ(JumpConsistentHash(42, 57), 43);
  EXPECT_EQ(JumpConsistentHash(0xDEAD10CC, 1), 0);
  EXPECT_EQ(JumpConsistentHash(0xDEAD10CC, 666), 361);
  EXPECT_EQ(JumpConsistentHash(256, 1024), 520);
}

TEST(JumpConsistentHashTest, NonPositiveBucketCountsAnswerZero) {
  EXPECT_EQ(JumpConsistentHash(0, -10), 0);
  EXPECT_EQ(JumpConsistentHash(0xDEAD10CC, -666), 0);
  EXPECT_EQ(JumpConsistentHash(12345, 0), 0);
}

std::vector<uint64_t> KeyHashes(int count) {
  const HashStrategy xxh3 = HashStrategy::Xxh3();
  std::vector<uint64_t> hashes;
  hashes.reserve(count);
  for (int i = 0; i < count; ++i) {
    hashes.push_back(xxh3.Hash(absl::StrCat("peer-key-", i)));
  }
  return hashes;
}

TEST(JumpConsistentHashTest, SpreadsKeysUniformly) {
  const std::vector<uint64_t> hashes = KeyHashes(100000);
  for (int32_t buckets : {3, 10, 37, 128}) {
    std::vector<uint64_t> counts(buckets, 0);
    for (uint64_t h : hashes) {
      const int32_t bucket = JumpConsistentHash(h, buckets);
      ASSERT_GE(bucket, 0);
      ASSERT_LT(bucket, buckets);
      ++counts[bucket];
    }
    EXPECT_LT(ChiSquareUniform(counts), ChiSquareCritical(buckets - 1))
        << buckets << " buckets";
  }
}

// Growing from N to N + 1 buckets moves about 1/(N + 1) of the keys, and
// only into the new bucket.
TEST(JumpConsistentHashTest, GrowingMovesFewKeysAndOnlyToTheNewBucket) {
  const std::vector<uint64_t> hashes = KeyHashes(100000);
  std::vector<int32_t> before(hashes.size(), 0);
  for (int32_t buckets = 1; buckets < 64; ++buckets) {
    size_t moved = 0;
    for (size_t i = 0; i < hashes.size(); ++i) {
      const int32_t after = JumpConsistentHash(hashes[i], buckets + 1);
      if (after != before[i]) {
        ++moved;
        ASSERT_EQ(after, buckets) << "a key moved between old buckets";
        before[i] = after;
      }
    }
    const double expected = static_cast<double>(hashes.size()) / (buckets + 1);
    EXPECT_GT(moved, 0.85 * expected) << "growing to " << buckets + 1;
    EXPECT_LT(moved, 1.15 * expected) << "growing to " << buckets + 1;
  }
}

}  // namespace
}  // namespace gogocache
