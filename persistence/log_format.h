// Copyright 2026 The gogocache Authors.
//
// The on-disk format of the flat-file store: an append-only log of records,
// framed in fixed-size blocks as LevelDB frames its write-ahead log.
//
//   file     := header block-data
//   header   := magic "GOGOLOG\n" (8 bytes) | version (u32) | crc (u32)
//   fragment := length (u24) | type (u8) | payload (length bytes) | crc (u32)
//   record   := kind (u8) | key_size (u32) | body_size (u32) | key | body
//   body     := value                     for kind 1, a put
//             | (nothing)                 for kind 2, a delete
//             | expires (i64) | value     for kind 3, a put with an expiry
//
// A put's value that never expires is written as kind 1, with no expiry
// bytes; one with an expiry as kind 3, its expiry in Unix nanoseconds (the
// instant from which the value is stale) in the 8 bytes before the value.
// body_size counts them, so a record's framing does not depend on its kind.
//
// The file is cut into blocks of kBlockSize (256 KiB) bytes counted from
// offset 0 (the header lies at the start of the first). A record crosses a
// block boundary, and is gathered from two fragments when read, about as
// often as its size is a fraction of a block (1 in 64 of 4 KiB records);
// damage costs at most the rest of its block. A record is written as one FULL
// fragment, or as a FIRST, any number of MIDDLE and a LAST fragment when it
// does not fit in what is left of its block; a fragment never crosses a block
// boundary, so every block that holds data starts with a fragment header. A
// record starts only where at least kMinRecordSpace bytes are left in the
// block (its first fragment then holds the whole record header); otherwise
// the rest of the block stays zero and the record starts at the next block.
// A PADDING fragment holds nothing (compaction uses it to keep block
// positions when it moves records). Integers are little-endian; a header's
// crc covers its first 12 bytes, a fragment's covers its length, type and
// payload. CRCs are zlib's CRC-32 (IEEE, reflected), computed with ISA-L.
//
// Reading never looks for a record inside bytes it could not check: a
// header is read only where the previous fragment ended or at a block
// boundary, never at a position found by searching. After a fragment that
// fails its checks the reader drops the record under way and resumes at the
// next block boundary, skipping MIDDLE and LAST fragments until a record
// starts. So no byte of a key or a value, whatever the damage around it, is
// ever read as a record header, and a scan costs time linear in the file
// size whatever its content.
//
// What a crash can leave after the last complete record: nothing; zeros
// (space reserved ahead of the appends and never written); or the records
// being written, cut short. When only the process died that is one record,
// a prefix of what was being written: the store writes each fragment's
// header, then its payload, then its checksum (four bytes in one move), so
// a record cut short has its record header, whole and intact fragments
// before the one the write stopped in, and in that one the header as laid
// out (or zeros, where the payload reached the file first) and a checksum
// still zero or past the end of the file. The scanner calls exactly that a
// torn tail; any other damage, at the end or in the middle, is corruption,
// a complete record with a bad checksum included. When the machine lost
// power, writes not yet synced may reach the disk in part and out of
// order, whole pages of them zeros: then intact records may follow a
// damaged one, which is corruption too (skipped, or refused in strict
// mode). The store never leaves non-zero bytes of its own after the end of
// its last record: a write that fails is overwritten with zeros.
//
// Earlier versions are read too. Version 2 is this format without kind 3
// (a record of kind 3 in it is damage). Version 1 logs frame records without
// blocks (crc | kind | key_size | value_size | key | value, the crc covering
// the rest, kinds 1 and 2 only); a scan of one stops at its first damaged
// record, since without blocks there is no boundary to resume at, and calls
// whatever follows corruption (its leading checksum cannot tell a record cut
// short from a damaged one). The store rewrites both in this format before
// it writes to them.
//
// Everything here works on bytes in memory and is safe for any input (it is
// fuzzed: persistence:log_scan_fuzzer, persistence:log_keys_fuzzer).

#ifndef GOGOCACHE_PERSISTENCE_LOG_FORMAT_H_
#define GOGOCACHE_PERSISTENCE_LOG_FORMAT_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace gogocache {
namespace log_format {

inline constexpr char kMagic[8] = {'G', 'O', 'G', 'O', 'L', 'O', 'G', '\n'};
inline constexpr uint32_t kVersion = 3;
// Version 2: kVersion's blocks and records, without kind 3 (no expiry).
inline constexpr uint32_t kNoExpiryVersion = 2;
// Version 1: records without blocks.
inline constexpr uint32_t kLegacyVersion = 1;
inline constexpr size_t kHeaderSize = 16;
inline constexpr uint64_t kBlockSize = 256 << 10;
inline constexpr size_t kFragmentHeaderSize = 4;   // Length and type.
inline constexpr size_t kFragmentTrailerSize = 4;  // Checksum.
inline constexpr size_t kFragmentOverhead =
    kFragmentHeaderSize + kFragmentTrailerSize;
inline constexpr size_t kRecordHeaderSize = 9;
inline constexpr size_t kMinRecordSpace = kFragmentOverhead + kRecordHeaderSize;
inline constexpr size_t kMaxKeySize = size_t{1} << 20;
inline constexpr size_t kMaxValueSize = (size_t{1} << 31) - 1;
// The expiry before the value of a put that has one (kind 3).
inline constexpr size_t kExpirySize = 8;

// What a record does. A put is written as kind 1 or, with an expiry, kind 3;
// both read back as kPut, with Record::expires.
enum class RecordType : uint8_t { kPut = 1, kDelete = 2 };

// The bytes of a record after its key: the value, and the expiry before it
// when `expires` is finite.
inline size_t BodySize(size_t value_size, absl::Time expires) {
  return value_size + (expires == absl::InfiniteFuture() ? 0 : kExpirySize);
}

// The 16-byte file header of `version` (other versions: for tests).
std::string EncodeHeader(uint32_t version = kVersion);

// What a file's first bytes are.
//   OK                  a header of kVersion, kNoExpiryVersion or
//                       kLegacyVersion, which is stored in `*version` when
//                       given
//   FailedPrecondition  a header of a newer version, or bytes that are not
//                       a header of this format at all
//   OutOfRange          fewer than 16 bytes, all a prefix of a valid header
//                       (a log whose creation was cut short: nothing in it)
absl::Status CheckHeader(absl::string_view bytes, uint32_t* version = nullptr);

// The size of a record as one FULL fragment. `body_size` is BodySize(): the
// value's size for a put that never expires, 0 for a delete.
inline size_t RecordSize(size_t key_size, size_t body_size) {
  return kMinRecordSpace + key_size + body_size;
}

inline bool FitsInBlock(uint64_t start, size_t record_size) {
  return kBlockSize - start % kBlockSize >= record_size;
}

// Where a record appended at `end` (the end of the data so far) starts.
inline uint64_t RecordStart(uint64_t end) {
  const uint64_t left = kBlockSize - end % kBlockSize;
  return left >= kMinRecordSpace ? end : end + left;
}

// Where a record of a `key_size`-byte key and a `body_size`-byte body
// (BodySize()), starting at `start` (a RecordStart()), ends, its fragment
// headers included.
uint64_t FragmentedRecordEnd(uint64_t start, size_t key_size, size_t body_size);
inline uint64_t RecordEnd(uint64_t start, size_t key_size, size_t body_size) {
  const size_t size = RecordSize(key_size, body_size);
  return FitsInBlock(start, size)
             ? start + size
             : FragmentedRecordEnd(start, key_size, body_size);
}

// The encoders below write a put of `value` under `key` that expires at
// `expires` (kind 1 when that is InfiniteFuture(), else kind 3, whose
// expiry is kept in Unix nanoseconds: to the nanosecond from the year 1678
// to 2262, and as the nearer end of that range outside it), or a delete of
// `key` (`value` empty and `expires` ignored).

// Writes the record, RecordEnd(start, key.size(), BodySize(...)) - start
// bytes, to `out`, which stands for the file from offset `start`.
void EncodeRecordAt(RecordType type, absl::string_view key,
                    absl::string_view value, uint64_t start, char* out,
                    absl::Time expires = absl::InfiniteFuture());

// Writes the record as one FULL fragment, RecordSize() bytes, to `out`:
// the same bytes EncodeRecordAt() writes wherever the record fits in its
// block (FitsInBlock), whatever the offset.
void EncodeRecord(RecordType type, absl::string_view key,
                  absl::string_view value, char* out,
                  absl::Time expires = absl::InfiniteFuture());

// Appends one record to `log`, a whole file's bytes from offset 0, where
// the store would: at RecordStart(log->size()).
void AppendRecord(RecordType type, absl::string_view key,
                  absl::string_view value, std::string* log,
                  absl::Time expires = absl::InfiniteFuture());

struct Record {
  uint64_t offset = 0;  // Of the record's first fragment in the file.
  uint64_t size = 0;    // Up to the end of its last fragment.
  RecordType type = RecordType::kPut;
  absl::string_view key;
  absl::string_view value;
  // A put's expiry (kind 3); InfiniteFuture() for one that never expires
  // and for a delete.
  absl::Time expires = absl::InfiniteFuture();
};

// Decodes the record whose first fragment is at `offset` of `log` (a log of
// `version`), without checking checksums: for records verified at recovery
// or written by this process, whose framing alone is rechecked. False when
// the bytes there are not such a record. The key and value point into
// `log`, or into `*scratch` for a record in several fragments.
bool ReadRecordAt(absl::string_view log, uint32_t version, uint64_t offset,
                  std::string* scratch, Record* record);

// As ReadRecordAt(), the key alone (empty when there is no record there):
// only the fragments that hold it are read.
absl::string_view ReadKeyAt(absl::string_view log, uint32_t version,
                            uint64_t offset, std::string* scratch);

struct ScanResult {
  uint64_t records = 0;    // Valid records seen.
  uint64_t valid_end = 0;  // Where the last valid record ends.
  // After valid_end: a record cut short (see the top of this file) up to
  // the last non-zero byte, or damage; then zeros (space reserved ahead
  // for records that were never written).
  uint64_t torn_tail_bytes = 0;
  uint64_t zero_tail_bytes = 0;
  // Damaged regions: in the middle, and after valid_end when what is there
  // is not a record cut short (then included, and torn_tail_bytes is 0).
  uint64_t corrupt_regions = 0;
  uint64_t corrupt_bytes = 0;
  uint64_t first_corrupt_offset = 0;  // Meaningful when corrupt_regions > 0.
};

// Scans the records of `log` (a whole file, header included, whose header
// CheckHeader accepted with `version`). Calls `on_record` for each valid
// record in file order (its views are valid during the call only; its value
// is empty unless `values`, which spares assembling the values of records
// in several fragments; its expiry is always there), `on_corrupt(offset, size)`
// for each damaged region, and `on_progress(bytes_done)` every few megabytes
// when set.
ScanResult ScanLog(
    absl::string_view log, uint32_t version,
    absl::FunctionRef<void(const Record&)> on_record,
    absl::FunctionRef<void(uint64_t offset, uint64_t size)> on_corrupt,
    const std::function<void(uint64_t bytes_done)>& on_progress = nullptr,
    bool values = true);

// Appends to `out` the bytes that stand for the file's offsets [from, to)
// and fill them with padding (PADDING fragments, or zeros where no record
// can start); returns false, appending nothing, when no padding can end
// exactly at `to` (fewer than a fragment header's bytes before it, where a
// record could start).
bool AppendPadding(uint64_t from, uint64_t to, std::string* out);

}  // namespace log_format
}  // namespace gogocache

#endif  // GOGOCACHE_PERSISTENCE_LOG_FORMAT_H_
