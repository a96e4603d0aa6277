// Copyright 2026 The gogocache Authors.

#include "cache/window_sizer.h"

#include <cstdint>

#include "gtest/gtest.h"

namespace gogocache {
namespace shard_internal {
namespace {

constexpr double kCapacity = 64 * 1000;
constexpr size_t kEntries = 100;  // All sampled.

// Periods where LRU hits every access and the policy none: a key set of
// half the entries, over and over.
void LetLruWin(WindowSizer& window, int periods) {
  for (int i = 0; i < periods * 100; ++i) {
    window.Record(static_cast<uint32_t>(i % 50), /*hit=*/false, kEntries);
  }
}

// Periods where neither hits: keys never seen again.
void LetNeitherHit(WindowSizer& window, int periods, uint32_t first_key) {
  for (int i = 0; i < periods * 100; ++i) {
    window.Record(first_key + static_cast<uint32_t>(i), /*hit=*/false,
                  kEntries);
  }
}

TEST(WindowSizerTest, StartsAtTheSmallestWindow) {
  const WindowSizer window(kCapacity, WindowSizer::Drift::kHold);
  EXPECT_DOUBLE_EQ(window.window(), 0.01 * kCapacity);
  EXPECT_DOUBLE_EQ(window.main(), 0.99 * kCapacity);
}

TEST(WindowSizerTest, SamplesFromHalfTheCapacityOn) {
  WindowSizer window(kCapacity, WindowSizer::Drift::kHold);
  const auto sampled = [&window] {
    int count = 0;
    for (uint32_t hash = 0; hash < 1000; ++hash) count += window.Sampled(hash);
    return count;
  };
  window.FollowEntries(kEntries);
  EXPECT_EQ(sampled(), 0);
  window.FollowBytes(kEntries, static_cast<size_t>(kCapacity / 2) - 1);
  EXPECT_EQ(sampled(), 0);
  window.FollowBytes(kEntries, static_cast<size_t>(kCapacity / 2));
  EXPECT_EQ(sampled(), 1000);  // A shard of kEntries is sampled whole.
  window.FollowEntries(4 * 256);
  EXPECT_GT(sampled(), 150);  // A quarter, give or take.
  EXPECT_LT(sampled(), 350);
  window.FollowBytes(4 * 256, 0);  // Once started, sampling goes on.
  EXPECT_GT(sampled(), 150);
}

TEST(WindowSizerTest, LeadOfLruOpensTheWindow) {
  WindowSizer window(kCapacity, WindowSizer::Drift::kHold);
  window.FollowBytes(kEntries, kCapacity);
  LetLruWin(window, 10);
  EXPECT_GT(window.window(), 0.3 * kCapacity);
  EXPECT_LE(window.window(), kCapacity);
}

TEST(WindowSizerTest, HoldKeepsTheWindowWhereNeitherHits) {
  WindowSizer window(kCapacity, WindowSizer::Drift::kHold);
  window.FollowBytes(kEntries, kCapacity);
  LetLruWin(window, 10);
  const double opened = window.window();
  LetNeitherHit(window, 30, 1000);
  EXPECT_DOUBLE_EQ(window.window(), opened);
}

TEST(WindowSizerTest, ShrinkClosesTheWindowWhereNeitherHits) {
  WindowSizer window(kCapacity, WindowSizer::Drift::kShrink);
  window.FollowBytes(kEntries, kCapacity);
  LetLruWin(window, 10);
  EXPECT_GT(window.window(), 0.3 * kCapacity);
  LetNeitherHit(window, 30, 1000);
  EXPECT_DOUBLE_EQ(window.window(), 0.01 * kCapacity);
}

}  // namespace
}  // namespace shard_internal
}  // namespace gogocache
