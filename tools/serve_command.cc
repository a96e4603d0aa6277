// Copyright 2026 The gogocache Authors.

#include "tools/serve_command.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <sstream>
#include <utility>
#include <vector>

#include "absl/algorithm/container.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "peer/grpc_peer_client.h"
#include "peer/peer_list.h"
#include "peer/peer_pool.h"

namespace gogocache {
namespace {

// Blocks SIGINT and SIGTERM in this thread, and in the threads it starts,
// until destroyed; Wait() takes them.
class TerminationSignals {
 public:
  TerminationSignals() {
    sigemptyset(&set_);
    sigaddset(&set_, SIGINT);
    sigaddset(&set_, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set_, &old_);
  }
  ~TerminationSignals() { pthread_sigmask(SIG_SETMASK, &old_, nullptr); }
  TerminationSignals(const TerminationSignals&) = delete;
  TerminationSignals& operator=(const TerminationSignals&) = delete;

  // The signal that came within `timeout`, or 0.
  int Wait(absl::Duration timeout) {
    const timespec wait = absl::ToTimespec(timeout);
    while (true) {
      const int signal = sigtimedwait(&set_, nullptr, &wait);
      if (signal > 0) return signal;
      if (errno != EINTR) return 0;  // EAGAIN: none came.
    }
  }

 private:
  sigset_t set_;
  sigset_t old_;
};

std::string StatsLine(const CacheGroupStats& stats) {
  return absl::StrFormat(
      "stats: gets %d  hits %d (%.1f%%, hot %d)  getter loads %d  "
      "peer loads %d  peer errors %d  served for peers %d  items %d "
      "(hot %d)  bytes %d",
      stats.gets, stats.hits,
      stats.gets == 0 ? 0.0 : 100.0 * stats.hits / stats.gets, stats.hot_hits,
      stats.local_loads + stats.local_load_errors, stats.peer_loads,
      stats.peer_errors, stats.served_for_peers, stats.items, stats.hot_items,
      stats.bytes);
}

// The log lines for a peer list now in use: the list, and a warning when
// it leaves this node out.
std::string PeersLog(const std::vector<std::string>& peers,
                     const std::string& self) {
  std::string lines = absl::StrCat("serve: peers (", peers.size(),
                                   "): ", absl::StrJoin(peers, ", "), "\n");
  if (!absl::c_linear_search(peers, self)) {
    absl::StrAppend(&lines, "serve: warning: this node (", self,
                    ") is not on the list: it owns no key and asks its peers "
                    "for all\n");
  }
  return lines;
}

}  // namespace

absl::Status RunGet(const GetOptions& options,
                    const std::vector<std::string>& keys, std::ostream& out) {
  if (keys.empty()) {
    return absl::InvalidArgumentError("get: give the keys to ask for");
  }
  if (options.peers.empty() == options.peers_file.empty()) {
    return absl::InvalidArgumentError(
        "get: give the peer list: --peers=HOST:PORT,... or "
        "--peers_file=PATH");
  }
  std::string text = options.peers;
  if (!options.peers_file.empty()) {
    std::ifstream file(options.peers_file);
    std::stringstream contents;
    contents << file.rdbuf();
    if (!file) {
      return absl::InvalidArgumentError(absl::StrCat(
          "get: --peers_file \"", options.peers_file, "\" cannot be read"));
    }
    text = contents.str();
  }
  absl::StatusOr<std::vector<std::string>> peers = ParsePeerList(text);
  if (!peers.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("get: ", peers.status().message()));
  }
  absl::StatusOr<std::optional<PeerTls>> tls = LoadTlsFlags(options.tls);
  if (!tls.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("get: ", tls.status().message()));
  }
  GrpcPeerClientOptions client_options;
  client_options.timeout = options.timeout;
  client_options.tls = *tls;
  // A name that is on no list: this process owns no key and asks the owner
  // of each.
  absl::StatusOr<std::shared_ptr<PeerPool>> pool = PeerPool::Create(
      {"gogocache-get.invalid:1", GrpcPeerConnector(client_options)});
  if (!pool.ok()) return pool.status();
  if (absl::Status status = (*pool)->SetPeers(*peers); !status.ok()) {
    return absl::Status(status.code(), absl::StrCat("get: ", status.message()));
  }
  absl::Status first_error;
  for (const std::string& key : keys) {
    const std::shared_ptr<PeerClient> owner = (*pool)->Owner(key);
    absl::StatusOr<PeerValue> answer;
    absl::Status status = owner->Get(options.group, key, &answer);
    if (status.ok()) status = answer.status();
    out << absl::CHexEscape(key) << "  " << owner->address() << "  ";
    if (status.ok()) {
      const absl::string_view value = answer->value;
      out << value.size() << " bytes  \""
          << absl::CHexEscape(value.substr(0, 40))
          << (value.size() > 40 ? "\"...\n" : "\"\n");
    } else {
      out << "error: " << status.message() << "\n";
      if (first_error.ok()) {
        first_error = absl::Status(
            status.code(), absl::StrCat("get: ", absl::CHexEscape(key), ": ",
                                        status.message()));
      }
    }
  }
  return first_error;
}

absl::Status WriteFileAtomically(const std::string& path,
                                 absl::string_view contents) {
  const std::string temporary = absl::StrCat(path, ".tmp.", getpid());
  std::FILE* file = std::fopen(temporary.c_str(), "w");
  if (file == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot create \"", temporary, "\": ", strerror(errno)));
  }
  const bool written =
      std::fwrite(contents.data(), 1, contents.size(), file) == contents.size();
  const bool closed = std::fclose(file) == 0;
  if (!written || !closed || std::rename(temporary.c_str(), path.c_str())) {
    const absl::Status error = absl::InternalError(
        absl::StrCat("cannot write \"", path, "\": ", strerror(errno)));
    std::remove(temporary.c_str());
    return error;
  }
  return absl::OkStatus();
}

absl::Status RunServe(const ServeOptions& options, std::ostream& out,
                      std::ostream& log) {
  if (options.peers.has_value() == !options.peers_file.empty()) {
    return absl::InvalidArgumentError(
        options.peers.has_value()
            ? "serve: give --peers or --peers_file, not both"
            : "serve: give the peer list: --peers=HOST:PORT,... or "
              "--peers_file=PATH");
  }
  std::vector<std::string> peers;
  if (options.peers.has_value()) {
    absl::StatusOr<std::vector<std::string>> parsed =
        ParsePeerList(*options.peers);
    if (!parsed.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("serve: --peers: ", parsed.status().message()));
    }
    peers = *std::move(parsed);
  } else if (options.peers_interval <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        "serve: --peers_interval must be positive");
  }
  if (options.stats_interval < absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        "serve: --stats_interval must not be negative");
  }
  // A port file left by an earlier run must not pass for this one's.
  if (!options.port_file.empty()) std::remove(options.port_file.c_str());

  TerminationSignals signals;  // Before the node starts its threads.
  // The peers file's watcher logs from its own thread: whole lines, one
  // writer at a time.
  std::mutex log_mu;
  const auto say = [&log, &log_mu](absl::string_view lines) {
    std::lock_guard<std::mutex> lock(log_mu);
    log << lines << std::flush;
  };
  // Whether the peers file is watched: the error of its first read is
  // WatchPeersFile's, reported by the caller, not by `on_change`. Outlives
  // the node.
  std::atomic<bool> watching{false};
  absl::StatusOr<std::unique_ptr<PeerNode>> started =
      PeerNode::Start(options.node);
  if (!started.ok()) {
    return absl::Status(started.status().code(),
                        absl::StrCat("serve: ", started.status().message()));
  }
  PeerNode& node = **started;
  const auto watch = [&] {
    absl::Status status = node.WatchPeersFile(
        options.peers_file, options.peers_interval,
        [&node, &say, &watching](const absl::Status& change) {
          if (change.ok()) {
            say(PeersLog(node.pool().addresses(), node.self()));
          } else if (watching.load()) {
            say(absl::StrCat("serve: ", change.message(),
                             "; the list in use stays\n"));
          }
        });
    watching = status.ok();
    return status;
  };
  absl::Status status;
  // A peers file that does not exist yet is waited for, the node owning
  // every key meanwhile: when the system chooses the ports, the list can
  // only be written once the nodes run.
  bool file_pending = false;
  if (options.peers.has_value()) {
    status = node.SetPeers(peers);
    if (status.ok()) say(PeersLog(peers, node.self()));
  } else if (access(options.peers_file.c_str(), F_OK) == 0) {
    status = watch();
  } else {
    file_pending = true;
    say(absl::StrCat("serve: waiting for the peers file \"", options.peers_file,
                     "\"; until it exists this node owns every key\n"));
  }
  if (status.ok() && !options.port_file.empty()) {
    status = WriteFileAtomically(options.port_file, node.self() + "\n");
  }
  if (!status.ok()) {
    node.Close().IgnoreError();
    return absl::Status(status.code(),
                        absl::StrCat("serve: ", status.message()));
  }
  out << "listening on " << node.listening_on() << std::endl;

  const bool with_stats = options.stats_interval > absl::ZeroDuration();
  absl::Time next_stats = absl::Now() + options.stats_interval;
  std::string last_file_error;
  int signal = 0;
  while (true) {
    absl::Duration wait = absl::Hours(1);
    if (with_stats) wait = std::min(wait, next_stats - absl::Now());
    if (file_pending) wait = std::min(wait, options.peers_interval);
    signal = signals.Wait(std::max(wait, absl::ZeroDuration()));
    if (signal != 0) break;
    if (file_pending && access(options.peers_file.c_str(), F_OK) == 0) {
      // Once it exists, a bad file is reported, and read again, until it
      // can be applied.
      if (absl::Status watched = watch(); watched.ok()) {
        file_pending = false;
      } else if (watched.ToString() != last_file_error) {
        last_file_error = watched.ToString();
        say(absl::StrCat("serve: ", watched.message(), "\n"));
      }
    }
    if (with_stats && absl::Now() >= next_stats) {
      out << StatsLine(node.group().GetStats()) << std::endl;
      next_stats += options.stats_interval;
    }
  }
  say(absl::StrCat("serve: ", strsignal(signal), ": stopping\n"));
  if (with_stats) out << StatsLine(node.group().GetStats()) << std::endl;
  if (!options.port_file.empty()) std::remove(options.port_file.c_str());
  status = node.Close();
  if (!status.ok()) {
    return absl::Status(status.code(),
                        absl::StrCat("serve: ", status.message()));
  }
  return absl::OkStatus();
}

}  // namespace gogocache
