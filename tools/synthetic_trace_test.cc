// Copyright 2026 The gogocache Authors.

#include "tools/synthetic_trace.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "tools/hit_ratio.h"

namespace gogocache {
namespace {

// Small enough for every family to take milliseconds unoptimized.
constexpr double kScale = 0.02;

std::vector<std::string> Names() {
  std::vector<std::string> names;
  for (const SyntheticTrace& trace : SyntheticTraces()) {
    names.push_back(trace.name);
  }
  return names;
}

GeneratedTrace Generate(const std::string& name, double scale = kScale) {
  absl::StatusOr<GeneratedTrace> trace = GenerateSyntheticTrace(name, scale);
  EXPECT_TRUE(trace.ok()) << trace.status();
  return trace.ok() ? *std::move(trace) : GeneratedTrace();
}

// FNV-1a over the keys' bytes, least significant first.
uint64_t Checksum(const std::vector<uint64_t>& keys) {
  uint64_t hash = 0xcbf29ce484222325;
  for (uint64_t key : keys) {
    for (int i = 0; i < 8; ++i) {
      hash = (hash ^ ((key >> (8 * i)) & 0xff)) * 0x100000001b3;
    }
  }
  return hash;
}

// How often each key occurs.
absl::flat_hash_map<uint64_t, size_t> Counts(
    const std::vector<uint64_t>& keys) {
  absl::flat_hash_map<uint64_t, size_t> counts;
  for (uint64_t key : keys) ++counts[key];
  return counts;
}

TEST(SyntheticTraceTest, ListsEveryFamilyInOrderWithAscendingSizes) {
  EXPECT_EQ(Names(),
            (std::vector<std::string>{"sweep", "sweep_varying", "loop_varying",
                                      "working_set_shift", "zipf0.7", "zipf0.9",
                                      "zipf1.1", "zipf_scan", "zipf_loop",
                                      "zipf_shift", "phases", "recency"}));
  for (const SyntheticTrace& trace : SyntheticTraces()) {
    EXPECT_FALSE(trace.description.empty()) << trace.name;
    EXPECT_GE(trace.sizes.size(), 3u) << trace.name;
    EXPECT_TRUE(std::is_sorted(trace.sizes.begin(), trace.sizes.end()))
        << trace.name;
  }
}

TEST(SyntheticTraceTest, SameNameAndScaleGiveTheSameKeys) {
  for (const std::string& name : Names()) {
    EXPECT_EQ(Generate(name).keys, Generate(name).keys) << name;
  }
}

// Pinned, so that a change to any generator (or to the random numbers it
// draws) is noticed: traces written before and after would differ.
TEST(SyntheticTraceTest, KeysAreThePinnedOnes) {
  const absl::flat_hash_map<std::string, uint64_t> expected = {
      {"sweep", 418083100500744997u},
      {"sweep_varying", 3541617224478506213u},
      {"loop_varying", 9885468260894404517u},
      {"working_set_shift", 16632939766814422476u},
      {"zipf0.7", 14465447350272617461u},
      {"zipf0.9", 9798386631162824752u},
      {"zipf1.1", 13538544699626480807u},
      {"zipf_scan", 16145403680796601904u},
      {"zipf_loop", 13415817962082747201u},
      {"zipf_shift", 12481537441877010132u},
      {"phases", 13920493652717960363u},
      {"recency", 14901382281720170234u},
  };
  for (const std::string& name : Names()) {
    ASSERT_TRUE(expected.contains(name)) << name;
    EXPECT_EQ(Checksum(Generate(name).keys), expected.at(name))
        << name << ": the keys at scale " << kScale << " changed";
  }
}

// At kScale: every length, and the distinct keys within bounds.
TEST(SyntheticTraceTest, LengthsAndDistinctKeys) {
  struct Shape {
    std::string name;
    size_t length;
    size_t min_distinct;
    size_t max_distinct;
  };
  const std::vector<Shape> shapes = {
      {"sweep", 20000, 200, 200},
      {"sweep_varying", 20000, 200, 240},
      {"loop_varying", 20000, 240, 240},
      {"working_set_shift", 20000, 1050, 1099},
      {"zipf0.7", 20000, 1900, 2000},
      {"zipf0.9", 20000, 1500, 2000},
      {"zipf1.1", 20000, 1300, 1900},
      {"zipf_scan", 20000, 4800, 5000},
      {"zipf_loop", 20000, 900, 1160},
      {"zipf_shift", 20000, 3500, 5000},
      {"phases", 20000, 1200, 1400},
      {"recency", 20000, 2000, 2800},
  };
  ASSERT_EQ(shapes.size(), Names().size());
  for (const Shape& shape : shapes) {
    const GeneratedTrace trace = Generate(shape.name);
    EXPECT_EQ(trace.keys.size(), shape.length) << shape.name;
    const size_t distinct = DistinctKeys(trace.keys);
    EXPECT_GE(distinct, shape.min_distinct) << shape.name;
    EXPECT_LE(distinct, shape.max_distinct) << shape.name;
  }
}

TEST(SyntheticTraceTest, SizesScaleWithTheTrace) {
  EXPECT_EQ(Generate("sweep", 1).sizes,
            (std::vector<size_t>{2500, 5000, 7500}));
  EXPECT_EQ(Generate("sweep").sizes, (std::vector<size_t>{50, 100, 150}));
  EXPECT_EQ(Generate("sweep", 1).keys.size(), 1000000u);
  // The smallest scale leaves at least one of everything.
  const GeneratedTrace tiny = Generate("recency", 1e-9);
  EXPECT_EQ(tiny.keys.size(), 1u);
  EXPECT_EQ(tiny.sizes, (std::vector<size_t>{1, 1, 1}));
}

TEST(SyntheticTraceTest, SweepGoesForwardThenBack) {
  const std::vector<uint64_t> keys = Generate("sweep").keys;
  constexpr uint64_t kWidth = 200;
  ASSERT_EQ(keys.size() % (2 * kWidth), 0u);
  for (size_t i = 0; i < keys.size(); ++i) {
    const uint64_t offset = i % (2 * kWidth);
    const uint64_t expected =
        offset < kWidth ? offset : 2 * kWidth - 1 - offset;
    ASSERT_EQ(keys[i], expected) << "access " << i;
  }
}

TEST(SyntheticTraceTest, LruIsOptimalOnSweep) {
  const GeneratedTrace trace = Generate("sweep", 0.05);
  ASSERT_EQ(trace.sizes.size(), 3u);
  for (size_t size : trace.sizes) {
    const uint64_t lru = ExactLruHits(trace.keys, size);
    EXPECT_EQ(lru, OptimalHits(trace.keys, size)) << "size " << size;
    EXPECT_GT(lru, 0u) << "size " << size;
  }
}

TEST(SyntheticTraceTest, ZipfTopKeyShareGrowsWithTheExponent) {
  std::vector<double> shares;
  for (const char* name : {"zipf0.7", "zipf0.9", "zipf1.1"}) {
    const std::vector<uint64_t> keys = Generate(name, 0.1).keys;
    size_t top = 0;
    for (const auto& [key, count] : Counts(keys)) top = std::max(top, count);
    shares.push_back(static_cast<double>(top) / keys.size());
  }
  // Expected: 1 / (the sum over 10,000 ranks of r^-s), 0.0200, 0.0637 and
  // 0.1514; the margins are five standard deviations of 100,000 draws.
  EXPECT_NEAR(shares[0], 0.0200, 0.0025);
  EXPECT_NEAR(shares[1], 0.0637, 0.004);
  EXPECT_NEAR(shares[2], 0.1514, 0.006);
}

TEST(SyntheticTraceTest, ZipfScanBurstsAreSequentialKeysNeverRepeated) {
  // At kScale: 400 Zipf accesses over keys below 1,000, then 100 scan keys.
  const std::vector<uint64_t> keys = Generate("zipf_scan").keys;
  const absl::flat_hash_map<uint64_t, size_t> counts = Counts(keys);
  uint64_t previous_scan_key = 999;
  for (size_t i = 0; i < keys.size(); ++i) {
    if (i % 500 < 400) {
      ASSERT_LT(keys[i], 1000u) << "access " << i;
      continue;
    }
    ASSERT_EQ(keys[i], previous_scan_key + 1) << "access " << i;
    ASSERT_EQ(counts.at(keys[i]), 1u) << "access " << i;
    previous_scan_key = keys[i];
  }
}

TEST(SyntheticTraceTest, WorkingSetWindowMovesUpOneKeyPer20Accesses) {
  const std::vector<uint64_t> keys = Generate("working_set_shift").keys;
  for (size_t i = 0; i < keys.size(); ++i) {
    ASSERT_GE(keys[i], i / 20) << "access " << i;
    ASSERT_LT(keys[i], i / 20 + 100) << "access " << i;
  }
}

TEST(SyntheticTraceTest, LoopVaryingChangesItsLengthEachPhase) {
  const std::vector<uint64_t> keys = Generate("loop_varying").keys;
  const uint64_t loops[] = {60, 120, 240, 90, 180};
  for (size_t i = 0; i < keys.size(); ++i) {
    ASSERT_EQ(keys[i], (i % 2000) % loops[(i / 2000) % 5]) << "access " << i;
  }
}

TEST(SyntheticTraceTest, UnknownFamiliesAndBadScalesAreRefused) {
  absl::StatusOr<GeneratedTrace> trace = GenerateSyntheticTrace("arc");
  EXPECT_TRUE(absl::IsInvalidArgument(trace.status()));
  EXPECT_NE(trace.status().message().find("\"arc\""), std::string::npos);
  EXPECT_NE(trace.status().message().find("zipf_scan"), std::string::npos);
  for (double scale : {0.0, -0.5, 1.5, std::nan("")}) {
    EXPECT_TRUE(absl::IsInvalidArgument(
        GenerateSyntheticTrace("sweep", scale).status()))
        << scale;
  }
}

}  // namespace
}  // namespace gogocache
