// Copyright 2026 The gogocache Authors.

#include "cache/frequency_sketch.h"

#include <cstdint>

#include "gtest/gtest.h"

namespace gogocache {
namespace {

uint64_t HashOf(uint64_t key) { return key * 0x9E3779B97F4A7C15ULL + 7; }

TEST(FrequencySketchTest, CountsUpToFifteen) {
  FrequencySketch sketch;
  sketch.EnsureCapacity(1000);
  EXPECT_EQ(sketch.Frequency(HashOf(1)), 0);
  for (int i = 1; i <= 20; ++i) {
    sketch.Increment(HashOf(1));
    EXPECT_EQ(sketch.Frequency(HashOf(1)), i < 15 ? i : 15);
  }
  EXPECT_EQ(sketch.Frequency(HashOf(2)), 0);
}

TEST(FrequencySketchTest, AgesByHalvingAfterTenIncrementsPerEntry) {
  FrequencySketch sketch;
  sketch.EnsureCapacity(100);
  ASSERT_EQ(sketch.sample_size(), 1000u);
  for (int i = 0; i < 12; ++i) sketch.Increment(HashOf(42));
  ASSERT_EQ(sketch.Frequency(HashOf(42)), 12);
  // Others' accesses bring on the halving: 42's count drops to 6.
  for (uint64_t key = 1000; sketch.Frequency(HashOf(42)) == 12; ++key) {
    sketch.Increment(HashOf(key));
    ASSERT_LT(key, 10000u) << "never aged";
  }
  EXPECT_EQ(sketch.Frequency(HashOf(42)), 6);
}

TEST(FrequencySketchTest, GrowingStartsTheCountsOver) {
  FrequencySketch sketch;
  sketch.EnsureCapacity(16);  // Halving every 160 increments.
  for (uint64_t key = 0; key < 150; ++key) sketch.Increment(HashOf(key % 64));
  ASSERT_GE(sketch.Frequency(HashOf(3)), 2);
  sketch.EnsureCapacity(4096);  // Halving every 40,960 increments.
  EXPECT_GE(sketch.table_words(), 4096u);
  // A copied table would hand each count to the keys that shared its word.
  for (uint64_t key = 0; key < 10000; ++key) {
    ASSERT_EQ(sketch.Frequency(HashOf(key)), 0) << key;
  }
  // The halving schedule starts over with the counts: 40,900 increments
  // after the growth do not halve, as they would with the 150 before it
  // still counted.
  for (int i = 0; i < 12; ++i) sketch.Increment(HashOf(42));
  for (uint64_t key = 1000; key < 1000 + 40900 - 12; ++key) {
    sketch.Increment(HashOf(key));
  }
  EXPECT_GE(sketch.Frequency(HashOf(42)), 12);
}

TEST(FrequencySketchTest, IncrementByCountsAsThatManyIncrements) {
  FrequencySketch once;
  FrequencySketch at_once;
  once.EnsureCapacity(1000);
  at_once.EnsureCapacity(1000);
  for (int i = 0; i < 5; ++i) once.Increment(HashOf(7));
  at_once.IncrementBy(HashOf(7), 5);
  EXPECT_EQ(at_once.Frequency(HashOf(7)), once.Frequency(HashOf(7)));
  at_once.IncrementBy(HashOf(7), 15);
  EXPECT_EQ(at_once.Frequency(HashOf(7)), FrequencySketch::kMaxFrequency);
  // Counted toward the halving: 10,000 increments make one.
  at_once.IncrementBy(HashOf(8), 10);
  for (uint64_t key = 100; at_once.Frequency(HashOf(7)) == 15; ++key) {
    at_once.IncrementBy(HashOf(key), 10);
    ASSERT_LT(key, 100u + 1000) << "never aged";
  }
  EXPECT_EQ(at_once.Frequency(HashOf(7)), 7);
}

TEST(FrequencySketchTest, HalvingCountsTheOddCountersItRoundsDown) {
  FrequencySketch sketch;
  sketch.EnsureCapacity(100);  // 128 words, halving every 1000 increments.
  ASSERT_EQ(sketch.sample_size(), 1000u);
  // 1000 keys once each: 4000 counts in 2048 counters, about half of them
  // odd when the first halving rounds them down.
  for (uint64_t key = 0; key < 1000; ++key) sketch.Increment(HashOf(key));
  for (int i = 0; i < 12; ++i) sketch.Increment(HashOf(1u << 20));
  ASSERT_GE(sketch.Frequency(HashOf(1u << 20)), 12);
  // Half the sample would be 488 more increments. With the counts the odd
  // counters lost taken off, (1000 - odd/4) / 2 remain counted and the next
  // halving waits about 125 longer; taking off odd/4 after halving would
  // make that about 250. (Others' increments can raise its estimate through
  // collisions; the halving is when it falls.)
  int increments = 0;
  for (uint64_t key = 1u << 21; sketch.Frequency(HashOf(1u << 20)) >= 12;
       ++key) {
    sketch.Increment(HashOf(key));
    ++increments;
    ASSERT_LT(increments, 1000) << "never aged";
  }
  EXPECT_GT(increments, 560);
  EXPECT_LT(increments, 680);
}

}  // namespace
}  // namespace gogocache
