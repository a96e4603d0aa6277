// Copyright 2026 The gogocache Authors.
//
// Records of puts with an expiry (kind 3): their size, the range of the
// expiry, how logs of versions without them treat one, and one cut short.
// (Their encoding wherever fragments cut them: log_format_test.)

#include <zlib.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "persistence/log_format.h"

namespace gogocache {
namespace log_format {
namespace {

const absl::Time kExpiry = absl::FromUnixNanos(1800000000123456789);

struct Scanned {
  std::vector<Record> records;  // Views into `keys` and `values`.
  std::vector<std::string> keys, values;
  ScanResult result;
};

Scanned ScanAll(const std::string& log, uint32_t version, bool values) {
  Scanned scanned;
  scanned.result = ScanLog(
      log, version,
      [&](const Record& record) {
        scanned.records.push_back(record);
        scanned.keys.emplace_back(record.key);
        scanned.values.emplace_back(record.value);
      },
      [](uint64_t, uint64_t) {}, nullptr, values);
  return scanned;
}

TEST(LogFormatExpiryTest, OnlyPutsWithAnExpiryPayForIt) {
  std::string log = EncodeHeader();
  AppendRecord(RecordType::kPut, "key", "value", &log);
  EXPECT_EQ(log.size(), kHeaderSize + kMinRecordSpace + 3 + 5);
  const size_t before = log.size();
  AppendRecord(RecordType::kPut, "key", "value", &log, kExpiry);
  EXPECT_EQ(log.size() - before, kMinRecordSpace + 3 + kExpirySize + 5);
  // A delete has no expiry, whatever it is given.
  const size_t before_delete = log.size();
  AppendRecord(RecordType::kDelete, "key", "", &log, kExpiry);
  EXPECT_EQ(log.size() - before_delete, kMinRecordSpace + 3);
  const Scanned scanned = ScanAll(log, kVersion, true);
  ASSERT_EQ(scanned.records.size(), 3u);
  EXPECT_EQ(scanned.records[0].expires, absl::InfiniteFuture());
  EXPECT_EQ(scanned.records[1].expires, kExpiry);
  EXPECT_EQ(scanned.records[2].type, RecordType::kDelete);
  EXPECT_EQ(scanned.records[2].expires, absl::InfiniteFuture());
}

TEST(LogFormatExpiryTest, ExpiriesAreKeptToTheNanosecondWithinInt64) {
  const absl::Time kLatest =
      absl::FromUnixNanos(std::numeric_limits<int64_t>::max());
  const absl::Time kEarliest =
      absl::FromUnixNanos(std::numeric_limits<int64_t>::min());
  const std::vector<std::pair<absl::Time, absl::Time>> cases = {
      {absl::UnixEpoch(), absl::UnixEpoch()},
      {absl::FromUnixNanos(-1), absl::FromUnixNanos(-1)},
      {kExpiry, kExpiry},
      {kLatest, kLatest},
      {kEarliest, kEarliest},
      {absl::FromCivil(absl::CivilSecond(3000, 1, 1), absl::UTCTimeZone()),
       kLatest},
      {absl::InfinitePast(), kEarliest},
  };
  for (const auto& [written, read] : cases) {
    SCOPED_TRACE(absl::FormatTime(written));
    std::string log = EncodeHeader();
    AppendRecord(RecordType::kPut, "k", "v", &log, written);
    const Scanned scanned = ScanAll(log, kVersion, true);
    ASSERT_EQ(scanned.records.size(), 1u);
    EXPECT_EQ(scanned.records[0].expires, read);
  }
}

// A log of version 2 or 1 cannot hold an expiring put: one there is damage,
// never a record, in a scan and in a read at its offset.
TEST(LogFormatExpiryTest, AnExpiringPutInAnOlderVersionIsDamage) {
  std::string log = EncodeHeader(kNoExpiryVersion);
  AppendRecord(RecordType::kPut, "a", "1", &log);
  const uint64_t expiring_at = log.size();
  AppendRecord(RecordType::kPut, "b", "2", &log, kExpiry);
  const Scanned scanned = ScanAll(log, kNoExpiryVersion, true);
  ASSERT_EQ(scanned.records.size(), 1u);
  EXPECT_EQ(scanned.keys[0], "a");
  EXPECT_EQ(scanned.result.corrupt_regions, 1u);
  EXPECT_EQ(scanned.result.first_corrupt_offset, expiring_at);
  EXPECT_EQ(scanned.result.torn_tail_bytes, 0u);
  std::string scratch;
  Record record;
  EXPECT_FALSE(
      ReadRecordAt(log, kNoExpiryVersion, expiring_at, &scratch, &record));
  EXPECT_EQ(ReadKeyAt(log, kNoExpiryVersion, expiring_at, &scratch), "");
  // The same bytes in a log of the current version are a record.
  EXPECT_TRUE(ReadRecordAt(log, kVersion, expiring_at, &scratch, &record));

  // Version 1: crc | kind 3 | key_size | body_size | key | expiry | value,
  // its crc right.
  const std::string payload =
      log.substr(expiring_at + kFragmentHeaderSize,
                 log.size() - expiring_at - kFragmentOverhead);
  const uint32_t crc = static_cast<uint32_t>(
      crc32(0, reinterpret_cast<const Bytef*>(payload.data()), payload.size()));
  std::string v1 = EncodeHeader(kLegacyVersion);
  for (int i = 0; i < 4; ++i) v1.push_back(static_cast<char>(crc >> (8 * i)));
  v1 += payload;
  EXPECT_FALSE(
      ReadRecordAt(v1, kLegacyVersion, kHeaderSize, &scratch, &record));
  const Scanned legacy = ScanAll(v1, kLegacyVersion, true);
  EXPECT_TRUE(legacy.records.empty());
  EXPECT_EQ(legacy.result.corrupt_regions, 1u);
  // As kind 1, the same record (its body read as the value) is valid there.
  v1[kHeaderSize + 4] = 1;
  const uint32_t crc1 = static_cast<uint32_t>(
      crc32(0, reinterpret_cast<const Bytef*>(v1.data() + kHeaderSize + 4),
            v1.size() - kHeaderSize - 4));
  for (int i = 0; i < 4; ++i) {
    v1[kHeaderSize + i] = static_cast<char>(crc1 >> (8 * i));
  }
  EXPECT_EQ(ScanAll(v1, kLegacyVersion, true).records.size(), 1u);
}

// An expiring put cut short by a crash, anywhere, is a torn tail, as any
// other record is.
TEST(LogFormatExpiryTest, AnExpiringPutCutShortIsATornTail) {
  std::string log = EncodeHeader();
  AppendRecord(RecordType::kPut, "kept", "v", &log);
  const uint64_t kept_end = log.size();
  AppendRecord(RecordType::kPut, "cut", std::string(kBlockSize, 'x'), &log,
               kExpiry);
  for (uint64_t cut = kept_end + 1; cut < log.size(); cut += 4093) {
    SCOPED_TRACE(cut);
    const Scanned scanned = ScanAll(log.substr(0, cut), kVersion, false);
    ASSERT_EQ(scanned.records.size(), 1u);
    EXPECT_EQ(scanned.result.corrupt_regions, 0u);
    EXPECT_GT(scanned.result.torn_tail_bytes, 0u);
    EXPECT_EQ(scanned.result.torn_tail_bytes + scanned.result.zero_tail_bytes,
              cut - kept_end);
  }
  // Cut inside the record header and the expiry, byte by byte.
  for (uint64_t cut = kept_end + 1;
       cut < kept_end + kMinRecordSpace + 3 + kExpirySize; ++cut) {
    SCOPED_TRACE(cut);
    const Scanned scanned = ScanAll(log.substr(0, cut), kVersion, false);
    EXPECT_EQ(scanned.result.corrupt_regions, 0u);
    EXPECT_GT(scanned.result.torn_tail_bytes, 0u);
    EXPECT_EQ(scanned.result.torn_tail_bytes + scanned.result.zero_tail_bytes,
              cut - kept_end);
  }
}

}  // namespace
}  // namespace log_format
}  // namespace gogocache
