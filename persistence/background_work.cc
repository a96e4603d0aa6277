// Copyright 2026 The gogocache Authors.

#include "persistence/background_work.h"

#include <utility>

namespace gogocache {
namespace persistence_internal {

BackgroundWork::BackgroundWork(absl::Duration period,
                               std::function<void(uint32_t jobs)> run)
    : period_(period), run_(std::move(run)), thread_([this] { Loop(); }) {}

BackgroundWork::~BackgroundWork() { Stop(); }

void BackgroundWork::Request(uint32_t jobs) {
  if ((requested_.load(std::memory_order_relaxed) & jobs) == jobs) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return;
    if ((requested_.fetch_or(jobs, std::memory_order_relaxed) & jobs) == jobs) {
      return;  // Another request was first.
    }
  }
  wake_.notify_one();
}

void BackgroundWork::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    requested_.store(0, std::memory_order_relaxed);
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void BackgroundWork::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  const auto woken = [this] {
    return stopping_ || requested_.load(std::memory_order_relaxed) != 0;
  };
  for (;;) {
    if (period_ == absl::InfiniteDuration()) {
      wake_.wait(lock, woken);
    } else {
      wake_.wait_for(lock, absl::ToChronoNanoseconds(period_), woken);
    }
    if (stopping_) return;
    const uint32_t jobs = requested_.exchange(0, std::memory_order_relaxed);
    lock.unlock();
    run_(jobs);
    lock.lock();
  }
}

}  // namespace persistence_internal
}  // namespace gogocache
