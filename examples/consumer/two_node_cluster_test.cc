// Copyright 2026 The gogocache Authors.
//
// A downstream user's test: two nodes of one cache in one process, talking
// over gRPC on 127.0.0.1 with gogocache's //peer targets, as a service would
// set up each of its processes.

#include <atomic>
#include <memory>
#include <string>

#include "cache/cache_group.h"
#include "gtest/gtest.h"
#include "loader/getter.h"
#include "peer/grpc_peer_client.h"
#include "peer/peer_pool.h"
#include "peer/peer_server.h"

namespace {

struct Node {
  std::unique_ptr<gogocache::PeerServer> server;
  std::shared_ptr<gogocache::PeerPool> pool;
  std::unique_ptr<gogocache::CacheGroup> group;
  std::string address;
};

Node StartNode(std::atomic<int>* loads) {
  Node node;
  absl::StatusOr<std::unique_ptr<gogocache::PeerServer>> server =
      gogocache::PeerServer::Start(gogocache::PeerServerOptions());
  EXPECT_TRUE(server.ok()) << server.status();
  node.server = *std::move(server);
  node.address = "127.0.0.1:" + std::to_string(node.server->port());
  absl::StatusOr<std::shared_ptr<gogocache::PeerPool>> pool =
      gogocache::PeerPool::Create(
          {node.address, gogocache::GrpcPeerConnector({})});
  EXPECT_TRUE(pool.ok()) << pool.status();
  node.pool = *pool;
  gogocache::CacheGroupOptions options;
  options.name = "profiles";
  options.peers = node.pool;
  options.getter = gogocache::MakeGetter(
      [loads](absl::string_view key) -> absl::StatusOr<std::string> {
        ++*loads;
        return "profile of " + std::string(key);
      });
  absl::StatusOr<std::unique_ptr<gogocache::CacheGroup>> group =
      gogocache::CacheGroup::Create(std::move(options));
  EXPECT_TRUE(group.ok()) << group.status();
  node.group = *std::move(group);
  EXPECT_TRUE(node.server->AddGroup(node.group.get()).ok());
  return node;
}

TEST(TwoNodeClusterTest, EachKeyIsLoadedOnceForBothNodes) {
  std::atomic<int> loads{0};
  Node a = StartNode(&loads);
  Node b = StartNode(&loads);
  for (Node* node : {&a, &b}) {
    ASSERT_TRUE(node->pool->SetPeers({a.address, b.address}).ok());
  }
  for (int i = 0; i < 50; ++i) {
    const std::string key = "user:" + std::to_string(i);
    for (Node* node : {&a, &b}) {
      absl::StatusOr<gogocache::ByteView> value = node->group->Get(key);
      ASSERT_TRUE(value.ok()) << value.status();
      EXPECT_EQ(value->ToString(), "profile of " + key);
    }
  }
  EXPECT_EQ(loads.load(), 50);
  const uint64_t fetched =
      a.group->GetStats().peer_loads + b.group->GetStats().peer_loads;
  EXPECT_GT(fetched, 0u);
  // Servers stop before their groups go.
  a.server->Shutdown();
  b.server->Shutdown();
}

}  // namespace
