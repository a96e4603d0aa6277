// Copyright 2026 The gogocache Authors.
//
// CacheGroup's peer logic with the transport taken out: two groups in one
// process, each reaching the other through a PeerClient that calls the
// other's *ForPeer methods directly, so that a test can hold an answer in
// flight and run a Set or Remove meanwhile. The same paths over real gRPC
// and real processes are in peer/grpc_peer_test.cc and tests/cluster_test.cc.

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "cache/cache_group.h"
#include "cache/peers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "loader/getter.h"
#include "loader/manual_clock.h"
#include "tests/wait_for.h"

namespace gogocache {
namespace {

using ::gogocache::testing::WaitFor;
using ::testing::HasSubstr;

// Reaches `target` in this process. While `hold` is set, a Get waits after
// its answer is ready and before it returns it, as on a slow network.
class InProcessPeer : public PeerClient {
 public:
  explicit InProcessPeer(std::string address) : address_(std::move(address)) {}

  void set_target(CacheGroup* target) { target_ = target; }
  std::atomic<bool> hold{false};
  std::atomic<bool> holding{false};

  absl::Status Get(absl::string_view, absl::string_view key,
                   absl::StatusOr<PeerValue>* answer) override {
    absl::Time expires;
    absl::StatusOr<ByteView> value = target_->GetForPeer(key, &expires);
    if (value.ok()) {
      *answer = PeerValue{value->ToString(), expires};
    } else {
      *answer = value.status();
    }
    holding = true;
    while (hold) std::this_thread::yield();
    holding = false;
    return absl::OkStatus();
  }
  absl::Status Set(absl::string_view, absl::string_view key,
                   absl::string_view value,
                   std::optional<absl::Time> expires) override {
    return target_->SetForPeer(key, value, expires);
  }
  absl::Status Remove(absl::string_view, absl::string_view key) override {
    return target_->RemoveForPeer(key);
  }
  const std::string& address() const override { return address_; }

 private:
  const std::string address_;
  CacheGroup* target_ = nullptr;
};

// Process A owns every key; process B asks A for all of them.
class APeers : public Peers {
 public:
  std::shared_ptr<PeerClient> Owner(absl::string_view) override {
    return nullptr;
  }
  std::vector<std::shared_ptr<PeerClient>> Others() override { return {b}; }
  std::shared_ptr<InProcessPeer> b = std::make_shared<InProcessPeer>("b");
};
class BPeers : public Peers {
 public:
  std::shared_ptr<PeerClient> Owner(absl::string_view) override { return a; }
  std::vector<std::shared_ptr<PeerClient>> Others() override { return {a}; }
  std::shared_ptr<InProcessPeer> a = std::make_shared<InProcessPeer>("a");
};

struct TwoGroups {
  // With `expire_after_write`, both groups expire entries on one clock.
  explicit TwoGroups(
      absl::Duration expire_after_write = absl::InfiniteDuration())
      : expire_after_write(expire_after_write) {
    a = Make(a_peers, "a:");
    b = Make(b_peers, "b:");
    a_peers->b->set_target(b.get());
    b_peers->a->set_target(a.get());
  }
  template <typename P>
  std::unique_ptr<CacheGroup> Make(const std::shared_ptr<P>& peers,
                                   std::string prefix) {
    CacheGroupOptions options;
    options.num_shards = 1;
    options.capacity_bytes = 64 << 10;
    options.peers = peers;
    options.expire_after_write = expire_after_write;
    options.clock = clock;
    // Numbered loads, to tell a reload from a copy, where values expire.
    const bool numbered = expire_after_write != absl::InfiniteDuration();
    options.getter =
        MakeGetter([this, prefix, numbered](absl::string_view key) {
          if (!numbered) return absl::StrCat(prefix, key);
          return absl::StrCat(prefix, key, "#", ++loads);
        });
    absl::StatusOr<std::unique_ptr<CacheGroup>> group =
        CacheGroup::Create(std::move(options));
    EXPECT_TRUE(group.ok()) << group.status();
    return *std::move(group);
  }
  std::string Get(CacheGroup& group, absl::string_view key) {
    absl::StatusOr<ByteView> value = group.Get(key);
    return value.ok() ? value->ToString() : value.status().ToString();
  }

  const absl::Duration expire_after_write;
  std::shared_ptr<ManualClock> clock = std::make_shared<ManualClock>();
  std::atomic<int> loads{0};
  std::shared_ptr<APeers> a_peers = std::make_shared<APeers>();
  std::shared_ptr<BPeers> b_peers = std::make_shared<BPeers>();
  std::unique_ptr<CacheGroup> a;
  std::unique_ptr<CacheGroup> b;
};

// The owner's expiry travels with its answer: a copy dies with the owner's
// value, not later, and a Set's expiry reaches the owner.
TEST(CacheGroupPeersTest, AHotCopyNeverOutlivesTheOwnersValue) {
  TwoGroups groups(absl::Seconds(10));
  EXPECT_EQ(groups.Get(*groups.b, "k"), "a:k#1");
  groups.clock->Advance(absl::Seconds(6));
  EXPECT_EQ(groups.Get(*groups.b, "k"), "a:k#1");
  EXPECT_EQ(groups.b->GetStats().hot_hits, 1u);
  groups.clock->Advance(absl::Seconds(4));
  EXPECT_EQ(groups.Get(*groups.b, "k"), "a:k#2") << "the copy outlived A's";
  EXPECT_EQ(groups.b->GetStats().peer_loads, 2u);
  ASSERT_TRUE(
      groups.b->Set("s", "short", groups.clock->Now() + absl::Seconds(1)).ok());
  EXPECT_EQ(groups.Get(*groups.a, "s"), "short");
  groups.clock->Advance(absl::Seconds(1));
  EXPECT_EQ(groups.Get(*groups.a, "s"), "a:s#3") << "Set's expiry was lost";
}

TEST(CacheGroupPeersTest, ASetDuringAFetchLeavesNoStaleCopy) {
  TwoGroups groups;
  groups.b_peers->a->hold = true;
  std::string fetched;
  std::thread fetch([&] { fetched = groups.Get(*groups.b, "j"); });
  ASSERT_TRUE(WaitFor([&] { return groups.b_peers->a->holding.load(); }));
  // The answer "a:j" is on its way to B; the owner's value changes.
  ASSERT_TRUE(groups.a->Set("j", "v2").ok());
  groups.b_peers->a->hold = false;
  fetch.join();
  EXPECT_EQ(fetched, "a:j");                    // The value when B asked.
  EXPECT_EQ(groups.Get(*groups.b, "j"), "v2");  // Not a copy of the old one.
}

TEST(CacheGroupPeersTest, ARemoveDuringAFetchLeavesNoStaleCopy) {
  TwoGroups groups;
  groups.b_peers->a->hold = true;
  std::thread fetch([&] { groups.Get(*groups.b, "k"); });
  ASSERT_TRUE(WaitFor([&] { return groups.b_peers->a->holding.load(); }));
  ASSERT_TRUE(groups.a->Remove("k").ok());
  groups.b_peers->a->hold = false;
  fetch.join();
  groups.b->Get("k").IgnoreError();
  // B asked A again rather than answering from a copy.
  EXPECT_EQ(groups.b->GetStats().peer_loads, 2u);
}

TEST(CacheGroupPeersTest, ASetTooLargeForTheOwnerDropsCopiesEverywhere) {
  TwoGroups groups;
  EXPECT_EQ(groups.Get(*groups.b, "k"), "a:k");  // B keeps a copy.
  const absl::Status status = groups.b->Set("k", std::string(60 << 10, 'x'));
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted);
  // The owner dropped its value: B must not answer the old copy.
  EXPECT_EQ(groups.Get(*groups.b, "k"), "a:k");
  EXPECT_EQ(groups.b->GetStats().peer_loads, 2u);
  EXPECT_EQ(groups.a->GetStats().local_loads, 2u);
}

TEST(CacheGroupPeersTest, WithoutPeersCapacityErrorsAreAboutShards) {
  CacheGroupOptions options;
  options.capacity_bytes = 0;
  absl::StatusOr<std::unique_ptr<CacheGroup>> group =
      CacheGroup::Create(std::move(options));
  EXPECT_EQ(group.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(group.status().message(), HasSubstr("per shard"));
}

}  // namespace
}  // namespace gogocache
