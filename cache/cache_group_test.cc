// Copyright 2026 The gogocache Authors.

#include "cache/cache_group.h"

#include <atomic>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hash/hash_strategy.h"
#include "loader/getter.h"
#include "tests/wait_for.h"

namespace gogocache {
namespace {

using ::gogocache::testing::WaitFor;
using ::testing::HasSubstr;

std::unique_ptr<CacheGroup> MakeGroup(CacheGroupOptions options) {
  absl::StatusOr<std::unique_ptr<CacheGroup>> group =
      CacheGroup::Create(std::move(options));
  EXPECT_TRUE(group.ok()) << group.status();
  return group.ok() ? std::move(*group) : nullptr;
}

TEST(CacheGroupCreateTest, RejectsEachBadOptionByName) {
  const auto message = [](CacheGroupOptions options) {
    return std::string(
        CacheGroup::Create(std::move(options)).status().message());
  };
  CacheGroupOptions options;
  options.name = "";
  EXPECT_THAT(message(options), HasSubstr("name"));
  options = CacheGroupOptions();
  options.num_shards = 0;
  EXPECT_THAT(message(options), HasSubstr("num_shards is 0"));
  options.num_shards = CacheGroup::kMaxShards + 1;
  EXPECT_THAT(message(options), HasSubstr("num_shards"));
  options = CacheGroupOptions();
  options.capacity_bytes = 1000;
  EXPECT_THAT(message(options), HasSubstr("capacity_bytes 1000"));
  options = CacheGroupOptions();
  options.max_key_size = 0;
  EXPECT_THAT(message(options), HasSubstr("max_key_size is 0"));
  options.max_key_size = CacheGroup::kMaxKeySize + 1;
  EXPECT_THAT(message(options), HasSubstr("max_key_size"));
  EXPECT_EQ(CacheGroup::Create(options).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(CacheGroupTest, SetGetRemoveWithoutGetter) {
  CacheGroupOptions options;
  options.name = "plain";
  auto group = MakeGroup(options);
  absl::StatusOr<ByteView> missing = group->Get("k");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(missing.status().message(), HasSubstr("\"plain\""));
  ASSERT_TRUE(group->Set("k", "v").ok());
  absl::StatusOr<ByteView> value = group->Get("k");
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(*value, "v");
  ASSERT_TRUE(group->Remove("k").ok());
  ASSERT_TRUE(group->Remove("k").ok()) << "removing an absent key is fine";
  EXPECT_EQ(group->Get("k").status().code(), absl::StatusCode::kNotFound);
  // A value got before the removal is still readable.
  EXPECT_EQ(*value, "v");
}

TEST(CacheGroupTest, RejectsEmptyAndOverlongKeys) {
  CacheGroupOptions options;
  options.max_key_size = 8;
  auto group = MakeGroup(options);
  for (absl::string_view key :
       {absl::string_view(""), absl::string_view("123456789")}) {
    EXPECT_EQ(group->Get(key).status().code(),
              absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(group->Set(key, "v").code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(group->Remove(key).code(), absl::StatusCode::kInvalidArgument);
  }
  EXPECT_THAT(group->Get("").status().message(), HasSubstr("key is empty"));
  EXPECT_THAT(group->Get("123456789").status().message(),
              HasSubstr("9 bytes, longer than max_key_size 8"));
  EXPECT_TRUE(group->Set("12345678", "v").ok());
}

TEST(CacheGroupTest, LoadsOnceThenHits) {
  std::atomic<int> calls{0};
  CacheGroupOptions options;
  options.getter = MakeGetter([&](absl::string_view key) {
    ++calls;
    return absl::StrCat("value-of-", key);
  });
  auto group = MakeGroup(options);
  for (int i = 0; i < 3; ++i) {
    absl::StatusOr<ByteView> value = group->Get("k");
    ASSERT_TRUE(value.ok());
    EXPECT_EQ(*value, "value-of-k");
  }
  EXPECT_EQ(calls.load(), 1);
  const CacheGroupStats stats = group->GetStats();
  EXPECT_EQ(stats.gets, 3u);
  EXPECT_EQ(stats.hits, 2u);
  EXPECT_EQ(stats.loads, 1u);
  EXPECT_EQ(stats.local_loads, 1u);
  EXPECT_EQ(stats.local_load_errors, 0u);
  EXPECT_EQ(stats.items, 1u);
  EXPECT_EQ(stats.bytes, CacheGroup::Charge(1, 10));
}

TEST(CacheGroupTest, AnEmptyValueIsAValueAndIsCached) {
  std::atomic<int> calls{0};
  CacheGroupOptions options;
  options.getter = MakeGetter([&](absl::string_view) {
    ++calls;
    return std::string();
  });
  auto group = MakeGroup(options);
  for (int i = 0; i < 2; ++i) {
    absl::StatusOr<ByteView> value = group->Get("empty");
    ASSERT_TRUE(value.ok()) << value.status();
    EXPECT_TRUE(value->empty());
  }
  EXPECT_EQ(calls.load(), 1);
}

// Many threads miss one key at once: one getter call, everyone gets the same
// bytes (the very same buffer).
TEST(CacheGroupTest, StampedeLoadsOnce) {
  constexpr int kThreads = 16;
  std::atomic<int> calls{0};
  std::unique_ptr<CacheGroup> group;
  CacheGroupOptions options;
  options.getter = MakeGetter([&](absl::string_view) {
    ++calls;
    EXPECT_TRUE(WaitFor([&] {
      return group->GetStats().loads_shared == kThreads - 1;
    })) << "the other callers never joined the load";
    return std::string("hot value");
  });
  group = MakeGroup(options);
  std::vector<absl::StatusOr<ByteView>> results(kThreads,
                                                absl::UnknownError("unset"));
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] { results[i] = group->Get("hot"); });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(calls.load(), 1);
  for (const auto& result : results) {
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_EQ(*result, "hot value");
    EXPECT_EQ(result->data(), results[0]->data());
  }
  const CacheGroupStats stats = group->GetStats();
  EXPECT_EQ(stats.loads, uint64_t{kThreads});
  EXPECT_EQ(stats.loads_shared, uint64_t{kThreads - 1});
  EXPECT_EQ(stats.loads_deduped, 1u);  // As groupcache counts: one load.
  EXPECT_EQ(stats.local_loads, 1u);
}

TEST(CacheGroupTest, GetterErrorReachesAllWaitersAndIsRetried) {
  constexpr int kThreads = 8;
  std::atomic<int> calls{0};
  std::atomic<bool> failing{true};
  std::unique_ptr<CacheGroup> group;
  CacheGroupOptions options;
  options.getter =
      MakeGetter([&](absl::string_view) -> absl::StatusOr<std::string> {
        ++calls;
        if (!failing) return std::string("fine now");
        EXPECT_TRUE(WaitFor(
            [&] { return group->GetStats().loads_shared == kThreads - 1; }));
        return absl::UnavailableError("database unreachable");
      });
  group = MakeGroup(options);
  std::vector<absl::Status> statuses(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] { statuses[i] = group->Get("k").status(); });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(calls.load(), 1);
  for (const absl::Status& status : statuses) {
    EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
    EXPECT_EQ(status.message(), "database unreachable");
  }
  EXPECT_EQ(group->GetStats().local_load_errors, 1u);
  EXPECT_EQ(group->GetStats().items, 0u) << "errors are not cached";

  failing = false;
  absl::StatusOr<ByteView> retried = group->Get("k");
  ASSERT_TRUE(retried.ok()) << retried.status();
  EXPECT_EQ(*retried, "fine now");
  EXPECT_EQ(calls.load(), 2);
}

TEST(CacheGroupTest, ValueLargerThanAShardIsReturnedNotCached) {
  std::atomic<int> calls{0};
  CacheGroupOptions options;
  options.capacity_bytes = 4 * 1024;
  options.num_shards = 4;  // 1 KiB each.
  options.getter = MakeGetter([&](absl::string_view) {
    ++calls;
    return std::string(2000, 'L');
  });
  auto group = MakeGroup(options);
  for (int i = 1; i <= 2; ++i) {
    absl::StatusOr<ByteView> value = group->Get("big");
    ASSERT_TRUE(value.ok());
    EXPECT_EQ(value->size(), 2000u);
    EXPECT_EQ(calls.load(), i) << "a value that does not fit is not cached";
  }
  EXPECT_EQ(group->GetStats().too_large, 2u);
  const absl::Status set = group->Set("big", std::string(2000, 'L'));
  EXPECT_EQ(set.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(set.message(), HasSubstr("not stored"));
}

TEST(CacheGroupTest, Crc32ShardsLikeTheGoOriginal) {
  CacheGroupOptions options;
  options.hash = HashStrategy::Crc32Ieee();
  options.num_shards = 3;
  auto group = MakeGroup(options);
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(group->Set(absl::StrCat("key", i), absl::StrCat(i)).ok());
  }
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(*group->Get(absl::StrCat("key", i)), absl::StrCat(i));
  }
}

// The whole group never holds more than its capacity, whatever the churn.
class ConcurrentGroupTest : public ::testing::TestWithParam<EvictionPolicy> {};

TEST_P(ConcurrentGroupTest, CapacityHoldsGloballyUnderConcurrentChurn) {
  CacheGroupOptions options;
  options.eviction = GetParam();
  options.capacity_bytes = 256 * 1024;
  options.num_shards = 8;
  options.getter = MakeGetter([](absl::string_view key) {
    return std::string(100 + key.size() * 7, 'g');
  });
  auto group = MakeGroup(options);
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> worst{0};
  std::thread monitor([&] {
    while (!stop) {
      const uint64_t bytes = group->GetStats().bytes;
      if (bytes > worst) worst = bytes;
    }
  });
  std::vector<std::thread> workers;
  for (int t = 0; t < 4; ++t) {
    workers.emplace_back([&, t] {
      std::mt19937 random(t);
      for (int i = 0; i < 20000; ++i) {
        const std::string key = absl::StrCat("key-", random() % 20000);
        switch (random() % 4) {
          case 0:
            ASSERT_TRUE(
                group->Set(key, std::string(random() % 1500, 's')).ok());
            break;
          case 1:
            ASSERT_TRUE(group->Remove(key).ok());
            break;
          default: {
            absl::StatusOr<ByteView> value = group->Get(key);
            ASSERT_TRUE(value.ok()) << value.status();
          }
        }
      }
    });
  }
  for (auto& worker : workers) worker.join();
  stop = true;
  monitor.join();
  const CacheGroupStats stats = group->GetStats();
  EXPECT_LE(worst.load(), options.capacity_bytes);
  EXPECT_LE(stats.bytes, options.capacity_bytes);
  EXPECT_GT(stats.evictions, 0u);
  EXPECT_EQ(stats.loads, stats.gets - stats.hits) << "every miss loads";
  EXPECT_GE(stats.loads, stats.local_loads);
}

INSTANTIATE_TEST_SUITE_P(Policies, ConcurrentGroupTest,
                         ::testing::Values(EvictionPolicy::kLru,
                                           EvictionPolicy::kTinyLfu,
                                           EvictionPolicy::kLirs,
                                           EvictionPolicy::kAdaptive));

}  // namespace
}  // namespace gogocache
