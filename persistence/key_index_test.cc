// Copyright 2026 The gogocache Authors.

#include "persistence/key_index.h"

#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace gogocache {
namespace persistence_internal {
namespace {

// The table against a map, through growth, wrap-around and deletions from
// long runs: small hashes (which share their top kept bits, so their home
// slot, the first), the largest kept hashes (home in the last slot, so their
// run wraps around to the first), hashes that differ only above bit 47
// (which the table does not keep), spread ones, and 0 and 1, which it keeps
// in the same slot.
TEST(LocationTableTest, AgreesWithAMap) {
  LocationTable table;
  std::map<uint64_t, uint64_t> model;
  std::mt19937_64 random(3);
  auto kept = [](uint64_t hash) {
    hash &= (uint64_t{1} << 48) - 1;
    return hash == 0 ? 1 : hash;
  };
  for (int step = 0; step < 60000; ++step) {
    uint64_t hash = random() % 4000;
    if (step % 3 == 0) hash = (uint64_t{1} << 48) - 1 - hash;  // Wraps.
    if (step % 5 == 0) hash = random();
    if (step % 7 == 0) hash |= random() << 48;  // Bits the table drops.
    if (step % 1000 == 0) hash = step % 2000 == 0 ? 0 : 1;
    if (random() % 3 == 0) {
      const bool present = model.count(kept(hash)) > 0;
      ASSERT_EQ(table.Find(hash).has_value(), present) << hash;
      if (present) {
        table.Erase(hash);
        model.erase(kept(hash));
      }
    } else {
      // Offsets and sizes up to the slot's limits, to check the packing.
      const uint64_t offset =
          step % 11 == 0 ? LocationTable::kMaxOffset - step : step;
      const uint64_t size = step % 13 == 0 ? LocationTable::kMaxSize : step;
      auto [at, inserted] = table.TryEmplace(hash, {offset, size});
      ASSERT_EQ(inserted, model.count(kept(hash)) == 0) << hash;
      if (!inserted) {
        ASSERT_EQ(at.get().offset, model[kept(hash)]);
        at.set({offset, size});
      }
      ASSERT_EQ(at.get().offset, offset);
      ASSERT_EQ(at.get().size, size);
      model[kept(hash)] = offset;
    }
    ASSERT_EQ(table.size(), model.size());
    if (step % 5000 == 0 || step == 59999) {
      for (const auto& [hash, offset] : model) {
        const std::optional<RecordLocation> at = table.Find(hash);
        ASSERT_TRUE(at.has_value()) << hash;
        ASSERT_EQ(at->offset, offset) << hash;
      }
      size_t visited = 0;
      table.ForEach([&](RecordLocation&) { ++visited; });
      ASSERT_EQ(visited, model.size());
      ASSERT_LE(table.size() * 8, table.capacity() * 7);
    }
  }
  EXPECT_GE(table.capacity(), 4096u);  // It grew, many times.
}

// A location the slot cannot hold would point the key at another record:
// the table stops the process rather than store it (the store refuses such
// logs and records before they reach the index).
TEST(LocationTableDeathTest, RefusesLocationsBeyondTheSlot) {
  LocationTable table;
  EXPECT_DEATH(table.TryEmplace(7, {LocationTable::kMaxOffset + 1, 1}),
               "out of range");
  EXPECT_DEATH(table.TryEmplace(7, {0, LocationTable::kMaxSize + 1}),
               "out of range");
}

// A stand-in for the log: a record's offset is its index in `keys`.
struct Log {
  std::vector<std::string> keys;

  KeyIndex::Location Append(const std::string& key) {
    keys.push_back(key);
    return {keys.size() - 1, key.size()};
  }
  absl::string_view KeyAt(uint64_t offset) const { return keys.at(offset); }
};

// Hashers that make most keys collide.
uint64_t FourHashes(absl::string_view key) { return key.size() % 4; }
uint64_t OneHash(absl::string_view) { return 42; }

// Random sets, overwrites and erases, checked after every step against a map
// of key to its latest record.
void CheckAgainstModel(KeyIndex::Hasher hasher, int keys, int steps) {
  KeyIndex index(hasher);
  Log log;
  auto key_of = [&](uint64_t offset) { return log.KeyAt(offset); };
  std::map<std::string, KeyIndex::Location> model;
  std::mt19937 random(7);
  for (int step = 0; step < steps; ++step) {
    const std::string key(1 + random() % keys, 'k');
    const std::string named = absl::StrCat(key, random() % 3);
    const auto found = model.find(named);
    if (random() % 3 == 0) {
      const std::optional<KeyIndex::Location> erased =
          index.Erase(named, key_of);
      ASSERT_EQ(erased.has_value(), found != model.end()) << named;
      if (erased) {
        EXPECT_EQ(erased->offset, found->second.offset);
        model.erase(found);
      }
    } else {
      const KeyIndex::Location location = log.Append(named);
      const std::optional<KeyIndex::Location> previous =
          index.Set(named, location, key_of);
      ASSERT_EQ(previous.has_value(), found != model.end()) << named;
      if (previous) {
        EXPECT_EQ(previous->offset, found->second.offset);
      }
      model[named] = location;
    }
    ASSERT_EQ(index.size(), model.size());
    for (const auto& [name, location] : model) {
      const std::optional<KeyIndex::Location> at = index.Find(name, key_of);
      ASSERT_TRUE(at.has_value()) << name;
      ASSERT_EQ(at->offset, location.offset) << name;
    }
    ASSERT_FALSE(index.Find("absent", key_of).has_value());
  }
}

TEST(KeyIndexTest, AgreesWithAMapUnderTheRealHash) {
  CheckAgainstModel(&KeyIndex::DefaultHash, 40, 3000);
}

TEST(KeyIndexTest, AgreesWithAMapWhenHashesCollide) {
  CheckAgainstModel(&FourHashes, 40, 3000);
  CheckAgainstModel(&OneHash, 40, 3000);
}

// SetAll over batches of any size does what Set does one by one, with the
// same locations replaced, keys repeating within a batch included.
void CheckSetAllAgainstSet(KeyIndex::Hasher hasher) {
  KeyIndex one_by_one(hasher);
  KeyIndex batched(hasher);
  Log log;
  auto key_of = [&](uint64_t offset) { return log.KeyAt(offset); };
  std::mt19937 random(11);
  std::vector<uint64_t> replaced_one_by_one;
  std::vector<uint64_t> replaced_batched;
  std::vector<KeyIndex::HashedLocation> batch;
  for (int step = 0; step < 3000; ++step) {
    const std::string key =
        absl::StrCat(std::string(1 + random() % 20, 'k'), random() % 10);
    const KeyIndex::Location location = log.Append(key);
    if (auto previous = one_by_one.Set(key, location, key_of)) {
      replaced_one_by_one.push_back(previous->offset);
    }
    batch.push_back({location, batched.Hash(key)});
    if (random() % 100 == 0 || step == 2999) {
      batched.SetAll(batch, key_of, [&](const KeyIndex::Location& previous) {
        replaced_batched.push_back(previous.offset);
      });
      batch.clear();
    }
  }
  EXPECT_EQ(replaced_batched, replaced_one_by_one);
  ASSERT_EQ(batched.size(), one_by_one.size());
  for (const std::string& key : log.keys) {
    const std::optional<KeyIndex::Location> expected =
        one_by_one.Find(key, key_of);
    const std::optional<KeyIndex::Location> actual = batched.Find(key, key_of);
    ASSERT_TRUE(expected.has_value());
    ASSERT_TRUE(actual.has_value()) << key;
    EXPECT_EQ(actual->offset, expected->offset) << key;
  }
}

TEST(KeyIndexTest, SetAllIsSetInOrder) {
  CheckSetAllAgainstSet(&KeyIndex::DefaultHash);
  CheckSetAllAgainstSet(&FourHashes);
}

TEST(KeyIndexTest, ForEachVisitsEveryKeyAndMayMoveIt) {
  KeyIndex index(&OneHash);  // All but the first key go by name.
  Log log;
  auto key_of = [&](uint64_t offset) { return log.KeyAt(offset); };
  for (int i = 0; i < 10; ++i) {
    index.Set(absl::StrCat("key", i), log.Append(absl::StrCat("key", i)),
              key_of);
  }
  int visited = 0;
  // Move every record to the end of a log twice as long, as a compaction
  // moves records to a new file.
  const std::vector<std::string> old_keys = log.keys;
  log.keys.insert(log.keys.end(), old_keys.begin(), old_keys.end());
  index.ForEach([&](KeyIndex::Location& location) {
    location.offset += old_keys.size();
    ++visited;
  });
  EXPECT_EQ(visited, 10);
  for (int i = 0; i < 10; ++i) {
    const std::optional<KeyIndex::Location> at =
        index.Find(absl::StrCat("key", i), key_of);
    ASSERT_TRUE(at.has_value());
    EXPECT_EQ(at->offset, static_cast<uint64_t>(10 + i));
  }
}

}  // namespace
}  // namespace persistence_internal
}  // namespace gogocache
