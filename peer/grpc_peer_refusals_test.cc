// Copyright 2026 The gogocache Authors.
//
// What a node refuses over real gRPC on 127.0.0.1 (test_cluster.h), without
// harm to itself or to what it serves: requests for unknown groups and bad
// keys, values and requests over the message limit, garbage on its port,
// requests beyond its concurrency limit, Get streams beyond their limit,
// requests sent ahead of their answers, options out of range, a port in
// use.

#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "peer/grpc_peer_client.h"
#include "peer/peer_server.h"
#include "peer/test_cluster.h"

namespace gogocache {
namespace {

using ::gogocache::testing::ClusterOptions;
using ::gogocache::testing::Deadline;
using ::gogocache::testing::Eventually;
using ::gogocache::testing::GetValue;
using ::gogocache::testing::RawGet;
using ::gogocache::testing::RawStub;
using ::gogocache::testing::SendRawBytes;
using ::gogocache::testing::TestCluster;
using ::gogocache::testing::TestNode;
using ::testing::HasSubstr;

std::string Expected(absl::string_view key) {
  return absl::StrCat("test/", key);
}

TEST(GrpcPeerRefusalsTest, RequestsForUnknownGroupsAndBadKeysAreRefused) {
  ClusterOptions options;
  options.nodes = 1;
  options.max_key_size = 64;
  std::unique_ptr<TestCluster> cluster = TestCluster::Start(options);
  ASSERT_NE(cluster, nullptr);
  auto stub = RawStub(cluster->node(0).address);
  const auto get = [&](const std::string& group, const std::string& key,
                       peer::GetResponse* response) {
    return RawGet(*stub, group, key, response);
  };
  peer::GetResponse response;
  grpc::Status status = get("no-such-group", "k", &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(status.error_message(), HasSubstr("no-such-group"));
  {
    grpc::ClientContext context;
    context.set_deadline(Deadline());
    peer::SetRequest request;
    request.set_group("nor-this-one");
    peer::SetResponse set_response;
    status = stub->Set(&context, request, &set_response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
    EXPECT_THAT(status.error_message(), HasSubstr("nor-this-one"));
  }
  for (const std::string& key : {std::string(65, 'k'), std::string()}) {
    response.Clear();
    ASSERT_TRUE(get("test", key, &response).ok());
    ASSERT_TRUE(response.has_error()) << key.size();
    EXPECT_EQ(response.error().code(),
              static_cast<int>(absl::StatusCode::kInvalidArgument));
    EXPECT_THAT(response.error().message(),
                HasSubstr(key.empty() ? "empty" : "max_key_size"));
  }
  response.Clear();
  ASSERT_TRUE(get("test", "fine", &response).ok());
  EXPECT_FALSE(response.has_error());
  EXPECT_EQ(response.value(), "test/fine");
}

TEST(GrpcPeerRefusalsTest, ValuesOverTheMessageLimitAreLoadedByTheAsker) {
  ClusterOptions options;
  options.server.max_message_bytes = 4096;
  options.client.max_message_bytes = 4096;
  // Keys named "big..." have values over the limit.
  options.load = [](absl::string_view,
                    absl::string_view key) -> absl::StatusOr<std::string> {
    if (absl::StartsWith(key, "big")) return std::string(10000, key[0]);
    return Expected(key);
  };
  std::unique_ptr<TestCluster> cluster = TestCluster::Start(options);
  ASSERT_NE(cluster, nullptr);
  const std::string key = cluster->KeyOwnedBy(1, "big");
  // The owner refuses to send it...
  peer::GetResponse response;
  const grpc::Status status =
      RawGet(*RawStub(cluster->node(1).address), "test", key, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  // ...so the asker loads it.
  EXPECT_EQ(GetValue(cluster->node(0), key), std::string(10000, 'b'));
  EXPECT_EQ(cluster->node(0).getter().calls(key), 1);
  EXPECT_EQ(cluster->node(0).stats().peer_errors, 1u);
  // A Set that the owner could not take is refused before it is sent.
  const absl::Status set =
      cluster->node(0).group().Set(key, std::string(10000, 'v'));
  EXPECT_EQ(set.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(set.message(), HasSubstr("message limit"));
  EXPECT_THAT(set.message(), HasSubstr(cluster->node(1).address));
  EXPECT_EQ(cluster->node(1).stats().served_for_peers, 2u);
  // The refusal ended a stream, not the asker's way to the owner.
  const std::string small = cluster->KeyOwnedBy(1, "small");
  EXPECT_EQ(GetValue(cluster->node(0), small), Expected(small));
  EXPECT_EQ(cluster->node(1).getter().calls(small), 1);
  EXPECT_EQ(cluster->node(0).stats().peer_errors, 1u);
}

TEST(GrpcPeerRefusalsTest, RequestsOverTheMessageLimitAreRefused) {
  ClusterOptions options;
  options.server.max_message_bytes = 4096;
  std::unique_ptr<TestCluster> cluster = TestCluster::Start(options);
  ASSERT_NE(cluster, nullptr);
  const std::string key = cluster->KeyOwnedBy(1, "set");
  // A Set the client library would refuse to send, sent anyway.
  peer::SetRequest request;
  request.set_group("test");
  request.set_key(key);
  request.set_value(std::string(1 << 20, 'v'));
  peer::SetResponse response;
  grpc::ClientContext context;
  context.set_deadline(Deadline());
  const grpc::Status status =
      RawStub(cluster->node(1).address)->Set(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(cluster->node(1).stats().served_for_peers, 0u);
  EXPECT_EQ(GetValue(cluster->node(1), key), Expected(key));
}

TEST(GrpcPeerRefusalsTest, GarbageOnThePortLeavesTheNodeServing) {
  std::unique_ptr<TestCluster> cluster = TestCluster::Start(ClusterOptions());
  ASSERT_NE(cluster, nullptr);
  const int port = cluster->node(1).server->port();
  std::mt19937 random(7);
  std::string garbage(64 << 10, '\0');
  for (char& c : garbage) c = static_cast<char>(random());
  SendRawBytes(port, garbage);
  SendRawBytes(port, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  SendRawBytes(port, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + garbage);
  const std::string key = cluster->KeyOwnedBy(1, "after");
  EXPECT_EQ(GetValue(cluster->node(0), key), Expected(key));
  EXPECT_EQ(cluster->node(1).getter().calls(key), 1);
  EXPECT_EQ(cluster->node(0).stats().peer_errors, 0u);
}

TEST(GrpcPeerRefusalsTest, RequestsBeyondMaxConcurrentAreRefused) {
  ClusterOptions options;
  options.nodes = 1;
  options.server.max_concurrent_requests = 1;
  std::unique_ptr<TestCluster> cluster = TestCluster::Start(options);
  ASSERT_NE(cluster, nullptr);
  auto stub = RawStub(cluster->node(0).address);
  const auto get = [&](const std::string& key, peer::GetResponse* response) {
    return RawGet(*stub, "test", key, response);
  };
  cluster->CloseGates();
  grpc::Status first_status;
  peer::GetResponse first;
  std::thread first_call([&] { first_status = get("first", &first); });
  EXPECT_TRUE(Eventually([&] { return cluster->Waiting() == 1; }));
  peer::GetResponse second;
  const grpc::Status refused = get("second", &second);
  cluster->OpenGates();
  first_call.join();
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_TRUE(first_status.ok()) << first_status.error_message();
  EXPECT_EQ(first.value(), "test/first");
  EXPECT_TRUE(get("second", &second).ok());
  EXPECT_EQ(second.value(), "test/second");
}

TEST(GrpcPeerRefusalsTest, GetStreamsBeyondTheLimitAreRefused) {
  ClusterOptions options;
  options.server.max_get_streams = 1;
  std::unique_ptr<TestCluster> cluster = TestCluster::Start(options);
  ASSERT_NE(cluster, nullptr);
  // A stream held open, as an asker keeps one between fetches.
  auto stub = RawStub(cluster->node(1).address);
  grpc::ClientContext context;
  context.set_deadline(Deadline(absl::Seconds(60)));
  auto held = stub->Get(&context);
  peer::GetRequest request;
  request.set_group("test");
  request.set_key("held");
  peer::GetResponse response;
  ASSERT_TRUE(held->Write(request) && held->Read(&response));
  EXPECT_EQ(response.value(), "test/held");
  // A second one is refused, and its asker loads the key itself.
  const grpc::Status refused = RawGet(*stub, "test", "second", &response);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(refused.error_message(), HasSubstr("Get streams"));
  const std::string key = cluster->KeyOwnedBy(1, "asked");
  EXPECT_EQ(GetValue(cluster->node(0), key), Expected(key));
  EXPECT_EQ(cluster->node(0).getter().calls(key), 1);
  EXPECT_EQ(cluster->node(0).stats().peer_errors, 1u);
  // Once the held stream ends, a new one is taken.
  held->WritesDone();
  EXPECT_TRUE(held->Finish().ok());
  EXPECT_TRUE(Eventually(
      [&] { return RawGet(*stub, "test", "third", &response).ok(); }));
  EXPECT_EQ(response.value(), "test/third");
}

// Requests written ahead of their answers wait for them in turn: one
// stream holds one request of the server's at a time.
TEST(GrpcPeerRefusalsTest, RequestsSentAheadAreAnsweredInTurn) {
  ClusterOptions options;
  options.nodes = 1;
  std::unique_ptr<TestCluster> cluster = TestCluster::Start(options);
  ASSERT_NE(cluster, nullptr);
  auto stub = RawStub(cluster->node(0).address);
  grpc::ClientContext context;
  context.set_deadline(Deadline(absl::Seconds(60)));
  auto stream = stub->Get(&context);
  constexpr int kRequests = 200;
  peer::GetRequest request;
  request.set_group("test");
  cluster->CloseGates();
  for (int i = 0; i < kRequests; ++i) {
    request.set_key(absl::StrCat("ahead-", i));
    ASSERT_TRUE(stream->Write(request)) << i;
  }
  ASSERT_TRUE(stream->WritesDone());
  // The first is being loaded; the others wait unread.
  EXPECT_TRUE(Eventually([&] { return cluster->Waiting() == 1; }));
  absl::SleepFor(absl::Milliseconds(100));
  EXPECT_EQ(cluster->Waiting(), 1);
  EXPECT_EQ(cluster->node(0).getter().calls("ahead-1"), 0);
  cluster->OpenGates();
  peer::GetResponse response;
  for (int i = 0; i < kRequests; ++i) {
    ASSERT_TRUE(stream->Read(&response)) << i;
    EXPECT_EQ(response.value(), absl::StrCat("test/ahead-", i));
  }
  EXPECT_FALSE(stream->Read(&response));
  EXPECT_TRUE(stream->Finish().ok());
  EXPECT_EQ(cluster->node(0).stats().served_for_peers, uint64_t{kRequests});
}

absl::Status StartServer(const std::string& address, size_t max_message_bytes,
                         int max_concurrent_requests) {
  PeerServerOptions options;
  options.listen_address = address;
  options.max_message_bytes = max_message_bytes;
  options.max_concurrent_requests = max_concurrent_requests;
  return PeerServer::Start(options).status();
}

TEST(GrpcPeerRefusalsTest, OptionsOutOfRangeAreRefused) {
  for (const char* address : {"nonsense", "127.0.0.1:65536", ":0", "[::1:0"}) {
    const absl::Status status = StartServer(address, 1 << 20, 1);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << address;
    EXPECT_THAT(status.message(), HasSubstr("listen_address")) << address;
  }
  for (size_t bytes : {size_t{1023}, size_t{1} << 31}) {
    const absl::Status status = StartServer("127.0.0.1:0", bytes, 1);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << bytes;
    EXPECT_THAT(status.message(), HasSubstr("max_message_bytes")) << bytes;
  }
  absl::Status status = StartServer("127.0.0.1:0", 1 << 20, 0);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("max_concurrent_requests"));
  PeerServerOptions no_streams;
  no_streams.max_get_streams = 0;
  status = PeerServer::Start(no_streams).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("max_get_streams"));
  // Not an address of this machine (TEST-NET-1).
  EXPECT_EQ(StartServer("192.0.2.1:0", 1 << 20, 1).code(),
            absl::StatusCode::kUnavailable);

  ClusterOptions cluster_options;
  cluster_options.nodes = 1;
  std::unique_ptr<TestCluster> cluster = TestCluster::Start(cluster_options);
  ASSERT_NE(cluster, nullptr);
  TestNode& node = cluster->node(0);
  status = node.server->AddGroup(&node.group());
  EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(status.message(), HasSubstr("\"test\""));
  EXPECT_EQ(node.server->AddGroup(nullptr).code(),
            absl::StatusCode::kInvalidArgument);

  GrpcPeerClientOptions client;
  client.timeout = absl::ZeroDuration();
  status = GrpcPeerConnector(client)("127.0.0.1:1").status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("timeout"));
  client.timeout = absl::Seconds(1);
  client.idle_stream_lifetime = absl::Seconds(-1);
  status = GrpcPeerConnector(client)("127.0.0.1:1").status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("idle_stream_lifetime"));
  client.idle_stream_lifetime = absl::Seconds(10);
  client.max_message_bytes = 100;
  status = GrpcPeerConnector(client)("127.0.0.1:1").status();
  EXPECT_THAT(status.message(), HasSubstr("max_message_bytes"));

  CacheGroupOptions group;
  group.capacity_bytes = 1 << 20;
  group.hot_cache_bytes = 1 << 20;
  group.peers = node.pool;
  status = CacheGroup::Create(group).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("hot_cache_bytes"));
  group.hot_cache_bytes = 1 << 10;
  group.peers = nullptr;
  status = CacheGroup::Create(group).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("no peers"));
}

// Two servers on one port would split the peers' connections between them,
// e.g. a restarted node and the old one still running.
TEST(GrpcPeerRefusalsTest, APortAnotherServerListensOnIsInUse) {
  PeerServerOptions options;
  absl::StatusOr<std::unique_ptr<PeerServer>> first =
      PeerServer::Start(options);
  ASSERT_TRUE(first.ok()) << first.status();
  options.listen_address = absl::StrCat("127.0.0.1:", (*first)->port());
  absl::StatusOr<std::unique_ptr<PeerServer>> second =
      PeerServer::Start(options);
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
  // Once the first is gone, the port is free again; the first serves no
  // more groups.
  (*first)->Shutdown();
  second = PeerServer::Start(options);
  EXPECT_TRUE(second.ok()) << second.status();
  ClusterOptions cluster_options;
  cluster_options.nodes = 1;
  std::unique_ptr<TestCluster> cluster = TestCluster::Start(cluster_options);
  ASSERT_NE(cluster, nullptr);
  EXPECT_EQ((*first)->AddGroup(&cluster->node(0).group()).code(),
            absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace gogocache
