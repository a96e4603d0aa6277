// Copyright 2026 The gogocache Authors.
//
// ManualClock: a Clock that moves only when told to, for tests of expiry and
// deadlines that must not sleep. Waits end when Advance() or SetTime() moves
// the time past their deadline (or when what they wait for is ready).
//
// Thread safety: every method may be called from any number of threads.

#ifndef GOGOCACHE_LOADER_MANUAL_CLOCK_H_
#define GOGOCACHE_LOADER_MANUAL_CLOCK_H_

#include <atomic>
#include <condition_variable>
#include <mutex>

#include "absl/time/time.h"
#include "loader/clock.h"

namespace gogocache {

class ManualClock final : public Clock {
 public:
  // Starts at `start` (by default a fixed, arbitrary instant).
  explicit ManualClock(absl::Time start = absl::FromUnixSeconds(1800000000))
      : now_(absl::ToUnixNanos(start)) {}

  absl::Time Now() override {
    return absl::FromUnixNanos(now_.load(std::memory_order_acquire));
  }

  // Moves the time forward by `delta` (which must not be negative).
  void Advance(absl::Duration delta) {
    now_.fetch_add(absl::ToInt64Nanoseconds(delta), std::memory_order_acq_rel);
  }

  // Moves the time to `time`.
  void SetTime(absl::Time time) {
    now_.store(absl::ToUnixNanos(time), std::memory_order_release);
  }

  // Re-checks the deadline every millisecond of real time: a moved clock
  // ends the wait within about that.
  bool WaitUntil(std::condition_variable& cv,
                 std::unique_lock<std::mutex>& lock, absl::Time deadline,
                 absl::FunctionRef<bool()> ready) override {
    while (!ready()) {
      if (Now() >= deadline) return false;
      cv.wait_for(lock, std::chrono::milliseconds(1));
    }
    return true;
  }

 private:
  std::atomic<int64_t> now_;
};

}  // namespace gogocache

#endif  // GOGOCACHE_LOADER_MANUAL_CLOCK_H_
