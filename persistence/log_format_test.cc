// Copyright 2026 The gogocache Authors.

#include "persistence/log_format.h"

#include <zlib.h>

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace gogocache {
namespace log_format {
namespace {

struct Seen {
  std::vector<std::pair<std::string, std::string>> records;  // Key, value.
  std::vector<uint64_t> offsets;
  std::vector<std::pair<uint64_t, uint64_t>> corrupt;
};

Seen Scan(const std::string& log, ScanResult* result,
          uint32_t version = kVersion) {
  Seen seen;
  *result = ScanLog(
      log, version,
      [&](const Record& record) {
        seen.records.emplace_back(std::string(record.key),
                                  std::string(record.value));
        seen.offsets.push_back(record.offset);
      },
      [&](uint64_t offset, uint64_t size) {
        seen.corrupt.emplace_back(offset, size);
      });
  return seen;
}

std::set<std::string> Keys(const Seen& seen) {
  std::set<std::string> keys;
  for (const auto& [key, value] : seen.records) keys.insert(key);
  return keys;
}

// A value an attacker would send: records of keys nobody writes, encoded
// back to back, so that any offset of it may look like a record start.
std::string ValueOfRecords(size_t size) {
  std::string value;
  std::string record;
  for (int i = 0; value.size() < size; ++i) {
    const std::string key = absl::StrCat("evil", i % 7);
    record.assign(RecordSize(key.size(), 13), '\0');
    EncodeRecord(RecordType::kPut, key, "evil-injected", record.data());
    value += record;
  }
  value.resize(size);
  value.back() = 'z';  // Not zero: a cut or flip of it is not a zero tail.
  return value;
}

TEST(LogFormatTest, FragmentChecksumIsZlibCrc32OfWhatPrecedesIt) {
  std::string log = EncodeHeader();
  AppendRecord(RecordType::kPut, "key", "value", &log);
  const std::string fragment = log.substr(kHeaderSize);
  ASSERT_EQ(fragment.size(), RecordSize(3, 5));
  const size_t framed = fragment.size() - kFragmentTrailerSize;
  const uint32_t crc = static_cast<uint32_t>(
      crc32(0, reinterpret_cast<const Bytef*>(fragment.data()), framed));
  uint32_t stored = 0;
  for (int i = 3; i >= 0; --i) {
    stored = stored << 8 | static_cast<uint8_t>(fragment[framed + i]);
  }
  EXPECT_EQ(stored, crc);
}

// Every record is exactly as long as RecordEnd() says, wherever it starts
// and however its key, expiry and value fall on fragment boundaries; an
// empty value after a key that fills a fragment included. A scan, with and
// without values, and ReadRecordAt() give it back whole.
TEST(LogFormatTest, EncodedRecordsEndWhereRecordEndSays) {
  const absl::Time kExpiry = absl::FromUnixNanos(1800000000123456789);
  const uint64_t room = kBlockSize - kFragmentOverhead;
  for (const uint64_t start :
       {uint64_t{kHeaderSize}, kBlockSize - kMinRecordSpace, kBlockSize - 100,
        3 * kBlockSize}) {
    const uint64_t first_room =
        kBlockSize - start % kBlockSize - kFragmentOverhead - kRecordHeaderSize;
    for (const uint64_t boundary :
         {first_room, first_room + room, first_room + 2 * room}) {
      for (const absl::Time expires : {absl::InfiniteFuture(), kExpiry}) {
        // With an expiry, the boundary also falls before and inside it.
        for (const uint64_t key_size :
             {boundary - kExpirySize - 1, boundary - 4, boundary - 1, boundary,
              boundary + 1}) {
          if (key_size == 0 || key_size > kMaxKeySize) continue;
          for (const size_t value_size : {size_t{0}, size_t{1}}) {
            SCOPED_TRACE(absl::StrCat(start, " ", key_size, " ", value_size,
                                      " ", absl::FormatTime(expires)));
            const std::string key(key_size, 'k');
            const std::string value(value_size, 'v');
            const uint64_t end =
                RecordEnd(start, key_size, BodySize(value_size, expires));
            std::string out(end - start + 64, '\x5a');  // Guard bytes after.
            EncodeRecordAt(RecordType::kPut, key, value, start, out.data(),
                           expires);
            EXPECT_EQ(out.substr(end - start), std::string(64, '\x5a'));
            std::string log = EncodeHeader();
            ASSERT_TRUE(AppendPadding(kHeaderSize, start, &log));
            log += out.substr(0, end - start);
            for (const bool values : {true, false}) {
              std::vector<Record> records;
              const ScanResult result = ScanLog(
                  log, kVersion,
                  [&](const Record& record) {
                    records.push_back(record);
                    EXPECT_EQ(record.key, key);
                    EXPECT_EQ(record.value, values ? value : "");
                  },
                  [](uint64_t, uint64_t) {}, nullptr, values);
              ASSERT_EQ(records.size(), 1u);
              EXPECT_EQ(records[0].expires, expires);
              EXPECT_EQ(result.valid_end, log.size());
            }
            std::string scratch;
            Record record;
            ASSERT_TRUE(ReadRecordAt(log, kVersion, start, &scratch, &record));
            EXPECT_EQ(record.key, key);
            EXPECT_EQ(record.value, value);
            EXPECT_EQ(record.expires, expires);
            EXPECT_EQ(record.size, end - start);
            EXPECT_EQ(ReadKeyAt(log, kVersion, start, &scratch), key);
          }
        }
      }
    }
  }
}

TEST(LogFormatTest, HeaderVersions) {
  uint32_t version = 0;
  EXPECT_TRUE(CheckHeader(EncodeHeader(), &version).ok());
  EXPECT_EQ(version, kVersion);
  EXPECT_TRUE(CheckHeader(EncodeHeader(kNoExpiryVersion), &version).ok());
  EXPECT_EQ(version, kNoExpiryVersion);
  EXPECT_TRUE(CheckHeader(EncodeHeader(kLegacyVersion), &version).ok());
  EXPECT_EQ(version, kLegacyVersion);
  const absl::Status newer = CheckHeader(EncodeHeader(kVersion + 1));
  EXPECT_TRUE(absl::IsFailedPrecondition(newer));
  EXPECT_NE(newer.message().find(absl::StrCat("version ", kVersion + 1)),
            absl::string_view::npos);
  EXPECT_NE(newer.message().find("newer gogocache"), absl::string_view::npos);
  const absl::Status zero = CheckHeader(EncodeHeader(0));
  EXPECT_TRUE(absl::IsFailedPrecondition(zero));
  EXPECT_EQ(zero.message().find("newer"), absl::string_view::npos);
  EXPECT_TRUE(absl::IsFailedPrecondition(CheckHeader("not a log at all!")));
  EXPECT_TRUE(absl::IsOutOfRange(CheckHeader(EncodeHeader().substr(0, 5))));
}

TEST(LogFormatTest, RecordsOfAnySizeRoundTrip) {
  std::string log = EncodeHeader();
  const std::vector<std::pair<std::string, std::string>> written = {
      {"a", "first"},
      {std::string("b\0\n", 3), std::string("\xff\xfe\n\0 value", 10)},
      {"big", std::string(3 * kBlockSize + 123, 'x')},
      {std::string(kBlockSize + 5, 'k'), "value of a long key"},
      {"after", "the long ones"},
  };
  for (const auto& [key, value] : written) {
    AppendRecord(RecordType::kPut, key, value, &log);
  }
  AppendRecord(RecordType::kDelete, "a", "", &log);
  ScanResult result;
  Seen seen = Scan(log, &result);
  ASSERT_EQ(seen.records.size(), written.size() + 1);
  for (size_t i = 0; i < written.size(); ++i) {
    EXPECT_EQ(seen.records[i], written[i]) << i;
    std::string scratch;
    Record record;
    ASSERT_TRUE(
        ReadRecordAt(log, kVersion, seen.offsets[i], &scratch, &record));
    EXPECT_EQ(record.key, written[i].first);
    EXPECT_EQ(record.value, written[i].second);
    std::string key_scratch;
    EXPECT_EQ(ReadKeyAt(log, kVersion, seen.offsets[i], &key_scratch),
              written[i].first);
  }
  EXPECT_EQ(result.valid_end, log.size());
  EXPECT_EQ(result.corrupt_regions, 0u);
  EXPECT_EQ(result.torn_tail_bytes, 0u);
}

TEST(LogFormatTest, NoFragmentCrossesABlockAndEveryBlockStartsWithOne) {
  std::string log = EncodeHeader();
  for (int i = 0; log.size() < 6 * kBlockSize; ++i) {
    AppendRecord(RecordType::kPut, absl::StrCat("key", i),
                 std::string(i * 97 % 9000, 'v'), &log);
  }
  ScanResult result;
  Seen seen = Scan(log, &result);
  EXPECT_EQ(result.valid_end, log.size());
  // A block's first bytes are a fragment header: a record start is kept
  // only where it leaves room for one, and a block boundary inside a
  // record starts a MIDDLE or LAST fragment (type 3 or 4).
  for (uint64_t block = kBlockSize; block < log.size(); block += kBlockSize) {
    const uint8_t type =
        static_cast<uint8_t>(log[block + kFragmentHeaderSize - 1]);
    EXPECT_TRUE(type >= 1 && type <= 4) << block;
  }
}

TEST(LogFormatTest, EveryCutOfTheLastRecordIsATornTail) {
  for (const size_t value_size : {size_t{40}, size_t{kBlockSize + 100}}) {
    std::string log = EncodeHeader();
    AppendRecord(RecordType::kPut, "kept", "v", &log);
    const size_t whole = log.size();
    AppendRecord(RecordType::kPut, "cut", ValueOfRecords(value_size), &log);
    const size_t step = value_size > 1000 ? 251 : 1;
    std::vector<size_t> sizes;
    // Up to the record's checksum, its last four bytes, which the store
    // writes in one move: a cut inside them reads as damage.
    for (size_t size = whole + 1; size <= log.size() - kFragmentTrailerSize;
         size += step) {
      sizes.push_back(size);
    }
    // Right at a block boundary inside the record, too.
    for (uint64_t at = kBlockSize; at < log.size(); at += kBlockSize) {
      if (at > whole) sizes.push_back(at);
    }
    for (const size_t size : sizes) {
      for (const bool zeros_after : {false, true}) {
        std::string cut = log.substr(0, size);
        if (zeros_after) cut.resize(log.size() + 4096, '\0');
        ScanResult result;
        Seen seen = Scan(cut, &result);
        ASSERT_EQ(Keys(seen), std::set<std::string>{"kept"}) << size;
        EXPECT_EQ(result.valid_end, whole);
        EXPECT_EQ(result.corrupt_regions, 0u) << size << " " << zeros_after;
        EXPECT_EQ(
            result.valid_end + result.torn_tail_bytes + result.zero_tail_bytes,
            cut.size());
      }
    }
  }
}

TEST(LogFormatTest, EveryFlippedByteOfTheLastRecordIsDamage) {
  for (const size_t value_size : {size_t{40}, size_t{kBlockSize + 100}}) {
    std::string log = EncodeHeader();
    AppendRecord(RecordType::kPut, "kept", "v", &log);
    const size_t whole = log.size();
    AppendRecord(RecordType::kPut, "last", ValueOfRecords(value_size), &log);
    // Every byte near the record's ends and its block boundaries (its
    // headers and checksums), and a stride through the rest.
    std::set<size_t> positions;
    for (size_t at = whole; at < log.size(); at += 251) positions.insert(at);
    for (size_t i = 0; i < 64; ++i) {
      positions.insert(whole + i);
      positions.insert(log.size() - 1 - i);
      for (uint64_t block = kBlockSize; block < log.size();
           block += kBlockSize) {
        positions.insert(block + i);
        positions.insert(block - 1 - i);
      }
    }
    for (const size_t at : positions) {
      if (at < whole || at >= log.size()) continue;
      std::string damaged = log;
      damaged[at] ^= 0x80;
      ScanResult result;
      Seen seen = Scan(damaged, &result);
      ASSERT_EQ(Keys(seen), std::set<std::string>{"kept"}) << at;
      EXPECT_EQ(result.corrupt_regions, 1u) << at;
      EXPECT_EQ(result.torn_tail_bytes, 0u) << at;
    }
  }
}

// What a process that dies while writing a record leaves: a prefix of its
// bytes (each fragment's header, payload, then checksum), or, where it
// wrote a fragment's payload before its header, one without the header.
TEST(LogFormatTest, AProcessDyingMidRecordLeavesATornTail) {
  std::string log = EncodeHeader();
  AppendRecord(RecordType::kPut, "kept", "v", &log);
  const size_t whole = log.size();
  AppendRecord(RecordType::kPut, "cut", ValueOfRecords(2 * kBlockSize), &log);
  for (size_t size = whole + 1; size + kFragmentTrailerSize <= log.size();
       size += 4093) {
    std::string cut = log.substr(0, size);
    cut.resize(log.size(), '\0');
    ScanResult result;
    Scan(cut, &result);
    EXPECT_EQ(result.corrupt_regions, 0u) << size;
    EXPECT_GT(result.torn_tail_bytes, 0u) << size;
    // The fragment the cut is in, with no header yet.
    const uint64_t fragment =
        std::max<uint64_t>(whole, (size - 1) / kBlockSize * kBlockSize);
    if (size > fragment + kFragmentHeaderSize) {
      std::fill(cut.begin() + fragment,
                cut.begin() + fragment + kFragmentHeaderSize, '\0');
      Scan(cut, &result);
      EXPECT_EQ(result.corrupt_regions, 0u) << size << " headerless";
    }
  }
}

TEST(LogFormatTest, DamageToALastRecordEndingInZerosIsNotATornTail) {
  std::string log = EncodeHeader();
  AppendRecord(RecordType::kPut, "kept", "v", &log);
  const size_t whole = log.size();
  AppendRecord(RecordType::kPut, "zeros", std::string("v\0\0\0\0\0\0\0", 8),
               &log);
  for (size_t at = whole; at < log.size(); ++at) {
    std::string damaged = log;
    damaged[at] ^= 0x20;
    ScanResult result;
    Scan(damaged, &result);
    EXPECT_EQ(result.corrupt_regions, 1u) << at;
    EXPECT_EQ(result.torn_tail_bytes, 0u) << at;
  }
}

TEST(LogFormatTest, GarbageAfterTheLastRecordIsDamage) {
  std::string log = EncodeHeader();
  AppendRecord(RecordType::kPut, "kept", "v", &log);
  for (const std::string& garbage :
       {std::string("garbage"), std::string(100, '\x01'),
        std::string("\x12\x34\x56\x78\x05\x00\x01hello", 12)}) {
    ScanResult result;
    Seen seen = Scan(log + garbage, &result);
    EXPECT_EQ(Keys(seen), std::set<std::string>{"kept"});
    EXPECT_EQ(result.corrupt_regions, 1u) << garbage;
    EXPECT_EQ(result.torn_tail_bytes, 0u);
  }
}

TEST(LogFormatTest, DamageIsSkippedToTheNextBlockAndNothingInsideIsRead) {
  std::string log = EncodeHeader();
  AppendRecord(RecordType::kPut, "before", "1", &log);
  const size_t damaged_at = log.size();
  AppendRecord(RecordType::kPut, "hostile", ValueOfRecords(3 * kBlockSize),
               &log);
  AppendRecord(RecordType::kPut, "after", "2", &log);
  for (const size_t flip :
       {damaged_at + 2, damaged_at + 20, damaged_at + kBlockSize}) {
    std::string damaged = log;
    damaged[flip] ^= 0x01;
    ScanResult result;
    Seen seen = Scan(damaged, &result);
    EXPECT_EQ(Keys(seen), (std::set<std::string>{"before", "after"})) << flip;
    EXPECT_EQ(result.corrupt_regions, 1u);
    ASSERT_EQ(seen.corrupt.size(), 1u);
    EXPECT_EQ(seen.corrupt[0].first, damaged_at);
    EXPECT_EQ(result.valid_end, log.size());
  }
}

TEST(LogFormatTest, ZeroTailIsReservedSpaceNotDamage) {
  std::string log = EncodeHeader();
  AppendRecord(RecordType::kPut, "a", "1", &log);
  const size_t end = log.size();
  log.resize(end + 3 * kBlockSize, '\0');
  ScanResult result;
  Seen seen = Scan(log, &result);
  EXPECT_EQ(seen.records.size(), 1u);
  EXPECT_EQ(result.valid_end, end);
  EXPECT_EQ(result.zero_tail_bytes, 3 * kBlockSize);
  EXPECT_EQ(result.torn_tail_bytes, 0u);
  EXPECT_EQ(result.corrupt_regions, 0u);
}

TEST(LogFormatTest, PaddingKeepsOffsetsWithinBlocks) {
  for (const uint64_t to : {uint64_t{200}, kBlockSize + kFragmentOverhead,
                            3 * kBlockSize, 2 * kBlockSize + 5000}) {
    std::string log = EncodeHeader();
    AppendRecord(RecordType::kPut, "a", "1", &log);
    ASSERT_TRUE(AppendPadding(log.size(), to, &log)) << to;
    ASSERT_EQ(log.size(), to);
    AppendRecord(RecordType::kPut, "b", "2", &log);
    ScanResult result;
    Seen seen = Scan(log, &result);
    EXPECT_EQ(Keys(seen), (std::set<std::string>{"a", "b"})) << to;
    EXPECT_EQ(result.corrupt_regions, 0u);
    EXPECT_EQ(result.valid_end, log.size());
  }
  std::string log = EncodeHeader();
  EXPECT_FALSE(AppendPadding(log.size(), log.size() + 3, &log));
  EXPECT_EQ(log.size(), kHeaderSize);
}

TEST(LogFormatTest, LegacyLogScanStopsAtItsFirstDamage) {
  // Version 1 records: crc | kind | key_size | value_size | key | value.
  auto legacy = [](absl::string_view key, absl::string_view value) {
    std::string record(13, '\0');
    record[4] = 1;
    for (int i = 0; i < 4; ++i) {
      record[5 + i] = static_cast<char>(key.size() >> (8 * i));
      record[9 + i] = static_cast<char>(value.size() >> (8 * i));
    }
    record.append(key.data(), key.size());
    record.append(value.data(), value.size());
    const uint32_t crc = static_cast<uint32_t>(
        crc32(0, reinterpret_cast<const Bytef*>(record.data() + 4),
              static_cast<uInt>(record.size() - 4)));
    for (int i = 0; i < 4; ++i) record[i] = static_cast<char>(crc >> (8 * i));
    return record;
  };
  const std::string inner = legacy("admin", "evil-injected");
  std::string log = EncodeHeader(kLegacyVersion) + legacy("a", "1");
  const size_t damaged_at = log.size();
  log += legacy("b", "xx" + inner + "yy") + legacy("c", "3");
  ScanResult result;
  Seen seen = Scan(log, &result, kLegacyVersion);
  EXPECT_EQ(Keys(seen), (std::set<std::string>{"a", "b", "c"}));
  log[damaged_at] ^= 0x01;
  seen = Scan(log, &result, kLegacyVersion);
  EXPECT_EQ(Keys(seen), std::set<std::string>{"a"});
  EXPECT_EQ(result.corrupt_regions, 1u);
  EXPECT_EQ(result.first_corrupt_offset, damaged_at);
}

}  // namespace
}  // namespace log_format
}  // namespace gogocache
