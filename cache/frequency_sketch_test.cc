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

TEST(FrequencySketchTest, GrowingKeepsCounts) {
  FrequencySketch sketch;
  sketch.EnsureCapacity(16);
  for (uint64_t key = 0; key < 8; ++key) {
    for (uint64_t i = 0; i <= key; ++i) sketch.Increment(HashOf(key));
  }
  int before[8];
  for (uint64_t key = 0; key < 8; ++key)
    before[key] = sketch.Frequency(HashOf(key));
  sketch.EnsureCapacity(4096);
  EXPECT_GE(sketch.table_words(), 4096u);
  for (uint64_t key = 0; key < 8; ++key) {
    EXPECT_EQ(sketch.Frequency(HashOf(key)), before[key]) << key;
  }
}

}  // namespace
}  // namespace gogocache
