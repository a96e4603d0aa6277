// Copyright 2026 The gogocache Authors.
//
// `gogocache demo`: a CacheGroup in front of a deliberately slow source,
// driven by several threads with a Zipf workload for a few seconds. Shows a
// live progress line while it runs and, at the end, the group's statistics,
// the hit ratio, the loads saved by deduplication and Get latency percentiles.
// With a store (--store=file:demo.log), the cache is written through to it
// and the next run starts warm from it: the hit ratio of its first 250 ms
// shows the difference. A run in which any write through to the store failed
// is an error: the store then lacks what the cache held.

#ifndef GOGOCACHE_TOOLS_DEMO_COMMAND_H_
#define GOGOCACHE_TOOLS_DEMO_COMMAND_H_

#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace gogocache {

struct DemoOptions {
  int threads = 4;
  absl::Duration duration = absl::Seconds(5);
  size_t capacity_bytes = size_t{2} << 20;
  uint32_t shards = 16;
  std::string hash = "xxh3";
  std::string eviction =
      "lirs";  // Or "tinylfu", "lru" (cache/eviction_policy.h).
  size_t keys = 10000;
  // Bytes per key ('k', the key's number, '_' padding).
  size_t key_size = 16;
  double zipf_exponent = 0.99;
  size_t value_size = 512;
  // Time the slow source takes per load.
  absl::Duration source_latency = absl::Milliseconds(2);
  // Store spec (persistence/open.h); empty for none.
  std::string store;
};

// Figures of a finished run, for callers that check them.
struct DemoResult {
  uint64_t replayed = 0;             // Entries loaded from the store at start.
  uint64_t failed_store_writes = 0;  // Puts and deletes the store refused.
  double early_hit_ratio = 0;
  double hit_ratio = 0;
};

// Runs the demo, writing the report to `out` and progress lines to
// `progress` (rewritten in place with '\r' when `progress_is_terminal`).
// InvalidArgument for options out of range; the store's error when it cannot
// be opened or closed; Internal when Get returned an error or a wrong value;
// CheckStoreWrites()'s error when writes through to the store failed. The
// report is written in full in every case but the first two.
absl::Status RunDemo(const DemoOptions& options, std::ostream& out,
                     std::ostream& progress, bool progress_is_terminal,
                     DemoResult* result = nullptr);

// OK when `key_size` bytes hold each of `keys` keys ('k' and its number);
// InvalidArgument otherwise, or over 1024 bytes.
absl::Status CheckKeySize(size_t keys, size_t key_size);

// The checks the single-process and the cluster demo share: OK, or
// InvalidArgument naming the flag out of range (--threads, --keys,
// --key_size, --zipf, --source_latency).
absl::Status CheckDemoWorkload(int threads, size_t keys, size_t key_size,
                               double zipf_exponent,
                               absl::Duration source_latency);

// The verdict on a run's writes through to its store: OK when
// `failed_writes` (puts and deletes that failed) is 0; otherwise an error
// with the code of `first_error`, the first failure, saying how many failed
// and what the first failure was.
absl::Status CheckStoreWrites(uint64_t failed_writes,
                              const absl::Status& first_error);

}  // namespace gogocache

#endif  // GOGOCACHE_TOOLS_DEMO_COMMAND_H_
