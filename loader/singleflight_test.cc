// Copyright 2026 The gogocache Authors.

#include "loader/singleflight.h"

#include <atomic>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/wait_for.h"

namespace gogocache {
namespace {

using ::gogocache::testing::WaitFor;
using ::testing::HasSubstr;

TEST(SingleFlightTest, RunsTheFunctionAndReturnsItsResult) {
  SingleFlight<std::string> flight;
  bool shared = true;
  absl::StatusOr<std::string> result = flight.Do(
      "k", [] { return std::string("v"); }, &shared);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(*result, "v");
  EXPECT_FALSE(shared);
  EXPECT_EQ(flight.shared_calls(), 0u);
}

// Every caller arrives while the first one's call is still running; the call
// returns only once all the others are waiting on it.
template <typename T>
std::vector<absl::StatusOr<T>> Stampede(SingleFlight<T>& flight, int callers,
                                        absl::StatusOr<T> answer,
                                        std::atomic<int>* runs) {
  std::vector<absl::StatusOr<T>> results(callers, absl::UnknownError("unset"));
  std::vector<std::thread> threads;
  // Read before any caller starts: others may join before the first call's
  // function gets to run.
  const uint64_t before = flight.shared_calls();
  for (int i = 0; i < callers; ++i) {
    threads.emplace_back([&, i] {
      results[i] = flight.Do("hot", [&]() -> absl::StatusOr<T> {
        runs->fetch_add(1);
        EXPECT_TRUE(WaitFor([&] {
          return flight.shared_calls() - before == uint64_t(callers - 1);
        })) << "the other callers never joined";
        return answer;
      });
    });
  }
  for (auto& thread : threads) thread.join();
  return results;
}

TEST(SingleFlightTest, ConcurrentCallersShareOneRun) {
  SingleFlight<std::string> flight;
  std::atomic<int> runs{0};
  const auto results =
      Stampede<std::string>(flight, 8, std::string("once"), &runs);
  EXPECT_EQ(runs.load(), 1);
  for (const auto& result : results) {
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_EQ(*result, "once");
  }
  EXPECT_EQ(flight.shared_calls(), 7u);
}

TEST(SingleFlightTest, AnErrorReachesEveryCallerAndIsNotKept) {
  SingleFlight<std::string> flight;
  std::atomic<int> runs{0};
  const auto results = Stampede<std::string>(
      flight, 6, absl::UnavailableError("backend down"), &runs);
  EXPECT_EQ(runs.load(), 1);
  for (const auto& result : results) {
    EXPECT_EQ(result.status().code(), absl::StatusCode::kUnavailable);
    EXPECT_EQ(result.status().message(), "backend down");
  }
  // The next call runs again.
  absl::StatusOr<std::string> retry =
      flight.Do("hot", [] { return std::string("recovered"); });
  ASSERT_TRUE(retry.ok());
  EXPECT_EQ(*retry, "recovered");
}

TEST(SingleFlightTest, IndependentKeysDoNotWaitOnEachOther) {
  SingleFlight<int> flight;
  std::atomic<bool> b_done{false};
  std::thread slow_a([&] {
    flight.Do("a", [&]() -> absl::StatusOr<int> {
      // Key "a" is running; "b" must complete meanwhile.
      EXPECT_TRUE(WaitFor([&] { return b_done.load(); }));
      return 1;
    });
  });
  std::thread b([&] {
    EXPECT_EQ(*flight.Do("b", [] { return absl::StatusOr<int>(2); }), 2);
    b_done = true;
  });
  b.join();
  slow_a.join();
  EXPECT_TRUE(b_done.load());
}

TEST(SingleFlightTest, TheFunctionMayCallInForAnotherKey) {
  SingleFlight<int> flight;
  absl::StatusOr<int> outer = flight.Do("outer", [&]() -> absl::StatusOr<int> {
    absl::StatusOr<int> inner =
        flight.Do("inner", [] { return absl::StatusOr<int>(41); });
    if (!inner.ok()) return inner.status();
    return *inner + 1;
  });
  ASSERT_TRUE(outer.ok()) << outer.status();
  EXPECT_EQ(*outer, 42);
}

TEST(SingleFlightTest, ReenteringTheSameKeyFailsInsteadOfHanging) {
  SingleFlight<int> flight;
  absl::StatusOr<int> outer = flight.Do("loop", [&]() -> absl::StatusOr<int> {
    return flight.Do("loop", [] { return absl::StatusOr<int>(0); });
  });
  EXPECT_EQ(outer.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(outer.status().message(), HasSubstr("\"loop\""));
  // The key is usable again afterwards.
  EXPECT_EQ(*flight.Do("loop", [] { return absl::StatusOr<int>(7); }), 7);
}

TEST(SingleFlightTest, TryDoRunsWhenNothingRunsAndDoesNotWaitOtherwise) {
  SingleFlight<std::string> flight;
  std::optional<absl::StatusOr<std::string>> alone =
      flight.TryDo("k", [] { return std::string("v"); });
  ASSERT_TRUE(alone.has_value());
  EXPECT_EQ(**alone, "v");
  std::atomic<bool> running{false};
  std::atomic<bool> release{false};
  std::thread runner([&] {
    flight
        .Do("k",
            [&] {
              running = true;
              while (!release) std::this_thread::yield();
              return std::string("first");
            })
        .IgnoreError();
  });
  ASSERT_TRUE(WaitFor([&] { return running.load(); }));
  bool ran = false;
  EXPECT_FALSE(flight
                   .TryDo("k",
                          [&] {
                            ran = true;
                            return std::string("second");
                          })
                   .has_value());
  EXPECT_FALSE(ran);
  // Another key is not held up.
  EXPECT_TRUE(
      flight.TryDo("other", [] { return std::string("o"); }).has_value());
  release = true;
  runner.join();
  EXPECT_EQ(flight.shared_calls(), 0u);
}

}  // namespace
}  // namespace gogocache
