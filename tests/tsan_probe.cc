// Copyright 2026 The gogocache Authors.
//
// Checks that ThreadSanitizer's verdicts can be trusted in this build, where
// Abseil, RocksDB and GoogleTest are Debian's uninstrumented libraries. Two
// threads each add to a shared counter 100,000 times, guarded by the lock
// named on the command line:
//   none        no lock: a real race that TSan must report;
//   std_mutex   std::mutex (pthreads, which TSan intercepts): must be clean;
//   absl_mutex  absl::Mutex from libabsl_synchronization.so: its lock is
//               implemented with atomics and futexes in code TSan never saw,
//               so TSan cannot see the happens-before edge and reports a race
//               that is not there.
// tsan_trust_test.sh (run by .ci/run under --config=tsan) asserts the first
// two; the third documents why gogocache's own code uses std::mutex /
// std::shared_mutex rather than absl::Mutex (docs/design.md, section
// "Sanitizers").

#include <cstdio>
#include <cstring>
#include <mutex>
#include <thread>

#include "absl/synchronization/mutex.h"

namespace {

constexpr int kIterations = 100000;

template <typename Lock>
long CountWith(Lock& lock) {
  long counter = 0;
  auto work = [&] {
    for (int i = 0; i < kIterations; ++i) {
      std::lock_guard<Lock> guard(lock);
      ++counter;
    }
  };
  std::thread a(work), b(work);
  a.join();
  b.join();
  return counter;
}

struct NoLock {
  void lock() {}
  void unlock() {}
};

// absl::Mutex of this Abseil release spells its methods Lock() and Unlock().
struct AbslLock {
  void lock() { mutex.Lock(); }
  void unlock() { mutex.Unlock(); }
  absl::Mutex mutex;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s none|std_mutex|absl_mutex\n", argv[0]);
    return 2;
  }
  long total = 0;
  if (std::strcmp(argv[1], "none") == 0) {
    NoLock lock;
    total = CountWith(lock);
  } else if (std::strcmp(argv[1], "std_mutex") == 0) {
    std::mutex lock;
    total = CountWith(lock);
  } else if (std::strcmp(argv[1], "absl_mutex") == 0) {
    AbslLock lock;
    total = CountWith(lock);
  } else {
    std::fprintf(stderr, "unknown lock \"%s\"\n", argv[1]);
    return 2;
  }
  std::printf("counter = %ld\n", total);
  return 0;
}
