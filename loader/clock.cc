// Copyright 2026 The gogocache Authors.

#include "loader/clock.h"

#include <chrono>

#include "absl/time/clock.h"

namespace gogocache {
namespace {

class RealClock final : public Clock {
 public:
  absl::Time Now() override { return absl::Now(); }

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
};

}  // namespace

std::shared_ptr<Clock> NewSystemClock() {
  return std::make_shared<RealClock>();
}

}  // namespace gogocache
