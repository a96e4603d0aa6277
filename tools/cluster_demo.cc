// Copyright 2026 The gogocache Authors.

#include "tools/cluster_demo.h"

#include <memory>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "cache/eviction_policy.h"
#include "hash/hash_strategy.h"
#include "peer/peer_tls.h"
#include "tools/cluster_report.h"
#include "tools/demo_command.h"
#include "tools/node_processes.h"

namespace gogocache {
namespace {

absl::Status Validate(const ClusterDemoOptions& options) {
  if (options.nodes < 2 || options.nodes > 64) {
    return absl::InvalidArgumentError(absl::StrCat(
        "demo: --nodes must be in [2, 64] for a cluster, got ", options.nodes));
  }
  if (absl::Status status =
          CheckDemoWorkload(options.threads, options.keys, options.key_size,
                            options.zipf_exponent, options.source_latency);
      !status.ok()) {
    return status;
  }
  if (options.duration <= absl::ZeroDuration() ||
      options.duration > absl::Hours(24)) {
    return absl::InvalidArgumentError("demo: --duration must be in (0, 24h]");
  }
  if (options.peer_timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("demo: --peer_timeout must be positive");
  }
  if (absl::StatusOr<HashStrategy> hash = HashStrategy::FromName(options.hash);
      !hash.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("demo: --hash: ", hash.status().message()));
  }
  if (absl::StatusOr<EvictionPolicy> eviction =
          ParseEvictionPolicy(options.eviction);
      !eviction.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("demo: --eviction: ", eviction.status().message()));
  }
  if (!options.tls_dir.empty()) {
    absl::StatusOr<PeerTls> tls =
        LoadPeerTls({options.tls_dir + "/ca.pem", options.tls_dir + "/node.pem",
                     options.tls_dir + "/node.key"});
    if (!tls.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("demo: --tls_dir: ", tls.status().message()));
    }
  }
  return absl::OkStatus();
}

// The command line of node `i`.
std::vector<std::string> NodeArgv(const ClusterDemoOptions& o, int i,
                                  const std::string& port_file,
                                  const std::string& peers_file) {
  std::vector<std::string> argv = {
      o.binary,
      "cluster_node",
      absl::StrCat("--nodes=", o.nodes),
      absl::StrCat("--node_index=", i),
      absl::StrCat("--port_file=", port_file),
      absl::StrCat("--peers_file=", peers_file),
      "--peers_interval=100ms",
      "--listen=127.0.0.1:0",
      absl::StrCat("--threads=", o.threads),
      absl::StrCat("--duration=", absl::FormatDuration(o.duration)),
      absl::StrCat("--capacity=", o.capacity_bytes),
      absl::StrCat("--shards=", o.shards),
      absl::StrCat("--hash=", o.hash),
      absl::StrCat("--eviction=", o.eviction),
      absl::StrCat("--keys=", o.keys),
      absl::StrCat("--key_size=", o.key_size),
      absl::StrFormat("--zipf=%.17g", o.zipf_exponent),
      absl::StrCat("--value_size=", o.value_size),
      absl::StrCat("--source_latency=", absl::FormatDuration(o.source_latency)),
      absl::StrCat("--peer_timeout=", absl::FormatDuration(o.peer_timeout)),
  };
  if (!o.tls_dir.empty()) {
    argv.push_back(absl::StrCat("--tls_ca=", o.tls_dir, "/ca.pem"));
    argv.push_back(absl::StrCat("--tls_cert=", o.tls_dir, "/node.pem"));
    argv.push_back(absl::StrCat("--tls_key=", o.tls_dir, "/node.key"));
  }
  return argv;
}

// Takes the nodes through their steps (tools/cluster_node.h), filling
// `addresses` and `reports`. Every node has been reaped when it returns.
absl::Status RunNodes(const ClusterDemoOptions& options,
                      InterruptSignals& signals, const TempDir& dir,
                      std::ostream& log, std::vector<std::string>* addresses,
                      std::vector<NodeReport>* reports) {
  NodeProcessesOptions node_options;
  node_options.peers_file = dir.path() + "/peers";
  node_options.step_timeout = options.step_timeout;
  for (int i = 0; i < options.nodes; ++i) {
    node_options.port_files.push_back(absl::StrCat(dir.path(), "/port.", i));
    node_options.argvs.push_back(NodeArgv(
        options, i, node_options.port_files.back(), node_options.peers_file));
  }
  NodeProcesses nodes(std::move(node_options), signals);
  log << "demo: starting " << options.nodes << " nodes\n" << std::flush;
  absl::Status status = nodes.Start();
  if (!status.ok()) return status;
  if (status = nodes.AwaitAddresses(); !status.ok()) return status;
  if (status = nodes.AwaitAll("ready", options.step_timeout); !status.ok()) {
    return status;
  }
  log << "demo: every node has the peer list "
      << absl::StrJoin(nodes.addresses(), ", ") << "; running for "
      << absl::FormatDuration(options.duration) << "\n"
      << std::flush;
  if (status = nodes.Tell("go"); !status.ok()) return status;
  if (status =
          nodes.AwaitAll("finished", options.duration + options.step_timeout);
      !status.ok()) {
    return status;
  }
  // Only now may a node stop serving: no peer asks it for keys any more.
  if (status = nodes.Tell("stop"); !status.ok()) return status;
  std::vector<std::string> lines;
  if (status = nodes.AwaitAll("report", options.step_timeout, &lines);
      !status.ok()) {
    return status;
  }
  for (size_t i = 0; i < lines.size(); ++i) {
    absl::StatusOr<NodeReport> report = DecodeNodeReport(lines[i]);
    if (!report.ok()) {
      return absl::InternalError(
          absl::StrCat("demo: node ", i, ": ", report.status().message()));
    }
    reports->push_back(*std::move(report));
  }
  if (status = nodes.AwaitExits(); !status.ok()) return status;
  *addresses = nodes.addresses();
  return absl::OkStatus();
}

}  // namespace

absl::Status RunClusterDemo(const ClusterDemoOptions& options,
                            std::ostream& out, std::ostream& log) {
  if (absl::Status status = Validate(options); !status.ok()) return status;
  // The nodes' workload, built here to count the keys they request.
  const Workload workload(ClusterWorkloadOptions(options.keys, options.key_size,
                                                 options.zipf_exponent));
  InterruptSignals signals;  // Before the nodes start: none may be missed.
  absl::StatusOr<std::unique_ptr<TempDir>> dir = TempDir::Make();
  if (!dir.ok()) return dir.status();
  std::vector<std::string> addresses;
  std::vector<NodeReport> reports;
  if (absl::Status status =
          RunNodes(options, signals, **dir, log, &addresses, &reports);
      !status.ok()) {
    return status;
  }

  ClusterSetup setup;
  setup.nodes = options.nodes;
  setup.threads_per_node = options.threads;
  setup.duration = options.duration;
  setup.capacity_bytes = options.capacity_bytes;
  setup.keys = options.keys;
  setup.key_size = options.key_size;
  setup.zipf_exponent = options.zipf_exponent;
  setup.value_size = options.value_size;
  setup.source_latency = options.source_latency;
  setup.tls = !options.tls_dir.empty();
  setup.kv = options.report_kv;
  PrintClusterReport(setup, addresses, reports, workload, out);
  uint64_t wrong = 0, errors = 0;
  for (const NodeReport& report : reports) {
    wrong += report.wrong_values;
    errors += report.get_errors;
  }
  if (wrong > 0 || errors > 0) {
    return absl::InternalError(absl::StrCat("demo: ", wrong,
                                            " wrong values and ", errors,
                                            " errors returned by Get"));
  }
  return absl::OkStatus();
}

}  // namespace gogocache
