// Copyright 2026 The gogocache Authors.

#include "tools/latency_histogram.h"

#include "gtest/gtest.h"

namespace gogocache {
namespace {

TEST(LatencyHistogramTest, EmptyReportsZero) {
  LatencyHistogram histogram;
  EXPECT_EQ(histogram.Percentile(0.5), 0u);
  EXPECT_EQ(histogram.count(), 0u);
}

TEST(LatencyHistogramTest, PercentilesWithinSixPercent) {
  LatencyHistogram histogram;
  for (uint64_t v = 1; v <= 100000; ++v) histogram.Record(v * 100);
  const uint64_t p50 = histogram.Percentile(0.50);
  const uint64_t p99 = histogram.Percentile(0.99);
  EXPECT_GE(p50, 5000000u * 0.94);
  EXPECT_LE(p50, 5000000u * 1.07);
  EXPECT_GE(p99, 9900000u * 0.94);
  EXPECT_LE(p99, 9900000u * 1.07);
  EXPECT_EQ(histogram.Percentile(1.0), 10000000u);
  EXPECT_EQ(histogram.max(), 10000000u);
}

TEST(LatencyHistogramTest, SmallValuesAreExact) {
  LatencyHistogram histogram;
  for (uint64_t v : {3, 3, 3, 7}) histogram.Record(v);
  EXPECT_EQ(histogram.Percentile(0.5), 3u);
  EXPECT_EQ(histogram.Percentile(1.0), 7u);
}

TEST(LatencyHistogramTest, MergeAddsCounts) {
  LatencyHistogram fast, slow;
  for (int i = 0; i < 99; ++i) fast.Record(1000);
  slow.Record(2000000);
  fast.Merge(slow);
  EXPECT_EQ(fast.count(), 100u);
  EXPECT_LE(fast.Percentile(0.5), 1100u);
  EXPECT_GE(fast.Percentile(1.0), 2000000u);
}

}  // namespace
}  // namespace gogocache
