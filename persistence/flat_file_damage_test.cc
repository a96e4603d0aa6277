// Copyright 2026 The gogocache Authors.
//
// What the flat file store makes of the file it opens: a torn tail cut, a
// corrupt record skipped (or refused in strict mode), damage Verify()
// reports, cut files; a file of another format or a newer version; paths
// refused (missing, a directory, locked, not permitted); read-only opens
// that change nothing. (flat_file_recovery_test.cc cuts and flips a log at
// every offset.)

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
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

// A value longer than a block of the log: its record is in fragments.
constexpr size_t kLongValue = log_format::kBlockSize + 7000;

FlatFileStoreOptions ReadOnly() {
  FlatFileStoreOptions options;
  options.read_only = true;
  return options;
}

TEST_F(FlatFileStoreTest, TornTailIsCutAndCounted) {
  {
    auto store = OpenOrDie(path_);
    ASSERT_TRUE(store->Put("kept", "value").ok());
    ASSERT_TRUE(store->Put("torn", "this record loses its end").ok());
  }
  const std::string bytes = ReadFileOrDie(path_);
  WriteFileOrDie(path_, bytes.substr(0, bytes.size() - 7));
  const uint64_t torn = log_format::RecordSize(4, 25) - 7;
  {
    auto store = OpenOrDie(path_);
    EXPECT_EQ(ReplayAll(*store), (Entries{{"kept", "value"}}));
    EXPECT_EQ(store->recovered().torn_tail_bytes, torn);
    EXPECT_EQ(FileSize(path_), bytes.size() - 7 - torn);
    // New records follow the last whole one.
    ASSERT_TRUE(store->Put("after", "crash").ok());
  }
  auto store = OpenOrDie(path_);
  EXPECT_EQ(ReplayAll(*store),
            (Entries{{"kept", "value"}, {"after", "crash"}}));
  EXPECT_EQ(store->recovered().torn_tail_bytes, 0u);
}

TEST_F(FlatFileStoreTest, CorruptMiddleRecordIsSkippedOrRefusedInStrictMode) {
  {
    auto store = OpenOrDie(path_);
    ASSERT_TRUE(store->Put("one", "1111").ok());
    ASSERT_TRUE(store->Put("two", "2222").ok());
    // Damage loses the rest of its block: "three" is in the next one.
    ASSERT_TRUE(store->Put("long", std::string(kLongValue, 'l')).ok());
    ASSERT_TRUE(store->Put("three", "3333").ok());
  }
  std::string bytes = ReadFileOrDie(path_);
  const uint64_t second =
      log_format::kHeaderSize + log_format::RecordSize(3, 4);
  const uint64_t third = second + log_format::RecordSize(3, 4);
  const uint64_t fourth =
      log_format::RecordEnd(third, 4, kLongValue);          // "three".
  bytes[second + log_format::kMinRecordSpace + 4] ^= 0x01;  // In "2222".
  WriteFileOrDie(path_, bytes);

  FlatFileStoreOptions strict;
  strict.strict = true;
  absl::StatusOr<std::unique_ptr<FlatFileStore>> refused =
      FlatFileStore::Open(path_, strict);
  ASSERT_TRUE(absl::IsDataLoss(refused.status())) << refused.status();
  EXPECT_NE(refused.status().message().find(absl::StrCat("offset ", second)),
            absl::string_view::npos)
      << refused.status();

  auto store = OpenOrDie(path_);
  EXPECT_EQ(ReplayAll(*store), (Entries{{"one", "1111"}, {"three", "3333"}}));
  EXPECT_EQ(store->recovered().corrupt_regions, 1u);
  EXPECT_EQ(store->recovered().corrupt_bytes, fourth - second);
  // Nothing was cut: the damage is left for `gogocache verify` to show, and
  // compaction drops it.
  EXPECT_EQ(FileSize(path_), bytes.size());
  ASSERT_TRUE(store->Compact().ok());
  EXPECT_EQ(ReplayAll(*store), (Entries{{"one", "1111"}, {"three", "3333"}}));
  store.reset();
  absl::StatusOr<LogReport> report = OpenOrDie(path_, ReadOnly())->ScanLog();
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->clean());
}

TEST_F(FlatFileStoreTest, VerifyReportsDamageWithoutChangingTheFile) {
  {
    auto store = OpenOrDie(path_);
    ASSERT_TRUE(store->Put("one", "1111").ok());
    ASSERT_TRUE(store->Put("long", std::string(kLongValue, 'l')).ok());
    ASSERT_TRUE(store->Put("two", "2222").ok());
    ASSERT_TRUE(store->Put("three", "3333").ok());
  }
  std::string bytes = ReadFileOrDie(path_);
  bytes[log_format::kHeaderSize + 2] ^= 0x10;  // The first record's type.
  bytes.resize(bytes.size() - 7);              // And a torn tail.
  WriteFileOrDie(path_, bytes);
  auto store = OpenOrDie(path_, ReadOnly());
  absl::StatusOr<LogReport> report = store->ScanLog();
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_FALSE(report->clean());
  EXPECT_EQ(report->corrupt_regions, 1u);
  ASSERT_EQ(report->corrupt.size(), 1u);
  EXPECT_EQ(report->corrupt[0].first, log_format::kHeaderSize);
  EXPECT_EQ(report->torn_tail_bytes, log_format::RecordSize(5, 4) - 7);
  EXPECT_EQ(report->valid_end, bytes.size() + 7 - log_format::RecordSize(5, 4));
  EXPECT_EQ(report->live_entries, 1u);
  // Store::Verify() says the same, summed up.
  absl::StatusOr<StoreCheck> check = store->Verify();
  ASSERT_TRUE(check.ok()) << check.status();
  EXPECT_FALSE(check->clean());
  EXPECT_EQ(check->entries, 1u);
  EXPECT_NE(check->damage.find(absl::StrCat(
                "1 corrupt regions (", report->corrupt_bytes,
                " bytes), the first at offset ", log_format::kHeaderSize)),
            std::string::npos)
      << check->damage;
  EXPECT_NE(check->damage.find(
                absl::StrCat("torn tail of ", report->torn_tail_bytes)),
            std::string::npos)
      << check->damage;
  EXPECT_EQ(ReadFileOrDie(path_), bytes);
}

// Open for writing, Verify() reads the log as it is at the call, with what
// was appended since the open and damage done under the open store.
TEST_F(FlatFileStoreTest, VerifyOfAWritableStoreScansTheLogAsItIsNow) {
  auto store = OpenOrDie(path_);
  ASSERT_TRUE(store->Put("one", "1111").ok());
  ASSERT_TRUE(store->Put("two", "2222").ok());
  ASSERT_TRUE(store->Put("one", "uno").ok());
  ASSERT_TRUE(store->Delete("two").ok());
  ASSERT_TRUE(store->Put("three", "3333").ok());
  absl::StatusOr<StoreCheck> check = store->Verify();
  ASSERT_TRUE(check.ok()) << check.status();
  EXPECT_TRUE(check->clean()) << check->damage;
  EXPECT_EQ(check->entries, 2u);
  // A bit flipped in "2222", the second record, through another descriptor:
  // the store's mapping of the log sees it.
  const uint64_t second =
      log_format::kHeaderSize + log_format::RecordSize(3, 4);
  const uint64_t at = second + log_format::kMinRecordSpace + 4;
  const char flipped = ReadFileOrDie(path_)[at] ^ 0x01;
  const int fd = open(path_.c_str(), O_WRONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(pwrite(fd, &flipped, 1, at), 1);
  close(fd);
  check = store->Verify();
  ASSERT_TRUE(check.ok()) << check.status();
  EXPECT_FALSE(check->clean());
  EXPECT_NE(check->damage.find(absl::StrCat("the first at offset ", second)),
            std::string::npos)
      << check->damage;
  ASSERT_TRUE(store->Close().ok());
  EXPECT_TRUE(absl::IsFailedPrecondition(store->Verify().status()));
}

TEST_F(FlatFileStoreTest, NewerFormatVersionIsRefused) {
  WriteFileOrDie(path_, log_format::EncodeHeader(7));
  absl::StatusOr<std::unique_ptr<FlatFileStore>> store =
      FlatFileStore::Open(path_);
  ASSERT_TRUE(absl::IsFailedPrecondition(store.status())) << store.status();
  EXPECT_NE(store.status().message().find("version 7"),
            absl::string_view::npos);
  EXPECT_EQ(ReadFileOrDie(path_), log_format::EncodeHeader(7));
}

TEST_F(FlatFileStoreTest, FileOfAnotherFormatIsRefusedAndKept) {
  const std::string original = "user:1\nalice\nuser:2\nbob\n";  // Go's format.
  WriteFileOrDie(path_, original);
  absl::StatusOr<std::unique_ptr<FlatFileStore>> store =
      FlatFileStore::Open(path_);
  ASSERT_TRUE(absl::IsFailedPrecondition(store.status())) << store.status();
  EXPECT_NE(store.status().message().find(path_), absl::string_view::npos);
  EXPECT_NE(store.status().message().find("not a gogocache log"),
            absl::string_view::npos);
  EXPECT_EQ(ReadFileOrDie(path_), original);
}

TEST_F(FlatFileStoreTest, TruncatedFilesRecoverWhatIsWhole) {
  {
    auto store = OpenOrDie(path_);
    for (int i = 0; i < 50; ++i) {
      ASSERT_TRUE(
          store->Put(absl::StrCat("key", i), std::string(100, 'v')).ok());
    }
  }
  const std::string bytes = ReadFileOrDie(path_);
  for (size_t size : {size_t{0}, size_t{5}, size_t{16}, size_t{17},
                      bytes.size() / 2, bytes.size() - 1}) {
    WriteFileOrDie(path_, bytes.substr(0, size));
    auto store = OpenOrDie(path_);
    ASSERT_NE(store, nullptr);
    const size_t whole =
        size < log_format::kHeaderSize
            ? 0
            : (size - log_format::kHeaderSize) / log_format::RecordSize(5, 100);
    // Keys key0..key9 are 4 bytes, the rest 5: count by replaying instead.
    const Entries entries = ReplayAll(*store);
    EXPECT_LE(entries.size(), whole + 10) << size;
    for (size_t i = 0; i < entries.size(); ++i) {
      EXPECT_EQ(entries[i].first, absl::StrCat("key", i));
      EXPECT_EQ(entries[i].second, std::string(100, 'v'));
    }
    if (size == bytes.size() - 1) {
      EXPECT_EQ(entries.size(), 49u);
    }
  }
}

TEST_F(FlatFileStoreTest, MissingDirectoryIsNotFound) {
  absl::StatusOr<std::unique_ptr<FlatFileStore>> store =
      FlatFileStore::Open(dir_ + "/no/such/dir/cache.log");
  ASSERT_TRUE(absl::IsNotFound(store.status())) << store.status();
  EXPECT_NE(store.status().message().find("does not exist"),
            absl::string_view::npos);
}

TEST_F(FlatFileStoreTest, DirectoryPathIsRefused) {
  absl::StatusOr<std::unique_ptr<FlatFileStore>> store =
      FlatFileStore::Open(dir_);
  ASSERT_TRUE(absl::IsFailedPrecondition(store.status())) << store.status();
  EXPECT_NE(store.status().message().find("is a directory"),
            absl::string_view::npos);
}

TEST_F(FlatFileStoreTest, SecondOpenOfTheSamePathIsRefused) {
  auto first = OpenOrDie(path_);
  ASSERT_TRUE(first->Put("k", "v").ok());
  absl::StatusOr<std::unique_ptr<FlatFileStore>> second =
      FlatFileStore::Open(path_);
  ASSERT_TRUE(absl::IsFailedPrecondition(second.status())) << second.status();
  EXPECT_NE(second.status().message().find("already open"),
            absl::string_view::npos);
  // Nor may a reader look while a writer works.
  EXPECT_TRUE(absl::IsFailedPrecondition(
      FlatFileStore::Open(path_, ReadOnly()).status()));

  // Another process is refused too.
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    absl::StatusOr<std::unique_ptr<FlatFileStore>> other =
        FlatFileStore::Open(path_);
    _exit(absl::IsFailedPrecondition(other.status()) ? 0 : 1);
  }
  int wait_status = 0;
  ASSERT_EQ(waitpid(child, &wait_status, 0), child);
  EXPECT_TRUE(WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0);

  ASSERT_TRUE(first->Put("k2", "v2").ok());
  first.reset();
  auto reopened = OpenOrDie(path_);
  EXPECT_EQ(ReplayAll(*reopened), (Entries{{"k", "v"}, {"k2", "v2"}}));
}

TEST_F(FlatFileStoreTest, NoPermissionIsPermissionDenied) {
  {
    auto store = OpenOrDie(path_);
    ASSERT_TRUE(store->Put("k", "v").ok());
  }
  ASSERT_EQ(chmod(dir_.c_str(), 0700), 0);
  ASSERT_EQ(chmod(path_.c_str(), 0600), 0);
  // Root ignores permissions: check as an unprivileged user in a child.
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0)) _exit(2);
    absl::StatusOr<std::unique_ptr<FlatFileStore>> store =
        FlatFileStore::Open(path_);
    _exit(absl::IsPermissionDenied(store.status()) &&
                  store.status().message().find(dir_) != std::string::npos
              ? 0
              : 1);
  }
  int wait_status = 0;
  ASSERT_EQ(waitpid(child, &wait_status, 0), child);
  ASSERT_TRUE(WIFEXITED(wait_status));
  EXPECT_EQ(WEXITSTATUS(wait_status), 0);
  auto store = OpenOrDie(path_);
  EXPECT_EQ(ReplayAll(*store), (Entries{{"k", "v"}}));
}

TEST_F(FlatFileStoreTest, ReadOnlyOpenChangesNothing) {
  {
    auto store = OpenOrDie(path_);
    ASSERT_TRUE(store->Put("k", "v").ok());
  }
  std::string bytes = ReadFileOrDie(path_);
  bytes += "torn";
  WriteFileOrDie(path_, bytes);
  FlatFileStoreOptions options;
  options.read_only = true;
  auto store = OpenOrDie(path_, options);
  EXPECT_EQ(ReplayAll(*store), (Entries{{"k", "v"}}));
  EXPECT_TRUE(absl::IsFailedPrecondition(store->Put("k2", "v")));
  auto second_reader = OpenOrDie(path_, options);
  EXPECT_NE(second_reader, nullptr);
  EXPECT_TRUE(absl::IsFailedPrecondition(FlatFileStore::Open(path_).status()));
  store.reset();
  second_reader.reset();
  EXPECT_EQ(ReadFileOrDie(path_), bytes);
}

}  // namespace
}  // namespace gogocache
