// Copyright 2026 The gogocache Authors.
//
// BackgroundTasks: runs tasks off the caller's thread, each on a thread of
// its own, and waits for every one still running when destroyed. A
// CacheGroup runs its refreshes here, and the loads of callers that may stop
// waiting for them (a Context with a deadline or cancellation).
//
// A thread per task: tasks are loads, which wait on a slow source far longer
// than a thread takes to start, and they are few at a time.
//
// Thread safety: every method may be called from any number of threads. The
// destructor must not run on one of the tasks' threads.

#ifndef GOGOCACHE_CACHE_BACKGROUND_TASKS_H_
#define GOGOCACHE_CACHE_BACKGROUND_TASKS_H_

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>

namespace gogocache {

class BackgroundTasks {
 public:
  // At most `limit` tasks started by TryRun() run at once.
  explicit BackgroundTasks(size_t limit) : limit_(limit) {}

  // Waits for the tasks still running.
  ~BackgroundTasks();

  BackgroundTasks(const BackgroundTasks&) = delete;
  BackgroundTasks& operator=(const BackgroundTasks&) = delete;

  // Starts `task` on a thread of its own.
  void Run(std::function<void()> task);

  // Run(), unless `limit` tasks already run: then false, and nothing starts.
  bool TryRun(std::function<void()> task);

 private:
  void Start(std::function<void()> task);

  const size_t limit_;
  std::mutex mu_;
  std::condition_variable idle_;
  size_t running_ = 0;  // Guarded by mu_.
};

}  // namespace gogocache

#endif  // GOGOCACHE_CACHE_BACKGROUND_TASKS_H_
