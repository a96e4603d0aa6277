// Copyright 2026 The gogocache Authors.
//
// Recovery of the flat-file store from hostile and damaged logs: values
// made of encoded records, cut and flipped at every offset, strict mode at
// the tail, and logs of earlier format versions.

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "persistence/flat_file_store.h"
#include "persistence/log_format.h"
#include "persistence/test_util.h"

namespace gogocache {
namespace {

using ::gogocache::testing::Entries;
using ::gogocache::testing::ExpiringEntries;
using ::gogocache::testing::FreshTestDir;
using ::gogocache::testing::ReadFileOrDie;
using ::gogocache::testing::ReplayAll;
using ::gogocache::testing::ReplayWithExpiries;
using ::gogocache::testing::WriteFileOrDie;

// Longer than a block of the log: its record is in several fragments.
constexpr size_t kLongValue = log_format::kBlockSize + 4000;

// A value an attacker would upload: records of a key nobody writes
// ("admin"), encoded in the current format and in version 1's, back to back,
// so that every offset of it may look like the start of a record.
std::string ValueOfRecords(size_t size) {
  std::string value;
  std::string record(log_format::RecordSize(5, 13), '\0');
  while (value.size() < size) {
    log_format::EncodeRecord(log_format::RecordType::kPut, "admin",
                             "evil-injected", record.data());
    value += record;
    // Version 1: crc | kind | key_size | value_size | key | value, with
    // the crc of the same record (a plausible one for the fuzzer of old).
    value += record.substr(0, 4) + std::string("\x01\x05\0\0\0\x0d\0\0\0", 9) +
             "admin" + "evil-injected";
  }
  value.resize(size);
  value.back() = 'z';  // Not zero, so a cut or flip of it is never zeros.
  return value;
}

class FlatFileRecoveryTest : public ::testing::Test {
 protected:
  // Writes the store's log: a few plain entries, then `hostile` last.
  void WriteLog(const std::string& hostile) {
    auto store = FlatFileStore::Open(path_);
    ASSERT_TRUE(store.ok()) << store.status();
    for (const auto& [key, value] : plain_) {
      ASSERT_TRUE((*store)->Put(key, value).ok());
    }
    ASSERT_TRUE((*store)->Put("upload", hostile).ok());
    ASSERT_TRUE((*store)->Close().ok());
    log_ = ReadFileOrDie(path_);
    log_format::ScanLog(
        log_, log_format::kVersion,
        [&](const log_format::Record& record) { last_record_ = record.offset; },
        [](uint64_t, uint64_t) {});
  }

  // Opens `bytes` as a log and checks that what it replays was written.
  void ExpectOnlyWrittenEntries(const std::string& bytes,
                                const std::string& hostile,
                                const std::string& what) {
    WriteFileOrDie(path_, bytes);
    auto store = FlatFileStore::Open(path_);
    ASSERT_TRUE(store.ok()) << what << ": " << store.status();
    for (const auto& [key, value] : ReplayAll(**store)) {
      if (key == "upload") {
        EXPECT_EQ(value, hostile) << what;
      } else {
        auto it = plain_.find(key);
        ASSERT_NE(it, plain_.end()) << what << ": key " << key;
        EXPECT_EQ(value, it->second) << what;
      }
    }
  }

  const std::string dir_ = FreshTestDir();
  const std::string path_ = dir_ + "/cache.log";
  const std::map<std::string, std::string> plain_ = {
      {"alpha", "1"}, {"beta", "22"}, {"gamma", "333"}};
  std::string log_;
  uint64_t last_record_ = 0;
};

TEST_F(FlatFileRecoveryTest, ValuesOfRecordsCutAnywhereNeverYieldOtherKeys) {
  for (const size_t size : {size_t{300}, kLongValue}) {
    const std::string hostile = ValueOfRecords(size);
    WriteLog(hostile);
    const size_t step = size > 1000 ? 389 : 1;
    for (uint64_t cut = last_record_; cut < log_.size(); cut += step) {
      ExpectOnlyWrittenEntries(log_.substr(0, cut), hostile,
                               absl::StrCat(size, "-byte value cut at ", cut));
      // A crash under reservation ahead leaves zeros after the cut.
      std::string zeros = log_.substr(0, cut);
      zeros.resize(log_.size() + 8192, '\0');
      ExpectOnlyWrittenEntries(
          zeros, hostile,
          absl::StrCat(size, "-byte value cut at ", cut, " then zeros"));
    }
  }
}

TEST_F(FlatFileRecoveryTest, ValuesOfRecordsWithAnyByteFlippedYieldNoOtherKey) {
  for (const size_t size : {size_t{300}, kLongValue}) {
    const std::string hostile = ValueOfRecords(size);
    WriteLog(hostile);
    const size_t step = size > 1000 ? 353 : 1;
    for (uint64_t at = last_record_; at < log_.size(); at += step) {
      for (const char mask : {'\x01', '\x80'}) {
        std::string flipped = log_;
        flipped[at] ^= mask;
        ExpectOnlyWrittenEntries(
            flipped, hostile,
            absl::StrCat(size, "-byte value flipped at ", at));
      }
    }
  }
}

TEST_F(FlatFileRecoveryTest, StrictRefusesAnyDamageToTheLastRecord) {
  const std::string hostile = ValueOfRecords(300);
  WriteLog(hostile);
  FlatFileStoreOptions strict;
  strict.strict = true;
  for (uint64_t at = last_record_; at < log_.size(); ++at) {
    std::string flipped = log_;
    flipped[at] ^= '\x80';
    WriteFileOrDie(path_, flipped);
    auto store = FlatFileStore::Open(path_, strict);
    EXPECT_TRUE(absl::IsDataLoss(store.status()))
        << at << " " << store.status();
    EXPECT_NE(
        store.status().message().find(absl::StrCat("offset ", last_record_)),
        absl::string_view::npos)
        << store.status();
    EXPECT_EQ(ReadFileOrDie(path_), flipped);  // Refused untouched.
  }
  for (const std::string& garbage :
       {std::string("garbage"), std::string(5000, '\x07')}) {
    WriteFileOrDie(path_, log_ + garbage);
    auto store = FlatFileStore::Open(path_, strict);
    EXPECT_TRUE(absl::IsDataLoss(store.status())) << store.status();
  }
}

TEST_F(FlatFileRecoveryTest, StrictCutsAndReportsARecordCutShort) {
  const std::string hostile = ValueOfRecords(kLongValue);
  WriteLog(hostile);
  FlatFileStoreOptions strict;
  strict.strict = true;
  for (uint64_t cut = last_record_ + 1; cut < log_.size(); cut += 3989) {
    std::string bytes = log_.substr(0, cut);
    bytes.resize(cut + (cut % 2) * 4096, '\0');  // Zeros after half of them.
    WriteFileOrDie(path_, bytes);
    auto store = FlatFileStore::Open(path_, strict);
    ASSERT_TRUE(store.ok()) << cut << " " << store.status();
    // Up to the cut's last non-zero byte (the value holds zeros).
    EXPECT_GT((*store)->recovered().torn_tail_bytes, 0u) << cut;
    EXPECT_LE((*store)->recovered().torn_tail_bytes, cut - last_record_);
    EXPECT_EQ(ReplayAll(**store).size(), plain_.size());
  }
}

TEST_F(FlatFileRecoveryTest, Version1LogIsReadThenRewrittenInTheCurrentOne) {
  // Written by the store when version 1 was current: alpha=one, beta=5000
  // b's, alpha=uno, gamma="", beta deleted, "bin\0key"=\0\1\2\3, delta=40000
  // d's.
  const std::string v1 = ReadFileOrDie("persistence/testdata/format_v1.log");
  ASSERT_EQ(v1.substr(0, log_format::kHeaderSize),
            log_format::EncodeHeader(log_format::kLegacyVersion));
  WriteFileOrDie(path_, v1);
  const Entries expected = {
      {"alpha", "uno"},
      {"gamma", ""},
      {std::string("bin\0key", 7), std::string("\0\1\2\3", 4)},
      {"delta", std::string(40000, 'd')}};

  {
    FlatFileStoreOptions read_only;
    read_only.read_only = true;
    auto store = FlatFileStore::Open(path_, read_only);
    ASSERT_TRUE(store.ok()) << store.status();
    EXPECT_TRUE((*store)->recovered().clean());
    EXPECT_EQ((*store)->recovered().live_entries, expected.size());
  }
  EXPECT_EQ(ReadFileOrDie(path_), v1);  // Reading changes nothing.

  {
    auto store = FlatFileStore::Open(path_);
    ASSERT_TRUE(store.ok()) << store.status();
    EXPECT_EQ(ReplayAll(**store), expected);
    ASSERT_TRUE((*store)->Put("epsilon", "new").ok());
  }
  EXPECT_EQ(ReadFileOrDie(path_).substr(0, log_format::kHeaderSize),
            log_format::EncodeHeader());
  auto store = FlatFileStore::Open(path_);
  ASSERT_TRUE(store.ok()) << store.status();
  Entries with_new = expected;
  with_new.push_back({"epsilon", "new"});
  EXPECT_EQ(ReplayAll(**store), with_new);
  EXPECT_EQ((*store)->recovered().corrupt_regions, 0u);
}

TEST_F(FlatFileRecoveryTest, Version2LogIsReadThenRewrittenToTakeExpiries) {
  // Written by the store when version 2 was current: alpha=one, beta=two,
  // gamma="", alpha=uno, beta deleted, "bin\0key"=\0\1\2\3, delta=3000
  // d's, epsilon=five.
  const std::string v2 = ReadFileOrDie("persistence/testdata/format_v2.log");
  ASSERT_EQ(v2.substr(0, log_format::kHeaderSize),
            log_format::EncodeHeader(log_format::kNoExpiryVersion));
  WriteFileOrDie(path_, v2);
  const ExpiringEntries expected = {
      {"gamma", "", absl::InfiniteFuture()},
      {"alpha", "uno", absl::InfiniteFuture()},
      {std::string("bin\0key", 7), std::string("\0\1\2\3", 4),
       absl::InfiniteFuture()},
      {"delta", std::string(3000, 'd'), absl::InfiniteFuture()},
      {"epsilon", "five", absl::InfiniteFuture()}};

  {
    FlatFileStoreOptions read_only;
    read_only.read_only = true;
    read_only.strict = true;
    auto store = FlatFileStore::Open(path_, read_only);
    ASSERT_TRUE(store.ok()) << store.status();
    EXPECT_TRUE((*store)->recovered().clean());
    EXPECT_EQ((*store)->recovered().puts, 7u);
    EXPECT_EQ((*store)->recovered().deletes, 1u);
    EXPECT_EQ(ReplayWithExpiries(**store), expected);
    EXPECT_FALSE((*store)->Put("zeta", "refused").ok());
  }
  EXPECT_EQ(ReadFileOrDie(path_), v2);  // Reading changes nothing.

  const absl::Time expires = absl::FromUnixSeconds(1800000000);
  {
    auto store = FlatFileStore::Open(path_);
    ASSERT_TRUE(store.ok()) << store.status();
    EXPECT_EQ(ReplayWithExpiries(**store), expected);
    ASSERT_TRUE((*store)->Put("zeta", "new", expires).ok());
    ASSERT_TRUE(
        (*store)->Put("alpha", "eins", expires + absl::Seconds(1)).ok());
    ASSERT_TRUE((*store)->Delete("gamma").ok());
  }
  // Rewritten in the current version at the open for writing.
  EXPECT_EQ(ReadFileOrDie(path_).substr(0, log_format::kHeaderSize),
            log_format::EncodeHeader());
  ExpiringEntries after = {expected[2],
                           expected[3],
                           expected[4],
                           {"zeta", "new", expires},
                           {"alpha", "eins", expires + absl::Seconds(1)}};
  FlatFileStoreOptions strict;
  strict.strict = true;
  auto store = FlatFileStore::Open(path_, strict);
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_TRUE((*store)->recovered().clean());
  EXPECT_EQ(ReplayWithExpiries(**store), after);
  ASSERT_TRUE((*store)->Compact().ok());
  EXPECT_EQ(ReplayWithExpiries(**store), after);
}

}  // namespace
}  // namespace gogocache
