// Copyright 2026 The gogocache Authors.

#include "cache/hash_lru.h"

#include <cstdint>
#include <list>
#include <random>

#include "gtest/gtest.h"

namespace gogocache {
namespace {

TEST(HashLruTest, HitsWhatAnLruOfThatSizeHolds) {
  HashLru lru;
  EXPECT_FALSE(lru.Access(1, 2));
  EXPECT_FALSE(lru.Access(2, 2));
  EXPECT_TRUE(lru.Access(1, 2));   // 1 is now the most recent.
  EXPECT_FALSE(lru.Access(3, 2));  // Pushes out 2.
  EXPECT_TRUE(lru.Access(1, 2));
  EXPECT_FALSE(lru.Access(2, 2));
  EXPECT_EQ(lru.size(), 2u);
}

TEST(HashLruTest, MatchesAListBasedLruAsTheCapacityChanges) {
  HashLru lru;
  std::list<uint32_t> reference;  // Front: most recent.
  std::mt19937 random(3);
  for (int i = 0; i < 200000; ++i) {
    const uint32_t hash = random() % 300;
    const size_t capacity = 50 + (i / 10000) % 5 * 40;  // Shrinks and grows.
    bool held = false;
    for (auto it = reference.begin(); it != reference.end(); ++it) {
      if (*it == hash) {
        reference.erase(it);
        held = true;
        break;
      }
    }
    reference.push_front(hash);
    while (reference.size() > capacity) reference.pop_back();
    ASSERT_EQ(lru.Access(hash, capacity), held) << i;
    ASSERT_EQ(lru.size(), reference.size()) << i;
  }
}

}  // namespace
}  // namespace gogocache
