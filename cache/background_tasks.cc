// Copyright 2026 The gogocache Authors.

#include "cache/background_tasks.h"

#include <thread>
#include <utility>

namespace gogocache {

BackgroundTasks::~BackgroundTasks() {
  std::unique_lock<std::mutex> lock(mu_);
  idle_.wait(lock, [this] { return running_ == 0; });
}

void BackgroundTasks::Run(std::function<void()> task) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++running_;
  }
  Start(std::move(task));
}

bool BackgroundTasks::TryRun(std::function<void()> task) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (running_ >= limit_) return false;
    ++running_;
  }
  Start(std::move(task));
  return true;
}

void BackgroundTasks::Start(std::function<void()> task) {
  std::thread([this, task = std::move(task)] {
    task();
    // Notified under the lock: the destructor, which waits on it, returns
    // and frees the condition variable only once this thread releases it.
    std::lock_guard<std::mutex> lock(mu_);
    if (--running_ == 0) idle_.notify_all();
  }).detach();
}

}  // namespace gogocache
