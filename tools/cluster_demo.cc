// Copyright 2026 The gogocache Authors.

#include "tools/cluster_demo.h"

#include <dirent.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <memory>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "cache/eviction_policy.h"
#include "hash/hash_strategy.h"
#include "peer/peer_list.h"
#include "peer/peer_tls.h"
#include "tools/child_process.h"
#include "tools/cluster_report.h"
#include "tools/demo_command.h"
#include "tools/serve_command.h"

namespace gogocache {
namespace {

// Blocks SIGINT and SIGTERM in this thread while it lives; Take() reads
// them from a signalfd, which poll(2) can watch with the nodes' output.
class InterruptSignals {
 public:
  InterruptSignals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, &old_);
    fd_ = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
  }
  ~InterruptSignals() {
    if (fd_ >= 0) close(fd_);
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  InterruptSignals(const InterruptSignals&) = delete;
  InterruptSignals& operator=(const InterruptSignals&) = delete;

  int fd() const { return fd_; }

  // Cancelled naming the signal if one came.
  absl::Status Check() {
    signalfd_siginfo info;
    if (fd_ >= 0 && read(fd_, &info, sizeof(info)) == sizeof(info)) {
      return absl::CancelledError(absl::StrCat("demo: interrupted (",
                                               strsignal(info.ssi_signo),
                                               "); the nodes were stopped"));
    }
    return absl::OkStatus();
  }

 private:
  sigset_t old_;
  int fd_ = -1;
};

// A fresh directory for the port and peers files, removed with what it
// holds when destroyed.
class TempDir {
 public:
  static absl::StatusOr<std::unique_ptr<TempDir>> Make() {
    const char* tmp = getenv("TMPDIR");
    std::string path =
        absl::StrCat(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp",
                     "/gogocache-demo.XXXXXX");
    if (mkdtemp(path.data()) == nullptr) {
      return absl::InternalError(absl::StrCat("demo: cannot make a directory ",
                                              path, ": ", strerror(errno)));
    }
    return std::unique_ptr<TempDir>(new TempDir(std::move(path)));
  }
  ~TempDir() {
    if (DIR* dir = opendir(path_.c_str())) {
      while (dirent* entry = readdir(dir)) {
        const std::string name = entry->d_name;
        if (name != "." && name != "..") unlink((path_ + "/" + name).c_str());
      }
      closedir(dir);
    }
    rmdir(path_.c_str());
  }
  const std::string& path() const { return path_; }

 private:
  explicit TempDir(std::string path) : path_(std::move(path)) {}
  const std::string path_;
};

std::string ReadSmallFile(const std::string& path) {
  std::ifstream file(path);
  std::string line;
  std::getline(file, line);
  return line;
}

absl::Status Validate(const ClusterDemoOptions& options) {
  if (options.nodes < 2 || options.nodes > 64) {
    return absl::InvalidArgumentError(absl::StrCat(
        "demo: --nodes must be in [2, 64] for a cluster, got ", options.nodes));
  }
  if (options.threads < 1 || options.threads > 1024) {
    return absl::InvalidArgumentError(absl::StrCat(
        "demo: --threads must be in [1, 1024], got ", options.threads));
  }
  if (options.duration <= absl::ZeroDuration() ||
      options.duration > absl::Hours(24)) {
    return absl::InvalidArgumentError("demo: --duration must be in (0, 24h]");
  }
  if (options.keys < 1 || options.keys > (size_t{1} << 26)) {
    return absl::InvalidArgumentError(
        absl::StrCat("demo: --keys must be in [1, 2^26], got ", options.keys));
  }
  if (absl::Status status = CheckKeySize(options.keys, options.key_size);
      !status.ok()) {
    return status;
  }
  if (!(options.zipf_exponent > 0 && options.zipf_exponent < 10)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "demo: --zipf must be in (0, 10), got ", options.zipf_exponent));
  }
  if (options.source_latency < absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        "demo: --source_latency must not be negative");
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

// The nodes, and the steps the demo takes them through.
class Cluster {
 public:
  Cluster(const ClusterDemoOptions& options, const TempDir& dir,
          InterruptSignals& signals)
      : options_(options), dir_(dir), signals_(signals) {}

  // Killed and reaped, if still running, by ~ChildProcess.
  ~Cluster() = default;

  absl::Status Start() {
    for (int i = 0; i < options_.nodes; ++i) {
      absl::StatusOr<std::unique_ptr<ChildProcess>> child =
          ChildProcess::Start({NodeArgv(i), ""});
      if (!child.ok()) return child.status();
      nodes_.push_back(*std::move(child));
    }
    return absl::OkStatus();
  }

  // Waits for every node's port file, writing the peers file anew with the
  // addresses known each time one more appears.
  absl::Status AwaitAddresses() {
    addresses_.assign(nodes_.size(), "");
    const absl::Time deadline = absl::Now() + options_.step_timeout;
    size_t known = 0;
    while (known < nodes_.size()) {
      if (absl::Status status = signals_.Check(); !status.ok()) return status;
      bool changed = false;
      for (size_t i = 0; i < nodes_.size(); ++i) {
        if (!addresses_[i].empty()) continue;
        const std::string address = ReadSmallFile(PortFile(i));
        if (!address.empty()) {
          if (absl::Status status = CheckPeerAddress(address); !status.ok()) {
            return absl::InternalError(
                absl::StrCat("demo: node ", i, ": ", status.message()));
          }
          addresses_[i] = address;
          ++known;
          changed = true;
        } else if (nodes_[i]->TryReap()) {
          return Exited(i, "before it wrote its port file");
        }
      }
      if (changed) {
        std::vector<std::string> list;
        for (const std::string& a : addresses_) {
          if (!a.empty()) list.push_back(a);
        }
        if (absl::Status status = WriteFileAtomically(
                PeersFile(), absl::StrJoin(list, "\n") + "\n");
            !status.ok()) {
          return status;
        }
      }
      if (known < nodes_.size()) {
        if (absl::Now() >= deadline) {
          return Late("wrote a port file", NodesNot([&](size_t i) {
                        return !addresses_[i].empty();
                      }));
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    }
    return absl::OkStatus();
  }

  // Waits for a line "WORD ..." from every node; `rests` gets what follows
  // WORD in each.
  absl::Status AwaitAll(absl::string_view word, absl::Duration timeout,
                        std::vector<std::string>* rests = nullptr) {
    std::vector<std::optional<std::string>> got(nodes_.size());
    const absl::Time deadline = absl::Now() + timeout;
    while (true) {
      if (absl::Status status = signals_.Check(); !status.ok()) return status;
      std::vector<pollfd> fds = {{signals_.fd(), POLLIN, 0}};
      for (size_t i = 0; i < nodes_.size(); ++i) {
        if (got[i].has_value()) continue;
        const bool open = nodes_[i]->ReadAvailable();
        while (std::optional<std::string> line = nodes_[i]->TakeLine()) {
          absl::string_view rest = *line;
          if (rest != word &&
              !absl::ConsumePrefix(&rest, absl::StrCat(word, " "))) {
            return absl::InternalError(
                absl::StrCat("demo: node ", i, " said \"", line->substr(0, 80),
                             "\" when \"", word, "\" was expected"));
          }
          got[i] = std::string(rest);
          break;
        }
        if (got[i].has_value()) continue;
        if (!open) {
          nodes_[i]->Wait(absl::Seconds(5)).IgnoreError();
          return Exited(i, absl::StrCat("before it said \"", word, "\""));
        }
        fds.push_back({nodes_[i]->stdout_fd(), POLLIN, 0});
      }
      if (fds.size() == 1) break;
      const absl::Duration left = deadline - absl::Now();
      if (left <= absl::ZeroDuration()) {
        return Late(absl::StrCat("said \"", word, "\""),
                    NodesNot([&](size_t i) { return got[i].has_value(); }));
      }
      poll(fds.data(), fds.size(),
           static_cast<int>(
               std::min<int64_t>(absl::ToInt64Milliseconds(left) + 1, 1000)));
    }
    if (rests != nullptr) {
      rests->clear();
      for (std::optional<std::string>& rest : got) rests->push_back(*rest);
    }
    return absl::OkStatus();
  }

  absl::Status Tell(absl::string_view line) {
    for (size_t i = 0; i < nodes_.size(); ++i) {
      if (!nodes_[i]->WriteLine(line).ok()) {
        nodes_[i]->Wait(absl::Seconds(5)).IgnoreError();
        return Exited(i, absl::StrCat("before it was told \"", line, "\""));
      }
    }
    return absl::OkStatus();
  }

  // Waits for every node to exit, each with status 0.
  absl::Status AwaitExits() {
    const absl::Time deadline = absl::Now() + options_.step_timeout;
    for (size_t i = 0; i < nodes_.size(); ++i) {
      if (!nodes_[i]->Wait(deadline - absl::Now()).ok()) {
        return Late("exited after reporting",
                    NodesNot([&](size_t j) { return nodes_[j]->TryReap(); }));
      }
      if (nodes_[i]->exit_code() != 0) return Exited(i, "after its report");
    }
    return absl::OkStatus();
  }

  const std::vector<std::string>& addresses() const { return addresses_; }

 private:
  std::string PortFile(size_t i) const {
    return absl::StrCat(dir_.path(), "/port.", i);
  }
  std::string PeersFile() const { return dir_.path() + "/peers"; }

  std::vector<std::string> NodeArgv(int i) const {
    const ClusterDemoOptions& o = options_;
    std::vector<std::string> argv = {
        o.binary,
        "cluster_node",
        absl::StrCat("--nodes=", o.nodes),
        absl::StrCat("--node_index=", i),
        absl::StrCat("--port_file=", PortFile(i)),
        absl::StrCat("--peers_file=", PeersFile()),
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
        absl::StrCat("--source_latency=",
                     absl::FormatDuration(o.source_latency)),
        absl::StrCat("--peer_timeout=", absl::FormatDuration(o.peer_timeout)),
    };
    if (!o.tls_dir.empty()) {
      argv.push_back(absl::StrCat("--tls_ca=", o.tls_dir, "/ca.pem"));
      argv.push_back(absl::StrCat("--tls_cert=", o.tls_dir, "/node.pem"));
      argv.push_back(absl::StrCat("--tls_key=", o.tls_dir, "/node.key"));
    }
    return argv;
  }

  // Node `i` has been reaped, having ended `when`. A node that refused its
  // options (exit status 2) makes the demo's error InvalidArgument too.
  absl::Status Exited(size_t i, absl::string_view when) const {
    const std::string message =
        absl::StrCat("demo: node ", i, " ", nodes_[i]->DescribeExit(), " ",
                     when, " (its own message, if any, is above)");
    return nodes_[i]->exit_code() == 2 ? absl::InvalidArgumentError(message)
                                       : absl::InternalError(message);
  }

  // DeadlineExceeded naming the nodes `late` in doing `what`.
  absl::Status Late(absl::string_view what,
                    const std::vector<size_t>& late) const {
    return absl::DeadlineExceededError(absl::StrCat(
        "demo: node", late.size() == 1 ? " " : "s ", absl::StrJoin(late, ", "),
        " never ", what, " (a step may take ",
        absl::FormatDuration(options_.step_timeout), ")"));
  }

  // The nodes for which `done` is false.
  template <typename Done>
  std::vector<size_t> NodesNot(Done done) const {
    std::vector<size_t> nodes;
    for (size_t i = 0; i < nodes_.size(); ++i) {
      if (!done(i)) nodes.push_back(i);
    }
    return nodes;
  }

  const ClusterDemoOptions& options_;
  const TempDir& dir_;
  InterruptSignals& signals_;
  std::vector<std::unique_ptr<ChildProcess>> nodes_;
  std::vector<std::string> addresses_;
};

}  // namespace

absl::Status RunClusterDemo(const ClusterDemoOptions& options,
                            std::ostream& out, std::ostream& log) {
  if (absl::Status status = Validate(options); !status.ok()) return status;
  // The nodes' workload, built here to count the keys they request.
  const bench::Workload workload(ClusterWorkloadOptions(
      options.keys, options.key_size, options.zipf_exponent));
  InterruptSignals signals;  // Before the nodes start: none may be missed.
  absl::StatusOr<std::unique_ptr<TempDir>> dir = TempDir::Make();
  if (!dir.ok()) return dir.status();
  std::vector<NodeReport> reports;
  std::vector<std::string> addresses;
  {
    Cluster cluster(options, **dir, signals);
    log << "demo: starting " << options.nodes << " nodes\n" << std::flush;
    absl::Status status = cluster.Start();
    if (status.ok()) status = cluster.AwaitAddresses();
    if (status.ok()) status = cluster.AwaitAll("ready", options.step_timeout);
    if (status.ok()) {
      log << "demo: every node has the peer list "
          << absl::StrJoin(cluster.addresses(), ", ") << "; running for "
          << absl::FormatDuration(options.duration) << "\n"
          << std::flush;
      status = cluster.Tell("go");
    }
    if (status.ok()) {
      status =
          cluster.AwaitAll("finished", options.duration + options.step_timeout);
    }
    if (status.ok()) status = cluster.Tell("stop");
    std::vector<std::string> lines;
    if (status.ok()) {
      status = cluster.AwaitAll("report", options.step_timeout, &lines);
    }
    for (size_t i = 0; status.ok() && i < lines.size(); ++i) {
      absl::StatusOr<NodeReport> report = DecodeNodeReport(lines[i]);
      if (!report.ok()) {
        status = absl::InternalError(
            absl::StrCat("demo: node ", i, ": ", report.status().message()));
      } else {
        reports.push_back(*std::move(report));
      }
    }
    if (status.ok()) status = cluster.AwaitExits();
    if (!status.ok()) return status;
    addresses = cluster.addresses();
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
