// Copyright 2026 The gogocache Authors.
//
// PeersFileWatcher: keeps a PeerPool's list equal to what a file says, for
// deployments where something else writes the list (a config manager, a
// script over a Kubernetes headless service's DNS records). The file holds
// addresses as ParsePeerList reads them: separated by commas, spaces or line
// breaks, '#' comments.
//
// The file is read again every `interval`; when its contents differ from
// the last read, the list is parsed and given to PeerPool::SetPeers. A file
// that is missing, unreadable or bad keeps the list it replaced, and the
// error is reported once (through `on_change`) until the contents change
// again. Replace the file by renaming a complete one over it; a file written
// in place may be read half-written, which then reads as bad or as a shorter
// list until the next read.
//
// Thread safety: the watcher reads from a thread of its own, which
// `on_change` runs on; destruction stops it and waits for it.

#ifndef GOGOCACHE_PEER_PEERS_FILE_H_
#define GOGOCACHE_PEER_PEERS_FILE_H_

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "base/cxx17.h"
#include "peer/peer_pool.h"

namespace gogocache {

class PeersFileWatcher {
 public:
  // Told each list applied (OK) and each change that could not be.
  using OnChange = std::function<void(const absl::Status&)>;

  // Applies the file's list now: its error if the file cannot be read or
  // parsed (or is not a regular file), or the interval is under 1 ms. Then
  // watches it.
  static absl::StatusOr<std::unique_ptr<PeersFileWatcher>> Start(
      std::string path, std::shared_ptr<PeerPool> pool, absl::Duration interval,
      OnChange on_change = nullptr);

  ~PeersFileWatcher();
  PeersFileWatcher(const PeersFileWatcher&) = delete;
  PeersFileWatcher& operator=(const PeersFileWatcher&) = delete;

 private:
  PeersFileWatcher(std::string path, std::shared_ptr<PeerPool> pool,
                   absl::Duration interval, OnChange on_change);
  // Reads the file and applies it if it changed since `last_contents_`.
  absl::Status Poll();
  void Run();

  const std::string path_;
  const std::shared_ptr<PeerPool> pool_;
  const absl::Duration interval_;
  const OnChange on_change_;
  // Only the watcher's thread uses these, after Start.
  std::string last_contents_;
  bool unreadable_reported_ = false;
  std::mutex mu_;
  std::condition_variable stop_cv_;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace gogocache

#endif  // GOGOCACHE_PEER_PEERS_FILE_H_
