// Copyright 2026 The gogocache Authors.
//
// PeerPool: one process's view of the peer list, and a client for each
// peer on it. It is the Peers a CacheGroup is given
// (CacheGroupOptions::peers); several groups may share one pool.
//
//   PeerPoolOptions options;
//   options.self = "10.0.0.7:8080";  // as it appears in the list
//   options.connect = GrpcPeerConnector(client_options);
//   absl::StatusOr<std::shared_ptr<PeerPool>> pool =
//       PeerPool::Create(std::move(options));
//   (*pool)->SetPeers({"10.0.0.7:8080", "10.0.0.8:8080", "10.0.0.9:8080"});
//
// Owners are picked by OwnerPicker (rendezvous hashing). Until the first
// SetPeers the list is this process alone, which owns every key. A list that
// does not name `self` makes this process own no key: it asks peers for all.
//
// Thread safety: every method may be called concurrently. SetPeers replaces
// the list at once: each Owner() or Others() call sees the old list or the
// new one whole. Clients of peers that stay on the list are kept (with their
// connections); clients of peers that leave are released once no call uses
// them.

#ifndef GOGOCACHE_PEER_PEER_POOL_H_
#define GOGOCACHE_PEER_PEER_POOL_H_

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "base/cxx17.h"
#include "cache/peers.h"

namespace gogocache {

// Makes the client for a peer's address, or says why it cannot.
using PeerConnector = std::function<absl::StatusOr<std::shared_ptr<PeerClient>>(
    const std::string& address)>;

struct PeerPoolOptions {
  // This process's address as the peer list spells it (see peer_list.h).
  std::string self;

  // Makes clients for the other peers, e.g. GrpcPeerConnector().
  PeerConnector connect;
};

class PeerPool : public Peers {
 public:
  // A pool, or InvalidArgument for a bad `self` or a missing connector.
  static absl::StatusOr<std::shared_ptr<PeerPool>> Create(
      PeerPoolOptions options);

  // Replaces the peer list. InvalidArgument (CheckPeerList) or the
  // connector's error, and the list is unchanged.
  absl::Status SetPeers(std::vector<std::string> addresses);

  // The current list, as given to SetPeers (`self` alone before it).
  std::vector<std::string> addresses() const;

  std::shared_ptr<PeerClient> Owner(absl::string_view key) override;
  std::vector<std::shared_ptr<PeerClient>> Others() override;

  const std::string& self() const { return options_.self; }

 private:
  struct PeerSet;

  explicit PeerPool(PeerPoolOptions options);
  std::shared_ptr<const PeerSet> Current() const;

  const PeerPoolOptions options_;
  mutable std::mutex mu_;
  std::shared_ptr<const PeerSet> current_ ABSL_GUARDED_BY(mu_);
  // Serializes SetPeers calls, which connect outside `mu_`.
  std::mutex set_peers_mu_;
};

}  // namespace gogocache

#endif  // GOGOCACHE_PEER_PEER_POOL_H_
