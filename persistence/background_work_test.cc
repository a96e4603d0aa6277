// Copyright 2026 The gogocache Authors.

#include "persistence/background_work.h"

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace gogocache {
namespace persistence_internal {
namespace {

// What the thread was called with, and a gate that holds it inside `run`.
struct Calls {
  std::mutex mu;
  std::condition_variable changed;
  std::vector<uint32_t> jobs;
  bool open = true;

  void Run(uint32_t requested) {
    std::unique_lock<std::mutex> lock(mu);
    jobs.push_back(requested);
    changed.notify_all();
    changed.wait(lock, [this] { return open; });
  }
  void WaitFor(size_t count) {
    std::unique_lock<std::mutex> lock(mu);
    changed.wait(lock, [&] { return jobs.size() >= count; });
  }
  void SetOpen(bool value) {
    std::lock_guard<std::mutex> lock(mu);
    open = value;
    changed.notify_all();
  }
};

TEST(BackgroundWorkTest, RequestsMadeDuringARunAreTakenTogether) {
  Calls calls;
  calls.SetOpen(false);
  BackgroundWork work(absl::InfiniteDuration(),
                      [&](uint32_t jobs) { calls.Run(jobs); });
  work.Request(1);
  calls.WaitFor(1);  // Held inside the first call.
  work.Request(2);
  work.Request(4);
  work.Request(2);
  calls.SetOpen(true);
  calls.WaitFor(2);
  work.Stop();
  EXPECT_EQ(calls.jobs, (std::vector<uint32_t>{1, 2 | 4}));
}

TEST(BackgroundWorkTest, StopWaitsForTheRunAndDropsWhatIsRequested) {
  Calls calls;
  calls.SetOpen(false);
  BackgroundWork work(absl::InfiniteDuration(),
                      [&](uint32_t jobs) { calls.Run(jobs); });
  work.Request(1);
  calls.WaitFor(1);
  work.Request(2);  // Not taken before Stop().
  std::thread opener([&] {
    absl::SleepFor(absl::Milliseconds(20));
    calls.SetOpen(true);
  });
  work.Stop();
  opener.join();
  work.Request(4);  // Once stopped, nothing.
  work.Stop();
  EXPECT_EQ(calls.jobs, std::vector<uint32_t>{1});
}

TEST(BackgroundWorkTest, APeriodCallsWithNoJobs) {
  Calls calls;
  BackgroundWork work(absl::Milliseconds(1),
                      [&](uint32_t jobs) { calls.Run(jobs); });
  calls.WaitFor(2);
  work.Stop();
  EXPECT_EQ(calls.jobs[0], 0u);
  EXPECT_EQ(calls.jobs[1], 0u);
}

}  // namespace
}  // namespace persistence_internal
}  // namespace gogocache
