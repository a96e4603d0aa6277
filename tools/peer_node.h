// Copyright 2026 The gogocache Authors.
//
// PeerNode: one process's part of a cache spread over peers, as `gogocache
// serve` and the cluster demo's nodes run it: a PeerServer, a PeerPool over
// gRPC and a CacheGroup whose getter is the demo's source (DemoValue after
// `source_latency`), made in the order peer/ requires:
//
//   PeerServer::Start  ->  this node's address (the port it got)
//   PeerPool::Create   ->  CacheGroup::Create (peers = the pool)
//   PeerServer::AddGroup
//
// The peer list comes last, from the caller: SetPeers() or WatchPeersFile().
// Until then the node owns every key.

#ifndef GOGOCACHE_TOOLS_PEER_NODE_H_
#define GOGOCACHE_TOOLS_PEER_NODE_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cache/cache_group.h"
#include "cache/peers.h"
#include "peer/peer_pool.h"
#include "peer/peer_server.h"
#include "peer/peer_tls.h"
#include "peer/peers_file.h"
#include "persistence/store.h"

namespace gogocache {

struct PeerNodeOptions {
  // host:port to listen on; port 0 lets the system choose.
  std::string listen_address = "127.0.0.1:0";
  // This node's address as peer lists name it. Empty: the listen host with
  // the port listened on (a host that means every interface, 0.0.0.0 or
  // [::], needs it given).
  std::string self;
  // Mutual TLS on the server and the clients: all three files, or none.
  PeerTlsFiles tls;
  // Deadline of each call to a peer.
  absl::Duration peer_timeout = absl::Seconds(1);

  // The group.
  std::string group = "demo";
  size_t capacity_bytes = size_t{2} << 20;
  uint32_t shards = 16;
  std::string hash = "xxh3";
  std::string eviction = "adaptive";
  // Store spec (persistence/open.h); empty for none. Closed by Close().
  std::string store;

  // The source: values of `value_size` bytes (DemoValue), each after
  // `source_latency`.
  size_t value_size = 512;
  absl::Duration source_latency = absl::Milliseconds(2);

  // Optional: wraps each client the pool makes for a peer (the cluster demo
  // times the calls).
  std::function<std::shared_ptr<PeerClient>(std::shared_ptr<PeerClient>)>
      wrap_client;
};

// The TLS files of --tls_ca, --tls_cert and --tls_key, read: nullopt for
// none, or InvalidArgument naming the flag (given alone, or a file that
// cannot be read or holds no PEM).
absl::StatusOr<std::optional<PeerTls>> LoadTlsFlags(const PeerTlsFiles& files);

class PeerNode {
 public:
  // Checks the options, then starts the node. InvalidArgument naming the
  // flag (--listen, --self, --tls_*, --peer_timeout, --capacity, --hash,
  // --eviction, --store, ...) for bad options; Unavailable when the address
  // cannot be listened on; the store's error when it cannot be opened.
  static absl::StatusOr<std::unique_ptr<PeerNode>> Start(
      const PeerNodeOptions& options);

  // Close(), its error ignored.
  ~PeerNode();
  PeerNode(const PeerNode&) = delete;
  PeerNode& operator=(const PeerNode&) = delete;

  // Replaces the peer list (PeerPool::SetPeers).
  absl::Status SetPeers(std::vector<std::string> addresses);

  // Keeps the peer list equal to the file's (PeersFileWatcher), telling
  // `on_change` of each change. The file's error when it cannot be applied
  // now.
  absl::Status WatchPeersFile(const std::string& path, absl::Duration interval,
                              PeersFileWatcher::OnChange on_change);

  // Stops watching, stops serving peers (requests running get a second),
  // drops the group and closes the store: the store's error, once. Later
  // calls do nothing.
  absl::Status Close();

  // This node's address as peer lists name it.
  const std::string& self() const { return self_; }
  // The host:port listened on, with the port chosen.
  const std::string& listening_on() const { return listening_on_; }
  // Until Close().
  CacheGroup& group() const { return *group_; }
  const PeerPool& pool() const { return *pool_; }

 private:
  PeerNode() = default;

  std::string self_;
  std::string listening_on_;
  std::unique_ptr<PeerServer> server_;
  std::shared_ptr<PeerPool> pool_;
  std::shared_ptr<Store> store_;
  std::unique_ptr<CacheGroup> group_;
  std::unique_ptr<PeersFileWatcher> watcher_;
};

}  // namespace gogocache

#endif  // GOGOCACHE_TOOLS_PEER_NODE_H_
