// Copyright 2026 The gogocache Authors.
//
// A cluster of real processes (cluster_node) on 127.0.0.1, driven from this
// test: each key is loaded once in the whole cluster, by its owner; a node
// killed with SIGKILL costs its keys a local load, nothing else; a peer list
// shrunk and grown moves only the keys whose owner changed; nodes whose lists
// disagree still answer every Get in one hop; TLS refuses a stranger.

#include <signal.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "peer/owner_picker.h"
#include "peer/test_certs.h"
#include "tests/node_process.h"

namespace gogocache {
namespace {

using ::gogocache::testing::NodeProcess;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kNodeBinary[] = "tests/cluster_node";

struct Node {
  std::unique_ptr<NodeProcess> process;
  std::string address;

  std::string Call(const std::string& line) {
    absl::StatusOr<std::string> reply = process->Call(line);
    EXPECT_TRUE(reply.ok()) << address << " " << line << ": " << reply.status();
    return reply.ok() ? *reply : "";
  }

  // This node's getter calls, by key.
  std::map<std::string, int> Loads() {
    std::map<std::string, int> loads;
    std::vector<std::string> words =
        absl::StrSplit(Call("loads"), ' ', absl::SkipEmpty());
    for (size_t i = 1; i < words.size(); ++i) {
      std::pair<std::string, std::string> kv = absl::StrSplit(words[i], '=');
      int count = 0;
      EXPECT_TRUE(absl::SimpleAtoi(kv.second, &count)) << words[i];
      loads[kv.first] = count;
    }
    return loads;
  }

  uint64_t Stat(absl::string_view name) {
    for (absl::string_view word : absl::StrSplit(Call("stats"), ' ')) {
      std::pair<absl::string_view, absl::string_view> kv =
          absl::StrSplit(word, '=');
      uint64_t value = 0;
      if (kv.first == name && absl::SimpleAtoi(kv.second, &value)) {
        return value;
      }
    }
    ADD_FAILURE() << "no stat " << name;
    return 0;
  }
};

std::vector<std::string> Keys(absl::string_view prefix, int n) {
  std::vector<std::string> keys;
  for (int i = 0; i < n; ++i) keys.push_back(absl::StrCat(prefix, i));
  return keys;
}

class ClusterTest : public ::testing::Test {
 protected:
  // Starts `n` nodes with `args` and gives each the list of all.
  void StartCluster(int n, const std::vector<std::string>& args = {}) {
    for (int i = 0; i < n; ++i) nodes_.push_back(StartNode(args));
    SetPeers(Addresses(), {0, 1, 2});
  }

  Node StartNode(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {kNodeBinary};
    argv.insert(argv.end(), args.begin(), args.end());
    absl::StatusOr<std::unique_ptr<NodeProcess>> process =
        NodeProcess::Start(argv);
    EXPECT_TRUE(process.ok()) << process.status();
    Node node{*std::move(process), ""};
    absl::StatusOr<std::string> line = node.process->ReadLine();
    EXPECT_TRUE(line.ok()) << line.status();
    EXPECT_THAT(*line, StartsWith("listening "));
    node.address = line->substr(strlen("listening "));
    return node;
  }

  std::vector<std::string> Addresses(std::vector<int> which = {0, 1, 2}) {
    std::vector<std::string> addresses;
    for (int i : which) addresses.push_back(nodes_[i].address);
    return addresses;
  }

  void SetPeers(const std::vector<std::string>& list, std::vector<int> on) {
    for (int i : on) {
      EXPECT_EQ(nodes_[i].Call("peers " + absl::StrJoin(list, ",")), "ok");
    }
  }

  // Every node of `on` asks for every key from `threads` threads, all nodes
  // at once.
  void GetEverywhere(const std::vector<std::string>& keys, int threads,
                     std::vector<int> on = {0, 1, 2}) {
    const std::string line =
        absl::StrCat("getmany ", threads, " ", absl::StrJoin(keys, " "));
    for (int i : on) ASSERT_TRUE(nodes_[i].process->Send(line).ok());
    for (int i : on) {
      absl::StatusOr<std::string> reply = nodes_[i].process->ReadLine();
      ASSERT_TRUE(reply.ok()) << reply.status();
      EXPECT_EQ(*reply, "ok 0")
          << "node " << i << " got errors or wrong values";
    }
  }

  // Getter calls per key over `which` nodes, and the node of each.
  std::map<std::string, int> ClusterLoads(
      std::vector<int> which = {0, 1, 2},
      std::map<std::string, int>* where = nullptr) {
    std::map<std::string, int> total;
    for (int i : which) {
      for (const auto& [key, count] : nodes_[i].Loads()) {
        total[key] += count;
        if (where != nullptr) (*where)[key] = i;
      }
    }
    return total;
  }

  std::vector<Node> nodes_;
};

TEST_F(ClusterTest, EachKeyIsLoadedOnceInTheClusterByItsOwner) {
  StartCluster(3);
  const std::vector<std::string> keys = Keys("key", 300);
  GetEverywhere(keys, 4);
  std::map<std::string, int> where;
  const std::map<std::string, int> loads = ClusterLoads({0, 1, 2}, &where);
  absl::StatusOr<OwnerPicker> picker = OwnerPicker::Create(Addresses());
  ASSERT_TRUE(picker.ok());
  ASSERT_EQ(loads.size(), keys.size());
  for (const std::string& key : keys) {
    EXPECT_EQ(loads.at(key), 1) << key;
    EXPECT_EQ(where.at(key), static_cast<int>(picker->Pick(key))) << key;
  }
  // Asked again: nobody loads, and the non-owners answer from hot copies.
  GetEverywhere(keys, 2);
  EXPECT_EQ(ClusterLoads(), loads);
  uint64_t hot_hits = 0;
  for (Node& node : nodes_) {
    EXPECT_EQ(node.Stat("peer_errors"), 0u);
    hot_hits += node.Stat("hot_hits");
  }
  EXPECT_GT(hot_hits, 0u);
}

TEST_F(ClusterTest, AStampedeOnOneKeyMakesOneLoad) {
  StartCluster(3);
  GetEverywhere({"slow-stampede"}, 16);
  EXPECT_EQ(ClusterLoads()["slow-stampede"], 1);
}

TEST_F(ClusterTest, TheOwnersErrorReachesTheAskerAndIsNotLoadedAgain) {
  StartCluster(3);
  absl::StatusOr<OwnerPicker> picker = OwnerPicker::Create(Addresses());
  ASSERT_TRUE(picker.ok());
  const int owner = picker->Pick("missing-user");
  const int asker = (owner + 1) % 3;
  EXPECT_EQ(nodes_[asker].Call("get missing-user"),
            "error NOT_FOUND no row for missing-user");
  std::map<std::string, int> where;
  EXPECT_EQ(ClusterLoads({0, 1, 2}, &where)["missing-user"], 1);
  EXPECT_EQ(where["missing-user"], owner);
}

TEST_F(ClusterTest, AKilledNodesKeysAreLoadedByTheOthersAndNothingElse) {
  StartCluster(3, {"--timeout=2s"});
  const std::vector<std::string> old_keys = Keys("old", 200);
  GetEverywhere(old_keys, 2);
  absl::StatusOr<OwnerPicker> picker = OwnerPicker::Create(Addresses());
  ASSERT_TRUE(picker.ok());
  nodes_[2].process->Kill(SIGKILL);
  // Keys the survivors never asked for: those of the dead node cost a peer
  // error and a local load; the others are loaded once, by their owner.
  const std::vector<std::string> new_keys = Keys("new", 200);
  const absl::Time start = absl::Now();
  GetEverywhere(new_keys, 2, {0, 1});
  GetEverywhere(old_keys, 2, {0, 1});
  EXPECT_LT(absl::Now() - start, absl::Seconds(30));
  const std::map<std::string, int> loads = ClusterLoads({0, 1});
  int dead_owners_keys = 0;
  for (const std::string& key : new_keys) {
    const int count = loads.count(key) ? loads.at(key) : 0;
    if (picker->Pick(key) == 2) {
      ++dead_owners_keys;
      EXPECT_GE(count, 1) << key;
      EXPECT_LE(count, 2) << key;  // At most once per survivor.
    } else {
      EXPECT_EQ(count, 1) << key;
    }
  }
  // What the survivors held (their own keys, hot copies of the dead
  // node's) is not loaded again.
  for (const std::string& key : old_keys) {
    EXPECT_EQ(loads.count(key) ? loads.at(key) : 0,
              picker->Pick(key) == 2 ? 0 : 1)
        << key;
  }
  const uint64_t peer_errors =
      nodes_[0].Stat("peer_errors") + nodes_[1].Stat("peer_errors");
  EXPECT_GE(peer_errors, static_cast<uint64_t>(dead_owners_keys));
  EXPECT_GT(dead_owners_keys, 30);
}

TEST_F(ClusterTest, ARestartedNodeIsFoundAgainWithinAboutASecond) {
  StartCluster(3);
  absl::StatusOr<OwnerPicker> picker = OwnerPicker::Create(Addresses());
  ASSERT_TRUE(picker.ok());
  std::vector<std::string> owned_by_2;
  for (const std::string& key : Keys("fresh", 400)) {
    if (picker->Pick(key) == 2) owned_by_2.push_back(key);
  }
  ASSERT_GT(owned_by_2.size(), 50u);
  const std::string address = nodes_[2].address;
  nodes_[2].process->Kill(SIGKILL);
  // Node 0 sees it gone: its keys are loaded locally, at once.
  EXPECT_EQ(nodes_[0].Call("get " + owned_by_2[0]), "value v:" + owned_by_2[0]);
  EXPECT_EQ(nodes_[0].Stat("peer_errors"), 1u);
  nodes_[2] = StartNode({"--listen=" + address});
  ASSERT_EQ(nodes_[2].address, address);
  SetPeers(Addresses(), {2});
  const absl::Time restarted = absl::Now();
  // Each Get asks for a key node 0 has never seen: answered by node 2 once
  // node 0's channel has reconnected.
  size_t next = 1;
  while (nodes_[2].Stat("served_for_peers") == 0 && next < owned_by_2.size()) {
    const std::string& key = owned_by_2[next++];
    EXPECT_EQ(nodes_[0].Call("get " + key), "value v:" + key);
    absl::SleepFor(absl::Milliseconds(20));
  }
  EXPECT_GT(nodes_[2].Stat("served_for_peers"), 0u);
  EXPECT_LT(absl::Now() - restarted, absl::Milliseconds(2500));
}

TEST_F(ClusterTest, ShrinkingAndGrowingTheListReloadsOnlyMovedKeys) {
  StartCluster(3);
  const std::vector<std::string> keys = Keys("key", 300);
  // Asked on node 2 only, so nodes 0 and 1 hold their own keys and no copies.
  GetEverywhere(keys, 2, {2});
  absl::StatusOr<OwnerPicker> three = OwnerPicker::Create(Addresses());
  ASSERT_TRUE(three.ok());
  // Node 2 leaves the lists of 0 and 1 (it keeps running, as a node being
  // drained does).
  SetPeers(Addresses({0, 1}), {0, 1});
  const std::map<std::string, int> before = ClusterLoads();
  GetEverywhere(keys, 2, {0, 1});
  const std::map<std::string, int> shrunk = ClusterLoads();
  int moved = 0;
  for (const std::string& key : keys) {
    const bool moves = three->Pick(key) == 2;
    moved += moves;
    EXPECT_EQ(shrunk.at(key) - before.at(key), moves ? 1 : 0) << key;
  }
  EXPECT_GT(moved, 50);
  EXPECT_LT(moved, 150);
  // Node 2 comes back: every key is still held by some node the asker
  // reaches, so nothing is loaded again.
  SetPeers(Addresses(), {0, 1, 2});
  GetEverywhere(keys, 2);
  EXPECT_EQ(ClusterLoads(), shrunk);
}

TEST_F(ClusterTest, DisagreeingListsStillAnswerInOneHop) {
  for (int i = 0; i < 3; ++i) nodes_.push_back(StartNode({}));
  // Node 0 knows all three; node 1 only itself and node 2; node 2 itself.
  SetPeers(Addresses(), {0});
  SetPeers(Addresses({1, 2}), {1});
  SetPeers(Addresses({2}), {2});
  const std::vector<std::string> keys = Keys("key", 200);
  GetEverywhere(keys, 2);
  uint64_t fetches = 0;
  uint64_t served = 0;
  for (Node& node : nodes_) {
    fetches += node.Stat("peer_loads") + node.Stat("peer_errors");
    served += node.Stat("served_for_peers");
  }
  // Every request a node sent was served by exactly the node it went to:
  // none was forwarded.
  EXPECT_EQ(served, fetches);
  EXPECT_GT(fetches, 0u);
}

TEST_F(ClusterTest, RemoveThenGetLoadsOnceMore) {
  StartCluster(3);
  GetEverywhere({"profile"}, 2);
  ASSERT_EQ(ClusterLoads()["profile"], 1);
  absl::StatusOr<OwnerPicker> picker = OwnerPicker::Create(Addresses());
  const int other = (picker->Pick("profile") + 1) % 3;
  EXPECT_EQ(nodes_[other].Call("remove profile"), "ok");
  GetEverywhere({"profile"}, 2);
  EXPECT_EQ(ClusterLoads()["profile"], 2);
  // A Set reaches the owner, and no node answers the old value after it.
  EXPECT_EQ(nodes_[other].Call("set profile new"), "ok");
  for (Node& node : nodes_) EXPECT_EQ(node.Call("get profile"), "value new");
}

std::vector<std::string> TlsFlags(const PeerTlsFiles& files) {
  return {"--tls_ca=" + files.ca_file, "--tls_cert=" + files.cert_file,
          "--tls_key=" + files.key_file};
}

TEST_F(ClusterTest, OverTlsAPeerWithAWrongCertificateIsRefused) {
  const std::string dir = ::testing::TempDir() + "/cluster_certs";
  ASSERT_EQ(system(("mkdir -p " + dir).c_str()), 0);
  absl::StatusOr<gogocache::testing::TestCerts> certs =
      gogocache::testing::MakeTestCerts(dir, 3);
  ASSERT_TRUE(certs.ok()) << certs.status();
  for (int i = 0; i < 3; ++i)
    nodes_.push_back(StartNode(TlsFlags(certs->Node(i))));
  SetPeers(Addresses(), {0, 1, 2});
  const std::vector<std::string> keys = Keys("key", 100);
  GetEverywhere(keys, 2);
  for (const auto& [key, count] : ClusterLoads()) EXPECT_EQ(count, 1) << key;
  // A fourth node, its certificate from another authority, lists the three.
  nodes_.push_back(StartNode(TlsFlags(certs->Rogue())));
  std::vector<std::string> with_rogue = Addresses();
  with_rogue.push_back(nodes_[3].address);
  SetPeers(with_rogue, {3});
  uint64_t served_before = 0;
  for (int i = 0; i < 3; ++i)
    served_before += nodes_[i].Stat("served_for_peers");
  GetEverywhere(keys, 1, {3});
  // Every key it asked the others for cost it a peer error and a load of
  // its own; the three served it nothing.
  uint64_t served_after = 0;
  for (int i = 0; i < 3; ++i)
    served_after += nodes_[i].Stat("served_for_peers");
  EXPECT_EQ(served_after, served_before);
  EXPECT_GT(nodes_[3].Stat("peer_errors"), 50u);
  EXPECT_EQ(nodes_[3].Loads().size(), keys.size());
}

TEST_F(ClusterTest, MalformedPeerListsAreRefused) {
  StartCluster(3);
  EXPECT_THAT(nodes_[0].Call("peers 127.0.0.1"), HasSubstr("has no port"));
  EXPECT_THAT(nodes_[0].Call("peers 127.0.0.1:1,127.0.0.1:1"),
              HasSubstr("listed twice"));
  EXPECT_THAT(nodes_[0].Call("peers ,"), HasSubstr("empty"));
  // The refused lists changed nothing.
  GetEverywhere(Keys("key", 50), 1);
  EXPECT_EQ(ClusterLoads().size(), 50u);
  for (const auto& [key, count] : ClusterLoads()) EXPECT_EQ(count, 1) << key;
}

}  // namespace
}  // namespace gogocache
