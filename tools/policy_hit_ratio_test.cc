// Copyright 2026 The gogocache Authors.
//
// The default eviction policy on every synthetic trace family, at a tenth of
// full scale and every family's sizes: never more than a point below LRU,
// where LRU is optimal (a working set swept forward and back) included, and
// on the Zipf families never more than a point below Window TinyLFU.
// docs/eviction.md has the full-scale tables, with Caffeine beside them.

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "cache/eviction_policy.h"
#include "gtest/gtest.h"
#include "tools/hit_ratio.h"
#include "tools/synthetic_trace.h"

namespace gogocache {
namespace {

constexpr double kScale = 0.1;
constexpr double kPoint = 0.01;

double Ratio(uint64_t hits, const std::vector<uint64_t>& keys) {
  return static_cast<double>(hits) / static_cast<double>(keys.size());
}

class PolicyHitRatioTest : public testing::TestWithParam<std::string> {};

TEST_P(PolicyHitRatioTest, AdaptiveKeepsUpWithLruAndTheBetterPolicy) {
  const absl::StatusOr<GeneratedTrace> trace =
      GenerateSyntheticTrace(GetParam(), kScale);
  ASSERT_TRUE(trace.ok()) << trace.status();
  const std::vector<uint64_t>& keys = trace->keys;
  for (size_t size : trace->sizes) {
    SCOPED_TRACE(absl::StrCat(GetParam(), " at ", size, " entries"));
    const double adaptive =
        Ratio(ShardHits(keys, size, EvictionPolicy::kAdaptive), keys);
    const double lru = Ratio(ExactLruHits(keys, size), keys);
    EXPECT_GE(adaptive, lru - kPoint);
    if (absl::StartsWith(GetParam(), "zipf")) {
      // Where frequency wins, Window TinyLFU stands in for Caffeine, which
      // the unit tests cannot run.
      const double tinylfu =
          Ratio(ShardHits(keys, size, EvictionPolicy::kTinyLfu), keys);
      EXPECT_GE(adaptive, tinylfu - kPoint);
    }
  }
}

TEST(PolicyHitRatioTest, SweepsAreWhereLruIsOptimal) {
  // The premise of the sweep rows: LRU's hits are the optimum's.
  for (const char* name : {"sweep", "sweep_varying"}) {
    const absl::StatusOr<GeneratedTrace> trace =
        GenerateSyntheticTrace(name, kScale);
    ASSERT_TRUE(trace.ok()) << trace.status();
    for (size_t size : trace->sizes) {
      EXPECT_EQ(ExactLruHits(trace->keys, size), OptimalHits(trace->keys, size))
          << name << " at " << size;
    }
  }
}

std::vector<std::string> FamilyNames() {
  std::vector<std::string> names;
  for (const SyntheticTrace& trace : SyntheticTraces()) {
    names.push_back(trace.name);
  }
  return names;
}

INSTANTIATE_TEST_SUITE_P(Families, PolicyHitRatioTest,
                         testing::ValuesIn(FamilyNames()),
                         [](const testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param;
                           std::replace(name.begin(), name.end(), '.', '_');
                           return name;
                         });

}  // namespace
}  // namespace gogocache
