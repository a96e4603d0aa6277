// Copyright 2026 The gogocache Authors.
//
// BackgroundWork: a thread of its own that runs jobs on request. Callers
// request jobs by bit (Request()); the thread sleeps until some are requested
// and then calls `run` with all of them at once, however often each was
// requested meanwhile. With a finite `period` it also calls `run` once the
// period has passed without a request (with no job bits set), so that
// periodic work can ride along. Internal to //persistence.
//
// Thread safety: Request() may be called from any thread, `run` included,
// and while holding any lock of the caller's: the mutex here is held only
// around the request bits, never while `run` runs. A request for jobs that
// are all requested already returns without taking it, so a job must read
// what it works on under a lock of its own (one the requesters hold), not
// count on this class to publish it. Stop() must not be called from `run`,
// nor from two threads at once.

#ifndef GOGOCACHE_PERSISTENCE_BACKGROUND_WORK_H_
#define GOGOCACHE_PERSISTENCE_BACKGROUND_WORK_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/time/time.h"

namespace gogocache {
namespace persistence_internal {

class BackgroundWork {
 public:
  // Starts the thread, which calls `run(jobs)` as above, each call after the
  // previous one returned. `period`: absl::InfiniteDuration() for none.
  BackgroundWork(absl::Duration period, std::function<void(uint32_t jobs)> run);

  // Stop().
  ~BackgroundWork();

  BackgroundWork(const BackgroundWork&) = delete;
  BackgroundWork& operator=(const BackgroundWork&) = delete;

  // Asks for the jobs in `jobs` to run soon. Once stopped, does nothing.
  void Request(uint32_t jobs);

  // Drops the jobs requested and not yet taken, waits for a call of `run`
  // under way to return, and ends the thread. Idempotent.
  void Stop();

 private:
  void Loop();

  const absl::Duration period_;
  const std::function<void(uint32_t)> run_;
  std::mutex mu_;
  std::condition_variable wake_;
  // Changed under mu_; read without it by Request()'s early return.
  std::atomic<uint32_t> requested_{0};
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;  // Last: started once the rest is set.
};

}  // namespace persistence_internal
}  // namespace gogocache

#endif  // GOGOCACHE_PERSISTENCE_BACKGROUND_WORK_H_
