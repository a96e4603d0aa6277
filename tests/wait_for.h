// Copyright 2026 The gogocache Authors.
//
// Test helper: waits, yielding, until a condition holds, so a concurrency test
// can line threads up (for example "all callers have joined the load")
// without sleeping for a guessed time, and fails instead of hanging when the
// condition never comes.

#ifndef GOGOCACHE_TESTS_WAIT_FOR_H_
#define GOGOCACHE_TESTS_WAIT_FOR_H_

#include <chrono>
#include <thread>

namespace gogocache {
namespace testing {

// Returns true once `condition()` holds, false if it has not after ten seconds.
template <typename Condition>
bool WaitFor(Condition condition) {
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::yield();
  }
  return true;
}

}  // namespace testing
}  // namespace gogocache

#endif  // GOGOCACHE_TESTS_WAIT_FOR_H_
