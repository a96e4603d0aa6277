// Copyright 2026 The gogocache Authors.
//
// Test helpers for peer/: a cluster of nodes in one process over real gRPC
// on 127.0.0.1, each node a PeerServer, a PeerPool with GrpcPeerConnector and
// CacheGroups whose getters count their calls; and raw sockets that talk to a
// node's port (or never answer) the way no gRPC client would.
//
//   std::unique_ptr<TestCluster> cluster = TestCluster::Start(options);
//   cluster->node(0).group().Get(key);
//   EXPECT_EQ(cluster->node(cluster->OwnerOf(key)).getter().calls(key), 1);
//
// Each node's getters pass its Gate, which a test may close to hold loads.

#ifndef GOGOCACHE_PEER_TEST_CLUSTER_H_
#define GOGOCACHE_PEER_TEST_CLUSTER_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "cache/cache_group.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "loader/clock.h"
#include "loader/getter.h"
#include "peer/grpc_peer_client.h"
#include "peer/owner_picker.h"
#include "peer/peer.grpc.pb.h"
#include "peer/peer_pool.h"
#include "peer/peer_server.h"

namespace gogocache {
namespace testing {

// Polls `condition` every millisecond until it holds (true) or `limit`
// passes (false).
template <typename Condition>
bool Eventually(Condition condition, absl::Duration limit = absl::Seconds(10)) {
  const absl::Time deadline = absl::Now() + limit;
  while (!condition()) {
    if (absl::Now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

// Runs `body(i)` for i in [0, n) on n threads, and joins them.
inline void RunThreads(int n, const std::function<void(int)>& body) {
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) threads.emplace_back(body, i);
  for (std::thread& thread : threads) thread.join();
}

// While closed, every getter call waits at the gate; a test counts them.
class Gate {
 public:
  void Close() {
    std::lock_guard<std::mutex> lock(mu_);
    open_ = false;
  }
  void Open() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      open_ = true;
    }
    cv_.notify_all();
  }
  int waiting() {
    std::lock_guard<std::mutex> lock(mu_);
    return waiting_;
  }
  void Pass() {
    std::unique_lock<std::mutex> lock(mu_);
    ++waiting_;
    cv_.wait(lock, [this] { return open_; });
    --waiting_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = true;
  int waiting_ = 0;
};

// What a getter returns for (group, key).
using LoadFunction = std::function<absl::StatusOr<std::string>(
    absl::string_view group, absl::string_view key)>;

inline absl::StatusOr<std::string> DefaultLoad(absl::string_view group,
                                               absl::string_view key) {
  return absl::StrCat(group, "/", key);
}

// A getter that counts its calls per key, then passes the gate and loads.
class CountingGetter : public Getter {
 public:
  CountingGetter(std::string group, LoadFunction load,
                 std::shared_ptr<Gate> gate)
      : group_(std::move(group)), load_(std::move(load)), gate_(gate) {}

  absl::StatusOr<std::string> Get(absl::string_view key) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++calls_[std::string(key)];
    }
    gate_->Pass();
    return load_(group_, key);
  }

  int calls(absl::string_view key) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = calls_.find(std::string(key));
    return it == calls_.end() ? 0 : it->second;
  }
  int total_calls() {
    std::lock_guard<std::mutex> lock(mu_);
    int total = 0;
    for (const auto& [key, calls] : calls_) total += calls;
    return total;
  }

 private:
  const std::string group_;
  const LoadFunction load_;
  const std::shared_ptr<Gate> gate_;
  std::mutex mu_;
  std::map<std::string, int> calls_;
};

struct ClusterOptions {
  int nodes = 3;
  // One CacheGroup per name on every node, all served by the node's server.
  std::vector<std::string> groups = {"test"};
  uint32_t num_shards = 4;
  size_t capacity_bytes = size_t{1} << 20;
  size_t max_key_size = 4096;
  // Expiry of every group, on one clock (null: the system's).
  absl::Duration expire_after_write = absl::InfiniteDuration();
  std::shared_ptr<Clock> clock;
  LoadFunction load = DefaultLoad;
  // listen_address is 127.0.0.1:0 whatever this says.
  PeerServerOptions server;
  // Long enough that a test holding a getter at its gate is not a timeout.
  GrpcPeerClientOptions client = [] {
    GrpcPeerClientOptions client;
    client.timeout = absl::Seconds(20);
    return client;
  }();
};

// One process of the cluster. Members are destroyed bottom up: the server
// first, then the groups it serves.
struct TestNode {
  std::string address;         // 127.0.0.1:PORT
  std::shared_ptr<Gate> gate;  // Passed by all the node's getters.
  std::shared_ptr<PeerPool> pool;
  std::vector<std::shared_ptr<CountingGetter>> getters;  // One per group.
  std::vector<std::unique_ptr<CacheGroup>> groups;
  std::unique_ptr<PeerServer> server;

  CacheGroup& group(size_t i = 0) { return *groups[i]; }
  CountingGetter& getter(size_t i = 0) { return *getters[i]; }
  CacheGroupStats stats(size_t i = 0) { return groups[i]->GetStats(); }
};

// The value of `key` of group `g` as `node` answers it, or its error as
// text.
inline std::string GetValue(TestNode& node, absl::string_view key,
                            size_t g = 0) {
  absl::StatusOr<ByteView> value = node.group(g).Get(key);
  return value.ok() ? value->ToString() : value.status().ToString();
}

class TestCluster {
 public:
  explicit TestCluster(ClusterOptions options) : options_(std::move(options)) {}

  // options.nodes nodes, each on every node's list. Null, with a test
  // failure, if a node cannot start.
  static std::unique_ptr<TestCluster> Start(ClusterOptions options) {
    auto cluster = std::make_unique<TestCluster>(std::move(options));
    for (int i = 0; i < cluster->options_.nodes; ++i) {
      absl::StatusOr<int> node = cluster->AddNode();
      if (!node.ok()) {
        ADD_FAILURE() << node.status();
        return nullptr;
      }
    }
    if (absl::Status status = cluster->ConnectAll(); !status.ok()) {
      ADD_FAILURE() << status;
      return nullptr;
    }
    return cluster;
  }

  ~TestCluster() {
    OpenGates();
    for (auto& node : nodes_) {
      if (node->server != nullptr) node->server->Shutdown();
    }
  }

  // Starts a node, as a process does: listen, learn the port, make the pool
  // and the groups, serve them. It is on no list yet, its own included.
  absl::StatusOr<int> AddNode() {
    return AddNode(options_.server, options_.client);
  }
  absl::StatusOr<int> AddNode(PeerServerOptions server_options,
                              GrpcPeerClientOptions client_options) {
    auto node = std::make_unique<TestNode>();
    node->gate = std::make_shared<Gate>();
    server_options.listen_address = "127.0.0.1:0";
    absl::StatusOr<std::unique_ptr<PeerServer>> server =
        PeerServer::Start(server_options);
    if (!server.ok()) return server.status();
    node->server = *std::move(server);
    node->address = absl::StrCat("127.0.0.1:", node->server->port());
    PeerPoolOptions pool_options;
    pool_options.self = node->address;
    pool_options.connect = GrpcPeerConnector(client_options);
    absl::StatusOr<std::shared_ptr<PeerPool>> pool =
        PeerPool::Create(std::move(pool_options));
    if (!pool.ok()) return pool.status();
    node->pool = *std::move(pool);
    for (const std::string& name : options_.groups) {
      auto getter =
          std::make_shared<CountingGetter>(name, options_.load, node->gate);
      CacheGroupOptions group_options;
      group_options.name = name;
      group_options.num_shards = options_.num_shards;
      group_options.capacity_bytes = options_.capacity_bytes;
      group_options.max_key_size = options_.max_key_size;
      group_options.expire_after_write = options_.expire_after_write;
      group_options.clock = options_.clock;
      group_options.getter = getter;
      group_options.peers = node->pool;
      absl::StatusOr<std::unique_ptr<CacheGroup>> group =
          CacheGroup::Create(std::move(group_options));
      if (!group.ok()) return group.status();
      if (absl::Status status = node->server->AddGroup(group->get());
          !status.ok()) {
        return status;
      }
      node->getters.push_back(std::move(getter));
      node->groups.push_back(*std::move(group));
    }
    nodes_.push_back(std::move(node));
    return static_cast<int>(nodes_.size()) - 1;
  }

  // Every node's list becomes every node's address.
  absl::Status ConnectAll() {
    for (auto& node : nodes_) {
      if (absl::Status status = node->pool->SetPeers(addresses());
          !status.ok()) {
        return status;
      }
    }
    return absl::OkStatus();
  }

  // Serves node `i` again on its port, after its server's Shutdown.
  absl::Status RestartServer(int i) {
    TestNode& node = *nodes_[i];
    PeerServerOptions server_options = options_.server;
    server_options.listen_address = node.address;
    absl::StatusOr<std::unique_ptr<PeerServer>> server =
        PeerServer::Start(server_options);
    if (!server.ok()) return server.status();
    for (auto& group : node.groups) {
      if (absl::Status status = (*server)->AddGroup(group.get());
          !status.ok()) {
        return status;
      }
    }
    node.server = *std::move(server);
    return absl::OkStatus();
  }

  int size() const { return static_cast<int>(nodes_.size()); }
  TestNode& node(int i) { return *nodes_[i]; }

  // Every node's gate at once.
  void CloseGates() {
    for (auto& node : nodes_) node->gate->Close();
  }
  void OpenGates() {
    for (auto& node : nodes_) node->gate->Open();
  }
  int Waiting() {
    int waiting = 0;
    for (auto& node : nodes_) waiting += node->gate->waiting();
    return waiting;
  }

  std::vector<std::string> addresses() const {
    std::vector<std::string> addresses;
    for (const auto& node : nodes_) addresses.push_back(node->address);
    return addresses;
  }

  // The node that owns `key` when every node is on the list.
  int OwnerOf(absl::string_view key) const {
    return static_cast<int>(OwnerPicker::Create(addresses())->Pick(key));
  }

  // `count` keys "PREFIX-N" owned by node `owner`.
  std::vector<std::string> KeysOwnedBy(int owner, absl::string_view prefix,
                                       int count) const {
    std::vector<std::string> keys;
    for (int n = 0; static_cast<int>(keys.size()) < count; ++n) {
      std::string key = absl::StrCat(prefix, "-", n);
      if (OwnerOf(key) == owner) keys.push_back(std::move(key));
    }
    return keys;
  }
  std::string KeyOwnedBy(int owner, absl::string_view prefix) const {
    return KeysOwnedBy(owner, prefix, 1)[0];
  }

  // Getter calls for `key` of group `g`, summed over the nodes.
  int TotalCalls(absl::string_view key, size_t g = 0) {
    int total = 0;
    for (auto& node : nodes_) total += node->getter(g).calls(key);
    return total;
  }

 private:
  const ClusterOptions options_;
  std::vector<std::unique_ptr<TestNode>> nodes_;
};

// A stub of the peer service on a plain channel to `address`, for requests
// the client library would never send.
inline std::unique_ptr<peer::PeerService::Stub> RawStub(
    const std::string& address,
    std::shared_ptr<grpc::ChannelCredentials> credentials =
        grpc::InsecureChannelCredentials()) {
  return peer::PeerService::NewStub(
      grpc::CreateChannel(address, std::move(credentials)));
}

inline std::chrono::system_clock::time_point Deadline(
    absl::Duration timeout = absl::Seconds(10)) {
  return std::chrono::system_clock::now() + absl::ToChronoMilliseconds(timeout);
}

// A Get through `stub`, on a stream of its own: the status the stream ended
// with when there is no answer.
inline grpc::Status RawGet(peer::PeerService::Stub& stub,
                           const std::string& group, const std::string& key,
                           peer::GetResponse* response) {
  grpc::ClientContext context;
  context.set_deadline(Deadline());
  peer::GetRequest request;
  request.set_group(group);
  request.set_key(key);
  auto stream = stub.Get(&context);
  if (stream->Write(request) && stream->Read(response)) {
    stream->WritesDone();
    return stream->Finish();
  }
  const grpc::Status status = stream->Finish();
  return status.ok() ? grpc::Status(grpc::StatusCode::UNKNOWN,
                                    "the stream ended without an answer")
                     : status;
}

// A TCP socket listening on 127.0.0.1 that never answers: the kernel
// completes each connection's handshake (the backlog), and then nothing is
// read and nothing is written, as by a peer that hangs.
class SilentListener {
 public:
  SilentListener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    if (fd_ < 0 ||
        ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
        ::listen(fd_, 64) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      ADD_FAILURE() << "cannot listen on 127.0.0.1: " << errno;
      return;
    }
    address_ = absl::StrCat("127.0.0.1:", ntohs(addr.sin_port));
  }
  ~SilentListener() {
    if (fd_ >= 0) ::close(fd_);
  }
  SilentListener(const SilentListener&) = delete;
  SilentListener& operator=(const SilentListener&) = delete;

  const std::string& address() const { return address_; }

 private:
  int fd_ = -1;
  std::string address_;
};

// Connects to 127.0.0.1:`port`, writes `bytes`, reads whatever comes back
// until the other side closes or a second passes, and closes. Returns the
// bytes read.
inline std::string SendRawBytes(int port, absl::string_view bytes) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  std::string reply;
  if (fd < 0 ||
      ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ADD_FAILURE() << "cannot connect to port " << port << ": " << errno;
    if (fd >= 0) ::close(fd);
    return reply;
  }
  timeval timeout{1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
  size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n =
        ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // The server may close on the first bad byte.
    sent += n;
  }
  char buffer[4096];
  ssize_t n;
  while ((n = ::recv(fd, buffer, sizeof(buffer), 0)) > 0) {
    reply.append(buffer, n);
  }
  ::close(fd);
  return reply;
}

}  // namespace testing
}  // namespace gogocache

#endif  // GOGOCACHE_PEER_TEST_CLUSTER_H_
