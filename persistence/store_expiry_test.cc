// Copyright 2026 The gogocache Authors.
//
// Expiry in the stores: each value's expiry kept through Put(), Replay(),
// reopens and compactions on every backend, and a RocksDB database whose
// values carry no expiry field opened as values that never expire.

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "persistence/open.h"
#include "persistence/rocksdb_store.h"
#include "persistence/test_util.h"

namespace gogocache {
namespace {

using ::gogocache::testing::CopyDirectoryOrDie;
using ::gogocache::testing::Entries;
using ::gogocache::testing::FreshTestDir;
using ::gogocache::testing::ReplayAll;

TEST(RocksDbEncodingTest, DatabaseOfValuesWithoutExpiryOpensAndKeepsWriting) {
  // Written by the store when values carried no expiry: alpha=one, beta=two,
  // gamma="", then a compaction (those are in a table file), then
  // alpha=uno, beta deleted, "bin\0key"=\0\1\2\3, delta=3000 d's,
  // epsilon=five (in the write-ahead log).
  const std::string path = FreshTestDir() + "/db";
  CopyDirectoryOrDie("persistence/testdata/rocksdb_no_expiry_encoding", path);
  const Entries expected = {
      {"gamma", ""},
      {"alpha", "uno"},
      {std::string("bin\0key", 7), std::string("\0\1\2\3", 4)},
      {"delta", std::string(3000, 'd')},
      {"epsilon", "five"}};
  {
    RocksDbStoreOptions read_only;
    read_only.read_only = true;
    absl::StatusOr<std::unique_ptr<RocksDbStore>> store =
        RocksDbStore::Open(path, read_only);
    ASSERT_TRUE(store.ok()) << store.status();
    EXPECT_EQ(ReplayAll(**store), expected);
    absl::StatusOr<StoreCheck> check = (*store)->Verify();
    ASSERT_TRUE(check.ok()) << check.status();
    EXPECT_EQ(check->entries, expected.size());
  }
  {
    absl::StatusOr<std::unique_ptr<RocksDbStore>> store =
        RocksDbStore::Open(path);
    ASSERT_TRUE(store.ok()) << store.status();
    EXPECT_EQ(ReplayAll(**store), expected);
    ASSERT_TRUE((*store)->Put("zeta", "new").ok());
    ASSERT_TRUE((*store)->Delete("gamma").ok());
  }
  Entries after = expected;
  after.erase(after.begin());
  after.push_back({"zeta", "new"});
  absl::StatusOr<std::unique_ptr<RocksDbStore>> store =
      RocksDbStore::Open(path);
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ(ReplayAll(**store), after);
  ASSERT_TRUE((*store)->Compact().ok());
  EXPECT_EQ(ReplayAll(**store), after);
}

}  // namespace
}  // namespace gogocache
