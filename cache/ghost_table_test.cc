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
  EXPECT_FALSE(ghosts.Take(43, 10, &time));
  ASSERT_TRUE(ghosts.Take(42, 10, &time));
  EXPECT_EQ(time, 7u);  // Small tables tick every access: exact.
  EXPECT_FALSE(ghosts.Take(42, 10, &time)) << "taken once";
}

TEST(GhostTableTest, ReinsertingAKeyUpdatesItsTime) {
  GhostTable ghosts;
  ghosts.EnsureCapacity(16, 1);
  ghosts.Insert(5, 3, 10);
  ghosts.Insert(5, 9, 10);
  uint32_t time = 0;
  ASSERT_TRUE(ghosts.Take(5, 10, &time));
  EXPECT_EQ(time, 9u);
  EXPECT_FALSE(ghosts.Take(5, 10, &time)) << "one slot per key";
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
  int recent = 0, old = 0, wrong = 0;
  uint32_t time = 0;
  for (uint32_t i = 1; i <= kKeys; ++i) {
    if (!ghosts.Take(i * 2654435761u, kKeys, &time)) continue;
    // 1,000 entries: a tick is 4 accesses. A time far off is another key's
    // with the same 16-bit fingerprint in the same set (4 ways: about 6 in
    // 100,000 lookups).
    if (time + 4 < i || time > i + 4) {
      ++wrong;
      continue;
    }
    (i > kKeys - 1000 ? recent : old) += 1;
  }
  EXPECT_LT(wrong, 30);
  // Most of the last thousand are still there; few of the old ones are.
  EXPECT_GT(recent, 900);
  EXPECT_LT(old, static_cast<int>(slots) - 900);
}

TEST(GhostTableTest, GrowingForgetsAndMakesRoom) {
  GhostTable ghosts;
  ghosts.EnsureCapacity(10, 1);
  ghosts.Insert(12345, 1, 2);
  ghosts.EnsureCapacity(10000, 3);
  EXPECT_GE(ghosts.slots(), 20000u);
  uint32_t time = 0;
  EXPECT_FALSE(ghosts.Take(12345, 3, &time));
  ghosts.Insert(12345, 3, 3);
  EXPECT_TRUE(ghosts.Take(12345, 4, &time));
}

TEST(GhostTableTest, ForgetsKeysUnusedForLong) {
  GhostTable ghosts;
  ghosts.EnsureCapacity(16, 0);  // A tick per access: forgets at 2^14.
  ghosts.Insert(1, 0, 0);
  ghosts.Insert(2, 20000, 20000);
  ghosts.Insert(3, 0, 20000);  // Already too old: not kept.
  uint32_t time = 0;
  EXPECT_TRUE(ghosts.Take(2, 20100, &time));
  EXPECT_EQ(time, 20000u);
  EXPECT_FALSE(ghosts.Take(1, 20100, &time)) << "20,100 accesses old";
  EXPECT_FALSE(ghosts.Take(3, 20100, &time));
  // A sweep long overdue forgets everything: ages may have wrapped.
  ghosts.Insert(4, 30000, 30000);
  EXPECT_FALSE(ghosts.Take(4, 30000 + 70000, &time));
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
  EXPECT_FALSE(ghosts.Take(keys[0], now, &time)) << "the oldest goes first";
  for (uint32_t i = 1; i < 5; ++i)
    EXPECT_TRUE(ghosts.Take(keys[i], now, &time));
}

}  // namespace
}  // namespace gogocache
