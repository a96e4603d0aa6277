// Copyright 2026 The gogocache Authors.

#include "tools/store_commands.h"

#include <sys/stat.h>
#include <unistd.h>

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "persistence/log_format.h"
#include "persistence/open.h"
#include "persistence/test_util.h"

namespace gogocache {
namespace {

using ::gogocache::testing::FileSize;
using ::gogocache::testing::FreshTestDir;
using ::gogocache::testing::ListTree;
using ::gogocache::testing::ReadFileOrDie;
using ::gogocache::testing::WriteFileOrDie;
using ::testing::HasSubstr;

class StoreCommandsTest : public ::testing::Test {
 protected:
  // A flat file with 100 live entries, 100 overwritten and 10 deleted.
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<Store>> store = OpenStore(file_spec_);
    ASSERT_TRUE(store.ok()) << store.status();
    for (int round = 0; round < 2; ++round) {
      for (int i = 0; i < 110; ++i) {
        ASSERT_TRUE((*store)
                        ->Put(absl::StrCat("key", i),
                              absl::StrCat("value ", round, "\n", i))
                        .ok());
      }
    }
    for (int i = 100; i < 110; ++i) {
      ASSERT_TRUE((*store)->Delete(absl::StrCat("key", i)).ok());
    }
    ASSERT_TRUE((*store)->Put(std::string("bin\0key", 7), "\x01\xff").ok());
  }

  // Converts the flat file to RocksDB, then that to a new flat file, and
  // expects `entries` converted and every dump (with values) alike; returns
  // the last.
  std::string ConvertThereAndBack(int entries) {
    options_.values = true;
    std::ostringstream file_dump, rocksdb_dump, back_dump;
    EXPECT_TRUE(RunDump(file_spec_, options_, file_dump, progress_).ok());
    EXPECT_TRUE(
        RunConvert(file_spec_, rocksdb_spec_, options_, out_, progress_).ok());
    EXPECT_THAT(out_.str(),
                HasSubstr(absl::StrCat("converted ", entries, " entries")));
    EXPECT_TRUE(RunDump(rocksdb_spec_, options_, rocksdb_dump, progress_).ok());
    EXPECT_EQ(rocksdb_dump.str(), file_dump.str());
    const std::string back = "file:" + dir_ + "/back.log";
    EXPECT_TRUE(
        RunConvert(rocksdb_spec_, back, options_, out_, progress_).ok());
    EXPECT_TRUE(RunDump(back, options_, back_dump, progress_).ok());
    EXPECT_EQ(back_dump.str(), file_dump.str());
    return back_dump.str();
  }

  std::string dir_ = FreshTestDir();
  std::string path_ = dir_ + "/cache.log";
  std::string file_spec_ = "file:" + path_;
  std::string rocksdb_spec_ = "rocksdb:" + dir_ + "/cache.db";
  StoreCommandOptions options_;
  std::ostringstream out_, progress_;
};

TEST_F(StoreCommandsTest, InspectShowsEntriesLiveAndGarbage) {
  ASSERT_TRUE(RunInspect(file_spec_, options_, out_, progress_).ok());
  EXPECT_THAT(out_.str(), HasSubstr("entries          101"));
  EXPECT_THAT(out_.str(), HasSubstr("(221 puts, 10 deletes)"));
  EXPECT_THAT(out_.str(), HasSubstr("garbage bytes"));
  EXPECT_EQ(progress_.str(), "");  // Not asked for.
}

TEST_F(StoreCommandsTest, VerifyPassesCleanAndFailsDamagedNamingTheOffset) {
  ASSERT_TRUE(RunVerify(file_spec_, options_, out_, progress_).ok());
  EXPECT_THAT(out_.str(), HasSubstr("ok"));
  std::string bytes = ReadFileOrDie(path_);
  const size_t offset = log_format::kHeaderSize + 3 * 30;
  bytes[offset] ^= 0x40;
  WriteFileOrDie(path_, bytes);
  const absl::Status status = RunVerify(file_spec_, options_, out_, progress_);
  EXPECT_TRUE(absl::IsDataLoss(status)) << status;
  EXPECT_THAT(status.message(), HasSubstr("1 corrupt regions"));
  EXPECT_THAT(out_.str(), ::testing::ContainsRegex("damaged +offset "));
  EXPECT_EQ(ReadFileOrDie(path_), bytes);  // Verify changes nothing.
}

TEST_F(StoreCommandsTest, CompactShrinksTheFile) {
  const uint64_t before = FileSize(path_);
  ASSERT_TRUE(RunCompact(file_spec_, options_, out_, progress_).ok());
  EXPECT_LT(FileSize(path_), before * 6 / 10);
  EXPECT_THAT(out_.str(), HasSubstr("compacted"));
  std::ostringstream dump;
  ASSERT_TRUE(RunDump(file_spec_, options_, dump, progress_).ok());
  EXPECT_THAT(dump.str(), HasSubstr("key5\n"));
}

TEST_F(StoreCommandsTest, ConvertBetweenBackendsKeepsEveryEntryInOrder) {
  ConvertThereAndBack(101);
  ASSERT_TRUE(RunVerify(rocksdb_spec_, options_, out_, progress_).ok());
  ASSERT_TRUE(RunInspect(rocksdb_spec_, options_, out_, progress_).ok());
  EXPECT_THAT(out_.str(), HasSubstr("entries          101"));
}

class StoreCommandsExpiryTest : public StoreCommandsTest {
 protected:
  // Adds to the flat file a value that expired at kPast, and two that
  // expire at kFuture (one of them with a fraction of a second).
  void SetUp() override {
    StoreCommandsTest::SetUp();
    absl::StatusOr<std::unique_ptr<Store>> store = OpenStore(file_spec_);
    ASSERT_TRUE(store.ok()) << store.status();
    ASSERT_TRUE((*store)->Put("gone", "g", kPast).ok());
    ASSERT_TRUE((*store)->Put("later", "l", kFuture).ok());
    ASSERT_TRUE(
        (*store)->Put("later.25", "m", kFuture + absl::Milliseconds(250)).ok());
    options_.now = kNow;
  }

  const absl::TimeZone utc_ = absl::UTCTimeZone();
  const absl::Time kPast =
      absl::FromCivil(absl::CivilSecond(2026, 12, 7, 15, 0, 0), utc_);
  const absl::Time kNow = kPast + absl::Hours(1);
  const absl::Time kFuture =
      absl::FromCivil(absl::CivilSecond(2100, 1, 2, 3, 4, 5), utc_);
};

TEST_F(StoreCommandsExpiryTest, InspectCountsExpiriesOnEitherBackend) {
  ASSERT_TRUE(
      RunConvert(file_spec_, rocksdb_spec_, options_, out_, progress_).ok());
  for (const std::string& spec : {file_spec_, rocksdb_spec_}) {
    SCOPED_TRACE(spec);
    std::ostringstream out;
    ASSERT_TRUE(RunInspect(spec, options_, out, progress_).ok());
    EXPECT_THAT(out.str(), HasSubstr("entries          104\n"));
    EXPECT_THAT(out.str(), HasSubstr("with expiry      3\n"));
    EXPECT_THAT(
        out.str(),
        HasSubstr("expired          1  (as of 2026-12-07T16:00:00Z)\n"));
  }
}

TEST_F(StoreCommandsExpiryTest, DumpShowsEachExpiry) {
  ASSERT_TRUE(RunDump(file_spec_, options_, out_, progress_).ok());
  EXPECT_THAT(out_.str(), HasSubstr("\nkey5\n"));  // Never expires.
  EXPECT_THAT(out_.str(), HasSubstr("\ngone\texpires=2026-12-07T15:00:00Z\n"));
  EXPECT_THAT(out_.str(), HasSubstr("\nlater\texpires=2100-01-02T03:04:05Z\n"));
  EXPECT_THAT(out_.str(),
              HasSubstr("\nlater.25\texpires=2100-01-02T03:04:05.25Z\n"));
  options_.values = true;
  std::ostringstream with_values;
  ASSERT_TRUE(RunDump(file_spec_, options_, with_values, progress_).ok());
  EXPECT_THAT(with_values.str(), HasSubstr("\nkey7\tvalue 1\\n7\n"));
  EXPECT_THAT(with_values.str(),
              HasSubstr("\ngone\tg\texpires=2026-12-07T15:00:00Z\n"));
}

TEST_F(StoreCommandsExpiryTest, ConvertCarriesExpiriesBetweenBackends) {
  const std::string dump = ConvertThereAndBack(104);
  EXPECT_THAT(dump, HasSubstr("\nlater\tl\texpires=2100-01-02T03:04:05Z\n"));
  EXPECT_THAT(dump, HasSubstr("\ngone\tg\texpires=2026-12-07T15:00:00Z\n"));
}

TEST_F(StoreCommandsTest, DumpEscapesKeysAndValues) {
  options_.values = true;
  ASSERT_TRUE(RunDump(file_spec_, options_, out_, progress_).ok());
  EXPECT_THAT(out_.str(), HasSubstr("key7\tvalue 1\\n7\n"));
  EXPECT_THAT(out_.str(), HasSubstr("bin\\x00key\t\\x01\\xff\n"));
  EXPECT_THAT(out_.str(), ::testing::Not(HasSubstr("key105")));
}

TEST_F(StoreCommandsTest, ProgressBarWhenAskedFor) {
  options_.show_progress = true;
  ASSERT_TRUE(RunVerify(file_spec_, options_, out_, progress_).ok());
  EXPECT_THAT(progress_.str(), HasSubstr("verify ["));
  EXPECT_THAT(progress_.str(), HasSubstr("100%"));
}

TEST_F(StoreCommandsTest, ReadersAreRefusedWhileAWriterHasTheStore) {
  absl::StatusOr<std::unique_ptr<Store>> writer = OpenStore(file_spec_);
  ASSERT_TRUE(writer.ok());
  const absl::Status status = RunVerify(file_spec_, options_, out_, progress_);
  EXPECT_TRUE(absl::IsFailedPrecondition(status)) << status;
  EXPECT_THAT(status.message(), HasSubstr("already open"));
}

TEST_F(StoreCommandsTest, BadSpecsAndSamePathsAreRefused) {
  EXPECT_TRUE(
      absl::IsInvalidArgument(RunInspect("ftp:/x", options_, out_, progress_)));
  EXPECT_TRUE(absl::IsInvalidArgument(
      RunConvert(file_spec_, file_spec_, options_, out_, progress_)));
}

TEST_F(StoreCommandsTest, MissingStoresAreNotFoundAndNothingIsCreated) {
  ASSERT_TRUE(
      RunConvert(file_spec_, rocksdb_spec_, options_, out_, progress_).ok());
  const std::vector<std::string> before = ListTree(dir_);
  const std::string missing_file = dir_ + "/mistyped.log";
  const std::string missing_rocksdb = dir_ + "/mistyped.db";
  for (const std::string& path : {missing_file, missing_rocksdb}) {
    const std::string spec =
        (path == missing_file ? "file:" : "rocksdb:") + path;
    SCOPED_TRACE(spec);
    for (const auto& [name, status] : {
             std::make_pair("inspect",
                            RunInspect(spec, options_, out_, progress_)),
             std::make_pair("verify",
                            RunVerify(spec, options_, out_, progress_)),
             std::make_pair("dump", RunDump(spec, options_, out_, progress_)),
             std::make_pair("compact",
                            RunCompact(spec, options_, out_, progress_)),
             std::make_pair("convert", RunConvert(spec, file_spec_ + ".copy",
                                                  options_, out_, progress_)),
         }) {
      EXPECT_TRUE(absl::IsNotFound(status)) << name << ": " << status;
      EXPECT_THAT(status.message(), HasSubstr(path)) << name;
      EXPECT_EQ(ListTree(dir_), before) << name;
    }
  }
}

TEST_F(StoreCommandsTest, ConvertRefusesTheSameStoreReachedAnotherWay) {
  const std::string bytes = ReadFileOrDie(path_);
  const std::string symbolic = dir_ + "/symbolic.log";
  const std::string hard = dir_ + "/hard.log";
  ASSERT_EQ(symlink(path_.c_str(), symbolic.c_str()), 0);
  ASSERT_EQ(link(path_.c_str(), hard.c_str()), 0);
  ASSERT_TRUE(
      RunConvert(file_spec_, rocksdb_spec_, options_, out_, progress_).ok());
  const std::string rocksdb_link = dir_ + "/link.db";
  ASSERT_EQ(symlink((dir_ + "/cache.db").c_str(), rocksdb_link.c_str()), 0);
  const std::vector<std::string> before = ListTree(dir_);
  for (const auto& [source, destination] : {
           std::make_pair(file_spec_, file_spec_),
           std::make_pair(file_spec_, "file:" + symbolic),
           std::make_pair("file:" + symbolic, file_spec_),
           std::make_pair(file_spec_, "file:" + hard),
           std::make_pair(file_spec_, "file:" + dir_ + "/./cache.log"),
           std::make_pair(file_spec_, "rocksdb:" + path_),
           std::make_pair(rocksdb_spec_, "rocksdb:" + rocksdb_link),
       }) {
    SCOPED_TRACE(absl::StrCat(source, " -> ", destination));
    const absl::Status status =
        RunConvert(source, destination, options_, out_, progress_);
    EXPECT_TRUE(absl::IsInvalidArgument(status)) << status;
    EXPECT_THAT(status.message(), HasSubstr("source and destination are"));
  }
  EXPECT_EQ(ReadFileOrDie(path_), bytes);
  EXPECT_EQ(ListTree(dir_), before);
}

}  // namespace
}  // namespace gogocache
