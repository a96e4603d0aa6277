// Copyright 2026 The gogocache Authors.
//
// What the cluster demo's nodes and its parent share: the workload every
// node draws keys from, the times of peer fetches, a node's figures as the
// one line it sends the parent, and the cluster-wide report the parent
// prints from them.

#ifndef GOGOCACHE_TOOLS_CLUSTER_REPORT_H_
#define GOGOCACHE_TOOLS_CLUSTER_REPORT_H_

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "tools/latency_histogram.h"
#include "workload/workload.h"

namespace gogocache {

// The workload of every node: the same keys, the same popularity and the
// same access sequence (Workload), long enough that the nodes' threads,
// each starting at its own place in it (ClusterThreadStart), rarely reach
// the places others started from.
WorkloadOptions ClusterWorkloadOptions(size_t keys, size_t key_size,
                                       double zipf_exponent);

// Where thread `thread` of node `node` starts in a sequence of `accesses`:
// the cluster's threads spread evenly over it.
size_t ClusterThreadStart(int node, int thread, int threads_per_node, int nodes,
                          size_t accesses);

// Durations recorded from any thread without a lock. They are kept as
// counts of values cut to their 5 leading bits, a grid as fine as
// LatencyHistogram's buckets (16 per power of two): a histogram rebuilt from
// Samples() is the one the durations themselves would have made, and the
// counts cross a pipe as at most a few hundred numbers.
class FetchTimes {
 public:
  void Record(uint64_t nanos);

  // (value, count) pairs, ascending; the largest duration recorded is among
  // them exactly, with a count of its own.
  std::vector<std::pair<uint64_t, uint64_t>> Samples() const;

 private:
  static constexpr size_t kSlots = 32 + 59 * 16;
  std::array<std::atomic<uint64_t>, kSlots> counts_{};
  std::atomic<uint64_t> max_{0};
};

// A histogram of `samples` (value, count).
LatencyHistogram HistogramOf(
    const std::vector<std::pair<uint64_t, uint64_t>>& samples);

// One node's figures at the end of its run.
struct NodeReport {
  double seconds = 0;  // How long its workload ran.
  uint64_t gets = 0;
  uint64_t hits = 0;  // Hot-cache hits included.
  uint64_t hot_hits = 0;
  uint64_t loads = 0;  // Getter calls: local loads and their errors.
  uint64_t peer_loads = 0;
  uint64_t peer_errors = 0;
  uint64_t served_for_peers = 0;
  uint64_t evictions = 0;
  uint64_t items = 0;
  uint64_t hot_items = 0;
  uint64_t bytes = 0;
  uint64_t get_errors = 0;    // Gets that returned an error.
  uint64_t wrong_values = 0;  // Gets that returned another value.
  // Each thread's (start, accesses made) in the workload's sequence.
  std::vector<std::pair<uint64_t, uint64_t>> accessed;
  // PeerClient::Get durations, as FetchTimes::Samples().
  std::vector<std::pair<uint64_t, uint64_t>> peer_fetch_nanos;
};

// One line of name=value fields separated by spaces, and back. Decode's
// error is InvalidArgument naming what it could not read.
std::string EncodeNodeReport(const NodeReport& report);
absl::StatusOr<NodeReport> DecodeNodeReport(absl::string_view line);

// How the cluster ran, for the report's heading and its kv block.
struct ClusterSetup {
  int nodes = 0;
  int threads_per_node = 0;
  absl::Duration duration;
  size_t capacity_bytes = 0;
  size_t keys = 0;
  size_t key_size = 0;
  double zipf_exponent = 0;
  size_t value_size = 0;
  absl::Duration source_latency;
  bool tls = false;
  bool kv = false;  // Also print the name=value block.
};

// Prints the report on `out`: a line per node and the cluster's totals,
// then, with setup.kv, the name=value block (names as Go groupcache's
// cluster benchmark prints them). No line of the human part holds '='.
// `workload` is the nodes' (ClusterWorkloadOptions), to count the distinct
// keys they requested.
void PrintClusterReport(const ClusterSetup& setup,
                        const std::vector<std::string>& addresses,
                        const std::vector<NodeReport>& reports,
                        const Workload& workload, std::ostream& out);

}  // namespace gogocache

#endif  // GOGOCACHE_TOOLS_CLUSTER_REPORT_H_
