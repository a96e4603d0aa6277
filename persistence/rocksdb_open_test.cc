// Copyright 2026 The gogocache Authors.
//
// What RocksDbStore::Open makes of the path it is given: a database of
// another program, options out of range, a directory of other files, what
// an interrupted creation leaves, a path that is no directory, a missing
// store; read-only opens that change nothing, and Verify() of a damaged
// table. The writes are in rocksdb_store_test.cc; the shared contract is in
// open_test.cc.

#include <dirent.h>
#include <sys/stat.h>

#include <map>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "persistence/rocksdb_store.h"
#include "persistence/test_util.h"
#include "rocksdb/db.h"

namespace gogocache {
namespace {

using ::gogocache::testing::Entries;
using ::gogocache::testing::FreshTestDir;
using ::gogocache::testing::ReplayAll;
using ::gogocache::testing::WriteFileOrDie;

// What is in directory `dir`, recursively: each entry's relative path, with
// its kind, size, modification time and, for a regular file, its bytes.
std::map<std::string, std::string> Snapshot(const std::string& dir,
                                            const std::string& prefix = "") {
  std::map<std::string, std::string> entries;
  DIR* handle = opendir(dir.c_str());
  if (handle == nullptr) return entries;
  while (const dirent* entry = readdir(handle)) {
    const std::string name = entry->d_name;
    if (name == "." || name == "..") continue;
    const std::string path = dir + "/" + name;
    struct stat st;
    if (lstat(path.c_str(), &st) != 0) continue;
    std::string& described = entries[prefix + name];
    described = absl::StrCat(st.st_mode, " ", st.st_size, " ",
                             st.st_mtim.tv_sec, ".", st.st_mtim.tv_nsec);
    if (S_ISREG(st.st_mode)) {
      absl::StrAppend(&described, " ", testing::ReadFileOrDie(path));
    } else if (S_ISDIR(st.st_mode)) {
      entries.merge(Snapshot(path, prefix + name + "/"));
    }
  }
  closedir(handle);
  return entries;
}

bool Exists(const std::string& path) {
  struct stat st;
  return lstat(path.c_str(), &st) == 0;
}

// Opens `path` for writing, read-only and without creating: each must be
// FailedPrecondition naming the path.
void ExpectEveryOpenRefusedNaming(const std::string& path) {
  RocksDbStoreOptions read_only;
  read_only.read_only = true;
  RocksDbStoreOptions no_create;
  no_create.create_if_missing = false;
  for (const RocksDbStoreOptions& options :
       {RocksDbStoreOptions(), read_only, no_create}) {
    absl::StatusOr<std::unique_ptr<RocksDbStore>> store =
        RocksDbStore::Open(path, options);
    EXPECT_TRUE(absl::IsFailedPrecondition(store.status())) << store.status();
    EXPECT_NE(store.status().message().find(path), absl::string_view::npos)
        << store.status();
  }
}

TEST(RocksDbStoreTest, AnotherProgramsDatabaseIsDataLossNotData) {
  const std::string path = FreshTestDir() + "/db";
  {
    rocksdb::Options options;
    options.create_if_missing = true;
    rocksdb::DB* db = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(options, path, &db).ok());
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), "k", "v").ok());
    delete db;
  }
  absl::StatusOr<std::unique_ptr<RocksDbStore>> store =
      RocksDbStore::Open(path);
  ASSERT_TRUE(store.ok()) << store.status();
  const absl::Status status =
      (*store)->Replay([](absl::string_view, absl::string_view) {
        ADD_FAILURE() << "served a value that is not gogocache's";
      });
  EXPECT_TRUE(absl::IsDataLoss(status)) << status;
}

TEST(RocksDbStoreTest, OptionsOutOfRangeAreInvalidArgumentNamingTheOption) {
  const std::string path = FreshTestDir() + "/db";
  struct Bad {
    Durability durability;
    absl::Duration sync_interval;
    const char* option;
  };
  const Bad cases[] = {
      {Durability::kPeriodic, absl::ZeroDuration(), "sync_interval"},
      {Durability::kPeriodic, -absl::Milliseconds(1), "sync_interval"},
      {Durability::kPeriodic, absl::Microseconds(999), "sync_interval"},
      {Durability::kPeriodic, absl::Hours(1) + absl::Nanoseconds(1),
       "sync_interval"},
      // Would overflow a std::chrono wait.
      {Durability::kPeriodic, absl::Milliseconds(10000000000000),
       "sync_interval"},
      {Durability::kPeriodic, absl::InfiniteDuration(), "sync_interval"},
      // Checked whatever the durability.
      {Durability::kNone, absl::Milliseconds(10000000000000), "sync_interval"},
      {Durability::kAlways, absl::ZeroDuration(), "sync_interval"},
      {static_cast<Durability>(42), absl::Milliseconds(100), "durability"},
  };
  for (const Bad& bad : cases) {
    SCOPED_TRACE(absl::StrCat(static_cast<int>(bad.durability), " ",
                              absl::FormatDuration(bad.sync_interval)));
    RocksDbStoreOptions options;
    options.durability = bad.durability;
    options.sync_interval = bad.sync_interval;
    absl::StatusOr<std::unique_ptr<RocksDbStore>> store =
        RocksDbStore::Open(path, options);
    EXPECT_TRUE(absl::IsInvalidArgument(store.status())) << store.status();
    EXPECT_NE(store.status().message().find(bad.option),
              absl::string_view::npos)
        << store.status();
    EXPECT_NE(store.status().message().find(path), absl::string_view::npos)
        << store.status();
    EXPECT_FALSE(Exists(path));
  }
  // The ends of the range are accepted; an hour's wait ends at Close().
  for (absl::Duration interval : {absl::Milliseconds(1), absl::Hours(1)}) {
    RocksDbStoreOptions options;
    options.durability = Durability::kPeriodic;
    options.sync_interval = interval;
    absl::StatusOr<std::unique_ptr<RocksDbStore>> store =
        RocksDbStore::Open(path, options);
    ASSERT_TRUE(store.ok()) << store.status();
    ASSERT_TRUE((*store)->Put("k", "v").ok());
    EXPECT_TRUE((*store)->Close().ok());
  }
}

TEST(RocksDbStoreTest, DirectoryOfOtherFilesIsRefusedAndLeftAsItIs) {
  const std::string path = FreshTestDir() + "/db";
  ASSERT_EQ(mkdir(path.c_str(), 0755), 0);
  WriteFileOrDie(path + "/notes.txt", "mine");
  // Named as RocksDB names its files: still the user's, without a CURRENT.
  WriteFileOrDie(path + "/000001.log", "also mine");
  WriteFileOrDie(path + "/LOG", "and this");
  ASSERT_EQ(mkdir((path + "/sub").c_str(), 0755), 0);
  const std::map<std::string, std::string> before = Snapshot(path);
  // Twice each: a refused open leaves nothing that changes the next one.
  for (int round = 0; round < 2; ++round) {
    ExpectEveryOpenRefusedNaming(path);
    EXPECT_EQ(Snapshot(path), before);
  }
}

TEST(RocksDbStoreTest, WhatAnInterruptedCreationLeavesIsNoObstacle) {
  const std::string path = FreshTestDir() + "/db";
  ASSERT_EQ(mkdir(path.c_str(), 0755), 0);
  WriteFileOrDie(path + "/LOCK", "");
  WriteFileOrDie(path + "/IDENTITY", "0123");
  WriteFileOrDie(path + "/000001.dbtmp", "");
  RocksDbStoreOptions no_create;
  no_create.create_if_missing = false;
  EXPECT_TRUE(absl::IsNotFound(RocksDbStore::Open(path, no_create).status()));
  {
    absl::StatusOr<std::unique_ptr<RocksDbStore>> store =
        RocksDbStore::Open(path);
    ASSERT_TRUE(store.ok()) << store.status();
    ASSERT_TRUE((*store)->Put("k", "v").ok());
  }
  absl::StatusOr<std::unique_ptr<RocksDbStore>> store =
      RocksDbStore::Open(path, no_create);
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ(ReplayAll(**store), (Entries{{"k", "v"}}));
}

TEST(RocksDbStoreTest, PathThatIsNoDirectoryIsRefusedAtOnce) {
  const std::string dir = FreshTestDir();
  const std::string file = dir + "/file";
  WriteFileOrDie(file, "not a database");
  const std::string fifo = dir + "/fifo";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0644), 0);
  const std::map<std::string, std::string> before = Snapshot(dir);
  // A FIFO with no writer would block an open(2) of it for reading.
  for (const std::string& path : {file, fifo}) {
    ExpectEveryOpenRefusedNaming(path);
  }
  EXPECT_EQ(Snapshot(dir), before);
}

TEST(RocksDbStoreTest, MissingStoreIsNotFoundWithoutCreateIfMissing) {
  const std::string dir = FreshTestDir();
  const std::string path = dir + "/db";
  RocksDbStoreOptions read_only;
  read_only.read_only = true;
  RocksDbStoreOptions no_create;
  no_create.create_if_missing = false;
  for (const RocksDbStoreOptions& options : {read_only, no_create}) {
    absl::StatusOr<std::unique_ptr<RocksDbStore>> store =
        RocksDbStore::Open(path, options);
    EXPECT_TRUE(absl::IsNotFound(store.status())) << store.status();
    EXPECT_NE(store.status().message().find(path), absl::string_view::npos)
        << store.status();
    EXPECT_TRUE(Snapshot(dir).empty());
  }
  // An empty directory holds no store either, and stays empty.
  ASSERT_EQ(mkdir(path.c_str(), 0755), 0);
  for (const RocksDbStoreOptions& options : {read_only, no_create}) {
    EXPECT_TRUE(absl::IsNotFound(RocksDbStore::Open(path, options).status()));
    EXPECT_TRUE(Snapshot(path).empty());
  }
}

TEST(RocksDbStoreTest, ReadOnlyOpenChangesNothing) {
  const std::string dir = FreshTestDir();
  const std::string path = dir + "/db";
  {
    absl::StatusOr<std::unique_ptr<RocksDbStore>> store =
        RocksDbStore::Open(path);
    ASSERT_TRUE(store.ok()) << store.status();
    ASSERT_TRUE((*store)->Put("k", "v").ok());
  }
  const std::map<std::string, std::string> before = Snapshot(dir);
  EXPECT_FALSE(before.count("db/LOG")) << "an info log on the store's disk";
  RocksDbStoreOptions read_only;
  read_only.read_only = true;
  {
    absl::StatusOr<std::unique_ptr<RocksDbStore>> store =
        RocksDbStore::Open(path, read_only);
    ASSERT_TRUE(store.ok()) << store.status();
    EXPECT_EQ(ReplayAll(**store), (Entries{{"k", "v"}}));
    EXPECT_EQ((*store)->GetStats().entries, 1u);
    absl::StatusOr<StoreCheck> check = (*store)->Verify();
    ASSERT_TRUE(check.ok()) << check.status();
    EXPECT_TRUE(check->clean());
    EXPECT_EQ(check->entries, 1u);
    EXPECT_TRUE(absl::IsFailedPrecondition((*store)->Put("k", "w")));
    EXPECT_TRUE(absl::IsFailedPrecondition((*store)->Compact()));
    EXPECT_TRUE((*store)->Sync().ok());
    EXPECT_TRUE((*store)->Close().ok());
  }
  EXPECT_EQ(Snapshot(dir), before);
}

// RocksDB stops at the first damage it reads: Verify() is DataLoss naming
// the store, and the files are left as they are.
TEST(RocksDbStoreTest, VerifyOfADamagedTableIsDataLoss) {
  const std::string path = FreshTestDir() + "/db";
  absl::StatusOr<std::unique_ptr<RocksDbStore>> writer =
      RocksDbStore::Open(path);
  ASSERT_TRUE(writer.ok()) << writer.status();
  int keys = 0;
  while (keys < 1000) {
    ASSERT_TRUE((*writer)->Put(absl::StrCat("key", keys++), "value").ok());
  }
  ASSERT_TRUE((*writer)->Compact().ok());  // Into a table file.
  absl::StatusOr<StoreCheck> check = (*writer)->Verify();
  ASSERT_TRUE(check.ok()) << check.status();
  EXPECT_TRUE(check->clean());
  EXPECT_EQ(check->entries, 1000u);
  ASSERT_TRUE((*writer)->Close().ok());
  std::string table;
  for (const auto& [name, described] : Snapshot(path)) {
    if (absl::EndsWith(name, ".sst")) table = path + "/" + name;
  }
  ASSERT_FALSE(table.empty());
  std::string bytes = testing::ReadFileOrDie(table);
  bytes[bytes.size() / 3] ^= 0x20;  // In a data block.
  WriteFileOrDie(table, bytes);
  RocksDbStoreOptions read_only;
  read_only.read_only = true;
  absl::StatusOr<std::unique_ptr<RocksDbStore>> store =
      RocksDbStore::Open(path, read_only);
  ASSERT_TRUE(store.ok()) << store.status();
  const absl::Status status = (*store)->Verify().status();
  EXPECT_TRUE(absl::IsDataLoss(status)) << status;
  EXPECT_NE(status.message().find(path), absl::string_view::npos) << status;
  EXPECT_EQ(testing::ReadFileOrDie(table), bytes);
}

}  // namespace
}  // namespace gogocache
