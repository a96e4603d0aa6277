// Copyright 2026 The gogocache Authors.

#include "tools/cluster_node.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <utility>
#include <vector>

#include "absl/algorithm/container.h"
#include "absl/strings/str_cat.h"
#include "tools/demo_value.h"
#include "tools/serve_command.h"
#include "workload/workload.h"

namespace gogocache {
namespace {

class TimedPeerClient : public PeerClient {
 public:
  TimedPeerClient(std::shared_ptr<PeerClient> client,
                  std::shared_ptr<FetchTimes> times)
      : client_(std::move(client)), times_(std::move(times)) {}

  absl::Status Get(absl::string_view group, absl::string_view key,
                   absl::StatusOr<PeerValue>* answer) override {
    const auto start = std::chrono::steady_clock::now();
    absl::Status status = client_->Get(group, key, answer);
    times_->Record(static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(
            std::chrono::steady_clock::now() - start)
            .count()));
    return status;
  }
  absl::Status Set(absl::string_view group, absl::string_view key,
                   absl::string_view value,
                   std::optional<absl::Time> expires) override {
    return client_->Set(group, key, value, expires);
  }
  absl::Status Remove(absl::string_view group, absl::string_view key) override {
    return client_->Remove(group, key);
  }
  const std::string& address() const override { return client_->address(); }

 private:
  const std::shared_ptr<PeerClient> client_;
  const std::shared_ptr<FetchTimes> times_;
};

// Polls `done` every 20 ms until it holds or `timeout` passes.
template <typename Condition>
bool WaitFor(Condition done, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (!done()) {
    if (absl::Now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

// The parent's next message, which must be `expected`.
absl::Status Expect(std::istream& in, absl::string_view expected) {
  std::string line;
  if (!std::getline(in, line)) {
    return absl::AbortedError(absl::StrCat(
        "the demo's input closed before it said \"", expected, "\""));
  }
  if (line != expected) {
    return absl::AbortedError(
        absl::StrCat("the demo said \"", line, "\", not \"", expected, "\""));
  }
  return absl::OkStatus();
}

// Runs the workload on `threads` threads for `duration`, filling the
// workload's part of `report`.
void RunWorkload(const ClusterNodeOptions& options, const Workload& workload,
                 CacheGroup& group, NodeReport* report) {
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> get_errors{0};
  std::atomic<uint64_t> wrong_values{0};
  report->accessed.assign(options.threads, {0, 0});
  std::vector<std::thread> workers;
  const auto start = std::chrono::steady_clock::now();
  for (int t = 0; t < options.threads; ++t) {
    workers.emplace_back([&, t] {
      const size_t first =
          ClusterThreadStart(options.index, t, options.threads, options.nodes,
                             workload.accesses().size());
      size_t i = first;
      for (; !stop.load(std::memory_order_relaxed); ++i) {
        const absl::string_view key = workload.KeyAt(i);
        absl::StatusOr<ByteView> value = group.Get(key);
        if (!value.ok()) {
          get_errors.fetch_add(1, std::memory_order_relaxed);
        } else if (!IsDemoValue(key, options.node.value_size, value->view())) {
          wrong_values.fetch_add(1, std::memory_order_relaxed);
        }
      }
      report->accessed[t] = {first, i - first};
    });
  }
  std::this_thread::sleep_for(absl::ToChronoNanoseconds(options.duration));
  stop = true;
  for (std::thread& worker : workers) worker.join();
  report->seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  report->get_errors = get_errors.load();
  report->wrong_values = wrong_values.load();
}

}  // namespace

std::shared_ptr<PeerClient> TimePeerGets(std::shared_ptr<PeerClient> client,
                                         std::shared_ptr<FetchTimes> times) {
  return std::make_shared<TimedPeerClient>(std::move(client), std::move(times));
}

absl::Status RunClusterNode(const ClusterNodeOptions& options, std::istream& in,
                            std::ostream& out, std::ostream& log) {
  if (options.nodes < 2 || options.index < 0 ||
      options.index >= options.nodes || options.threads < 1 ||
      options.duration <= absl::ZeroDuration() || options.keys < 1 ||
      options.port_file.empty() || options.peers_file.empty()) {
    return absl::InvalidArgumentError(
        "cluster_node is the cluster demo's own: run `gogocache demo "
        "--nodes=N` instead");
  }
  // Built first: with many keys it takes a while, which must not count
  // against the workload.
  const Workload workload(ClusterWorkloadOptions(options.keys, options.key_size,
                                                 options.zipf_exponent));

  auto times = std::make_shared<FetchTimes>();
  PeerNodeOptions node_options = options.node;
  node_options.wrap_client = [times](std::shared_ptr<PeerClient> client) {
    return TimePeerGets(std::move(client), times);
  };
  absl::StatusOr<std::unique_ptr<PeerNode>> started =
      PeerNode::Start(node_options);
  if (!started.ok()) return started.status();
  PeerNode& node = **started;
  if (absl::Status status =
          WriteFileAtomically(options.port_file, node.self() + "\n");
      !status.ok()) {
    return status;
  }
  // The parent writes the peers file once the first node's port is known.
  if (!WaitFor([&] { return access(options.peers_file.c_str(), F_OK) == 0; },
               options.setup_timeout)) {
    return absl::DeadlineExceededError(absl::StrCat(
        "no peers file after ", absl::FormatDuration(options.setup_timeout)));
  }
  const int index = options.index;
  if (absl::Status status = node.WatchPeersFile(
          options.peers_file, options.peers_interval,
          [index, &log](const absl::Status& change) {
            if (!change.ok()) {
              log << "node " << index << ": " << change.message() << "\n"
                  << std::flush;
            }
          });
      !status.ok()) {
    return status;
  }
  const auto complete = [&] {
    const std::vector<std::string> peers = node.pool().addresses();
    return peers.size() == static_cast<size_t>(options.nodes) &&
           absl::c_linear_search(peers, node.self());
  };
  if (!WaitFor(complete, options.setup_timeout)) {
    return absl::DeadlineExceededError(absl::StrCat(
        "the peer list did not name all ", options.nodes, " nodes within ",
        absl::FormatDuration(options.setup_timeout)));
  }
  out << "ready" << std::endl;
  if (absl::Status status = Expect(in, "go"); !status.ok()) return status;

  NodeReport report;
  RunWorkload(options, workload, node.group(), &report);
  out << "finished" << std::endl;
  if (absl::Status status = Expect(in, "stop"); !status.ok()) return status;

  const CacheGroupStats stats = node.group().GetStats();
  report.gets = stats.gets;
  report.hits = stats.hits;
  report.hot_hits = stats.hot_hits;
  report.loads = stats.local_loads + stats.local_load_errors;
  report.peer_loads = stats.peer_loads;
  report.peer_errors = stats.peer_errors;
  report.served_for_peers = stats.served_for_peers;
  report.evictions = stats.evictions;
  report.items = stats.items;
  report.hot_items = stats.hot_items;
  report.bytes = stats.bytes;
  report.peer_fetch_nanos = times->Samples();
  out << "report " << EncodeNodeReport(report) << std::endl;
  return node.Close();
}

}  // namespace gogocache
