// Copyright 2026 The gogocache Authors.
//
// Clock: where a CacheGroup reads the time for expiry and deadlines, and how
// it waits for something until a deadline. The system clock by default
// (NewSystemClock()); tests drive a ManualClock (loader/manual_clock.h) instead
// of sleeping.
//
// Thread safety: implementations may be called from any number of threads.

#ifndef GOGOCACHE_LOADER_CLOCK_H_
#define GOGOCACHE_LOADER_CLOCK_H_

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>

#include "absl/functional/function_ref.h"
#include "absl/time/time.h"
#include "base/cxx17.h"

namespace gogocache {

class Clock {
 public:
  virtual ~Clock() = default;

  // The current time.
  virtual absl::Time Now() = 0;

  // Now(), in nanoseconds since the Unix epoch.
  virtual int64_t NowUnixNanos() { return absl::ToUnixNanos(Now()); }

  // Whether NowUnixNanos() is still before `deadline_ns`. Every hit of a
  // group with expiry asks, so implementations may answer it more cheaply
  // than reading the time, but never wrongly true.
  virtual bool IsBefore(int64_t deadline_ns) {
    return NowUnixNanos() < deadline_ns;
  }

  // Waits on `cv`, `lock` held on entry and on return, until `ready()` holds
  // or Now() reaches `deadline`, whichever comes first; returns ready().
  // Whoever makes ready() true notifies `cv` under the lock's mutex.
  virtual bool WaitUntil(std::condition_variable& cv,
                         std::unique_lock<std::mutex>& lock,
                         absl::Time deadline,
                         absl::FunctionRef<bool()> ready) = 0;
};

// A clock reading the system's real time (CLOCK_REALTIME). Its IsBefore()
// reads the time only when the deadline is near (see clock.cc).
std::shared_ptr<Clock> NewSystemClock();

}  // namespace gogocache

#endif  // GOGOCACHE_LOADER_CLOCK_H_
