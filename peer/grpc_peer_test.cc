// Copyright 2026 The gogocache Authors.
//
// CacheGroups spread over nodes in one process, talking real gRPC over
// 127.0.0.1 (test_cluster.h): each key is loaded once, by its owner; errors,
// failures, disagreeing lists, Set and Remove. What a node refuses is in
// grpc_peer_refusals_test.cc.

#include <atomic>
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
#include "loader/manual_clock.h"
#include "peer/owner_picker.h"
#include "peer/test_cluster.h"

namespace gogocache {
namespace {

using ::gogocache::testing::ClusterOptions;
using ::gogocache::testing::Eventually;
using ::gogocache::testing::GetValue;
using ::gogocache::testing::RunThreads;
using ::gogocache::testing::SilentListener;
using ::gogocache::testing::TestCluster;
using ::gogocache::testing::TestNode;

std::string Expected(absl::string_view key) {
  return absl::StrCat("test/", key);
}

TEST(GrpcPeerTest, EachKeyIsLoadedOnceByItsOwner) {
  std::unique_ptr<TestCluster> cluster = TestCluster::Start(ClusterOptions());
  ASSERT_NE(cluster, nullptr);
  constexpr int kKeys = 30;
  constexpr int kThreadsPerNode = 3;
  std::atomic<int> wrong{0};
  RunThreads(3 * kThreadsPerNode, [&](int t) {
    for (int i = 0; i < kKeys; ++i) {
      const std::string key = absl::StrCat("user:", (i + 7 * t) % kKeys);
      if (GetValue(cluster->node(t % 3), key) != Expected(key)) ++wrong;
    }
  });
  EXPECT_EQ(wrong.load(), 0);
  int owned[3] = {0, 0, 0};
  for (int i = 0; i < kKeys; ++i) {
    const std::string key = absl::StrCat("user:", i);
    const int owner = cluster->OwnerOf(key);
    ++owned[owner];
    EXPECT_EQ(cluster->TotalCalls(key), 1) << key;
    EXPECT_EQ(cluster->node(owner).getter().calls(key), 1) << key;
  }
  for (int n = 0; n < 3; ++n) {
    ASSERT_GT(owned[n], 0);
    const CacheGroupStats stats = cluster->node(n).stats();
    // One request for each key owned elsewhere; one from each other node
    // for each key owned here.
    EXPECT_EQ(stats.peer_loads, kKeys - owned[n]) << n;
    EXPECT_EQ(stats.served_for_peers, 2 * owned[n]) << n;
    EXPECT_EQ(stats.local_loads, owned[n]) << n;
    EXPECT_EQ(stats.peer_errors, 0u) << n;
  }
  // Asked again, keys owned elsewhere are hot copies.
  for (int n = 0; n < 3; ++n) {
    const CacheGroupStats before = cluster->node(n).stats();
    for (int i = 0; i < kKeys; ++i) {
      const std::string key = absl::StrCat("user:", i);
      EXPECT_EQ(GetValue(cluster->node(n), key), Expected(key));
    }
    const CacheGroupStats after = cluster->node(n).stats();
    EXPECT_EQ(after.hot_hits - before.hot_hits, kKeys - owned[n]) << n;
    EXPECT_EQ(after.peer_loads, before.peer_loads) << n;
    EXPECT_EQ(after.hot_items, kKeys - owned[n]) << n;
  }
}

TEST(GrpcPeerTest, AStampedeOnAllNodesCallsOneGetter) {
  std::unique_ptr<TestCluster> cluster = TestCluster::Start(ClusterOptions());
  ASSERT_NE(cluster, nullptr);
  constexpr int kThreadsPerNode = 4;
  const int owner = 1;
  const std::string key = cluster->KeyOwnedBy(owner, "stampede");
  cluster->CloseGates();
  std::vector<std::string> values(3 * kThreadsPerNode);
  std::thread callers([&] {
    RunThreads(3 * kThreadsPerNode,
               [&](int t) { values[t] = GetValue(cluster->node(t % 3), key); });
  });
  // Every caller waits: one at the owner's gate, the rest sharing a node's
  // load; each other node's one request is at the owner.
  EXPECT_TRUE(Eventually([&] {
    if (cluster->Waiting() != 1) return false;
    if (cluster->node(owner).stats().served_for_peers != 2) return false;
    for (int n = 0; n < 3; ++n) {
      if (cluster->node(n).stats().loads_shared != kThreadsPerNode - 1) {
        return false;
      }
    }
    return true;
  }));
  cluster->OpenGates();
  callers.join();
  for (const std::string& value : values) EXPECT_EQ(value, Expected(key));
  EXPECT_EQ(cluster->TotalCalls(key), 1);
  EXPECT_EQ(cluster->node(owner).getter().calls(key), 1);
}

TEST(GrpcPeerTest, TheOwnersErrorReachesTheCallerUnchanged) {
  ClusterOptions options;
  options.load = [](absl::string_view,
                    absl::string_view key) -> absl::StatusOr<std::string> {
    if (absl::StartsWith(key, "missing")) {
      return absl::NotFoundError(absl::StrCat("no such user ", key));
    }
    return absl::PermissionDeniedError(
        absl::StrCat("custom \xff message for ", key));
  };
  std::unique_ptr<TestCluster> cluster = TestCluster::Start(options);
  ASSERT_NE(cluster, nullptr);
  TestNode& asker = cluster->node(0);
  const std::string missing = cluster->KeyOwnedBy(2, "missing");
  const std::string denied = cluster->KeyOwnedBy(2, "denied");
  for (int round = 1; round <= 2; ++round) {
    absl::Status status = asker.group().Get(missing).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
    EXPECT_EQ(status.message(), absl::StrCat("no such user ", missing));
    status = asker.group().Get(denied).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied);
    EXPECT_EQ(status.message(),
              absl::StrCat("custom \xff message for ", denied));
    // Errors are not cached: the owner is asked, and loads, each time.
    EXPECT_EQ(cluster->node(2).getter().calls(missing), round);
    EXPECT_EQ(cluster->node(2).getter().calls(denied), round);
  }
  EXPECT_EQ(asker.getter().total_calls(), 0);
  EXPECT_EQ(asker.stats().peer_loads, 4u);
  EXPECT_EQ(asker.stats().peer_errors, 0u);
}

// The owner's expiry crosses the wire both ways: with its answers, so that
// no copy outlives its value, and with a Set, so that the owner keeps it.
TEST(GrpcPeerTest, ExpiryTravelsWithTheValue) {
  ClusterOptions options;
  auto clock = std::make_shared<ManualClock>();
  options.clock = clock;
  options.expire_after_write = absl::Seconds(10);
  std::unique_ptr<TestCluster> cluster = TestCluster::Start(options);
  ASSERT_NE(cluster, nullptr);
  TestNode& asker = cluster->node(0);
  const std::string key = cluster->KeyOwnedBy(1, "expiring");
  ASSERT_TRUE(asker.group().Get(key).ok());
  clock->Advance(absl::Seconds(9));
  ASSERT_TRUE(asker.group().Get(key).ok());
  EXPECT_EQ(asker.stats().hot_hits, 1u);
  clock->Advance(absl::Seconds(1));
  ASSERT_TRUE(asker.group().Get(key).ok());
  EXPECT_EQ(asker.stats().peer_loads, 2u) << "a copy outlived the owner's";
  EXPECT_EQ(cluster->node(1).getter().calls(key), 2);

  const std::string set = cluster->KeyOwnedBy(1, "set");
  ASSERT_TRUE(
      asker.group().Set(set, "short", clock->Now() + absl::Seconds(1)).ok());
  EXPECT_EQ(GetValue(cluster->node(1), set), "short");
  clock->Advance(absl::Seconds(1));
  GetValue(cluster->node(1), set);
  EXPECT_EQ(cluster->node(1).getter().calls(set), 1)
      << "the owner kept the Set past its expiry";
}

TEST(GrpcPeerTest, WhenTheOwnerIsDownTheOthersLoadItsKeys) {
  std::unique_ptr<TestCluster> cluster = TestCluster::Start(ClusterOptions());
  ASSERT_NE(cluster, nullptr);
  const int down = 2;
  std::vector<std::string> warm;
  for (int i = 0; i < 30; ++i) warm.push_back(absl::StrCat("warm-", i));
  for (int n = 0; n < 3; ++n) {
    for (const std::string& key : warm) GetValue(cluster->node(n), key);
  }
  cluster->node(down).server->Shutdown();
  // What the others hold, they answer without loading again.
  for (int n : {0, 1}) {
    for (const std::string& key : warm) {
      EXPECT_EQ(GetValue(cluster->node(n), key), Expected(key));
      EXPECT_EQ(cluster->TotalCalls(key), 1) << key;
    }
  }
  // New keys of the one that is down each of them loads itself.
  for (const std::string& key : cluster->KeysOwnedBy(down, "fresh", 5)) {
    for (int n : {0, 1}) {
      EXPECT_EQ(GetValue(cluster->node(n), key), Expected(key));
      EXPECT_EQ(cluster->node(n).getter().calls(key), 1) << key;
    }
  }
  EXPECT_EQ(cluster->node(0).stats().peer_errors, 5u);
  EXPECT_EQ(cluster->node(1).stats().peer_errors, 5u);
  // Keys of the others still go to their owners.
  const std::string key = cluster->KeyOwnedBy(1, "alive");
  EXPECT_EQ(GetValue(cluster->node(0), key), Expected(key));
  EXPECT_EQ(cluster->node(1).getter().calls(key), 1);
  EXPECT_EQ(cluster->node(0).stats().peer_errors, 5u);

  // Back on its port, it is asked again within a couple of seconds.
  ASSERT_TRUE(cluster->RestartServer(down).ok());
  const absl::Time restarted = absl::Now();
  int attempt = 0;
  EXPECT_TRUE(Eventually([&] {
    const uint64_t before = cluster->node(0).stats().peer_loads;
    GetValue(cluster->node(0),
             cluster->KeyOwnedBy(down, absl::StrCat("back", attempt++)));
    return cluster->node(0).stats().peer_loads > before;
  }));
  EXPECT_LT(absl::Now() - restarted, absl::Seconds(5));
}

TEST(GrpcPeerTest, AnInfiniteTimeoutIsNoDeadline) {
  ClusterOptions options;
  options.client.timeout = absl::InfiniteDuration();
  std::unique_ptr<TestCluster> cluster = TestCluster::Start(options);
  ASSERT_NE(cluster, nullptr);
  const std::string key = cluster->KeyOwnedBy(1, "forever");
  EXPECT_EQ(GetValue(cluster->node(0), key), Expected(key));
  EXPECT_EQ(cluster->node(1).getter().calls(key), 1);
  EXPECT_EQ(cluster->node(0).getter().calls(key), 0);
  EXPECT_EQ(cluster->node(0).stats().peer_errors, 0u);
}

TEST(GrpcPeerTest, APeerThatNeverAnswersCostsOneTimeout) {
  ClusterOptions options;
  options.client.timeout = absl::Milliseconds(300);
  std::unique_ptr<TestCluster> cluster = TestCluster::Start(options);
  ASSERT_NE(cluster, nullptr);
  SilentListener silent;
  std::vector<std::string> list = cluster->addresses();
  list.push_back(silent.address());
  ASSERT_TRUE(cluster->node(0).pool->SetPeers(list).ok());
  const OwnerPicker picker = *OwnerPicker::Create(list);
  std::string key;
  for (int i = 0; key.empty() || picker.Pick(key) != 3; ++i) {
    key = absl::StrCat("hang-", i);
  }
  const absl::Time start = absl::Now();
  EXPECT_EQ(GetValue(cluster->node(0), key), Expected(key));
  const absl::Duration took = absl::Now() - start;
  EXPECT_LT(took, absl::Milliseconds(300) + absl::Seconds(2));
  EXPECT_EQ(cluster->node(0).getter().calls(key), 1);
  EXPECT_EQ(cluster->node(0).stats().peer_errors, 1u);
  // The answer is kept: no second wait.
  EXPECT_EQ(GetValue(cluster->node(0), key), Expected(key));
  EXPECT_EQ(cluster->node(0).stats().peer_errors, 1u);
}

TEST(GrpcPeerTest, PeersThatNeverAnswerCostARemoveOneTimeoutInAll) {
  ClusterOptions options;
  options.client.timeout = absl::Seconds(1);
  std::unique_ptr<TestCluster> cluster = TestCluster::Start(options);
  ASSERT_NE(cluster, nullptr);
  SilentListener first;
  SilentListener second;
  std::vector<std::string> list = cluster->addresses();
  list.push_back(first.address());
  list.push_back(second.address());
  ASSERT_TRUE(cluster->node(0).pool->SetPeers(list).ok());
  const OwnerPicker picker = *OwnerPicker::Create(list);
  std::string key;
  for (int i = 0; key.empty() || picker.Pick(key) != 0; ++i) {
    key = absl::StrCat("mine-", i);
  }
  const absl::Time start = absl::Now();
  EXPECT_TRUE(cluster->node(0).group().Remove(key).ok());
  // The four others are asked at once: the two silent ones time out
  // together, not one after the other (which takes 2 s).
  EXPECT_LT(absl::Now() - start, absl::Milliseconds(1800));
  EXPECT_EQ(cluster->node(0).stats().peer_errors, 2u);
}

// The server's end cancels a Get whose load is on a worker; the asker
// loads the key itself, and the end waits for the load.
TEST(GrpcPeerTest, ShutdownEndsAGetWhoseLoadIsRunning) {
  std::unique_ptr<TestCluster> cluster = TestCluster::Start(ClusterOptions());
  ASSERT_NE(cluster, nullptr);
  const std::string key = cluster->KeyOwnedBy(1, "running");
  cluster->node(1).gate->Close();
  std::string value;
  std::thread asker([&] { value = GetValue(cluster->node(0), key); });
  EXPECT_TRUE(
      Eventually([&] { return cluster->node(1).gate->waiting() == 1; }));
  std::atomic<bool> shut_down{false};
  const absl::Time start = absl::Now();
  std::thread shutdown([&] {
    cluster->node(1).server->Shutdown();
    shut_down = true;
  });
  asker.join();
  // At once, not after the second gRPC gives calls before it cancels them.
  EXPECT_LT(absl::Now() - start, absl::Milliseconds(800));
  EXPECT_EQ(value, Expected(key));
  EXPECT_EQ(cluster->node(0).getter().calls(key), 1);
  EXPECT_EQ(cluster->node(0).stats().peer_errors, 1u);
  EXPECT_FALSE(shut_down);
  cluster->node(1).gate->Open();
  shutdown.join();
  EXPECT_EQ(cluster->node(1).getter().calls(key), 1);
}

TEST(GrpcPeerTest, AnOwnerSlowerThanTheTimeoutCostsOneTimeout) {
  ClusterOptions options;
  options.client.timeout = absl::Milliseconds(300);
  std::unique_ptr<TestCluster> cluster = TestCluster::Start(options);
  ASSERT_NE(cluster, nullptr);
  const std::string key = cluster->KeyOwnedBy(1, "slow");
  cluster->node(1).gate->Close();
  const absl::Time start = absl::Now();
  EXPECT_EQ(GetValue(cluster->node(0), key), Expected(key));
  const absl::Duration took = absl::Now() - start;
  EXPECT_GE(took, absl::Milliseconds(300));
  EXPECT_LT(took, absl::Milliseconds(300) + absl::Seconds(2));
  EXPECT_EQ(cluster->node(0).getter().calls(key), 1);
  EXPECT_EQ(cluster->node(0).stats().peer_errors, 1u);
  EXPECT_EQ(cluster->node(1).gate->waiting(), 1);
  cluster->node(1).gate->Open();
  // The stream the answer was late on is not used again: the next fetch
  // gets its own answer, not the late one.
  const std::string next = cluster->KeyOwnedBy(1, "next");
  EXPECT_EQ(GetValue(cluster->node(0), next), Expected(next));
  EXPECT_EQ(cluster->node(1).getter().calls(next), 1);
  EXPECT_EQ(cluster->node(0).stats().peer_errors, 1u);
}

// A process keeps its Get streams open between fetches: the owner takes
// one stream, and only one, for fetches one after another.
TEST(GrpcPeerTest, FetchesOneAfterAnotherShareOneStream) {
  ClusterOptions options;
  options.server.max_get_streams = 1;
  std::unique_ptr<TestCluster> cluster = TestCluster::Start(options);
  ASSERT_NE(cluster, nullptr);
  for (const std::string& key : cluster->KeysOwnedBy(1, "one", 20)) {
    EXPECT_EQ(GetValue(cluster->node(0), key), Expected(key));
    EXPECT_EQ(cluster->node(1).getter().calls(key), 1) << key;
  }
  EXPECT_EQ(cluster->node(0).stats().peer_errors, 0u);
  EXPECT_EQ(cluster->node(0).stats().peer_loads, 20u);
}

// Streams kept beyond the fetches a process lately ran at once end, and the
// owner counts them no more.
TEST(GrpcPeerTest, StreamsIdleForTheirLifetimeEnd) {
  ClusterOptions options;
  options.server.max_get_streams = 2;
  options.client.idle_stream_lifetime = absl::Seconds(2);
  std::unique_ptr<TestCluster> cluster = TestCluster::Start(options);
  ASSERT_NE(cluster, nullptr);
  const std::vector<std::string> keys = cluster->KeysOwnedBy(1, "idle", 3);
  // Two fetches at once: two streams.
  cluster->node(1).gate->Close();
  std::thread first([&] { GetValue(cluster->node(0), keys[0]); });
  std::thread second([&] { GetValue(cluster->node(0), keys[1]); });
  EXPECT_TRUE(
      Eventually([&] { return cluster->node(1).gate->waiting() == 2; }));
  cluster->node(1).gate->Open();
  first.join();
  second.join();
  auto stub = testing::RawStub(cluster->node(1).address);
  peer::GetResponse response;
  EXPECT_EQ(testing::RawGet(*stub, "test", "raw", &response).error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
  // A fetch after the lifetime ends the stream it did not use.
  absl::SleepFor(absl::Seconds(3));
  EXPECT_EQ(GetValue(cluster->node(0), keys[2]), Expected(keys[2]));
  EXPECT_TRUE(Eventually(
      [&] { return testing::RawGet(*stub, "test", "raw", &response).ok(); }));
  EXPECT_EQ(response.value(), "test/raw");
  EXPECT_EQ(cluster->node(0).stats().peer_errors, 0u);
}

// A peer that restarts ends the streams kept to it; the next fetch still
// reaches it, on a new stream.
TEST(GrpcPeerTest, KeptStreamsAreReplacedWhenTheirPeerRestarts) {
  std::unique_ptr<TestCluster> cluster = TestCluster::Start(ClusterOptions());
  ASSERT_NE(cluster, nullptr);
  const std::vector<std::string> keys = cluster->KeysOwnedBy(1, "k", 3);
  EXPECT_EQ(GetValue(cluster->node(0), keys[0]), Expected(keys[0]));
  // With a stream open, the server ends it at once rather than wait out
  // the second it gives calls that are running.
  const absl::Time start = absl::Now();
  cluster->node(1).server->Shutdown();
  EXPECT_LT(absl::Now() - start, absl::Milliseconds(800));
  ASSERT_TRUE(cluster->RestartServer(1).ok());
  for (size_t i = 1; i < keys.size(); ++i) {
    EXPECT_EQ(GetValue(cluster->node(0), keys[i]), Expected(keys[i]));
    EXPECT_EQ(cluster->node(1).getter().calls(keys[i]), 1) << keys[i];
    EXPECT_EQ(cluster->node(0).getter().calls(keys[i]), 0) << keys[i];
  }
  EXPECT_EQ(cluster->node(0).stats().peer_errors, 0u);
  EXPECT_EQ(cluster->node(0).stats().peer_loads, 3u);
}

TEST(GrpcPeerTest, DisagreeingListsNeverBounceAKey) {
  std::unique_ptr<TestCluster> cluster = TestCluster::Start(ClusterOptions());
  ASSERT_NE(cluster, nullptr);
  const std::vector<std::string> all = cluster->addresses();
  // Node 0's list is {0, 1}, node 1's {1, 2}: for `key`, 0 thinks 1 owns
  // it, and 1 thinks 2 does (node 2 sees all three, and agrees).
  const std::vector<std::string> list0 = {all[0], all[1]};
  const std::vector<std::string> list1 = {all[1], all[2]};
  ASSERT_TRUE(cluster->node(0).pool->SetPeers(list0).ok());
  ASSERT_TRUE(cluster->node(1).pool->SetPeers(list1).ok());
  const OwnerPicker picker0 = *OwnerPicker::Create(list0);
  const OwnerPicker picker1 = *OwnerPicker::Create(list1);
  std::vector<std::string> keys;
  for (int i = 0; keys.size() < 2; ++i) {
    std::string key = absl::StrCat("chain-", i);
    if (picker0.Pick(key) == 1 && picker1.Pick(key) == 1) keys.push_back(key);
  }
  // 0 asks 1, which answers by itself rather than asking 2.
  const std::string& first = keys[0];
  EXPECT_EQ(GetValue(cluster->node(0), first), Expected(first));
  EXPECT_EQ(cluster->node(1).getter().calls(first), 1);
  EXPECT_EQ(cluster->node(1).stats().served_for_peers, 1u);
  EXPECT_EQ(cluster->node(2).stats().served_for_peers, 0u);
  // 1 asks 2, which loads it; then 0 asks 1, which again answers by itself.
  const std::string& second = keys[1];
  EXPECT_EQ(GetValue(cluster->node(1), second), Expected(second));
  EXPECT_EQ(cluster->node(2).getter().calls(second), 1);
  EXPECT_EQ(cluster->node(2).stats().served_for_peers, 1u);
  EXPECT_EQ(GetValue(cluster->node(0), second), Expected(second));
  EXPECT_EQ(cluster->node(1).stats().served_for_peers, 2u);
  EXPECT_EQ(cluster->node(2).stats().served_for_peers, 1u);
  EXPECT_EQ(cluster->node(0).getter().total_calls(), 0);
  for (int n = 0; n < 3; ++n) {
    EXPECT_EQ(cluster->node(n).stats().peer_errors, 0u) << n;
  }
}

TEST(GrpcPeerTest, RemoveDropsTheKeyEverywhere) {
  std::unique_ptr<TestCluster> cluster = TestCluster::Start(ClusterOptions());
  ASSERT_NE(cluster, nullptr);
  const std::string key = cluster->KeyOwnedBy(0, "remove");
  for (int n = 0; n < 3; ++n) GetValue(cluster->node(n), key);
  ASSERT_EQ(cluster->node(0).getter().calls(key), 1);
  ASSERT_TRUE(cluster->node(1).group().Remove(key).ok());
  // Node 2's hot copy is gone too: it asks the owner, which loads again.
  const uint64_t asked = cluster->node(2).stats().peer_loads;
  EXPECT_EQ(GetValue(cluster->node(2), key), Expected(key));
  EXPECT_EQ(cluster->node(2).stats().peer_loads, asked + 1);
  EXPECT_EQ(cluster->node(0).getter().calls(key), 2);
  // The others find the new entry.
  EXPECT_EQ(GetValue(cluster->node(1), key), Expected(key));
  EXPECT_EQ(GetValue(cluster->node(0), key), Expected(key));
  EXPECT_EQ(cluster->TotalCalls(key), 2);
}

TEST(GrpcPeerTest, SetGoesToTheOwnerAndDropsStaleCopies) {
  std::unique_ptr<TestCluster> cluster = TestCluster::Start(ClusterOptions());
  ASSERT_NE(cluster, nullptr);
  const std::string key = cluster->KeyOwnedBy(0, "set");
  for (int n = 0; n < 3; ++n) GetValue(cluster->node(n), key);
  ASSERT_TRUE(cluster->node(2).group().Set(key, "from 2").ok());
  for (int n : {0, 1, 2}) EXPECT_EQ(GetValue(cluster->node(n), key), "from 2");
  ASSERT_TRUE(cluster->node(0).group().Set(key, "from 0").ok());
  for (int n : {2, 1, 0}) EXPECT_EQ(GetValue(cluster->node(n), key), "from 0");
  EXPECT_EQ(cluster->TotalCalls(key), 1);
  // The owner's group holds it as its own.
  EXPECT_EQ(cluster->node(0).stats().hot_items, 0u);
}

TEST(GrpcPeerTest, GroupsAndClustersInOneProcessDoNotMix) {
  ClusterOptions options;
  options.groups = {"users", "photos"};
  std::unique_ptr<TestCluster> a = TestCluster::Start(options);
  options.groups = {"users"};
  std::unique_ptr<TestCluster> b = TestCluster::Start(options);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  RunThreads(6, [&](int t) {
    TestCluster& cluster = t < 3 ? *a : *b;
    for (int i = 0; i < 20; ++i) {
      const std::string key = absl::StrCat("k", i);
      EXPECT_EQ(GetValue(cluster.node(t % 3), key, 0), "users/" + key);
      if (t < 3) {
        EXPECT_EQ(GetValue(cluster.node(t), key, 1), "photos/" + key);
      }
    }
  });
  for (int i = 0; i < 20; ++i) {
    const std::string key = absl::StrCat("k", i);
    EXPECT_EQ(a->TotalCalls(key, 0), 1);
    EXPECT_EQ(a->TotalCalls(key, 1), 1);
    EXPECT_EQ(a->node(a->OwnerOf(key)).getter(1).calls(key), 1);
    EXPECT_EQ(b->TotalCalls(key), 1);
  }
}

}  // namespace
}  // namespace gogocache
