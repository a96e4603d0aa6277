// Copyright 2026 The gogocache Authors.

#include "tools/peer_node.h"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <optional>
#include <thread>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "cache/eviction_policy.h"
#include "hash/hash_strategy.h"
#include "loader/getter.h"
#include "peer/grpc_peer_client.h"
#include "peer/peer_list.h"
#include "persistence/open.h"
#include "tools/demo_value.h"

namespace gogocache {
namespace {

absl::Status Prefixed(absl::string_view prefix, const absl::Status& status) {
  return absl::Status(status.code(),
                      absl::StrCat(prefix, ": ", status.message()));
}

}  // namespace

absl::StatusOr<std::optional<PeerTls>> LoadTlsFlags(const PeerTlsFiles& files) {
  const int given = !files.ca_file.empty() + !files.cert_file.empty() +
                    !files.key_file.empty();
  if (given == 0) return std::optional<PeerTls>();
  if (given != 3) {
    return absl::InvalidArgumentError(
        "--tls_ca, --tls_cert and --tls_key go together: give all three or "
        "none");
  }
  for (const auto& [flag, path] :
       {std::pair<const char*, const std::string&>{"--tls_ca", files.ca_file},
        {"--tls_cert", files.cert_file},
        {"--tls_key", files.key_file}}) {
    if (access(path.c_str(), R_OK) != 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          flag, ": \"", path, "\" cannot be read: ", strerror(errno)));
    }
  }
  absl::StatusOr<PeerTls> tls = LoadPeerTls(files);
  if (!tls.ok()) return tls.status();
  return std::optional<PeerTls>(*std::move(tls));
}

absl::StatusOr<std::unique_ptr<PeerNode>> PeerNode::Start(
    const PeerNodeOptions& options) {
  // Port 0 (the system chooses) is valid to listen on, not in a peer list.
  const std::string listen = options.listen_address;
  if (absl::Status status = CheckPeerAddress(
          absl::EndsWith(listen, ":0") ? absl::StrCat(listen, "1") : listen);
      !status.ok()) {
    return Prefixed("--listen", status);
  }
  const std::string host = listen.substr(0, listen.rfind(':'));
  if (!options.self.empty()) {
    if (absl::Status status = CheckPeerAddress(options.self); !status.ok()) {
      return Prefixed("--self", status);
    }
  } else if (host == "0.0.0.0" || host == "[::]") {
    return absl::InvalidArgumentError(
        absl::StrCat("--listen=", listen,
                     " is every interface: give --self, the address peers "
                     "reach this node at"));
  }
  absl::StatusOr<std::optional<PeerTls>> tls = LoadTlsFlags(options.tls);
  if (!tls.ok()) return tls.status();
  if (options.peer_timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--peer_timeout must be positive, got ",
                     absl::FormatDuration(options.peer_timeout)));
  }
  absl::StatusOr<HashStrategy> hash = HashStrategy::FromName(options.hash);
  if (!hash.ok()) return Prefixed("--hash", hash.status());
  absl::StatusOr<EvictionPolicy> eviction =
      ParseEvictionPolicy(options.eviction);
  if (!eviction.ok()) return Prefixed("--eviction", eviction.status());
  if (options.source_latency < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--source_latency must not be negative");
  }
  if (options.value_size > (size_t{1} << 26)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--value_size must be at most 2^26, got ", options.value_size));
  }

  std::unique_ptr<PeerNode> node(new PeerNode());
  if (!options.store.empty()) {
    absl::StatusOr<std::unique_ptr<Store>> store = OpenStore(options.store);
    if (!store.ok()) return Prefixed("--store", store.status());
    node->store_ = *std::move(store);
  }

  PeerServerOptions server_options;
  server_options.listen_address = listen;
  server_options.tls = *tls;
  absl::StatusOr<std::unique_ptr<PeerServer>> server =
      PeerServer::Start(std::move(server_options));
  if (!server.ok()) {
    node->Close().IgnoreError();
    return Prefixed("--listen", server.status());
  }
  node->server_ = *std::move(server);
  const std::string port = absl::StrCat(node->server_->port());
  node->listening_on_ = absl::StrCat(host, ":", port);
  node->self_ = options.self.empty() ? node->listening_on_ : options.self;

  GrpcPeerClientOptions client_options;
  client_options.timeout = options.peer_timeout;
  client_options.tls = *tls;
  PeerPoolOptions pool_options;
  pool_options.self = node->self_;
  pool_options.connect = [grpc = GrpcPeerConnector(std::move(client_options)),
                          wrap =
                              options.wrap_client](const std::string& address)
      -> absl::StatusOr<std::shared_ptr<PeerClient>> {
    absl::StatusOr<std::shared_ptr<PeerClient>> client = grpc(address);
    if (!client.ok() || wrap == nullptr) return client;
    return wrap(*std::move(client));
  };
  absl::StatusOr<std::shared_ptr<PeerPool>> pool =
      PeerPool::Create(std::move(pool_options));
  if (!pool.ok()) {
    node->Close().IgnoreError();
    return pool.status();
  }
  node->pool_ = *std::move(pool);

  CacheGroupOptions group_options;
  group_options.name = options.group;
  group_options.capacity_bytes = options.capacity_bytes;
  group_options.num_shards = options.shards;
  group_options.hash = *hash;
  group_options.eviction = *eviction;
  group_options.store = node->store_;
  group_options.peers = node->pool_;
  const auto latency = absl::ToChronoNanoseconds(options.source_latency);
  group_options.getter =
      MakeGetter([latency, size = options.value_size](absl::string_view key) {
        std::this_thread::sleep_for(latency);  // The slow source.
        return DemoValue(key, size);
      });
  absl::StatusOr<std::unique_ptr<CacheGroup>> group =
      CacheGroup::Create(std::move(group_options));
  if (!group.ok()) {
    node->Close().IgnoreError();
    return group.status();
  }
  node->group_ = *std::move(group);
  if (absl::Status status = node->server_->AddGroup(node->group_.get());
      !status.ok()) {
    node->Close().IgnoreError();
    return status;
  }
  return node;
}

PeerNode::~PeerNode() { Close().IgnoreError(); }

absl::Status PeerNode::SetPeers(std::vector<std::string> addresses) {
  return pool_->SetPeers(std::move(addresses));
}

absl::Status PeerNode::WatchPeersFile(const std::string& path,
                                      absl::Duration interval,
                                      PeersFileWatcher::OnChange on_change) {
  watcher_.reset();
  absl::StatusOr<std::unique_ptr<PeersFileWatcher>> watcher =
      PeersFileWatcher::Start(path, pool_, interval, std::move(on_change));
  if (!watcher.ok()) return watcher.status();
  watcher_ = *std::move(watcher);
  return absl::OkStatus();
}

absl::Status PeerNode::Close() {
  // The order matters: the server calls into the group, which calls the
  // pool and the store.
  watcher_.reset();
  if (server_ != nullptr) server_->Shutdown();
  group_.reset();
  server_.reset();
  pool_.reset();
  absl::Status status;
  if (store_ != nullptr) {
    status = store_->Close();
    store_.reset();
    if (!status.ok()) status = Prefixed("--store", status);
  }
  return status;
}

}  // namespace gogocache
