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
  sketch.EnsureCapacity(16);
  for (uint64_t key = 0; key < 64; ++key) sketch.Increment(HashOf(key));
  ASSERT_EQ(sketch.Frequency(HashOf(3)), 1);
  sketch.EnsureCapacity(4096);
  EXPECT_GE(sketch.table_words(), 4096u);
  // A copied table would hand each count to the keys that shared its word.
  for (uint64_t key = 0; key < 10000; ++key) {
    ASSERT_EQ(sketch.Frequency(HashOf(key)), 0) << key;
  }
  // The halving schedule starts over with the counts.
  for (int i = 0; i < 12; ++i) sketch.Increment(HashOf(42));
  for (uint64_t key = 1000; key < 1000 + 40000 - 13; ++key)
    sketch.Increment(HashOf(key));
  EXPECT_EQ(sketch.Frequency(HashOf(42)), 12);
}

TEST(FrequencySketchTest, HalvingCountsTheOddCountersItRoundsDown) {
  FrequencySketch sketch;
  sketch.EnsureCapacity(100);  // 128 words, halving every 1000 increments.
  ASSERT_EQ(sketch.sample_size(), 1000u);
  // 1000 keys once each: mostly counters of 1, odd. The first halving
  // rounds them to 0.
  for (uint64_t key = 0; key < 1000; ++key) sketch.Increment(HashOf(key));
  for (int i = 0; i < 12; ++i) sketch.Increment(HashOf(1u << 20));
  ASSERT_EQ(sketch.Frequency(HashOf(1u << 20)), 12);
  // Half the sample would be 488 more increments. The counts the odd
  // counters lost at the first halving put the next one further off.
  int increments = 0;
  // (Others' increments can raise its estimate through collisions; the
  // halving is when it falls.)
  for (uint64_t key = 1u << 21; sketch.Frequency(HashOf(1u << 20)) >= 12;
       ++key) {
    sketch.Increment(HashOf(key));
    ++increments;
    ASSERT_LT(increments, 1000) << "never aged";
  }
  EXPECT_GT(increments, 600);
}

}  // namespace
}  // namespace gogocache
