// Copyright 2026 The gogocache Authors.
//
// `gogocache demo --nodes=N`: the demo over N processes on this machine,
// one cache spread over them (peer/). The demo starts N nodes (this binary
// again, as `cluster_node`: tools/cluster_node.h), each on 127.0.0.1 at a
// port the system chooses, which it writes to a port file in a temporary
// directory; it writes the peers file the nodes watch, adding each node as
// its port appears; once every node's list names them all, every node runs
// the Zipf workload at the same time against its own CacheGroup, and reports
// its figures. The demo prints them for the cluster as a whole: hit ratio,
// getter loads against the distinct keys requested (each key loaded once in
// the whole cluster is the ideal), peer fetches and their latency, hot-cache
// hits (tools/cluster_report.h).
//
// Every wait has a deadline, and whatever happens (a node that exits early
// or never answers, SIGINT or SIGTERM), no node is left running: each is
// killed and reaped before RunClusterDemo returns.

#ifndef GOGOCACHE_TOOLS_CLUSTER_DEMO_H_
#define GOGOCACHE_TOOLS_CLUSTER_DEMO_H_

#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace gogocache {

struct ClusterDemoOptions {
  int nodes = 3;    // 2 to 64.
  int threads = 4;  // Per node.
  absl::Duration duration = absl::Seconds(5);
  size_t capacity_bytes = size_t{2} << 20;  // Per node.
  uint32_t shards = 16;
  std::string hash = "xxh3";
  std::string eviction = "adaptive";
  size_t keys = 10000;
  size_t key_size = 16;
  double zipf_exponent = 0.99;
  size_t value_size = 512;
  absl::Duration source_latency = absl::Milliseconds(2);
  absl::Duration peer_timeout = absl::Seconds(1);
  // Directory with ca.pem, node.pem and node.key: mutual TLS between the
  // nodes. Empty for plaintext.
  std::string tls_dir;
  // Also print the name=value block (PrintClusterReport).
  bool report_kv = false;
  // The gogocache binary the nodes run.
  std::string binary = "/proc/self/exe";
  // Deadline of each step but the workload: starting, becoming ready,
  // reporting, exiting.
  absl::Duration step_timeout = absl::Seconds(60);
};

// Runs the cluster, printing the report on `out` and what it is doing on
// `log` (the nodes' own messages reach `log`'s file descriptor, stderr,
// directly). Blocks SIGINT and SIGTERM while it runs, to stop the nodes
// before it returns: call it before the process has other threads.
// InvalidArgument for bad options; Cancelled when interrupted; Internal
// when a node failed or Get returned an error or a wrong value; otherwise
// the first node's error seen.
absl::Status RunClusterDemo(const ClusterDemoOptions& options,
                            std::ostream& out, std::ostream& log);

}  // namespace gogocache

#endif  // GOGOCACHE_TOOLS_CLUSTER_DEMO_H_
