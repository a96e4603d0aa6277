// Copyright 2026 The gogocache Authors.
//
// PeerPool with a connector that makes trivial clients: the pool itself has
// no transport, so none is needed to test it.

#include "peer/peer_pool.h"

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "peer/owner_picker.h"

namespace gogocache {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

// A client that only knows its address.
class FakeClient : public PeerClient {
 public:
  explicit FakeClient(std::string address) : address_(std::move(address)) {}
  absl::Status Get(absl::string_view, absl::string_view,
                   absl::StatusOr<PeerValue>*) override {
    return absl::UnimplementedError("fake");
  }
  absl::Status Set(absl::string_view, absl::string_view, absl::string_view,
                   std::optional<absl::Time>) override {
    return absl::UnimplementedError("fake");
  }
  absl::Status Remove(absl::string_view, absl::string_view) override {
    return absl::UnimplementedError("fake");
  }
  const std::string& address() const override { return address_; }

 private:
  const std::string address_;
};

// Makes FakeClients and counts, per address, how often it was asked; fails
// for the addresses in `refuse`.
struct FakeConnector {
  std::mutex mu;
  std::map<std::string, int> calls;
  std::vector<std::string> refuse;

  PeerConnector connector() {
    return [this](const std::string& address)
               -> absl::StatusOr<std::shared_ptr<PeerClient>> {
      std::lock_guard<std::mutex> lock(mu);
      ++calls[address];
      for (const std::string& bad : refuse) {
        if (bad == address) return absl::UnavailableError("refused here");
      }
      return std::make_shared<FakeClient>(address);
    };
  }
};

constexpr char kSelf[] = "10.0.0.1:80";
const std::vector<std::string> kThree = {"10.0.0.1:80", "10.0.0.2:80",
                                         "10.0.0.3:80"};

std::shared_ptr<PeerPool> MakePool(FakeConnector& connector,
                                   std::string self = kSelf) {
  PeerPoolOptions options;
  options.self = std::move(self);
  options.connect = connector.connector();
  absl::StatusOr<std::shared_ptr<PeerPool>> pool =
      PeerPool::Create(std::move(options));
  EXPECT_TRUE(pool.ok()) << pool.status();
  return pool.ok() ? *pool : nullptr;
}

std::string Key(int i) { return absl::StrCat("key-", i); }

// The address Owner() stands for: `self` for nullptr.
std::string OwnerAddress(PeerPool& pool, absl::string_view key) {
  std::shared_ptr<PeerClient> owner = pool.Owner(key);
  return owner == nullptr ? pool.self() : owner->address();
}

TEST(PeerPoolTest, CreateRefusesABadSelfAndAMissingConnector) {
  FakeConnector connector;
  PeerPoolOptions options;
  options.self = "no-port";
  options.connect = connector.connector();
  absl::Status status = PeerPool::Create(options).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("PeerPoolOptions.self"));
  EXPECT_THAT(status.message(), HasSubstr("no-port"));
  options.self = "";
  EXPECT_EQ(PeerPool::Create(options).status().code(),
            absl::StatusCode::kInvalidArgument);
  options.self = kSelf;
  options.connect = nullptr;
  status = PeerPool::Create(options).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("connect"));
}

TEST(PeerPoolTest, BeforeSetPeersThisProcessOwnsEveryKey) {
  FakeConnector connector;
  std::shared_ptr<PeerPool> pool = MakePool(connector);
  EXPECT_THAT(pool->addresses(), ElementsAre(kSelf));
  EXPECT_TRUE(pool->Others().empty());
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(pool->Owner(Key(i)), nullptr);
  EXPECT_TRUE(connector.calls.empty());
}

TEST(PeerPoolTest, OwnsItsShareAndAsksThePickedPeerForTheRest) {
  FakeConnector connector;
  std::shared_ptr<PeerPool> pool = MakePool(connector);
  ASSERT_TRUE(pool->SetPeers(kThree).ok());
  EXPECT_THAT(pool->addresses(), ElementsAreArray(kThree));
  const OwnerPicker picker = *OwnerPicker::Create(kThree);
  constexpr int kKeys = 30000;
  int local = 0;
  for (int i = 0; i < kKeys; ++i) {
    const std::shared_ptr<PeerClient> owner = pool->Owner(Key(i));
    const std::string& picked = kThree[picker.Pick(Key(i))];
    if (owner == nullptr) {
      ++local;
      ASSERT_EQ(picked, kSelf) << Key(i);
    } else {
      ASSERT_EQ(owner->address(), picked) << Key(i);
    }
  }
  EXPECT_NEAR(local, kKeys / 3, kKeys / 30);
  std::vector<std::string> others;
  for (const auto& client : pool->Others()) others.push_back(client->address());
  EXPECT_THAT(others, UnorderedElementsAre("10.0.0.2:80", "10.0.0.3:80"));
}

TEST(PeerPoolTest, KeepsTheClientsOfPeersThatStay) {
  FakeConnector connector;
  std::shared_ptr<PeerPool> pool = MakePool(connector);
  ASSERT_TRUE(pool->SetPeers(kThree).ok());
  std::map<std::string, std::shared_ptr<PeerClient>> before;
  for (const auto& client : pool->Others()) before[client->address()] = client;
  ASSERT_TRUE(
      pool->SetPeers({"10.0.0.3:80", "10.0.0.1:80", "10.0.0.4:80"}).ok());
  std::map<std::string, std::shared_ptr<PeerClient>> after;
  for (const auto& client : pool->Others()) after[client->address()] = client;
  ASSERT_EQ(after.size(), 2u);
  EXPECT_EQ(after["10.0.0.3:80"].get(), before["10.0.0.3:80"].get());
  EXPECT_NE(after["10.0.0.4:80"], nullptr);
  // The connector was asked once for each address that came, never for self
  // or for one it had made a client for already.
  EXPECT_THAT(connector.calls,
              ElementsAre(std::pair<const std::string, int>("10.0.0.2:80", 1),
                          std::pair<const std::string, int>("10.0.0.3:80", 1),
                          std::pair<const std::string, int>("10.0.0.4:80", 1)));
  // The client of the peer that left is released.
  std::weak_ptr<PeerClient> gone = before["10.0.0.2:80"];
  before.clear();
  EXPECT_TRUE(gone.expired());
}

TEST(PeerPoolTest, AConnectorErrorLeavesTheListUnchanged) {
  FakeConnector connector;
  connector.refuse = {"10.0.0.9:80"};
  std::shared_ptr<PeerPool> pool = MakePool(connector);
  ASSERT_TRUE(pool->SetPeers(kThree).ok());
  const std::vector<std::shared_ptr<PeerClient>> others = pool->Others();
  const absl::Status status =
      pool->SetPeers({"10.0.0.1:80", "10.0.0.2:80", "10.0.0.9:80"});
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(status.message(), HasSubstr("10.0.0.9:80"));
  EXPECT_THAT(status.message(), HasSubstr("refused here"));
  EXPECT_THAT(pool->addresses(), ElementsAreArray(kThree));
  EXPECT_EQ(pool->Others(), others);
}

TEST(PeerPoolTest, SetPeersRefusesEmptyAndRepeatedLists) {
  FakeConnector connector;
  std::shared_ptr<PeerPool> pool = MakePool(connector);
  ASSERT_TRUE(pool->SetPeers(kThree).ok());
  absl::Status status = pool->SetPeers({});
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  status = pool->SetPeers({"10.0.0.1:80", "10.0.0.5:80", "10.0.0.5:80"});
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("10.0.0.5:80"));
  status = pool->SetPeers({"10.0.0.1:80", "bad"});
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(pool->addresses(), ElementsAreArray(kThree));
  EXPECT_EQ(connector.calls.count("10.0.0.5:80"), 0u);
}

TEST(PeerPoolTest, AListWithoutSelfOwnsNothing) {
  FakeConnector connector;
  std::shared_ptr<PeerPool> pool = MakePool(connector);
  ASSERT_TRUE(pool->SetPeers({"10.0.0.2:80", "10.0.0.3:80"}).ok());
  for (int i = 0; i < 3000; ++i) ASSERT_NE(pool->Owner(Key(i)), nullptr);
  EXPECT_EQ(pool->Others().size(), 2u);
}

// Readers see one list or the other whole while a writer swaps them; TSan
// checks the pool's synchronization.
TEST(PeerPoolTest, ConcurrentReadersSeeOneListWhole) {
  FakeConnector connector;
  std::shared_ptr<PeerPool> pool = MakePool(connector);
  const std::vector<std::string> list_a = kThree;
  const std::vector<std::string> list_b = {"10.0.0.1:80", "10.0.0.4:80",
                                           "10.0.0.5:80", "10.0.0.6:80"};
  const OwnerPicker picker_a = *OwnerPicker::Create(list_a);
  const OwnerPicker picker_b = *OwnerPicker::Create(list_b);
  ASSERT_TRUE(pool->SetPeers(list_a).ok());

  std::atomic<bool> stop{false};
  std::atomic<int> swaps{0};
  std::thread writer([&] {
    while (!stop.load()) {
      ASSERT_TRUE(pool->SetPeers(swaps.load() % 2 == 0 ? list_b : list_a).ok());
      swaps.fetch_add(1);
    }
  });
  std::atomic<int> failures{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 4; ++t) {
    readers.emplace_back([&, t] {
      for (int i = 0; i < 5000; ++i) {
        const std::string key = Key(t * 100000 + i);
        const std::string owner = OwnerAddress(*pool, key);
        if (owner != list_a[picker_a.Pick(key)] &&
            owner != list_b[picker_b.Pick(key)]) {
          failures.fetch_add(1);
        }
        const size_t others = pool->Others().size();
        if (others != list_a.size() - 1 && others != list_b.size() - 1) {
          failures.fetch_add(1);
        }
      }
    });
  }
  for (std::thread& reader : readers) reader.join();
  stop.store(true);
  writer.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GT(swaps.load(), 0);
  EXPECT_EQ(connector.calls.count(kSelf), 0u);
}

}  // namespace
}  // namespace gogocache
