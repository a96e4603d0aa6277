// Copyright 2026 The gogocache Authors.
//
// StoreMirror over a real flat-file store: what reaches the store for fills,
// Sets and Removes, with their expiries, what a replay restores and drops,
// and the one race its eviction deletes must survive.

#include "cache/store_mirror.h"

#include <map>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "loader/manual_clock.h"
#include "persistence/open.h"
#include "persistence/test_util.h"

namespace gogocache {
namespace {

using ::gogocache::testing::ExpiringEntries;
using ::gogocache::testing::FreshTestDir;
using ::gogocache::testing::ReplayAll;
using ::gogocache::testing::ReplayWithExpiries;

const HashStrategy kHash = HashStrategy::Xxh3();

uint64_t H(absl::string_view key) { return kHash.Hash(key); }

std::shared_ptr<Store> OpenFileStore() {
  absl::StatusOr<std::unique_ptr<Store>> store =
      OpenStore("file:" + FreshTestDir() + "/store.log");
  EXPECT_TRUE(store.ok()) << store.status();
  return store.ok() ? std::shared_ptr<Store>(*std::move(store)) : nullptr;
}

std::map<std::string, std::string> Contents(Store& store) {
  const testing::Entries entries = ReplayAll(store);
  return std::map<std::string, std::string>(entries.begin(), entries.end());
}

// A real store whose Delete() of one key waits, once, until told to go on:
// the test's way to hold a thread between two deletes of one eviction report.
class PausingStore : public Store {
 public:
  PausingStore(std::shared_ptr<Store> inner, std::string pause_on)
      : inner_(std::move(inner)), pause_on_(std::move(pause_on)) {}

  absl::Notification paused;
  absl::Notification resume;

  absl::Status Delete(absl::string_view key) override {
    if (key == pause_on_ && !paused.HasBeenNotified()) {
      paused.Notify();
      resume.WaitForNotification();
    }
    return inner_->Delete(key);
  }
  absl::Status Sync() override { return inner_->Sync(); }
  absl::Status Compact() override { return inner_->Compact(); }
  StoreStats GetStats() const override { return inner_->GetStats(); }
  absl::StatusOr<StoreCheck> Verify() override { return inner_->Verify(); }
  absl::Status Close() override { return inner_->Close(); }
  std::string spec() const override { return inner_->spec(); }

 protected:
  absl::Status DoPut(absl::string_view key, absl::string_view value,
                     absl::Time expires) override {
    return inner_->Put(key, value, expires);
  }
  absl::Status DoReplay(ExpiringVisitor visitor) override {
    return inner_->Replay(visitor);
  }

 private:
  const std::shared_ptr<Store> inner_;
  const std::string pause_on_;
};

TEST(StoreMirrorTest, WritesThroughAndDeletesWhatIsEvicted) {
  std::shared_ptr<Store> store = OpenFileStore();
  CacheShard shard(2 * CacheShard::Charge(1, 1), EvictionPolicy::kLru);
  StoreMirror mirror(store, kHash);
  EXPECT_EQ(mirror.Fill("a", H("a"), shard, "1", {}), "1");
  bool inserted = false;
  ASSERT_TRUE(mirror.Set("b", H("b"), shard, "2", {}, &inserted).ok());
  EXPECT_TRUE(inserted);
  ASSERT_TRUE(
      mirror.Set("c", H("c"), shard, "3", {}, &inserted).ok());  // Evicts a.
  EXPECT_EQ(Contents(*store),
            (std::map<std::string, std::string>{{"b", "2"}, {"c", "3"}}));
  const StoreMirrorStats stats = mirror.GetStats();
  EXPECT_EQ(stats.writes, 3u);
  EXPECT_EQ(stats.deletes, 1u);
  EXPECT_EQ(stats.write_errors, 0u);
}

TEST(StoreMirrorTest, TooLargeValuesAreAnsweredNotWritten) {
  std::shared_ptr<Store> store = OpenFileStore();
  CacheShard shard(CacheShard::Charge(1, 4), EvictionPolicy::kLru);
  StoreMirror mirror(store, kHash);
  bool inserted = true;
  ASSERT_TRUE(mirror.Set("k", H("k"), shard, "old", {}, &inserted).ok());
  EXPECT_EQ(mirror.Fill("f", H("f"), shard, "too large", {}), "too large");
  ASSERT_TRUE(mirror.Set("k", H("k"), shard, "too large", {}, &inserted).ok());
  EXPECT_FALSE(inserted);
  // The Set dropped the older value from memory and from the store alike.
  EXPECT_TRUE(Contents(*store).empty());
  EXPECT_FALSE(shard.Contains("k", H("k")));
  EXPECT_EQ(shard.GetStats().too_large, 2u);
}

TEST(StoreMirrorTest, FillsAndSetsWriteTheirExpiryThroughNotFoundsDoNot) {
  std::shared_ptr<Store> store = OpenFileStore();
  ManualClock clock;
  CacheShard shard(1 << 20, EvictionPolicy::kLru, &clock);
  StoreMirror mirror(store, kHash);
  const absl::Time t1 = clock.Now() + absl::Minutes(1);
  const absl::Time t2 = clock.Now() + absl::Minutes(2);
  EntryExpiry expiry;
  expiry.expires = t1;
  EXPECT_EQ(mirror.Fill("filled", H("filled"), shard, "1", expiry), "1");
  expiry.expires = t2;
  bool inserted = false;
  ASSERT_TRUE(mirror.Set("set", H("set"), shard, "2", expiry, &inserted).ok());
  ASSERT_TRUE(mirror.Set("never", H("never"), shard, "3", {}, &inserted).ok());
  EntryExpiry not_found;
  not_found.expires = t1;
  not_found.not_found = true;
  mirror.FillNotFound("missing", H("missing"), shard, "no such key", not_found);
  EXPECT_EQ(ReplayWithExpiries(*store),
            (ExpiringEntries{{"filled", "1", t1},
                             {"set", "2", t2},
                             {"never", "3", absl::InfiniteFuture()}}));
}

TEST(StoreMirrorTest, ReplayRestoresExpiriesAndDeletesWhatExpired) {
  std::shared_ptr<Store> store = OpenFileStore();
  ManualClock clock;
  const absl::Time now = clock.Now();
  const absl::Time later = now + absl::Hours(1);
  ASSERT_TRUE(store->Put("never", "1").ok());
  ASSERT_TRUE(store->Put("later", "2", later).ok());
  ASSERT_TRUE(store->Put("before", "3", now - absl::Seconds(1)).ok());
  ASSERT_TRUE(store->Put("now", "4", now).ok());  // Expired at `now`.
  CacheShard shard(1 << 20, EvictionPolicy::kLru, &clock);
  StoreMirror mirror(store, kHash);
  std::vector<absl::Time> asked;
  ASSERT_TRUE(mirror
                  .Replay([&](uint64_t) -> CacheShard& { return shard; },
                          [](absl::string_view) { return true; }, now,
                          [&](absl::Time expires) {
                            asked.push_back(expires);
                            EntryExpiry expiry;
                            expiry.expires = expires;
                            return expiry;
                          })
                  .ok());
  EXPECT_EQ(asked, (std::vector<absl::Time>{absl::InfiniteFuture(), later}));
  ByteView value;
  ShardHit hit;
  ASSERT_TRUE(shard.Lookup("later", H("later"), &value, false, &hit));
  EXPECT_EQ(value, "2");
  EXPECT_EQ(hit.expires(), later);
  EXPECT_TRUE(shard.Contains("never", H("never")));
  EXPECT_FALSE(shard.Contains("before", H("before")));
  EXPECT_FALSE(shard.Contains("now", H("now")));
  EXPECT_EQ(ReplayWithExpiries(*store),
            (ExpiringEntries{{"never", "1", absl::InfiniteFuture()},
                             {"later", "2", later}}));
  const StoreMirrorStats stats = mirror.GetStats();
  EXPECT_EQ(stats.replayed, 2u);
  EXPECT_EQ(stats.replay_expired, 2u);
  EXPECT_EQ(stats.deletes, 2u);
}

TEST(StoreMirrorTest, RemoveOfAKeyOwnedElsewhereTouchesTheStoreOnlyIfHeld) {
  std::shared_ptr<Store> store = OpenFileStore();
  CacheShard shard(1 << 20, EvictionPolicy::kLru);
  StoreMirror mirror(store, kHash);
  ASSERT_TRUE(mirror.Remove("absent", H("absent"), shard, false).ok());
  EXPECT_EQ(mirror.GetStats().deletes, 0u);
  bool inserted = false;
  ASSERT_TRUE(mirror.Set("held", H("held"), shard, "v", {}, &inserted).ok());
  ASSERT_TRUE(mirror.Remove("held", H("held"), shard, false).ok());
  EXPECT_EQ(mirror.GetStats().deletes, 1u);
  EXPECT_TRUE(Contents(*store).empty());
}

// One insert evicts k1 then k2. While its thread is inside the store's delete
// of k1, another thread sets k2 again. The first thread must then leave k2 in
// the store: memory holds it.
TEST(StoreMirrorTest, AKeySetAgainAfterItsEvictionStaysInTheStore) {
  const std::string k1 = "k1";
  std::string k2 = "k2";
  std::string big = "big";
  // Distinct key locks, or the threads below would wait on each other.
  for (char c = 'a';
       H(k2) % StoreMirror::kKeyLocks == H(k1) % StoreMirror::kKeyLocks; ++c) {
    k2 = std::string("k") + c;
  }
  for (char c = 'a';
       H(big) % StoreMirror::kKeyLocks == H(k1) % StoreMirror::kKeyLocks ||
       H(big) % StoreMirror::kKeyLocks == H(k2) % StoreMirror::kKeyLocks;
       ++c) {
    big = std::string("bi") + c;
  }
  auto store = std::make_shared<PausingStore>(OpenFileStore(), k1);
  CacheShard shard(2 * CacheShard::Charge(2, 1), EvictionPolicy::kLru);
  StoreMirror mirror(store, kHash);
  bool inserted = false;
  ASSERT_TRUE(mirror.Set(k1, H(k1), shard, "1", {}, &inserted).ok());
  ASSERT_TRUE(mirror.Set(k2, H(k2), shard, "2", {}, &inserted).ok());
  const std::string big_value(
      2 * CacheShard::Charge(2, 1) - CacheShard::Charge(big.size(), 0), 'b');
  std::thread evictor([&] {
    ASSERT_TRUE(mirror.Set(big, H(big), shard, big_value, {}, &inserted).ok());
  });
  store->paused.WaitForNotification();
  bool again = false;
  ASSERT_TRUE(mirror.Set(k2, H(k2), shard, "2 again", {}, &again).ok());
  store->resume.Notify();
  evictor.join();
  ASSERT_TRUE(shard.Contains(k2, H(k2)));
  const std::map<std::string, std::string> contents = Contents(*store);
  ASSERT_EQ(contents.count(k2), 1u) << "deleted from the store while held";
  EXPECT_EQ(contents.at(k2), "2 again");
}

}  // namespace
}  // namespace gogocache
