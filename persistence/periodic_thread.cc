// Copyright 2026 The gogocache Authors.

#include "persistence/periodic_thread.h"

#include <utility>

namespace gogocache {
namespace persistence_internal {

PeriodicThread::PeriodicThread(absl::Duration interval,
                               std::function<void()> tick)
    : interval_(interval),
      tick_(std::move(tick)),
      thread_([this] { Loop(); }) {}

PeriodicThread::~PeriodicThread() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  stop_.notify_all();
  thread_.join();
}

void PeriodicThread::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_.wait_for(lock, absl::ToChronoNanoseconds(interval_),
                         [this] { return stopping_; })) {
    lock.unlock();
    tick_();
    lock.lock();
  }
}

}  // namespace persistence_internal
}  // namespace gogocache
