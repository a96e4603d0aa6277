// Copyright 2026 The gogocache Authors.

#include "cache/spin_lock.h"

#include <mutex>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace gogocache {
namespace {

TEST(SpinLockTest, TryLockFailsWhileHeld) {
  SpinLock lock;
  ASSERT_TRUE(lock.try_lock());
  EXPECT_FALSE(lock.try_lock());
  lock.unlock();
  EXPECT_TRUE(lock.try_lock());
  lock.unlock();
}

// More threads than cores increment a plain counter under the lock: a lost
// update shows as a wrong total, a missing happens-before edge as a TSan race.
TEST(SpinLockTest, ExcludesAcrossThreads) {
  SpinLock lock;
  long counter = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50000; ++i) {
        std::lock_guard<SpinLock> guard(lock);
        ++counter;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(counter, 6 * 50000);
}

}  // namespace
}  // namespace gogocache
