// Copyright 2026 The gogocache Authors.

#include "persistence/log_format.h"

#include <zlib.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gtest/gtest.h"

namespace gogocache {
namespace log_format {
namespace {

struct Seen {
  std::vector<Record> records;
  std::vector<std::pair<uint64_t, uint64_t>> corrupt;
};

Seen Scan(const std::string& log, ScanResult* result) {
  Seen seen;
  *result = ScanLog(
      log, [&](const Record& record) { seen.records.push_back(record); },
      [&](uint64_t offset, uint64_t size) {
        seen.corrupt.emplace_back(offset, size);
      });
  return seen;
}

std::string ThreeRecords() {
  std::string log = EncodeHeader();
  AppendRecord(RecordType::kPut, "a", "first", &log);
  AppendRecord(RecordType::kPut, std::string("b\0\n", 3),
               std::string("\xff\xfe\n\0 value", 10), &log);
  AppendRecord(RecordType::kDelete, "a", "", &log);
  return log;
}

// Logs written with zlib's crc32 (before ISA-L computed it) must still
// verify: each record's checksum is zlib's CRC-32 of the bytes after it.
TEST(LogFormatTest, RecordChecksumIsZlibCrc32) {
  std::mt19937 random(7);
  for (size_t value_size : {0, 1, 15, 16, 100, 127, 4096, 70000}) {
    std::string key(1 + random() % 40, '\0');
    std::string value(value_size, '\0');
    for (char& c : key) c = static_cast<char>(random());
    for (char& c : value) c = static_cast<char>(random());
    std::string record;
    AppendRecord(RecordType::kPut, key, value, &record);
    const uint32_t expected =
        crc32(0, reinterpret_cast<const Bytef*>(record.data()) + 4,
              static_cast<uInt>(record.size() - 4));
    const auto* b = reinterpret_cast<const unsigned char*>(record.data());
    const uint32_t stored = uint32_t{b[0]} | uint32_t{b[1]} << 8 |
                            uint32_t{b[2]} << 16 | uint32_t{b[3]} << 24;
    EXPECT_EQ(stored, expected) << "value of " << value_size << " bytes";
  }
  // The header too: 16 bytes fixed by the format since version 1.
  const std::string header = EncodeHeader();
  EXPECT_EQ(crc32(0, reinterpret_cast<const Bytef*>(header.data()), 12),
            uint32_t{static_cast<unsigned char>(header[12])} |
                uint32_t{static_cast<unsigned char>(header[13])} << 8 |
                uint32_t{static_cast<unsigned char>(header[14])} << 16 |
                uint32_t{static_cast<unsigned char>(header[15])} << 24);
}

TEST(LogFormatTest, HeaderRoundTrips) {
  EXPECT_EQ(EncodeHeader().size(), kHeaderSize);
  EXPECT_TRUE(CheckHeader(EncodeHeader()).ok());
}

TEST(LogFormatTest, NewerVersionIsRefusedByNumber) {
  const absl::Status status = CheckHeader(EncodeHeader(2));
  EXPECT_TRUE(absl::IsFailedPrecondition(status)) << status;
  EXPECT_NE(status.message().find("version 2"), absl::string_view::npos)
      << status;
}

TEST(LogFormatTest, OtherFilesAreNotLogs) {
  const absl::Status status = CheckHeader("key\nvalue\nkey2\nvalue2\n");
  EXPECT_TRUE(absl::IsFailedPrecondition(status)) << status;
  EXPECT_NE(status.message().find("not a gogocache log"),
            absl::string_view::npos);
}

TEST(LogFormatTest, HeaderPrefixIsACutShortCreation) {
  const std::string header = EncodeHeader();
  for (size_t n = 0; n < kHeaderSize; ++n) {
    EXPECT_TRUE(absl::IsOutOfRange(CheckHeader(header.substr(0, n)))) << n;
  }
}

TEST(LogFormatTest, RecordsRoundTripAnyBytes) {
  const std::string log = ThreeRecords();
  ScanResult result;
  const Seen seen = Scan(log, &result);
  ASSERT_EQ(seen.records.size(), 3u);
  EXPECT_EQ(seen.records[0].key, "a");
  EXPECT_EQ(seen.records[0].value, "first");
  EXPECT_EQ(seen.records[1].key, std::string("b\0\n", 3));
  EXPECT_EQ(seen.records[1].value, std::string("\xff\xfe\n\0 value", 10));
  EXPECT_EQ(seen.records[2].type, RecordType::kDelete);
  EXPECT_EQ(result.valid_end, log.size());
  EXPECT_EQ(result.torn_tail_bytes, 0u);
  EXPECT_EQ(result.corrupt_regions, 0u);
}

TEST(LogFormatTest, EveryCutOfTheLastRecordIsATornTail) {
  const std::string log = ThreeRecords();
  const uint64_t last_size = RecordSize(1, 0);
  for (uint64_t cut = 1; cut < last_size; ++cut) {
    ScanResult result;
    const Seen seen = Scan(log.substr(0, log.size() - cut), &result);
    EXPECT_EQ(seen.records.size(), 2u) << cut;
    // Zero bytes at the very end (a length field) count as zero tail.
    EXPECT_EQ(result.torn_tail_bytes + result.zero_tail_bytes, last_size - cut)
        << cut;
    EXPECT_EQ(result.valid_end, log.size() - last_size) << cut;
    EXPECT_TRUE(seen.corrupt.empty()) << cut;
  }
}

TEST(LogFormatTest, EveryFlippedByteOfAMiddleRecordIsSkippedNotServed) {
  const std::string log = ThreeRecords();
  const uint64_t first_end = kHeaderSize + RecordSize(1, 5);
  const uint64_t second_end = first_end + RecordSize(3, 10);
  for (uint64_t at = first_end; at < second_end; ++at) {
    std::string damaged = log;
    damaged[at] ^= 0x20;
    ScanResult result;
    const Seen seen = Scan(damaged, &result);
    ASSERT_EQ(seen.records.size(), 2u) << at;
    EXPECT_EQ(seen.records[0].value, "first");
    EXPECT_EQ(seen.records[1].type, RecordType::kDelete);
    ASSERT_EQ(seen.corrupt.size(), 1u) << at;
    EXPECT_EQ(seen.corrupt[0].first, first_end);
    EXPECT_EQ(seen.corrupt[0].second, second_end - first_end);
    EXPECT_EQ(result.first_corrupt_offset, first_end);
  }
}

TEST(LogFormatTest, ZeroTailIsPreallocationNotATornRecord) {
  std::string log = ThreeRecords();
  const size_t size = log.size();
  log.append(4096, '\0');
  ScanResult result;
  Seen seen = Scan(log, &result);
  EXPECT_EQ(seen.records.size(), 3u);
  EXPECT_EQ(result.valid_end, size);
  EXPECT_EQ(result.torn_tail_bytes, 0u);
  EXPECT_EQ(result.zero_tail_bytes, 4096u);
  // A record cut short before the zeros is torn, up to its last byte.
  std::string torn = ThreeRecords();
  torn.resize(torn.size() - 2);
  torn.append(100, '\0');
  seen = Scan(torn, &result);
  EXPECT_EQ(seen.records.size(), 2u);
  EXPECT_EQ(result.torn_tail_bytes + result.zero_tail_bytes,
            torn.size() - result.valid_end);
  EXPECT_GT(result.torn_tail_bytes, 0u);
}

}  // namespace
}  // namespace log_format
}  // namespace gogocache
