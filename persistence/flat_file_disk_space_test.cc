// Copyright 2026 The gogocache Authors.
//
// The flat file store's disk space: the space it reserves ahead of the
// appends (and gives back at Close(), or recovery drops after a crash), in
// whole folios for a large log, and a full disk (a file-size limit) failing
// a write without losing what was written.

#include <sys/resource.h>

#include <map>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "persistence/flat_file_store.h"
#include "persistence/flat_file_test_util.h"
#include "persistence/log_format.h"
#include "persistence/test_util.h"

namespace gogocache {
namespace {

using ::gogocache::testing::Entries;
using ::gogocache::testing::FileSize;
using ::gogocache::testing::FlatFileStoreTest;
using ::gogocache::testing::OpenOrDie;
using ::gogocache::testing::ReadFileOrDie;
using ::gogocache::testing::ReplayAll;
using ::gogocache::testing::WriteFileOrDie;

// Caps the size of the files this process writes (RLIMIT_FSIZE) while it
// lives. SIGXFSZ keeps its default disposition: the store's writes past the
// cap fail with EFBIG, as on a full disk, instead of killing the process.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(uint64_t bytes) {
    EXPECT_EQ(getrlimit(RLIMIT_FSIZE, &old_), 0);
    struct rlimit limit = old_;
    limit.rlim_cur = bytes;
    EXPECT_EQ(setrlimit(RLIMIT_FSIZE, &limit), 0);
  }
  ~FileSizeLimit() { EXPECT_EQ(setrlimit(RLIMIT_FSIZE, &old_), 0); }
  FileSizeLimit(const FileSizeLimit&) = delete;
  FileSizeLimit& operator=(const FileSizeLimit&) = delete;

 private:
  struct rlimit old_;
};

// Under kNone and kAlways the store reserves disk space by writing zeros
// (kAlways then writes its records with pwrite), under kPeriodic with
// posix_fallocate: a full disk must fail them all the same.
class FullDiskTest : public FlatFileStoreTest,
                     public ::testing::WithParamInterface<Durability> {};

TEST_P(FullDiskTest, FailsTheWriteAndLosesNothing) {
  FlatFileStoreOptions options;
  options.durability = GetParam();
  auto store = OpenOrDie(path_, options);
  ASSERT_TRUE(store->Put("before", std::string(1000, 'b')).ok());
  // The file holds the record and the space reserved ahead of it.
  const uint64_t size_before = FileSize(path_);

  absl::Status status;
  absl::Status overwrite;
  {
    FileSizeLimit limit(size_before + 500);
    // Larger than what was reserved: needs more disk than the limit allows.
    const std::string big(size_t{1} << 20, 'd');
    status = store->Put("during", big);
    overwrite = store->Put("before", big);
  }

  EXPECT_TRUE(absl::IsResourceExhausted(status)) << status;
  EXPECT_NE(status.message().find(path_), absl::string_view::npos) << status;
  EXPECT_TRUE(absl::IsResourceExhausted(overwrite)) << overwrite;
  EXPECT_EQ(FileSize(path_), size_before);  // Nothing half-allocated is kept.
  EXPECT_EQ(ReplayAll(*store), (Entries{{"before", std::string(1000, 'b')}}));
  ASSERT_TRUE(store->Put("after", "ok").ok());
  store.reset();
  auto reopened = OpenOrDie(path_, options);
  EXPECT_EQ(ReplayAll(*reopened),
            (Entries{{"before", std::string(1000, 'b')}, {"after", "ok"}}));
  EXPECT_EQ(reopened->recovered().torn_tail_bytes, 0u);
}

INSTANTIATE_TEST_SUITE_P(Policies, FullDiskTest,
                         ::testing::Values(Durability::kNone,
                                           Durability::kPeriodic,
                                           Durability::kAlways));

// Under kNone, once appends pass half of the space reserved ahead, the
// background thread reserves the next stretch without waiting for a put to
// run out of room.
TEST_F(FlatFileStoreTest, SpaceIsReservedAheadOfTheAppends) {
  auto store = OpenOrDie(path_);
  ASSERT_TRUE(store->Put("first", "v").ok());
  const uint64_t reserved = FileSize(path_);  // By that put itself.
  const std::string value(1000, 'a');
  uint64_t end = log_format::kHeaderSize + log_format::RecordSize(5, 1);
  auto next = [&] {
    return log_format::RecordEnd(log_format::RecordStart(end), 4, value.size());
  };
  for (int i = 0; next() <= reserved - (reserved / 4); ++i) {
    ASSERT_TRUE(store->Put(absl::StrCat("k", 100 + i), value).ok());
    end = next();
  }
  // No put needed more room than `reserved`; the file grows all the same.
  const absl::Time deadline = absl::Now() + absl::Seconds(20);
  while (FileSize(path_) == reserved && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(1));
  }
  EXPECT_GT(FileSize(path_), reserved);
  ASSERT_TRUE(store->Close().ok());
  EXPECT_EQ(FileSize(path_), end);  // Close() gives the space back.
}

// A reservation ahead that finds the disk full changes nothing: the put that
// needs the space gets the error, and nothing written is lost.
TEST_F(FlatFileStoreTest, ReservationAheadOnAFullDiskLosesNothing) {
  auto store = OpenOrDie(path_);
  Entries expected = {{"first", "v"}};
  ASSERT_TRUE(store->Put("first", "v").ok());
  const uint64_t reserved = FileSize(path_);

  absl::Status full;
  {
    FileSizeLimit limit(reserved + 500);
    const std::string value(1000, 'a');
    uint64_t end = log_format::kHeaderSize + log_format::RecordSize(5, 1);
    auto next = [&] {
      return log_format::RecordEnd(log_format::RecordStart(end), 4,
                                   value.size());
    };
    for (int i = 0; next() <= reserved; ++i) {
      const std::string key = absl::StrCat("k", 100 + i);
      ASSERT_TRUE(store->Put(key, value).ok()) << key;
      expected.push_back({key, value});
      end = next();
    }
    // Time for the background thread to try its claim, which the limit
    // fails. (Should it come later, the put below claims the space itself,
    // and the test checks that path instead.)
    absl::SleepFor(absl::Milliseconds(200));
    full = store->Put("over", std::string(64 << 10, 'o'));
  }

  EXPECT_TRUE(absl::IsResourceExhausted(full)) << full;
  EXPECT_EQ(ReplayAll(*store), expected);
  ASSERT_TRUE(store->Put("after", "ok").ok());
  expected.push_back({"after", "ok"});
  store.reset();
  auto reopened = OpenOrDie(path_);
  EXPECT_EQ(ReplayAll(*reopened), expected);
  EXPECT_EQ(reopened->recovered().torn_tail_bytes, 0u);
}

TEST_F(FlatFileStoreTest, CrashLeavesReservedSpaceThatRecoveryDrops) {
  {
    auto store = OpenOrDie(path_);
    ASSERT_TRUE(store->Put("k", "v").ok());
    // As a killed process leaves it: the file still holds reserved zeros.
    ASSERT_GT(FileSize(path_),
              log_format::kHeaderSize + log_format::RecordSize(1, 1));
    const std::string bytes = ReadFileOrDie(path_);
    store.reset();                 // Close() gives the space back...
    WriteFileOrDie(path_, bytes);  // ...so put the crash's file back.
  }
  auto store = OpenOrDie(path_);
  EXPECT_EQ(ReplayAll(*store), (Entries{{"k", "v"}}));
  EXPECT_EQ(store->recovered().torn_tail_bytes, 0u);  // Zeros are not damage.
  EXPECT_EQ(FileSize(path_),
            log_format::kHeaderSize + log_format::RecordSize(1, 1));
}

TEST_F(FlatFileStoreTest, LargeMappedLogIsReservedInWholeFolios) {
  // Past 32 MiB a reservation grows the file by 2 MiB or more, and under
  // kNone it ends on a 2 MiB boundary so the page cache can hold it in
  // 2 MiB folios (see LogFile::Allocate).
  constexpr uint64_t kFolio = uint64_t{2} << 20;
  auto store = OpenOrDie(path_);
  const std::string value(64 << 10, 'f');
  for (int i = 0; FileSize(path_) < (uint64_t{40} << 20); ++i) {
    ASSERT_TRUE(store->Put(absl::StrCat("key", i), value).ok());
    ASSERT_LT(i, 1000) << "the file does not grow";
  }
  EXPECT_EQ(FileSize(path_) % kFolio, 0u) << FileSize(path_);
}

// A put that runs out of room while the background thread indexes (and
// doubles the index) reserves more itself, within the mapping the indexing
// reads through: enough puts of new keys that both happen many times over,
// and every one must come back, before and after reopening.
TEST_F(FlatFileStoreTest, ReservationsDuringBackgroundIndexingLoseNothing) {
  constexpr int kPuts = 150000;
  const auto value_for = [](int i) {
    return std::string(40 + i % 80, static_cast<char>('a' + i % 26));
  };
  {
    auto store = OpenOrDie(path_);
    for (int i = 0; i < kPuts; ++i) {
      ASSERT_TRUE(store->Put(absl::StrCat("key", i), value_for(i)).ok());
    }
    EXPECT_EQ(store->GetStats().entries, uint64_t{kPuts});
    ASSERT_TRUE(store->Close().ok());
  }
  auto store = OpenOrDie(path_);
  const Entries entries = ReplayAll(*store);
  ASSERT_EQ(entries.size(), size_t{kPuts});
  std::map<std::string, std::string> replayed(entries.begin(), entries.end());
  ASSERT_EQ(replayed.size(), size_t{kPuts});
  for (int i = 0; i < kPuts; ++i) {
    auto it = replayed.find(absl::StrCat("key", i));
    ASSERT_NE(it, replayed.end()) << i;
    ASSERT_EQ(it->second, value_for(i)) << i;
  }
}

}  // namespace
}  // namespace gogocache
