// Copyright 2026 The gogocache Authors.
//
// One node of `gogocache demo --nodes=N`: a child process the demo starts
// (as `gogocache cluster_node`), which runs a PeerNode, the Zipf workload
// against its group, and reports its figures. It talks with the parent over
// its stdin and stdout, a line per message:
//
//   node -> parent   ready           its peer list, read from the peers file
//                                    the parent writes, names every node
//   parent -> node   go              every node is ready: run the workload
//   node -> parent   finished        the workload is over
//   parent -> node   stop            every node has finished: nobody asks
//                                    this node for keys any more
//   node -> parent   report FIELDS   its figures (EncodeNodeReport)
//
// Before `ready` it writes its address to its port file, from which the
// parent builds the peers file. A node serves its peers until `stop`, so
// that no node's workload sees a peer go away. It ends, with an error, when
// its input closes early (the parent is gone).

#ifndef GOGOCACHE_TOOLS_CLUSTER_NODE_H_
#define GOGOCACHE_TOOLS_CLUSTER_NODE_H_

#include <cstddef>
#include <istream>
#include <memory>
#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "cache/peers.h"
#include "tools/cluster_report.h"
#include "tools/peer_node.h"

namespace gogocache {

struct ClusterNodeOptions {
  PeerNodeOptions node;
  int nodes = 2;  // In the cluster.
  int index = 0;  // This node's, from 0.
  std::string port_file;
  std::string peers_file;
  absl::Duration peers_interval = absl::Milliseconds(100);
  // How long to wait for the peers file to name every node.
  absl::Duration setup_timeout = absl::Seconds(60);
  // The workload (ClusterWorkloadOptions).
  int threads = 4;
  absl::Duration duration = absl::Seconds(5);
  size_t keys = 10000;
  size_t key_size = 16;
  double zipf_exponent = 0.99;
};

// Runs the node as above. InvalidArgument for bad options; DeadlineExceeded
// when the peer list is not complete within setup_timeout; Aborted when the
// parent says something else than expected or goes away; the node's errors.
absl::Status RunClusterNode(const ClusterNodeOptions& options, std::istream& in,
                            std::ostream& out, std::ostream& log);

// A PeerClient that passes every call on to `client`, recording how long
// each Get takes in `times`.
std::shared_ptr<PeerClient> TimePeerGets(std::shared_ptr<PeerClient> client,
                                         std::shared_ptr<FetchTimes> times);

}  // namespace gogocache

#endif  // GOGOCACHE_TOOLS_CLUSTER_NODE_H_
