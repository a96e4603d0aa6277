// Copyright 2026 The gogocache Authors.
//
// WorkerPool: a fixed set of threads running tasks in the order given. The
// peer server's polling threads answer what memory holds at once and hand
// the rest (getter calls, store writes, which may block) to a pool, so that
// a slow load never holds up requests for keys already held.
//
// Tasks are std::function, not absl::AnyInvocable: gRPC's own thread pool
// runs AnyInvocables, and an instrumented copy of AnyInvocable's inline
// manager in this library would stand in for gRPC's under ThreadSanitizer,
// which then reports gRPC's queue as a race.
//
// Thread safety: Post may be called from any thread. Destruction runs the
// tasks already posted, then joins the threads.

#ifndef GOGOCACHE_PEER_WORKER_POOL_H_
#define GOGOCACHE_PEER_WORKER_POOL_H_

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"

namespace gogocache {

class WorkerPool {
 public:
  explicit WorkerPool(int threads);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void Post(std::function<void()> task);

 private:
  void Run();

  std::mutex mu_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> tasks_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace gogocache

#endif  // GOGOCACHE_PEER_WORKER_POOL_H_
