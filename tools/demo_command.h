// Copyright 2026 The gogocache Authors.
//
// `gogocache demo`: a CacheGroup in front of a deliberately slow source,
// driven by several threads with a Zipf workload for a few seconds. Shows a
// live progress line while it runs and, at the end, the group's statistics,
// the hit ratio, the loads saved by deduplication and Get latency percentiles.
// With a store (--store=file:demo.log), the cache is written through to it
// and the next run starts warm from it: the hit ratio of its first 250 ms
// shows the difference.

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
  double zipf_exponent = 0.99;
  size_t value_size = 512;
  // Time the slow source takes per load.
  absl::Duration source_latency = absl::Milliseconds(2);
  // Store spec (persistence/open.h); empty for none.
  std::string store;
};

// Figures of a finished run, for callers that check them.
struct DemoResult {
  uint64_t replayed = 0;  // Entries loaded from the store at start.
  double early_hit_ratio = 0;
  double hit_ratio = 0;
};

// Runs the demo, writing the report to `out` and progress lines to
// `progress` (rewritten in place with '\r' when `progress_is_terminal`).
// InvalidArgument for options out of range.
absl::Status RunDemo(const DemoOptions& options, std::ostream& out,
                     std::ostream& progress, bool progress_is_terminal,
                     DemoResult* result = nullptr);

}  // namespace gogocache

#endif  // GOGOCACHE_TOOLS_DEMO_COMMAND_H_
