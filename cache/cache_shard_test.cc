// Copyright 2026 The gogocache Authors.

#include "cache/cache_shard.h"

#include <atomic>
#include <cmath>
#include <cstdint>
#include <list>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace gogocache {
namespace {

// Tests hash keys with std::hash: the shard only needs equal keys to have
// equal hashes.
uint64_t H(absl::string_view key) {
  return std::hash<std::string_view>()(
      std::string_view(key.data(), key.size()));
}

bool Has(CacheShard& shard, absl::string_view key) {
  ByteView ignored;
  return shard.Lookup(key, H(key), &ignored, /*count=*/false);
}

std::string Get(CacheShard& shard, absl::string_view key) {
  ByteView value;
  if (!shard.Lookup(key, H(key), &value)) return "<miss>";
  return value.ToString();
}

bool Put(CacheShard& shard, absl::string_view key, absl::string_view value) {
  return shard.Insert(key, H(key), value).inserted;
}

TEST(CacheShardTest, LookupInsertErase) {
  CacheShard shard(1 << 20);
  EXPECT_EQ(Get(shard, "a"), "<miss>");
  EXPECT_TRUE(Put(shard, "a", "1"));
  EXPECT_EQ(Get(shard, "a"), "1");
  EXPECT_TRUE(Put(shard, "a", "2"));
  EXPECT_EQ(Get(shard, "a"), "2");
  EXPECT_TRUE(shard.Erase("a", H("a")));
  EXPECT_FALSE(shard.Erase("a", H("a")));
  EXPECT_EQ(Get(shard, "a"), "<miss>");

  const CacheShardStats stats = shard.GetStats();
  EXPECT_EQ(stats.hits, 2u);
  EXPECT_EQ(stats.misses, 2u);
  EXPECT_EQ(stats.items, 0u);
  EXPECT_EQ(stats.bytes, 0u);
  EXPECT_EQ(stats.evictions, 0u);
}

TEST(CacheShardTest, ChargesKeyValueAndOverhead) {
  CacheShard shard(1 << 20);
  Put(shard, "key", "value");
  Put(shard, "k2", "");
  EXPECT_EQ(shard.GetStats().bytes,
            CacheShard::Charge(3, 5) + CacheShard::Charge(2, 0));
  EXPECT_EQ(CacheShard::Charge(3, 5), 3 + 5 + CacheShard::kEntryOverhead);
  Put(shard, "key", "longer value");  // Replacement re-charges.
  EXPECT_EQ(shard.GetStats().bytes,
            CacheShard::Charge(3, 12) + CacheShard::Charge(2, 0));
  EXPECT_EQ(shard.GetStats().items, 2u);
}

TEST(CacheShardTest, EvictsLeastRecentlyUsedFirst) {
  // Room for exactly four entries of one-byte keys and values.
  CacheShard shard(4 * CacheShard::Charge(1, 1));
  for (const char* key : {"1", "2", "3", "4"}) Put(shard, key, "v");
  Get(shard, "3");
  Get(shard, "1");  // Recency, oldest first: 2 4 3 1.
  Put(shard, "5", "v");
  EXPECT_FALSE(Has(shard, "2"));
  Put(shard, "6", "v");
  EXPECT_FALSE(Has(shard, "4"));
  Put(shard, "7", "v");
  EXPECT_FALSE(Has(shard, "3"));
  for (const char* key : {"1", "5", "6", "7"}) EXPECT_TRUE(Has(shard, key));
  EXPECT_EQ(shard.GetStats().evictions, 3u);
}

TEST(CacheShardTest, EvictsAsManyAsABigEntryNeeds) {
  CacheShard shard(4 * CacheShard::Charge(1, 10));
  for (const char* key : {"a", "b", "c", "d"}) Put(shard, key, "0123456789");
  // Charges three small entries less the key and overhead: evicts three.
  ASSERT_TRUE(
      Put(shard, "E", std::string(2 * CacheShard::Charge(1, 10) + 10, 'x')));
  EXPECT_FALSE(Has(shard, "a"));
  EXPECT_FALSE(Has(shard, "b"));
  EXPECT_FALSE(Has(shard, "c"));
  EXPECT_TRUE(Has(shard, "d"));
  EXPECT_LE(shard.GetStats().bytes, shard.capacity());
}

TEST(CacheShardTest, RefusesEntriesLargerThanTheShard) {
  CacheShard shard(1000);
  ASSERT_TRUE(Put(shard, "k", "small"));
  EXPECT_FALSE(Put(shard, "k", std::string(1000, 'x')));
  EXPECT_FALSE(Has(shard, "k")) << "the stale value must not survive";
  EXPECT_EQ(shard.GetStats().too_large, 1u);
  EXPECT_EQ(shard.GetStats().bytes, 0u);
}

TEST(CacheShardTest, ViewsOutliveEviction) {
  CacheShard shard(CacheShard::Charge(1, 5));
  ShardInsert inserted = shard.Insert("a", H("a"), "first");
  ASSERT_TRUE(inserted.inserted);
  const ByteView held = inserted.value;
  Put(shard, "b", "other");  // Evicts "a".
  EXPECT_FALSE(Has(shard, "a"));
  EXPECT_EQ(held, "first");
}

// The report names evictions only: not a replaced value, not an Erase().
TEST(CacheShardTest, ReportsOnlyEvictions) {
  CacheShard shard(2 * CacheShard::Charge(1, 1));
  EXPECT_TRUE(shard.Insert("a", H("a"), "1").evicted.empty());
  EXPECT_TRUE(shard.Insert("b", H("b"), "2").evicted.empty());
  EXPECT_TRUE(shard.Insert("a", H("a"), "3").evicted.empty());  // Replaced.
  EXPECT_EQ(shard.Insert("c", H("c"), "4").evicted,
            std::vector<std::string>{"b"});
  EXPECT_TRUE(shard.Erase("a", H("a")));
  EXPECT_TRUE(shard.Insert("d", H("d"), "5").evicted.empty());
}

TEST(CacheShardTest, ReportsWhatATooLargeInsertDid) {
  CacheShard shard(CacheShard::Charge(1, 10));
  ASSERT_TRUE(Put(shard, "k", "old"));
  EXPECT_TRUE(shard.Fits(1, 10));
  EXPECT_FALSE(shard.Fits(1, 11));
  const ShardInsert result = shard.Insert("k", H("k"), std::string(11, 'x'));
  EXPECT_FALSE(result.inserted);
  EXPECT_TRUE(result.value.empty());
  EXPECT_TRUE(result.evicted.empty()) << "a dropped older value is no eviction";
  EXPECT_FALSE(Has(shard, "k"));
}

TEST(CacheShardTest, ReportsEvictedKeysAndContainsIsNotAnAccess) {
  CacheShard shard(2 * CacheShard::Charge(1, 1));
  Put(shard, "a", "1");
  Put(shard, "b", "2");
  EXPECT_TRUE(shard.Contains("a", H("a")));  // Must not make "a" recent.
  EXPECT_FALSE(shard.Contains("z", H("z")));
  const ShardInsert result = shard.Insert("c", H("c"), "3");
  ASSERT_TRUE(result.inserted);
  EXPECT_EQ(result.value, "3");
  EXPECT_EQ(result.evicted, std::vector<std::string>{"a"});
  EXPECT_EQ(shard.GetStats().hits, 0u);
  EXPECT_EQ(shard.GetStats().misses, 0u);
}

// A plain, obviously correct LRU to compare the shard against.
class ModelLru {
 public:
  explicit ModelLru(size_t capacity) : capacity_(capacity) {}

  bool Lookup(const std::string& key) {
    for (auto it = order_.begin(); it != order_.end(); ++it) {
      if (it->first == key) {
        order_.splice(order_.begin(), order_, it);
        return true;
      }
    }
    return false;
  }
  std::vector<std::string> Insert(const std::string& key, size_t value_size) {
    Erase(key);
    std::vector<std::string> evicted;
    const size_t charge = CacheShard::Charge(key.size(), value_size);
    if (charge > capacity_) return evicted;
    while (usage_ + charge > capacity_) {
      evicted.push_back(order_.back().first);
      usage_ -=
          CacheShard::Charge(order_.back().first.size(), order_.back().second);
      order_.pop_back();
    }
    order_.emplace_front(key, value_size);
    usage_ += charge;
    return evicted;
  }
  void Erase(const std::string& key) {
    for (auto it = order_.begin(); it != order_.end(); ++it) {
      if (it->first == key) {
        usage_ -= CacheShard::Charge(key.size(), it->second);
        order_.erase(it);
        return;
      }
    }
  }
  size_t usage() const { return usage_; }
  size_t size() const { return order_.size(); }

 private:
  const size_t capacity_;
  size_t usage_ = 0;
  std::list<std::pair<std::string, size_t>> order_;  // Most recent first.
};

TEST(CacheShardTest, AgreesWithAModelLruOnRandomOperations) {
  const size_t capacity = 3000;
  CacheShard shard(capacity);
  ModelLru model(capacity);
  std::mt19937 random(42);
  for (int step = 0; step < 20000; ++step) {
    const std::string key = absl::StrCat("k", random() % 60);
    const int op = random() % 10;
    if (op < 5) {
      ByteView value;
      ASSERT_EQ(shard.Lookup(key, H(key), &value), model.Lookup(key))
          << "step " << step << " lookup " << key;
    } else if (op < 9) {
      const size_t value_size = random() % 200;
      const std::vector<std::string> expected = model.Insert(key, value_size);
      ASSERT_EQ(shard.Insert(key, H(key), std::string(value_size, 'v')).evicted,
                expected)
          << "step " << step << " insert " << key;
    } else {
      shard.Erase(key, H(key));
      model.Erase(key);
    }
    const CacheShardStats stats = shard.GetStats();
    ASSERT_EQ(stats.bytes, model.usage()) << "step " << step;
    ASSERT_EQ(stats.items, model.size()) << "step " << step;
  }
}

// Readers, writers and erasers at once, with values checked on every hit:
// exercises the reader stripes, writer exclusion and access replay (run under
// ThreadSanitizer and AddressSanitizer by .ci/run).
class ShardPolicyTest : public ::testing::TestWithParam<EvictionPolicy> {};

TEST_P(ShardPolicyTest, ConcurrentChurnNeverExceedsCapacity) {
  const size_t capacity = 64 * 1024;
  CacheShard shard(capacity, GetParam());
  std::atomic<bool> stop{false};
  std::atomic<bool> over{false};
  std::thread monitor([&] {
    while (!stop.load()) {
      if (shard.GetStats().bytes > capacity) over = true;
    }
  });
  // Counted as the callers saw them: the shard's counters must agree
  // exactly, though readers step aside for writers all the time.
  std::atomic<uint64_t> hits{0};
  std::atomic<uint64_t> misses{0};
  std::vector<std::thread> writers;
  for (int t = 0; t < 4; ++t) {
    writers.emplace_back([&, t] {
      std::mt19937 random(t);
      for (int i = 0; i < 20000; ++i) {
        const std::string key = absl::StrCat(random() % 5000);
        if (i % 3 == 0) {
          ByteView value;
          const bool counted = i % 2 == 0;
          if (shard.Lookup(key, H(key), &value, counted)) {
            ASSERT_EQ(value.ToString(), std::string(value.size(), key[0]));
            if (counted) ++hits;
          } else if (counted) {
            ++misses;
          }
        } else if (i % 7 == 0) {
          shard.Erase(key, H(key));
        } else {
          shard.Insert(key, H(key), std::string(random() % 500, key[0]));
        }
      }
    });
  }
  for (auto& writer : writers) writer.join();
  stop = true;
  monitor.join();
  EXPECT_FALSE(over.load());
  EXPECT_LE(shard.GetStats().bytes, capacity);
  EXPECT_GT(shard.GetStats().evictions, 0u);
  EXPECT_EQ(shard.GetStats().hits, hits.load());
  EXPECT_EQ(shard.GetStats().misses, misses.load());
  EXPECT_GT(hits.load(), 0u);
}

// Traffic whose best policy changes, read and written from several threads
// at once: a working set swept forward and back (LRU's), a loop larger than
// the shard (LIRS's), then skewed independent requests (TinyLFU's), so that
// the adaptive policy relinks its lists between policies while readers hold
// and check values (run under ThreadSanitizer and AddressSanitizer by
// .ci/run).
TEST_P(ShardPolicyTest, ConcurrentTrafficThatChangesItsBestPolicy) {
  constexpr size_t kEntries = 400;
  const size_t capacity = kEntries * CacheShard::Charge(6, 8);
  CacheShard shard(capacity, GetParam());
  std::vector<int> keys;
  for (int round = 0; round < 6; ++round) {
    for (int k = 0; k < 1000; ++k) keys.push_back(k);
    for (int k = 999; k >= 0; --k) keys.push_back(k);
  }
  for (int round = 0; round < 12; ++round) {
    for (int k = 0; k < 600; ++k) keys.push_back(2000 + k);
  }
  std::mt19937 skewed(7);
  for (int i = 0; i < 12000; ++i) {
    const int rank = static_cast<int>(std::pow(skewed() % 100000 + 1, 0.6));
    keys.push_back(5000 + rank);
  }
  std::atomic<bool> stop{false};
  std::atomic<bool> over{false};
  std::thread monitor([&] {
    while (!stop.load()) {
      if (shard.GetStats().bytes > capacity) over = true;
    }
  });
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&, t] {
      // Each thread a little behind the one before, as clients are.
      for (size_t i = 0; i < keys.size(); ++i) {
        const std::string key =
            absl::StrCat(100000 + keys[(i + 50 * t) % keys.size()]);
        ByteView value;
        if (shard.Lookup(key, H(key), &value)) {
          ASSERT_EQ(value.ToString(), key.substr(0, 6) + "vv");
        } else {
          shard.Insert(key, H(key), key.substr(0, 6) + "vv");
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  stop = true;
  monitor.join();
  EXPECT_FALSE(over.load());
  const CacheShardStats stats = shard.GetStats();
  EXPECT_LE(stats.bytes, capacity);
  EXPECT_LE(stats.items, kEntries);
  EXPECT_GT(stats.hits, 0u);
  EXPECT_GT(stats.evictions, 0u);
}

// Restoring from a store, oldest first, into a shard that holds only some:
// under every policy the newest stay, as under LRU (LIRS and TinyLFU would
// hold new keys back if restores counted as new keys).
TEST_P(ShardPolicyTest, RestoreKeepsTheNewest) {
  CacheShard shard(50 * CacheShard::Charge(4, 10), GetParam());
  size_t evicted = 0;
  for (int i = 0; i < 500; ++i) {
    const std::string key = absl::StrCat(1000 + i);
    const ShardInsert result = shard.Restore(key, H(key), std::string(10, 'r'));
    ASSERT_TRUE(result.inserted);
    evicted += result.evicted.size();
  }
  EXPECT_EQ(shard.GetStats().items, 50u);
  EXPECT_EQ(evicted, 450u);
  ByteView value;
  for (int i = 450; i < 500; ++i) {
    const std::string key = absl::StrCat(1000 + i);
    EXPECT_TRUE(shard.Lookup(key, H(key), &value)) << key;
  }
}

INSTANTIATE_TEST_SUITE_P(Policies, ShardPolicyTest,
                         ::testing::Values(EvictionPolicy::kLru,
                                           EvictionPolicy::kTinyLfu,
                                           EvictionPolicy::kLirs,
                                           EvictionPolicy::kAdaptive));

}  // namespace
}  // namespace gogocache
