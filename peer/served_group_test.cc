// Copyright 2026 The gogocache Authors.

#include "peer/served_group.h"

#include <chrono>
#include <memory>
#include <string>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "cache/cache_group.h"
#include "gtest/gtest.h"
#include "loader/getter.h"

namespace gogocache {
namespace {

// Far above what a load from memory takes, even under a sanitizer on a busy
// machine, and far below what the slow loads here take.
constexpr std::chrono::milliseconds kQuick{50};
constexpr absl::Duration kSlow = absl::Milliseconds(500);

std::unique_ptr<CacheGroup> GroupWhoseLoadsTake(const absl::Duration* took) {
  CacheGroupOptions options;
  options.num_shards = 1;
  options.getter =
      MakeGetter([took](absl::string_view key) -> absl::StatusOr<std::string> {
        absl::SleepFor(*took);
        return std::string(key);
      });
  absl::StatusOr<std::unique_ptr<CacheGroup>> group =
      CacheGroup::Create(std::move(options));
  EXPECT_TRUE(group.ok()) << group.status();
  return *std::move(group);
}

TEST(ServedGroupTest, LoadsAreHandedOffUntilTheyHaveShownToBeQuick) {
  absl::Duration took = absl::ZeroDuration();
  std::unique_ptr<CacheGroup> group = GroupWhoseLoadsTake(&took);
  ServedGroup served(group.get(), kQuick);
  EXPECT_FALSE(served.LoadsAreQuick());
  int loads = 0;
  while (!served.LoadsAreQuick() && loads < 1000) {
    ASSERT_TRUE(served.Load("key" + std::to_string(loads++)).ok());
  }
  EXPECT_TRUE(served.LoadsAreQuick());
  // A handful of loads at all, not hundreds: the average forgets its start.
  EXPECT_LT(loads, 100);
}

TEST(ServedGroupTest, AFewSlowLoadsHandThemOffAgain) {
  absl::Duration took = absl::ZeroDuration();
  std::unique_ptr<CacheGroup> group = GroupWhoseLoadsTake(&took);
  ServedGroup served(group.get(), kQuick);
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(served.Load("quick" + std::to_string(i)).ok());
  }
  ASSERT_TRUE(served.LoadsAreQuick());
  took = kSlow;
  int slow = 0;
  while (served.LoadsAreQuick() && slow < 10) {
    ASSERT_TRUE(served.Load("slow" + std::to_string(slow++)).ok());
  }
  EXPECT_FALSE(served.LoadsAreQuick());
  EXPECT_EQ(slow, 1);
}

TEST(ServedGroupTest, LoadAnswersAsGetForPeerDoes) {
  absl::Duration took = absl::ZeroDuration();
  std::unique_ptr<CacheGroup> group = GroupWhoseLoadsTake(&took);
  ServedGroup served(group.get(), kQuick);
  absl::StatusOr<ByteView> value = served.Load("k");
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(value->ToString(), "k");
  EXPECT_EQ(group->GetStats().local_loads, 1u);
  EXPECT_EQ(group->GetStats().served_for_peers, 1u);
}

}  // namespace
}  // namespace gogocache
