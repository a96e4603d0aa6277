// Copyright 2026 The gogocache Authors.
//
// A CacheGroup with a store, on both real backends: write-through, deletes on
// Remove and eviction, warm restart, failed writes, and the disk bound.

#include <signal.h>
#include <sys/resource.h>

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "cache/cache_group.h"
#include "gtest/gtest.h"
#include "loader/getter.h"
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

  std::string dir_ = FreshTestDir();
  std::string spec_ = absl::StrCat(GetParam(), ":", dir_, "/store");
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
