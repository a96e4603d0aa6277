// Copyright 2026 The gogocache Authors.
//
// `gogocache simulate TRACE`: replays a key trace through gogocache's own
// shard code once per eviction policy. It prints the trace's number of
// accesses and of distinct keys, then, for each cache size (counted in
// entries), a row of hit ratios: the shard with the default adaptive policy,
// with LIRS, with Window TinyLFU and with the LRU policy (columns
// gogocache-adaptive, gogocache-lirs, gogocache-tinylfu and gogocache-lru),
// then exact LRU and Belady's OPT (both computed here).
//
// With `sweep`, the sizes are `sweep_points` (at least 2) even steps from
// 1/sweep_points of the distinct keys to all of them, and a PNG plot of hit
// ratio against size, one line per policy plus LRU and OPT, is written with
// gnuplot; its path is printed last ("plot: PATH").

#ifndef GOGOCACHE_TOOLS_SIMULATE_COMMAND_H_
#define GOGOCACHE_TOOLS_SIMULATE_COMMAND_H_

#include <array>
#include <cstddef>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "tools/trace.h"

namespace gogocache {

struct SimulateOptions {
  TraceFormat format = TraceFormat::kLirs;
  std::vector<size_t> sizes;  // Empty: 500 and 1000, or the sweep's.
  bool sweep = false;
  int sweep_points = 12;
  std::string plot;  // Sweep: where the PNG goes; empty for TRACE.png.
};

// The shard's policies the simulation runs, in the order of
// SimulateRow::shard: the default (kAdaptive), kLirs, kTinyLfu, kLru.
inline constexpr int kSimulatedPolicies = 4;

struct SimulateRow {
  size_t size = 0;
  std::array<double, kSimulatedPolicies> shard = {};  // Hit ratio per policy.
  double lru = 0;                                     // Exact LRU.
  double opt = 0;                                     // Belady's MIN.
};

// Runs the simulation; the rows are also returned through `rows` when set.
absl::Status RunSimulate(const std::string& trace_path,
                         const SimulateOptions& options, std::ostream& out,
                         std::vector<SimulateRow>* rows = nullptr);

}  // namespace gogocache

#endif  // GOGOCACHE_TOOLS_SIMULATE_COMMAND_H_
