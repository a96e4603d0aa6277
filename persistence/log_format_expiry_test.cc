// Copyright 2026 The gogocache Authors.
//
// Records of puts with an expiry (kind 3): their encoding wherever they fall
// on fragment boundaries, their size, the range of the expiry, and how logs
// of versions without them treat one.

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

// Wherever an expiring put starts and however its key, expiry and value
// fall on fragment boundaries, it ends where RecordEnd() says, and the scan
// (with and without values) and ReadRecordAt() give back its expiry.
TEST(LogFormatExpiryTest, ExpiringPutsRoundTripWhereverFragmentsCutThem) {
  const uint64_t room = kBlockSize - kFragmentOverhead;
  for (const uint64_t start :
       {uint64_t{kHeaderSize}, kBlockSize - kMinRecordSpace, kBlockSize - 100,
        3 * kBlockSize}) {
    const uint64_t first_room =
        kBlockSize - start % kBlockSize - kFragmentOverhead - kRecordHeaderSize;
    for (const uint64_t boundary : {first_room, first_room + room}) {
      // The boundary before, inside and after the expiry's bytes.
      for (const uint64_t key_size :
           {boundary - kExpirySize - 1, boundary - 4, boundary, boundary + 1}) {
        if (key_size == 0 || key_size > kMaxKeySize) continue;
        SCOPED_TRACE(absl::StrCat(start, " ", key_size));
        const std::string key(key_size, 'k');
        const std::string value = "value";
        const uint64_t end =
            RecordEnd(start, key_size, BodySize(value.size(), kExpiry));
        std::string out(end - start + 64, '\x5a');  // Guard bytes after.
        EncodeRecordAt(RecordType::kPut, key, value, start, out.data(),
                       kExpiry);
        EXPECT_EQ(out.substr(end - start), std::string(64, '\x5a'));
        std::string log = EncodeHeader();
        ASSERT_TRUE(AppendPadding(kHeaderSize, start, &log));
        log += out.substr(0, end - start);
        for (const bool values : {true, false}) {
          const Scanned scanned = ScanAll(log, kVersion, values);
          ASSERT_EQ(scanned.records.size(), 1u);
          EXPECT_EQ(scanned.keys[0], key);
          EXPECT_EQ(scanned.values[0], values ? value : "");
          EXPECT_EQ(scanned.records[0].expires, kExpiry);
          EXPECT_EQ(scanned.result.valid_end, log.size());
        }
        std::string scratch;
        Record record;
        ASSERT_TRUE(ReadRecordAt(log, kVersion, start, &scratch, &record));
        EXPECT_EQ(record.key, key);
        EXPECT_EQ(record.value, value);
        EXPECT_EQ(record.expires, kExpiry);
        EXPECT_EQ(record.size, end - start);
        EXPECT_EQ(ReadKeyAt(log, kVersion, start, &scratch), key);
      }
    }
  }
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
