// Copyright 2026 The gogocache Authors.

#include "persistence/sequence_sort.h"

#include <sys/resource.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "persistence/test_util.h"

namespace gogocache {
namespace persistence_internal {
namespace {

using ::gogocache::testing::FreshTestDir;
using Pairs = std::vector<std::pair<uint64_t, std::string>>;

// `count` pairs with distinct sequence numbers spread over a range 4 times
// as wide, in random order, with keys of 0 to `max_key` bytes.
Pairs RandomPairs(size_t count, size_t max_key, uint32_t seed) {
  std::mt19937_64 random(seed);
  std::vector<uint64_t> sequences(count * 4);
  for (size_t i = 0; i < sequences.size(); ++i) sequences[i] = i;
  std::shuffle(sequences.begin(), sequences.end(), random);
  Pairs pairs;
  for (size_t i = 0; i < count; ++i) {
    std::string key(random() % (max_key + 1), '\0');
    for (char& c : key) c = static_cast<char>(random());
    pairs.emplace_back(sequences[i], std::move(key));
  }
  return pairs;
}

// Adds `pairs` and merges them, checking every status.
Pairs SortAll(SequenceSort& sort, const Pairs& pairs) {
  for (const auto& [sequence, key] : pairs) {
    const absl::Status status = sort.Add(sequence, key);
    EXPECT_TRUE(status.ok()) << status;
    if (!status.ok()) return {};
  }
  Pairs merged;
  const absl::Status status =
      sort.Merge([&](uint64_t sequence, absl::string_view key) {
        merged.emplace_back(sequence, std::string(key));
        return absl::OkStatus();
      });
  EXPECT_TRUE(status.ok()) << status;
  return merged;
}

Pairs Sorted(Pairs pairs) {
  std::sort(pairs.begin(), pairs.end());
  return pairs;
}

TEST(SequenceSortTest, PairsThatFitInOneBufferNeedNoFile) {
  const Pairs pairs = RandomPairs(1000, 20, 1);
  SequenceSort sort({FreshTestDir()});
  EXPECT_EQ(SortAll(sort, pairs), Sorted(pairs));
  EXPECT_EQ(sort.runs(), 0u);
}

TEST(SequenceSortTest, ManyRunsInAFile) {
  const Pairs pairs = RandomPairs(200000, 40, 2);
  SequenceSort sort({FreshTestDir(), /*run_bytes=*/64 << 10});
  EXPECT_EQ(SortAll(sort, pairs), Sorted(pairs));
  EXPECT_GT(sort.runs(), 50u);
  EXPECT_FALSE(sort.in_memory());
}

// Two read buffers' worth of merge memory: every level merges two runs.
TEST(SequenceSortTest, MoreRunsThanOneMergeTakesMergeInLevels) {
  const Pairs pairs = RandomPairs(30000, 16, 3);
  SequenceSort sort({FreshTestDir(), /*run_bytes=*/4 << 10,
                     /*merge_bytes=*/2 * SequenceSort::kMinReadBuffer});
  EXPECT_EQ(SortAll(sort, pairs), Sorted(pairs));
  EXPECT_GT(sort.runs(), 100u);
}

TEST(SequenceSortTest, KeysLargerThanTheBuffers) {
  Pairs pairs = RandomPairs(200, 10, 4);
  for (size_t i = 0; i < pairs.size(); i += 7) {
    pairs[i].second.assign(100 << 10, static_cast<char>('a' + i % 26));
  }
  SequenceSort sort({FreshTestDir(), /*run_bytes=*/8 << 10,
                     /*merge_bytes=*/2 * SequenceSort::kMinReadBuffer});
  EXPECT_EQ(SortAll(sort, pairs), Sorted(pairs));
}

// Sorts pairs in many runs with `dir` as the runs' directory, and expects
// the runs in memory.
void ExpectRunsInMemory(const std::string& dir) {
  const Pairs pairs = RandomPairs(20000, 16, 5);
  SequenceSort sort({dir, /*run_bytes=*/16 << 10});
  EXPECT_EQ(SortAll(sort, pairs), Sorted(pairs));
  EXPECT_GT(sort.runs(), 10u);
  EXPECT_TRUE(sort.in_memory());
}

TEST(SequenceSortTest, WithoutADirectoryRunsStayInMemory) {
  ExpectRunsInMemory("");
}

// /proc takes no file (EOPNOTSUPP), as a read-only filesystem takes none.
TEST(SequenceSortTest, ADirectoryThatTakesNoFileKeepsRunsInMemory) {
  ExpectRunsInMemory("/proc");
}

TEST(SequenceSortTest, AMissingDirectoryIsAnError) {
  const std::string dir = FreshTestDir() + "/missing";
  SequenceSort sort({dir, /*run_bytes=*/1 << 10});
  absl::Status status;
  for (uint64_t i = 0; status.ok() && i < 1000; ++i) {
    status = sort.Add(i, "key");
  }
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound) << status;
  EXPECT_NE(status.message().find(dir), absl::string_view::npos) << status;
}

// A file-size limit fails the run's write (as a full disk does): the error
// names the directory, and the process lives on.
TEST(SequenceSortTest, AFailedWriteIsResourceExhausted) {
  const std::string dir = FreshTestDir();
  struct rlimit old_limit;
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &old_limit), 0);
  struct rlimit limit = old_limit;
  limit.rlim_cur = 256 << 10;
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &limit), 0);
  SequenceSort sort({dir, /*run_bytes=*/16 << 10});
  absl::Status status;
  for (uint64_t i = 0; status.ok() && i < 100000; ++i) {
    status = sort.Add(i, absl::StrCat("key", i));
  }
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &old_limit), 0);
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted) << status;
  EXPECT_NE(status.message().find(dir), absl::string_view::npos) << status;
}

TEST(SequenceSortTest, TheVisitorsErrorEndsTheMerge) {
  const Pairs pairs = RandomPairs(5000, 16, 7);
  SequenceSort sort({FreshTestDir(), /*run_bytes=*/4 << 10});
  for (const auto& [sequence, key] : pairs) {
    ASSERT_TRUE(sort.Add(sequence, key).ok());
  }
  size_t visited = 0;
  const absl::Status status = sort.Merge([&](uint64_t, absl::string_view) {
    return ++visited == 10 ? absl::CancelledError("enough") : absl::OkStatus();
  });
  EXPECT_EQ(status, absl::CancelledError("enough"));
  EXPECT_EQ(visited, 10u);
}

}  // namespace
}  // namespace persistence_internal
}  // namespace gogocache
