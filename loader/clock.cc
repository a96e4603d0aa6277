// Copyright 2026 The gogocache Authors.

#include "loader/clock.h"

#include <time.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <string>

#if defined(__x86_64__)
#include <x86intrin.h>
#endif

namespace gogocache {
namespace {

int64_t ReadNanos(clockid_t clock) {
  timespec now;
  clock_gettime(clock, &now);
  return int64_t{now.tv_sec} * 1000000000 + now.tv_nsec;
}

// The system's real-time clock (CLOCK_REALTIME).
//
// IsBefore() answers most calls without reading it: a read touches a page of
// kernel data that a cache missing everywhere else finds out of the TLB,
// where the processor's time-stamp counter costs an instruction. From the
// last read, the counter gives an upper bound of the time (ticks at a rate
// measured at construction, plus a margin); a deadline beyond that bound is
// surely not reached. A deadline within it reads the clock, and so does any
// call a second after the last read, so that a step of the system's time is
// seen within a second. The counter is used where Linux itself keeps time by
// it (clocksource "tsc": invariant and synchronized across CPUs); elsewhere
// every call reads the clock.
class RealClock final : public Clock {
 public:
  RealClock() {
#if defined(__x86_64__)
    std::ifstream source(
        "/sys/devices/system/clocksource/clocksource0/current_clocksource");
    std::string name;
    if (source >> name && name == "tsc") {
      // Over a millisecond: the rate is known to a few parts per million.
      const int64_t start_ns = ReadNanos(CLOCK_MONOTONIC);
      const uint64_t start_ticks = __rdtsc();
      int64_t now_ns;
      do {
        now_ns = ReadNanos(CLOCK_MONOTONIC);
      } while (now_ns - start_ns < 1000000);
      const uint64_t ticks = __rdtsc() - start_ticks;
      if (ticks > 0) {
        const double ns_per_tick =
            static_cast<double>(now_ns - start_ns) / static_cast<double>(ticks);
        resync_ticks_ = static_cast<uint64_t>(1e9 / ns_per_tick);
        ns_per_tick_ = kMargin * ns_per_tick;
        ReadAndResync();
      }
    }
#endif
  }

  absl::Time Now() override { return absl::FromUnixNanos(NowUnixNanos()); }

  int64_t NowUnixNanos() override { return ReadNanos(CLOCK_REALTIME); }

  bool IsBefore(int64_t deadline_ns) override {
#if defined(__x86_64__)
    if (ns_per_tick_ > 0) {
      const uint64_t ticks = __rdtsc();
      if (ticks - synced_ticks_.load(std::memory_order_relaxed) <
              resync_ticks_ &&
          deadline_ns > origin_.load(std::memory_order_relaxed) +
                            static_cast<int64_t>(static_cast<double>(ticks) *
                                                 ns_per_tick_)) {
        return true;
      }
      return ReadAndResync() < deadline_ns;
    }
#endif
    return NowUnixNanos() < deadline_ns;
  }

  bool WaitUntil(std::condition_variable& cv,
                 std::unique_lock<std::mutex>& lock, absl::Time deadline,
                 absl::FunctionRef<bool()> ready) override {
    if (deadline == absl::InfiniteFuture()) {
      cv.wait(lock, [&] { return ready(); });
      return true;
    }
    return cv.wait_until(lock, absl::ToChronoTime(deadline),
                         [&] { return ready(); });
  }

 private:
  // The counter's rate is taken this much higher than measured, so that the
  // bound stays above the time.
  static constexpr double kMargin = 1.05;

#if defined(__x86_64__)
  // Reads the time, and moves the bound's origin to it. The counter is read
  // first, so the bound is above the time from then on. Any origin stored,
  // older or newer, gives a bound above the time, so a reader may see either.
  int64_t ReadAndResync() {
    const uint64_t ticks = __rdtsc();
    const int64_t now_ns = NowUnixNanos();
    origin_.store(now_ns - static_cast<int64_t>(static_cast<double>(ticks) *
                                                ns_per_tick_),
                  std::memory_order_relaxed);
    synced_ticks_.store(ticks, std::memory_order_relaxed);
    return now_ns;
  }
#endif

  double ns_per_tick_ = 0;     // 0: the counter is not used.
  uint64_t resync_ticks_ = 0;  // A second's ticks.
  std::atomic<int64_t> origin_{0};
  std::atomic<uint64_t> synced_ticks_{0};
};

}  // namespace

std::shared_ptr<Clock> NewSystemClock() {
  return std::make_shared<RealClock>();
}

}  // namespace gogocache
