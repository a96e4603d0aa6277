// Copyright 2026 The gogocache Authors.

#include "loader/clock.h"

#include <cstdlib>
#include <memory>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "loader/manual_clock.h"

namespace gogocache {
namespace {

// The system clock's IsBefore() may skip reading the time, but must never
// call a deadline that has passed still ahead.
TEST(SystemClockTest, IsBeforeIsNeverWronglyTrue) {
  std::shared_ptr<Clock> clock = NewSystemClock();
  for (int i = 0; i < 2000; ++i) {
    const int64_t deadline = clock->NowUnixNanos() + 20000;  // 20 us on.
    EXPECT_TRUE(clock->IsBefore(deadline + int64_t{3600} * 1000000000));
    while (clock->NowUnixNanos() < deadline) {
    }
    ASSERT_FALSE(clock->IsBefore(deadline)) << "iteration " << i;
    ASSERT_FALSE(clock->IsBefore(deadline - 1000000)) << "iteration " << i;
  }
}

TEST(SystemClockTest, NowIsTheSystemsTime) {
  std::shared_ptr<Clock> clock = NewSystemClock();
  const absl::Duration off = clock->Now() - absl::Now();
  EXPECT_LT(absl::AbsDuration(off), absl::Seconds(1));
  EXPECT_LT(std::abs(clock->NowUnixNanos() - absl::ToUnixNanos(clock->Now())),
            int64_t{1000000000});
}

TEST(ManualClockTest, MovesOnlyWhenTold) {
  ManualClock clock;
  const absl::Time start = clock.Now();
  EXPECT_EQ(clock.Now(), start);
  EXPECT_TRUE(clock.IsBefore(absl::ToUnixNanos(start) + 1));
  clock.Advance(absl::Nanoseconds(1));
  EXPECT_FALSE(clock.IsBefore(absl::ToUnixNanos(start) + 1));
  clock.SetTime(start + absl::Hours(1));
  EXPECT_EQ(clock.Now(), start + absl::Hours(1));
}

}  // namespace
}  // namespace gogocache
