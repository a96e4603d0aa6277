// Copyright 2026 The gogocache Authors.

#include "cache/hash_lru.h"

#include <cstdint>
#include <list>
#include <random>
#include <unordered_map>
#include <vector>

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

// Keys from the whole 32-bit range, several of them sharing a home slot, so
// that removals move keys back across probe runs and around the table's end.
TEST(HashLruTest, MatchesAListBasedLruOverManyColliderKeys) {
  HashLru lru;
  std::list<uint32_t> reference;  // Front: most recent.
  std::unordered_map<uint32_t, std::list<uint32_t>::iterator> where;
  std::mt19937 random(7);
  std::vector<uint32_t> population(3000);
  for (uint32_t& key : population) key = random();
  for (int i = 0; i < 300000; ++i) {
    const uint32_t hash = population[random() % population.size()];
    const size_t capacity = 1000 + (i / 50000) % 3 * 700;
    const auto it = where.find(hash);
    const bool held = it != where.end();
    if (held) reference.erase(it->second);
    reference.push_front(hash);
    where[hash] = reference.begin();
    while (reference.size() > capacity) {
      where.erase(reference.back());
      reference.pop_back();
    }
    ASSERT_EQ(lru.Access(hash, capacity), held) << i;
    ASSERT_EQ(lru.size(), reference.size()) << i;
  }
}

}  // namespace
}  // namespace gogocache
