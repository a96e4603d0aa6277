// Copyright 2026 The gogocache Authors.
//
// What is particular to the RocksDB backend; the shared contract is in
// open_test.cc.

#include "persistence/rocksdb_store.h"

#include <signal.h>
#include <sys/resource.h>

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "persistence/test_util.h"
#include "rocksdb/db.h"

namespace gogocache {
namespace {

using ::gogocache::testing::Entries;
using ::gogocache::testing::FreshTestDir;
using ::gogocache::testing::ReplayAll;

TEST(RocksDbStoreTest, WriteOrderSurvivesManyReopens) {
  const std::string path = FreshTestDir() + "/db";
  Entries expected;
  for (int round = 0; round < 5; ++round) {
    absl::StatusOr<std::unique_ptr<RocksDbStore>> store =
        RocksDbStore::Open(path);
    ASSERT_TRUE(store.ok()) << store.status();
    ASSERT_EQ(ReplayAll(**store), expected);
    // Key order is the reverse of write order, to tell them apart.
    const std::string key = absl::StrCat("key", 9 - round);
    ASSERT_TRUE((*store)->Put(key, absl::StrCat(round)).ok());
    expected.emplace_back(key, absl::StrCat(round));
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

TEST(RocksDbStoreTest, FullDiskFailsTheWriteAndLosesNothing) {
  const std::string path = FreshTestDir() + "/db";
  {
    absl::StatusOr<std::unique_ptr<RocksDbStore>> store =
        RocksDbStore::Open(path);
    ASSERT_TRUE(store.ok()) << store.status();
    ASSERT_TRUE((*store)->Put("before", std::string(1000, 'b')).ok());
    signal(SIGXFSZ, SIG_IGN);
    struct rlimit old_limit;
    ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &old_limit), 0);
    struct rlimit limit = old_limit;
    limit.rlim_cur = 64 << 10;  // Below what the WAL needs for the next put.
    ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &limit), 0);
    const absl::Status status =
        (*store)->Put("during", std::string(1 << 20, 'd'));
    ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &old_limit), 0);
    EXPECT_FALSE(status.ok());
    EXPECT_TRUE(absl::IsResourceExhausted(status)) << status;
    EXPECT_NE(status.message().find(path), absl::string_view::npos) << status;
  }
  absl::StatusOr<std::unique_ptr<RocksDbStore>> store =
      RocksDbStore::Open(path);
  ASSERT_TRUE(store.ok()) << store.status();
  const Entries entries = ReplayAll(**store);
  ASSERT_FALSE(entries.empty());
  EXPECT_EQ(entries[0], (std::pair<std::string, std::string>{
                            "before", std::string(1000, 'b')}));
  EXPECT_TRUE((*store)->VerifyChecksums().ok());
}

}  // namespace
}  // namespace gogocache
