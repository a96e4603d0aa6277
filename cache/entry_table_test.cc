// Copyright 2026 The gogocache Authors.

#include "cache/entry_table.h"

#include <cstdint>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "cache/shard_entry.h"
#include "gtest/gtest.h"

namespace gogocache {
namespace shard_internal {
namespace {

// Entries with keys and chosen table hashes; no values.
class Entries {
 public:
  ShardEntry* Make(const std::string& key, uint32_t hash) {
    void* memory = ::operator new(ShardEntry::AllocationSize(key.size(), 0));
    auto* entry = new (memory) ShardEntry;
    entry->key_size = static_cast<uint32_t>(key.size());
    entry->table_hash = hash;
    entry->value_size = 0;
    std::memcpy(const_cast<char*>(entry->key_data()), key.data(), key.size());
    owned_.emplace_back(memory);
    return entry;
  }

 private:
  struct Free {
    void operator()(void* memory) const { ::operator delete(memory); }
  };
  std::vector<std::unique_ptr<void, Free>> owned_;
};

uint32_t Mix(uint64_t i) {
  return static_cast<uint32_t>((i * 0x9E3779B97F4A7C15ULL) >> 32);
}

// Keys are compared in full, whatever their length (short ones take a
// word-wise path): a key that differs from a stored one in any single byte,
// under the same hash, is not found; one of another length neither.
TEST(EntryTableTest, KeysDifferingInOneByteAreDifferentKeys) {
  Entries entries;
  EntryTable table;
  for (size_t size = 1; size <= 24; ++size) {
    const std::string key(size, 'k');
    const uint32_t hash = Mix(size);
    ShardEntry* stored = entries.Make(key, hash);
    table.Insert(stored);
    EXPECT_EQ(table.Find(key, hash), stored) << size;
    for (size_t i = 0; i < size; ++i) {
      std::string other = key;
      other[i] = 'x';
      EXPECT_EQ(table.Find(other, hash), nullptr) << size << " byte " << i;
    }
    EXPECT_EQ(table.Find(key + "k", hash), nullptr) << size;
    EXPECT_EQ(table.Find(key.substr(1), hash), nullptr) << size;
  }
}

TEST(EntryTableTest, FindsWhatWasInsertedAndNothingElse) {
  Entries entries;
  EntryTable table;
  EXPECT_EQ(table.Find("a", 1), nullptr);
  ShardEntry* a = entries.Make("a", Mix(1));
  table.Insert(a);
  EXPECT_EQ(table.Find("a", Mix(1)), a);
  EXPECT_EQ(table.Find("b", Mix(1)), nullptr) << "same hash, other key";
  EXPECT_EQ(table.Find("a", Mix(2)), nullptr) << "same key, other hash";
  EXPECT_EQ(table.Remove("a", Mix(1)), a);
  EXPECT_EQ(table.Find("a", Mix(1)), nullptr);
  EXPECT_EQ(table.Remove("a", Mix(1)), nullptr);
  EXPECT_EQ(table.size(), 0u);
}

// Random inserts and removals, checked against a map after every step.
void CheckAgainstMap(uint32_t (*hash_of)(uint64_t), int key_space) {
  Entries entries;
  EntryTable table;
  absl::flat_hash_map<std::string, ShardEntry*> expected;
  std::mt19937_64 random(42);
  for (int step = 0; step < 60000; ++step) {
    const uint64_t k = random() % key_space;
    const std::string key = absl::StrCat("key", k);
    const uint32_t hash = hash_of(k);
    auto it = expected.find(key);
    if (random() % 3 != 0) {
      if (it == expected.end()) {
        ShardEntry* entry = entries.Make(key, hash);
        table.Insert(entry);
        expected[key] = entry;
      } else if (random() % 2 == 0) {
        table.Remove(it->second);  // By pointer, as evictions do.
        expected.erase(it);
      }
    } else {
      ASSERT_EQ(table.Remove(key, hash),
                it == expected.end() ? nullptr : it->second)
          << key;
      if (it != expected.end()) expected.erase(it);
    }
    ASSERT_EQ(table.size(), expected.size());
    if (step % 1000 == 0) {
      for (int j = 0; j < key_space; ++j) {
        const std::string probe = absl::StrCat("key", j);
        auto found = expected.find(probe);
        ASSERT_EQ(table.Find(probe, hash_of(j)),
                  found == expected.end() ? nullptr : found->second)
            << "step " << step << " " << probe;
      }
    }
  }
}

TEST(EntryTableTest, MatchesAMapUnderRandomChurn) {
  CheckAgainstMap(&Mix, 5000);
}

TEST(EntryTableTest, MatchesAMapWhenHashesCollide) {
  // 4 distinct hashes for 1,500 keys: runs far longer than the 254 slots
  // a distance fits in, so distances come from the entries themselves.
  CheckAgainstMap([](uint64_t i) { return Mix(i % 4); }, 1500);
}

TEST(EntryTableTest, LoadStaysBetweenSevenTenthsAndSevenEighths) {
  Entries entries;
  EntryTable table;
  size_t capacity = 0;
  for (uint64_t i = 0; i < 200000; ++i) {
    table.Insert(entries.Make(absl::StrCat(i), Mix(i)));
    ASSERT_LE(table.size() * 8, table.capacity() * 7) << i;
    if (table.capacity() != capacity && table.size() > 100) {
      // Just grown: a quarter more slots than at 7/8.
      EXPECT_GE(table.size() * 10, table.capacity() * 7 - 10) << i;
    }
    capacity = table.capacity();
  }
  // 8-byte slots: at most 8 / 0.7 bytes per entry.
  EXPECT_LE(table.capacity() * 8.0 / table.size(), 8 / 0.7 + 0.01);
}

}  // namespace
}  // namespace shard_internal
}  // namespace gogocache
