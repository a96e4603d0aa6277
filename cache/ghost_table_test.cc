// Copyright 2026 The gogocache Authors.

#include "cache/ghost_table.h"

#include <cstdint>
#include <vector>

#include "gtest/gtest.h"

namespace gogocache {
namespace {

TEST(GhostTableTest, RemembersUntilTaken) {
  GhostTable ghosts;
  ghosts.EnsureCapacity(100, 1);
  ghosts.Insert(42, 7, 10);
  uint32_t time = 0;
  EXPECT_FALSE(ghosts.Take(43, &time));
  ASSERT_TRUE(ghosts.Take(42, &time));
  EXPECT_EQ(time, 7u);
  EXPECT_FALSE(ghosts.Take(42, &time)) << "taken once";
}

TEST(GhostTableTest, ReinsertingAKeyUpdatesItsTime) {
  GhostTable ghosts;
  ghosts.EnsureCapacity(16, 1);
  ghosts.Insert(5, 3, 10);
  ghosts.Insert(5, 9, 10);
  uint32_t time = 0;
  ASSERT_TRUE(ghosts.Take(5, &time));
  EXPECT_EQ(time, 9u);
  EXPECT_FALSE(ghosts.Take(5, &time)) << "one slot per key";
}

TEST(GhostTableTest, BoundedAndForgetsTheLongestUnusedFirst) {
  GhostTable ghosts;
  ghosts.EnsureCapacity(1000, 1);
  const size_t slots = ghosts.slots();
  EXPECT_GE(slots, 2000u);
  EXPECT_LE(slots, 4096u);
  // Far more keys than slots, the later ones used more recently.
  constexpr uint32_t kKeys = 100000;
  for (uint32_t i = 1; i <= kKeys; ++i) ghosts.Insert(i * 2654435761u, i, i);
  EXPECT_EQ(ghosts.slots(), slots) << "does not grow by itself";
  int recent = 0, old = 0;
  uint32_t time = 0;
  for (uint32_t i = 1; i <= kKeys; ++i) {
    if (ghosts.Take(i * 2654435761u, &time)) {
      EXPECT_EQ(time, i);
      (i > kKeys - 1000 ? recent : old) += 1;
    }
  }
  // Most of the last thousand are still there; few of the old ones are.
  EXPECT_GT(recent, 900);
  EXPECT_LT(old, static_cast<int>(slots) - 900);
}

TEST(GhostTableTest, GrowingKeepsWhatItHolds) {
  GhostTable ghosts;
  ghosts.EnsureCapacity(10, 1);
  for (uint32_t i = 1; i <= 20; ++i) ghosts.Insert(i * 40503u, i, 20);
  ghosts.EnsureCapacity(10000, 21);
  EXPECT_GE(ghosts.slots(), 20000u);
  int found = 0;
  uint32_t time = 0;
  for (uint32_t i = 1; i <= 20; ++i) found += ghosts.Take(i * 40503u, &time);
  EXPECT_GE(found, 16) << "at most the displaced ones are lost";
}

TEST(GhostTableTest, AgesWrapAroundTheClock) {
  GhostTable ghosts;
  ghosts.EnsureCapacity(1, 1);
  // Five keys that share a set, one more than it holds (the table only ever
  // holds a key in the set its hash picks, so the fifth must displace one).
  std::vector<uint32_t> keys;
  const auto set_of = [](uint32_t h) {
    return ((uint64_t{h} * 0x9E3779B97F4A7C15ULL) >> 32) & 3;
  };
  for (uint32_t h = 1; keys.size() < 5; ++h) {
    if (set_of(h) == set_of(1)) keys.push_back(h);
  }
  const uint32_t now = 5;  // The clock wrapped: 5 comes after 0xFFFFFFF0.
  ghosts.Insert(keys[0], 0xFFFFFFF0u, now);
  for (uint32_t i = 1; i < 5; ++i) ghosts.Insert(keys[i], i, now);
  uint32_t time = 0;
  EXPECT_FALSE(ghosts.Take(keys[0], &time)) << "the oldest goes first";
  for (uint32_t i = 1; i < 5; ++i) EXPECT_TRUE(ghosts.Take(keys[i], &time));
}

}  // namespace
}  // namespace gogocache
