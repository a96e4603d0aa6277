// Copyright 2026 The gogocache Authors.
//
// The on-disk format of the flat-file store: an append-only log.
//
//   file   := header record*
//   header := magic "GOGOLOG\n" (8 bytes) | version (u32) | crc (u32)
//   record := crc (u32) | type (u8) | key_size (u32) | value_size (u32)
//             | key bytes | value bytes
//
// Integers are little-endian. A header's crc covers its first 12 bytes; a
// record's covers everything after its own crc field. CRCs are zlib's CRC-32
// (IEEE, reflected, as gzip computes it), computed with Intel ISA-L. Keys
// and values are arbitrary bytes. A put record carries the key's new value;
// a delete record (a tombstone) carries no value.
//
// Scanning tells damage apart by where it is: a record that fails its checks
// with no valid record after it is a torn tail (the write in progress when
// the process or machine died); one followed by valid records is corruption
// in the middle, skipped up to the next offset where a valid record starts.
// A checksum cannot say which record a damaged region held, so the scanner
// never guesses: damaged bytes are reported, never handed out as data.
//
// Everything here works on bytes in memory and is safe for any input (it is
// fuzzed: persistence:log_scan_fuzzer).

#ifndef GOGOCACHE_PERSISTENCE_LOG_FORMAT_H_
#define GOGOCACHE_PERSISTENCE_LOG_FORMAT_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace gogocache {
namespace log_format {

inline constexpr char kMagic[8] = {'G', 'O', 'G', 'O', 'L', 'O', 'G', '\n'};
inline constexpr uint32_t kVersion = 1;
inline constexpr size_t kHeaderSize = 16;
inline constexpr size_t kRecordHeaderSize = 13;
inline constexpr size_t kMaxKeySize = size_t{1} << 20;
inline constexpr size_t kMaxValueSize = (size_t{1} << 31) - 1;

enum class RecordType : uint8_t { kPut = 1, kDelete = 2 };

// The 16-byte file header of `version` (other versions: for tests).
std::string EncodeHeader(uint32_t version = kVersion);

// What a file's first bytes are. `file_size` is the whole file's size.
//   OK                  a header of the current version
//   FailedPrecondition  a header of a newer version, or bytes that are not
//                       a header of this format at all
//   OutOfRange          fewer than 16 bytes, all a prefix of a valid header
//                       (a log whose creation was cut short: nothing in it)
absl::Status CheckHeader(absl::string_view bytes);

// Writes one record, RecordSize(key.size(), value.size()) bytes, at `out`.
void EncodeRecord(RecordType type, absl::string_view key,
                  absl::string_view value, char* out);

// Appends one record to `out`.
void AppendRecord(RecordType type, absl::string_view key,
                  absl::string_view value, std::string* out);
inline size_t RecordSize(size_t key_size, size_t value_size) {
  return kRecordHeaderSize + key_size + value_size;
}

struct Record {
  uint64_t offset = 0;  // Of the record's first byte in the file.
  uint64_t size = 0;    // Header, key and value.
  RecordType type = RecordType::kPut;
  absl::string_view key;
  absl::string_view value;
};

struct ScanResult {
  uint64_t records = 0;    // Valid records seen.
  uint64_t valid_end = 0;  // Where the last valid record ends.
  // After valid_end: a torn tail up to the last non-zero byte, then zeros
  // (space preallocated for records that were never written).
  uint64_t torn_tail_bytes = 0;
  uint64_t zero_tail_bytes = 0;
  uint64_t corrupt_regions = 0;  // Damaged regions before valid_end.
  uint64_t corrupt_bytes = 0;
  uint64_t first_corrupt_offset = 0;  // Meaningful when corrupt_regions > 0.
};

// Decodes a record starting at `offset` of `log`, or returns false when the
// bytes there are not a whole, valid record.
bool ParseRecordAt(absl::string_view log, uint64_t offset, Record* record);

// As ParseRecordAt, without the checksum: for records already verified (at
// recovery) or written by this process, whose framing alone is rechecked.
bool DecodeRecordAt(absl::string_view log, uint64_t offset, Record* record);

// Scans the records of `log` (a whole file, header included, whose header
// CheckHeader accepted). Calls `on_record` for each valid record in file
// order, `on_corrupt(offset, size)` for each damaged region in the middle,
// and `on_progress(bytes_done)` every few megabytes when set.
ScanResult ScanLog(
    absl::string_view log, absl::FunctionRef<void(const Record&)> on_record,
    absl::FunctionRef<void(uint64_t offset, uint64_t size)> on_corrupt,
    const std::function<void(uint64_t bytes_done)>& on_progress = nullptr);

}  // namespace log_format
}  // namespace gogocache

#endif  // GOGOCACHE_PERSISTENCE_LOG_FORMAT_H_
