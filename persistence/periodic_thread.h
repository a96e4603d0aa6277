// Copyright 2026 The gogocache Authors.
//
// PeriodicThread: a thread of its own that calls a function at a fixed
// interval until the object is destroyed.

#ifndef GOGOCACHE_PERSISTENCE_PERIODIC_THREAD_H_
#define GOGOCACHE_PERSISTENCE_PERIODIC_THREAD_H_

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/time/time.h"

namespace gogocache {
namespace persistence_internal {

class PeriodicThread {
 public:
  // Starts the thread, which calls `tick` once every `interval` (the first
  // time one interval from now), each call after the previous one returned.
  PeriodicThread(absl::Duration interval, std::function<void()> tick);

  // Waits for a call of `tick` under way to return, then ends the thread:
  // `tick` is not called again. Must not be called from `tick`.
  ~PeriodicThread();

  PeriodicThread(const PeriodicThread&) = delete;
  PeriodicThread& operator=(const PeriodicThread&) = delete;

 private:
  void Loop();

  const absl::Duration interval_;
  const std::function<void()> tick_;
  std::mutex mu_;
  std::condition_variable stop_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;  // Last: started once the rest is set.
};

}  // namespace persistence_internal
}  // namespace gogocache

#endif  // GOGOCACHE_PERSISTENCE_PERIODIC_THREAD_H_
