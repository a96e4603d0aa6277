// Copyright 2026 The gogocache Authors.
//
// SpinLock: a mutual-exclusion lock for critical sections of a few hundred
// nanoseconds, such as an LRU shard's table probe and list update.
//
// Why not std::mutex or absl::Mutex: under contention glibc's mutex puts the
// waiter to sleep in the kernel, which costs microseconds to protect
// nanoseconds. absl::Mutex spins first, but Debian's Abseil is
// built without ThreadSanitizer instrumentation, so TSan cannot see it
// (docs/design.md, section "Sanitizers"); this lock is built on std::atomic,
// which TSan understands.
//
// A waiter spins briefly with a pause instruction, then yields its time
// slice, so a lock holder that is descheduled (more threads than cores) is not
// starved by spinners.
//
// Thread safety: a lock. Meets the Lockable requirements, for
// std::lock_guard and std::unique_lock.

#ifndef GOGOCACHE_CACHE_SPIN_LOCK_H_
#define GOGOCACHE_CACHE_SPIN_LOCK_H_

#include <atomic>
#include <thread>

#include "absl/base/thread_annotations.h"

namespace gogocache {

class ABSL_LOCKABLE SpinLock {
 public:
  SpinLock() = default;
  SpinLock(const SpinLock&) = delete;
  SpinLock& operator=(const SpinLock&) = delete;

  void lock() ABSL_EXCLUSIVE_LOCK_FUNCTION() {
    while (locked_.exchange(true, std::memory_order_acquire)) {
      // Wait on a plain load so waiters share the line instead of bouncing it.
      int spins = 0;
      while (locked_.load(std::memory_order_relaxed)) {
        if (++spins < kSpinsBeforeYield) {
          Pause();
        } else {
          std::this_thread::yield();
          spins = 0;
        }
      }
    }
  }

  bool try_lock() ABSL_EXCLUSIVE_TRYLOCK_FUNCTION(true) {
    return !locked_.load(std::memory_order_relaxed) &&
           !locked_.exchange(true, std::memory_order_acquire);
  }

  void unlock() ABSL_UNLOCK_FUNCTION() {
    locked_.store(false, std::memory_order_release);
  }

 private:
  static constexpr int kSpinsBeforeYield = 128;

  static void Pause() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    asm volatile("yield");
#endif
  }

  std::atomic<bool> locked_{false};
};

}  // namespace gogocache

#endif  // GOGOCACHE_CACHE_SPIN_LOCK_H_
