// Copyright 2026 The gogocache Authors.
//
// A CacheGroup with a store, on both real backends: write-through, deletes on
// Remove and eviction, warm restart, expiry across restarts, failed writes,
// and the disk bound.

#include <signal.h>
#include <sys/resource.h>

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "cache/cache_group.h"
#include "gtest/gtest.h"
#include "loader/getter.h"
#include "loader/manual_clock.h"
#include "persistence/open.h"
#include "persistence/test_util.h"

namespace gogocache {
namespace {

using ::gogocache::testing::FileSize;
using ::gogocache::testing::FreshTestDir;

std::map<std::string, std::string> StoreContents(Store& store) {
  const testing::Entries entries = testing::ReplayAll(store);
  return std::map<std::string, std::string>(entries.begin(), entries.end());
}

class CacheGroupStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  std::shared_ptr<Store> OpenStoreOrDie(StoreOptions options = {}) {
    absl::StatusOr<std::unique_ptr<Store>> store = OpenStore(spec_, options);
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? std::shared_ptr<Store>(*std::move(store)) : nullptr;
  }

  std::unique_ptr<CacheGroup> MakeGroup(std::shared_ptr<Store> store,
                                        size_t capacity = 1 << 20,
                                        std::shared_ptr<Getter> getter = {}) {
    CacheGroupOptions options;
    options.capacity_bytes = capacity;
    options.num_shards = 4;
    options.store = std::move(store);
    options.getter = std::move(getter);
    absl::StatusOr<std::unique_ptr<CacheGroup>> group =
        CacheGroup::Create(std::move(options));
    EXPECT_TRUE(group.ok()) << group.status();
    return group.ok() ? *std::move(group) : nullptr;
  }

  // Every key the group holds, with its value, read without counting.
  std::map<std::string, std::string> GroupContents(CacheGroup& group,
                                                   int keys) {
    std::map<std::string, std::string> contents;
    for (int i = 0; i < keys; ++i) {
      const std::string key = absl::StrCat("key", i);
      absl::StatusOr<ByteView> value = group.Get(key);
      if (value.ok()) contents[key] = value->ToString();
    }
    return contents;
  }

  // A group with expiry on clock_: a value expires a minute after its
  // write, unless it has an expiry of its own. Its getter answers "KEY@N"
  // for its Nth call, with an expiry of its own (two minutes on) for keys
  // that start with "own".
  std::unique_ptr<CacheGroup> MakeExpiringGroup(std::shared_ptr<Store> store) {
    CacheGroupOptions options;
    options.num_shards = 4;
    options.store = std::move(store);
    options.clock = clock_;
    options.expire_after_write = absl::Minutes(1);
    options.getter =
        MakeGetter([this](absl::string_view key) -> absl::StatusOr<Loaded> {
          Loaded loaded{absl::StrCat(key, "@", ++getter_calls_), std::nullopt};
          if (absl::StartsWith(key, "own")) {
            loaded.expires = clock_->Now() + absl::Minutes(2);
          }
          return loaded;
        });
    absl::StatusOr<std::unique_ptr<CacheGroup>> group =
        CacheGroup::Create(std::move(options));
    EXPECT_TRUE(group.ok()) << group.status();
    return group.ok() ? *std::move(group) : nullptr;
  }

  // The value `group` holds for `key` and its expiry, read without counting
  // or loading; "" when it holds none.
  std::string Held(CacheGroup& group, absl::string_view key,
                   absl::Time* expires) {
    ByteView value;
    return group.GetForPeerIfHeld(key, &value, expires) ? value.ToString() : "";
  }

  std::string dir_ = FreshTestDir();
  std::string spec_ = absl::StrCat(GetParam(), ":", dir_, "/store");
  std::shared_ptr<ManualClock> clock_ = std::make_shared<ManualClock>();
  std::atomic<int> getter_calls_{0};
};

TEST_P(CacheGroupStoreTest, RestartComesBackWarm) {
  {
    auto group = MakeGroup(OpenStoreOrDie());
    for (int i = 0; i < 100; ++i) {
      ASSERT_TRUE(
          group->Set(absl::StrCat("key", i), absl::StrCat("v", i)).ok());
    }
    ASSERT_TRUE(group->Remove("key7").ok());
    EXPECT_EQ(group->GetStats().store_writes, 100u);
    EXPECT_EQ(group->GetStats().store_deletes, 1u);
  }
  auto group = MakeGroup(OpenStoreOrDie());
  EXPECT_EQ(group->GetStats().store_replayed, 99u);
  EXPECT_EQ(group->GetStats().items, 99u);
  for (int i = 0; i < 100; ++i) {
    absl::StatusOr<ByteView> value = group->Get(absl::StrCat("key", i));
    if (i == 7) {
      EXPECT_TRUE(absl::IsNotFound(value.status()));
    } else {
      ASSERT_TRUE(value.ok()) << i << value.status();
      EXPECT_EQ(*value, absl::StrCat("v", i));
    }
  }
  EXPECT_EQ(group->GetStats().hits, 99u);
}

TEST_P(CacheGroupStoreTest, RestartAfterTheExpiryServesNothingStale) {
  const absl::Time start = clock_->Now();
  {
    auto group = MakeExpiringGroup(OpenStoreOrDie());
    ASSERT_TRUE(group->Set("set", "stale").ok());
    ASSERT_TRUE(group->Set("own-set", "stale", start + absl::Minutes(2)).ok());
    ASSERT_TRUE(group->Set("forever", "kept", absl::InfiniteFuture()).ok());
    ASSERT_TRUE(group->Get("filled").ok());    // "filled@1", for a minute.
    ASSERT_TRUE(group->Get("own-load").ok());  // "own-load@2", for two.
  }
  clock_->Advance(absl::Minutes(3));
  auto store = OpenStoreOrDie();
  auto group = MakeExpiringGroup(store);
  // What expired while no process held the store is gone from it.
  EXPECT_EQ(StoreContents(*store),
            (std::map<std::string, std::string>{{"forever", "kept"}}));
  EXPECT_EQ(group->GetStats().store_replayed, 1u);
  EXPECT_EQ(group->GetStats().items, 1u);
  // Every Get of an expired key loads it anew.
  for (const char* key : {"set", "own-set", "filled", "own-load"}) {
    absl::StatusOr<ByteView> value = group->Get(key);
    ASSERT_TRUE(value.ok()) << key << value.status();
    EXPECT_TRUE(absl::StartsWith(value->ToString(), absl::StrCat(key, "@")))
        << value->ToString();
    EXPECT_NE(*value, "filled@1");
    EXPECT_NE(*value, "own-load@2");
  }
  EXPECT_EQ(getter_calls_.load(), 6);
  absl::StatusOr<ByteView> forever = group->Get("forever");
  ASSERT_TRUE(forever.ok()) << forever.status();
  EXPECT_EQ(*forever, "kept");
}

TEST_P(CacheGroupStoreTest, RestartBeforeTheExpiryServesUntilItAndNotAfter) {
  const absl::Time start = clock_->Now();
  {
    auto group = MakeExpiringGroup(OpenStoreOrDie());
    ASSERT_TRUE(group->Set("set", "v").ok());
    ASSERT_TRUE(group->Set("own-set", "w", start + absl::Minutes(2)).ok());
    ASSERT_TRUE(group->Get("filled").ok());  // "filled@1".
  }
  clock_->Advance(absl::Seconds(30));
  auto group = MakeExpiringGroup(OpenStoreOrDie());
  EXPECT_EQ(group->GetStats().store_replayed, 3u);
  absl::Time expires;
  EXPECT_EQ(Held(*group, "set", &expires), "v");
  EXPECT_EQ(expires, start + absl::Minutes(1));
  EXPECT_EQ(Held(*group, "own-set", &expires), "w");
  EXPECT_EQ(expires, start + absl::Minutes(2));
  EXPECT_EQ(Held(*group, "filled", &expires), "filled@1");
  EXPECT_EQ(expires, start + absl::Minutes(1));
  EXPECT_EQ(getter_calls_.load(), 1);

  clock_->Advance(absl::Seconds(29));  // A second before the first expiry.
  for (const auto& [key, value] :
       {std::make_pair("set", "v"), std::make_pair("own-set", "w"),
        std::make_pair("filled", "filled@1")}) {
    absl::StatusOr<ByteView> got = group->Get(key);
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_EQ(*got, value);
  }
  EXPECT_EQ(getter_calls_.load(), 1);
  EXPECT_EQ(group->GetStats().hits, 3u);

  clock_->Advance(absl::Seconds(1));  // The first expiry.
  EXPECT_EQ(Held(*group, "set", nullptr), "");
  EXPECT_EQ(Held(*group, "filled", nullptr), "");
  EXPECT_EQ(Held(*group, "own-set", nullptr), "w");
  absl::StatusOr<ByteView> reloaded = group->Get("set");
  ASSERT_TRUE(reloaded.ok()) << reloaded.status();
  EXPECT_EQ(*reloaded, "set@2");
  clock_->Advance(absl::Minutes(1));  // The second.
  EXPECT_EQ(Held(*group, "own-set", nullptr), "");
}

TEST_P(CacheGroupStoreTest, GetterFillsAreWrittenThroughErrorsAreNot) {
  std::atomic<int> calls{0};
  auto getter =
      MakeGetter([&](absl::string_view key) -> absl::StatusOr<std::string> {
        ++calls;
        if (key == "key13") return absl::UnavailableError("source down");
        return absl::StrCat("loaded:", key);
      });
  {
    auto group = MakeGroup(OpenStoreOrDie(), 1 << 20, getter);
    for (int i = 0; i < 20; ++i)
      group->Get(absl::StrCat("key", i)).IgnoreError();
    EXPECT_EQ(group->GetStats().store_writes, 19u);
  }
  calls = 0;
  auto group = MakeGroup(OpenStoreOrDie(), 1 << 20, getter);
  for (int i = 0; i < 20; ++i) group->Get(absl::StrCat("key", i)).IgnoreError();
  EXPECT_EQ(calls.load(), 1);  // Only the key whose load failed.
}

TEST_P(CacheGroupStoreTest, StoreMirrorsMemoryUnderEviction) {
  auto store = OpenStoreOrDie();
  // Room for about 40 of the 400 entries written.
  const size_t capacity = 4 * 10 * CacheGroup::Charge(6, 1000);
  auto group = MakeGroup(store, capacity);
  const std::string value(1000, 'x');
  for (int i = 0; i < 400; ++i) {
    ASSERT_TRUE(group->Set(absl::StrCat("key", i), value).ok());
  }
  const CacheGroupStats stats = group->GetStats();
  EXPECT_GT(stats.evictions, 300u);
  EXPECT_EQ(stats.store_write_errors, 0u);
  const auto in_store = StoreContents(*store);
  EXPECT_EQ(in_store.size(), stats.items);
  EXPECT_EQ(in_store, GroupContents(*group, 400));
}

TEST_P(CacheGroupStoreTest, SmallerCapacityAfterRestartKeepsTheNewest) {
  {
    auto group = MakeGroup(OpenStoreOrDie(), 1 << 20);
    for (int i = 0; i < 200; ++i) {
      ASSERT_TRUE(
          group->Set(absl::StrCat("key", i), std::string(500, 'v')).ok());
    }
  }
  auto store = OpenStoreOrDie();
  const size_t capacity = 4 * 10 * CacheGroup::Charge(6, 500);
  auto group = MakeGroup(store, capacity);
  const CacheGroupStats stats = group->GetStats();
  EXPECT_LE(stats.bytes, capacity);
  EXPECT_GE(stats.items, 20u);
  // The newest keys are all there; the oldest are gone from both places.
  for (int i = 190; i < 200; ++i) {
    EXPECT_TRUE(group->Get(absl::StrCat("key", i)).ok()) << i;
  }
  for (int i = 0; i < 100; ++i) {
    EXPECT_FALSE(group->Get(absl::StrCat("key", i)).ok()) << i;
  }
  EXPECT_EQ(StoreContents(*store).size(), stats.items);
}

TEST_P(CacheGroupStoreTest, ConcurrentSetRemoveGetKeepStoreAndMemoryEqual) {
  auto store = OpenStoreOrDie();
  auto group = MakeGroup(store, 64 * CacheGroup::Charge(6, 200));
  constexpr int kKeys = 50;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        const std::string key = absl::StrCat("key", (i * 7 + t) % kKeys);
        switch ((i + t) % 4) {
          case 0:
          case 1:
            group->Set(key, absl::StrCat(t, ":", i, std::string(190, '.')))
                .IgnoreError();
            break;
          case 2:
            group->Remove(key).IgnoreError();
            break;
          default:
            group->Get(key).IgnoreError();
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(StoreContents(*store), GroupContents(*group, kKeys));
}

TEST_P(CacheGroupStoreTest, FailedStoreWriteIsReturnedAndChangesNothing) {
  auto store = OpenStoreOrDie();
  auto getter =
      MakeGetter([](absl::string_view key) -> absl::StatusOr<std::string> {
        return std::string(1 << 20, 'g');
      });
  auto group = MakeGroup(store, 64 << 20, getter);
  ASSERT_TRUE(group->Set("key1", "old").ok());
  // SIGXFSZ at its default disposition: the store fails the write itself.
  struct rlimit old_limit;
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &old_limit), 0);
  struct rlimit limit = old_limit;
  limit.rlim_cur = 256 << 10;
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &limit), 0);
  const absl::Status set = group->Set("key1", std::string(1 << 20, 'n'));
  absl::StatusOr<ByteView> filled = group->Get("key2");
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &old_limit), 0);
  EXPECT_TRUE(absl::IsResourceExhausted(set)) << set;
  absl::StatusOr<ByteView> kept = group->Get("key1");
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(*kept, "old");
  ASSERT_TRUE(filled.ok()) << filled.status();  // The fill still answers.
  EXPECT_EQ(filled->size(), size_t{1} << 20);
  EXPECT_GE(group->GetStats().store_write_errors, 2u);
}

INSTANTIATE_TEST_SUITE_P(Backends, CacheGroupStoreTest,
                         ::testing::Values("file", "rocksdb"));

TEST(CacheGroupFlatFileTest, ChurnKeepsTheFileBounded) {
  const std::string path = FreshTestDir() + "/cache.log";
  absl::StatusOr<std::unique_ptr<Store>> opened = OpenStore(
      "file:" + path + "?compact_min_bytes=1048576&compact_ratio=0.5");
  ASSERT_TRUE(opened.ok()) << opened.status();
  std::shared_ptr<Store> store = *std::move(opened);
  CacheGroupOptions group_options;
  group_options.capacity_bytes = 2 << 20;
  group_options.num_shards = 8;
  group_options.store = store;
  absl::StatusOr<std::unique_ptr<CacheGroup>> group =
      CacheGroup::Create(std::move(group_options));
  ASSERT_TRUE(group.ok());
  // 100,000 distinct keys of 1 KiB through a 2 MiB cache: 50x its size.
  const std::string value(1024, 'v');
  uint64_t peak = 0;
  for (int i = 0; i < 100000; ++i) {
    ASSERT_TRUE((*group)->Set(absl::StrCat("key", i), value).ok());
    if (i % 64 == 0) peak = std::max(peak, FileSize(path));
  }
  const StoreStats stats = store->GetStats();
  EXPECT_GT(stats.compactions, 10u);
  // Documented: live / (1 - ratio) + compaction_min_bytes + one record, plus
  // the space reserved ahead (1/16 of that); the live bytes are at most the
  // cache's capacity.
  const uint64_t bound = (2 * (2 << 20) + (1 << 20) + 2048) * 17 / 16;
  EXPECT_LE(peak, bound);
  EXPECT_LE(stats.live_bytes, uint64_t{2} << 20);
}

}  // namespace
}  // namespace gogocache
