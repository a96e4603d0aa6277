// Copyright 2026 The gogocache Authors.
//
// Expiry in the stores: each value's expiry kept through Put(), Replay(),
// reopens and compactions on every backend; what it costs in a flat file;
// and a RocksDB database whose values carry no expiry field opened as values
// that never expire, beside values of an encoding it does not know.

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "persistence/flat_file_store.h"
#include "persistence/log_format.h"
#include "persistence/open.h"
#include "persistence/rocksdb_store.h"
#include "persistence/test_util.h"
#include "rocksdb/db.h"

namespace gogocache {
namespace {

using ::gogocache::testing::CopyDirectoryOrDie;
using ::gogocache::testing::Entries;
using ::gogocache::testing::ExpiringEntries;
using ::gogocache::testing::FreshTestDir;
using ::gogocache::testing::ReplayAll;
using ::gogocache::testing::ReplayWithExpiries;

const absl::Time kNever = absl::InfiniteFuture();
const absl::Time kT1 = absl::FromUnixNanos(1800000000123456789);
const absl::Time kT2 = kT1 + absl::Hours(1);
const absl::Time kPast = absl::FromUnixSeconds(1000);

class StoreExpiryTest : public ::testing::TestWithParam<std::string> {
 protected:
  std::unique_ptr<Store> OpenOrDie() {
    absl::StatusOr<std::unique_ptr<Store>> store = OpenStore(spec_);
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? *std::move(store) : nullptr;
  }

  std::string spec_ = absl::StrCat(GetParam(), ":", FreshTestDir(), "/store");
};

TEST_P(StoreExpiryTest, EachValueKeepsItsExpiryAcrossReopenAndCompaction) {
  const std::string big(300000, 'v');  // Crosses a block of the flat file.
  const ExpiringEntries expected = {
      {"never", "1", kNever},   {"big", big, kT2},
      {"was-never", "4", kT1},   // Was put without an expiry.
      {"had-one", "5", kNever},  // Was put with one.
      {"past", "6", kPast},      // Expired already: kept all the same.
  };
  {
    auto store = OpenOrDie();
    ASSERT_TRUE(store->Put("never", "1").ok());
    ASSERT_TRUE(store->Put("was-never", "2").ok());
    ASSERT_TRUE(store->Put("had-one", "3", kT1).ok());
    ASSERT_TRUE(store->Put("gone", "x", kT1).ok());
    ASSERT_TRUE(store->Put("big", big, kT2).ok());
    ASSERT_TRUE(store->Put("was-never", "4", kT1).ok());
    ASSERT_TRUE(store->Put("had-one", "5").ok());
    ASSERT_TRUE(store->Delete("gone").ok());
    ASSERT_TRUE(store->Put("past", "6", kPast).ok());
    EXPECT_EQ(ReplayWithExpiries(*store), expected);
  }
  auto store = OpenOrDie();
  EXPECT_EQ(ReplayWithExpiries(*store), expected);
  ASSERT_TRUE(store->Compact().ok());
  EXPECT_EQ(ReplayWithExpiries(*store), expected);
  // The replay without expiries has the same entries.
  Entries plain;
  for (const auto& entry : expected) plain.push_back({entry.key, entry.value});
  EXPECT_EQ(ReplayAll(*store), plain);
  ASSERT_TRUE(store->Close().ok());
  store = OpenOrDie();
  EXPECT_EQ(ReplayWithExpiries(*store), expected);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreExpiryTest,
                         ::testing::Values("file", "rocksdb"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

// Only a put with an expiry pays for it: 8 bytes more in the log.
TEST(FlatFileExpiryTest, OnlyExpiringValuesTakeMoreSpace) {
  const std::string path = FreshTestDir() + "/log";
  auto store = FlatFileStore::Open(path);
  ASSERT_TRUE(store.ok()) << store.status();
  ASSERT_TRUE((*store)->Put("plain", "value").ok());
  EXPECT_EQ((*store)->GetStats().live_bytes, log_format::RecordSize(5, 5));
  ASSERT_TRUE((*store)->Put("timed", "value", kT1).ok());
  EXPECT_EQ((*store)->GetStats().live_bytes,
            2 * log_format::RecordSize(5, 5) + log_format::kExpirySize);
}

// A value that is not stored as the store stores them is DataLoss naming
// the key, read-only and for writing, and nothing is served or lost.
TEST(RocksDbEncodingTest, AValueOfAnUnknownEncodingIsDataLoss) {
  const std::string path = FreshTestDir() + "/db";
  {
    auto store = RocksDbStore::Open(path);
    ASSERT_TRUE(store.ok()) << store.status();
    ASSERT_TRUE((*store)->Put("good", "kept", kT1).ok());
  }
  for (const std::string& stored :
       {std::string("\1\0\0\0\0\0\0\2value", 13),    // Encoding 2.
        std::string("\1\0\0\0\0\0\0\1\0\0", 10)}) {  // Expiry cut short.
    {
      rocksdb::DB* db = nullptr;
      ASSERT_TRUE(rocksdb::DB::Open(rocksdb::Options(), path, &db).ok());
      ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), "bad", stored).ok());
      delete db;
    }
    for (const bool read_only : {true, false}) {
      RocksDbStoreOptions options;
      options.read_only = read_only;
      auto store = RocksDbStore::Open(path, options);
      ASSERT_TRUE(store.ok()) << store.status();
      absl::Status status =
          (*store)->Replay([](absl::string_view key, absl::string_view,
                              absl::Time) { EXPECT_NE(key, "bad"); });
      EXPECT_TRUE(absl::IsDataLoss(status)) << status;
      EXPECT_NE(status.message().find("\"bad\""), absl::string_view::npos)
          << status;
      EXPECT_TRUE(absl::IsDataLoss((*store)->Verify().status()));
    }
  }
  auto store = RocksDbStore::Open(path);
  ASSERT_TRUE(store.ok()) << store.status();
  ASSERT_TRUE((*store)->Delete("bad").ok());
  EXPECT_EQ(ReplayWithExpiries(**store),
            (ExpiringEntries{{"good", "kept", kT1}}));
}

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
  // Old values never expire; new ones keep theirs.
  ASSERT_TRUE((*store)->Put("alpha", "eins", kT1).ok());
  ExpiringEntries with_expiry;
  for (const auto& [key, value] : after) {
    if (key != "alpha") with_expiry.push_back({key, value, kNever});
  }
  with_expiry.push_back({"alpha", "eins", kT1});
  EXPECT_EQ(ReplayWithExpiries(**store), with_expiry);
  ASSERT_TRUE((*store)->Close().ok());
  store = RocksDbStore::Open(path);
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ(ReplayWithExpiries(**store), with_expiry);
}

}  // namespace
}  // namespace gogocache
