// Copyright 2026 The gogocache Authors.

#include "persistence/log_format.h"

#include <isa-l/crc.h>

#include <algorithm>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace gogocache {
namespace log_format {
namespace {

enum FragmentType : uint8_t {
  kFull = 1,
  kFirst = 2,
  kMiddle = 3,
  kLast = 4,
  kPadding = 5,
};

// The version 1 record header: crc | kind | key_size | value_size.
constexpr size_t kLegacyRecordHeaderSize = 13;

// zlib's CRC-32 (the gzip one), computed by ISA-L: the same values, several
// times faster than zlib on small records (carry-less multiplication where
// the CPU has it); the checksum is most of what recovery costs.
uint32_t Crc(absl::string_view bytes) {
  return crc32_gzip_refl(
      0, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
}

// Byte by byte, so the format is little-endian on any machine.
void StoreFixed32(char* bytes, uint32_t value) {
  for (int i = 0; i < 4; ++i) bytes[i] = static_cast<char>(value >> (8 * i));
}

uint32_t GetFixed32(const char* bytes) {
  const auto* b = reinterpret_cast<const unsigned char*>(bytes);
  return uint32_t{b[0]} | uint32_t{b[1]} << 8 | uint32_t{b[2]} << 16 |
         uint32_t{b[3]} << 24;
}

uint32_t GetFixed24(const char* bytes) {
  const auto* b = reinterpret_cast<const unsigned char*>(bytes);
  return uint32_t{b[0]} | uint32_t{b[1]} << 8 | uint32_t{b[2]} << 16;
}

constexpr uint64_t kProgressEvery = uint64_t{4} << 20;

inline uint64_t BlockLeft(uint64_t offset) {
  return kBlockSize - offset % kBlockSize;
}

// A fragment is written in order: its header (before its payload), then
// its payload, then its checksum, so that a process that dies while
// writing one leaves a prefix of it.
inline void WriteFragmentHeader(FragmentType type, size_t length, char* out) {
  out[0] = static_cast<char>(length & 0xff);
  out[1] = static_cast<char>((length >> 8) & 0xff);
  out[2] = static_cast<char>(length >> 16);
  out[3] = static_cast<char>(type);
}

// The checksum of the fragment at `out` with `length` payload bytes, stored
// in one move: whole or not at all.
inline void WriteFragmentChecksum(size_t length, char* out) {
  char crc[kFragmentTrailerSize];
  StoreFixed32(crc, Crc(absl::string_view(out, kFragmentHeaderSize + length)));
  std::memcpy(out + kFragmentHeaderSize + length, crc, sizeof(crc));
}

inline void SealFragment(FragmentType type, size_t length, char* out) {
  WriteFragmentHeader(type, length, out);
  WriteFragmentChecksum(length, out);
}

void EncodeRecordHeader(RecordType type, size_t key_size, size_t value_size,
                        char* out) {
  out[0] = static_cast<char>(type);
  StoreFixed32(out + 1, static_cast<uint32_t>(key_size));
  StoreFixed32(out + 5, static_cast<uint32_t>(value_size));
}

// The record header's fields, or false when they break the format's limits.
inline bool DecodeRecordHeader(const char* p, RecordType* type,
                               uint64_t* key_size, uint64_t* value_size) {
  const uint8_t kind = static_cast<uint8_t>(p[0]);
  *key_size = GetFixed32(p + 1);
  *value_size = GetFixed32(p + 5);
  if (kind != static_cast<uint8_t>(RecordType::kPut) &&
      kind != static_cast<uint8_t>(RecordType::kDelete)) {
    return false;
  }
  if (*key_size == 0 || *key_size > kMaxKeySize ||
      *value_size > kMaxValueSize) {
    return false;
  }
  if (kind == static_cast<uint8_t>(RecordType::kDelete) && *value_size != 0) {
    return false;
  }
  *type = static_cast<RecordType>(kind);
  return true;
}

// A fragment's framing at `offset`, unchecked beyond its bounds.
struct Fragment {
  FragmentType type;
  absl::string_view payload;
  uint64_t end;
};

inline bool FragmentAt(absl::string_view log, uint64_t offset,
                       Fragment* fragment) {
  const uint64_t left = BlockLeft(offset);
  if (offset >= log.size() || left < kFragmentOverhead ||
      log.size() - offset < kFragmentOverhead) {
    return false;
  }
  const char* p = log.data() + offset;
  const uint64_t length = GetFixed24(p);
  const uint8_t type = static_cast<uint8_t>(p[3]);
  if (type < kFull || type > kPadding || kFragmentOverhead + length > left ||
      kFragmentOverhead + length > log.size() - offset) {
    return false;
  }
  fragment->type = static_cast<FragmentType>(type);
  fragment->payload = absl::string_view(p + kFragmentHeaderSize, length);
  fragment->end = offset + kFragmentOverhead + length;
  return true;
}

inline bool FragmentCrcMatches(absl::string_view log, uint64_t offset,
                               const Fragment& fragment) {
  const char* p = log.data() + offset;
  const size_t framed = kFragmentHeaderSize + fragment.payload.size();
  return GetFixed32(p + framed) == Crc(absl::string_view(p, framed));
}

// Reads the first `want` bytes of the record (header, key, value) whose first
// fragment is at `offset`, following its fragments without checking their
// checksums. The bytes are a view into `log` when the first fragment holds
// them, else assembled in `*scratch`. Sets `*end` to where the last fragment
// read ends.
bool ReadRecordPrefix(absl::string_view log, uint64_t offset, uint64_t want,
                      std::string* scratch, absl::string_view* bytes,
                      uint64_t* end) {
  Fragment fragment;
  if (!FragmentAt(log, offset, &fragment) ||
      (fragment.type != kFull && fragment.type != kFirst)) {
    return false;
  }
  if (fragment.payload.size() >= want || fragment.type == kFull) {
    if (fragment.payload.size() < want) return false;
    *bytes = fragment.payload.substr(0, want);
    *end = fragment.end;
    return true;
  }
  scratch->assign(fragment.payload.data(), fragment.payload.size());
  while (scratch->size() < want) {
    if (!FragmentAt(log, fragment.end, &fragment) ||
        (fragment.type != kMiddle && fragment.type != kLast)) {
      return false;
    }
    scratch->append(fragment.payload.data(), fragment.payload.size());
    if (fragment.type == kLast && scratch->size() < want) return false;
  }
  scratch->resize(want);
  *bytes = *scratch;
  *end = fragment.end;
  return true;
}

bool LegacyRecordAt(absl::string_view log, uint64_t offset, bool check_crc,
                    Record* record) {
  if (offset > log.size() || log.size() - offset < kLegacyRecordHeaderSize) {
    return false;
  }
  const char* p = log.data() + offset;
  uint64_t key_size, value_size;
  if (!DecodeRecordHeader(p + 4, &record->type, &key_size, &value_size)) {
    return false;
  }
  const uint64_t size = kLegacyRecordHeaderSize + key_size + value_size;
  if (size > log.size() - offset) return false;
  if (check_crc && GetFixed32(p) != Crc(absl::string_view(p + 4, size - 4))) {
    return false;
  }
  record->offset = offset;
  record->size = size;
  record->key = absl::string_view(p + kLegacyRecordHeaderSize, key_size);
  record->value =
      absl::string_view(p + kLegacyRecordHeaderSize + key_size, value_size);
  return true;
}

// The byte at `offset`, zero past the end of `log` (where a crash may have
// left the file shorter than what was being written).
inline uint8_t ByteAt(absl::string_view log, uint64_t offset) {
  return offset < log.size() ? static_cast<uint8_t>(log[offset]) : 0;
}

// Whether the fragment header at `at` is the one laid out there (`type`,
// `length`), or zeros: not written yet.
bool HeaderWrittenOrNot(absl::string_view log, uint64_t at, FragmentType type,
                        uint64_t length) {
  const uint8_t expected[kFragmentHeaderSize] = {
      static_cast<uint8_t>(length & 0xff),
      static_cast<uint8_t>((length >> 8) & 0xff),
      static_cast<uint8_t>(length >> 16), static_cast<uint8_t>(type)};
  bool zero = true, laid_out = true;
  for (size_t i = 0; i < kFragmentHeaderSize; ++i) {
    const uint8_t byte = ByteAt(log, at + i);
    zero = zero && byte == 0;
    laid_out = laid_out && byte == expected[i];
  }
  return zero || laid_out;
}

// Whether the non-zero bytes from `from` (where reading failed) up to
// `last_nonzero` can be a record cut short, as the store writes it: a
// record header, fragments before the one the write stopped in that are
// whole and intact, and in that one a header as laid out (or none yet)
// and a checksum still zero or past the file's end. A version 1 record,
// whose checksum leads, cannot tell.
bool CutShort(absl::string_view log, uint32_t version, uint64_t from,
              uint64_t last_nonzero) {
  if (version == kLegacyVersion || from >= last_nonzero) return false;
  // The record header, in the first fragment's payload.
  const uint64_t header_at = from + kFragmentHeaderSize;
  if (last_nonzero <= header_at + kRecordHeaderSize) {
    // Cut in the headers: what is there must begin a put or a delete.
    const uint8_t type = ByteAt(log, from + 3), kind = ByteAt(log, header_at);
    return (type == 0 || type == kFull || type == kFirst) &&
           (last_nonzero <= header_at ||
            kind == static_cast<uint8_t>(RecordType::kPut) ||
            kind == static_cast<uint8_t>(RecordType::kDelete));
  }
  RecordType kind;
  uint64_t key_size, value_size;
  if (!DecodeRecordHeader(log.data() + header_at, &kind, &key_size,
                          &value_size)) {
    return false;
  }
  const uint64_t end = RecordEnd(from, key_size, value_size);
  for (uint64_t at = from;;) {
    const uint64_t fragment_end = std::min(at + BlockLeft(at), end);
    const bool last = fragment_end == end;
    const FragmentType type =
        at == from ? (last ? kFull : kFirst) : (last ? kLast : kMiddle);
    if (fragment_end > last_nonzero) {
      // The fragment the write stopped in.
      return HeaderWrittenOrNot(log, at, type,
                                fragment_end - at - kFragmentOverhead) &&
             last_nonzero + kFragmentTrailerSize <= fragment_end;
    }
    // Before it, each fragment is whole and intact (and the record cannot
    // be: the scan found it damaged).
    Fragment fragment;
    if (last || !FragmentAt(log, at, &fragment) || fragment.type != type ||
        fragment.end != fragment_end ||
        !FragmentCrcMatches(log, at, fragment)) {
      return false;
    }
    at = fragment_end;
  }
}

}  // namespace

std::string EncodeHeader(uint32_t version) {
  std::string header(kMagic, sizeof(kMagic));
  char bytes[4];
  StoreFixed32(bytes, version);
  header.append(bytes, 4);
  StoreFixed32(bytes, Crc(header));
  header.append(bytes, 4);
  return header;
}

absl::Status CheckHeader(absl::string_view bytes, uint32_t* version) {
  const std::string expected = EncodeHeader();
  if (bytes.size() < kHeaderSize) {
    if (expected.compare(0, bytes.size(), bytes.data(), bytes.size()) == 0) {
      return absl::OutOfRangeError(
          absl::StrCat("log header cut short at ", bytes.size(), " bytes"));
    }
    return absl::FailedPreconditionError(
        "not a gogocache log (no GOGOLOG header)");
  }
  if (std::memcmp(bytes.data(), kMagic, sizeof(kMagic)) != 0) {
    return absl::FailedPreconditionError(
        "not a gogocache log (no GOGOLOG header)");
  }
  const uint32_t crc = GetFixed32(bytes.data() + 12);
  if (crc != Crc(bytes.substr(0, 12))) {
    return absl::FailedPreconditionError("log header checksum mismatch");
  }
  const uint32_t found = GetFixed32(bytes.data() + 8);
  if (found != kVersion && found != kLegacyVersion) {
    return absl::FailedPreconditionError(absl::StrCat(
        "log format version ", found, " is not supported (this build reads ",
        kLegacyVersion, " and ", kVersion,
        "); it was written by a newer gogocache"));
  }
  if (version != nullptr) *version = found;
  return absl::OkStatus();
}

uint64_t FragmentedRecordEnd(uint64_t start, size_t key_size,
                             size_t value_size) {
  uint64_t payload = kRecordHeaderSize + key_size + value_size;
  uint64_t at = start;
  for (;;) {
    const uint64_t room = BlockLeft(at) - kFragmentOverhead;
    if (payload <= room) return at + kFragmentOverhead + payload;
    payload -= room;
    at += room + kFragmentOverhead;
  }
}

void EncodeRecord(RecordType type, absl::string_view key,
                  absl::string_view value, char* out) {
  const size_t length = kRecordHeaderSize + key.size() + value.size();
  WriteFragmentHeader(kFull, length, out);
  char* payload = out + kFragmentHeaderSize;
  EncodeRecordHeader(type, key.size(), value.size(), payload);
  if (!key.empty()) {
    std::memcpy(payload + kRecordHeaderSize, key.data(), key.size());
  }
  if (!value.empty()) {
    std::memcpy(payload + kRecordHeaderSize + key.size(), value.data(),
                value.size());
  }
  WriteFragmentChecksum(length, out);
}

void EncodeRecordAt(RecordType type, absl::string_view key,
                    absl::string_view value, uint64_t start, char* out) {
  const size_t size = RecordSize(key.size(), value.size());
  if (FitsInBlock(start, size)) return EncodeRecord(type, key, value, out);
  char header[kRecordHeaderSize];
  EncodeRecordHeader(type, key.size(), value.size(), header);
  // The record's payload is these three pieces, cut into fragments.
  absl::string_view pieces[3] = {absl::string_view(header, sizeof(header)), key,
                                 value};
  int piece = 0;
  uint64_t remaining = kRecordHeaderSize + key.size() + value.size();
  for (uint64_t at = start; remaining > 0;) {
    char* fragment = out + (at - start);
    const uint64_t length =
        std::min<uint64_t>(BlockLeft(at) - kFragmentOverhead, remaining);
    const bool last = length == remaining;
    WriteFragmentHeader(at == start ? kFirst : (last ? kLast : kMiddle), length,
                        fragment);
    for (uint64_t copied = 0; copied < length;) {
      absl::string_view& source = pieces[piece];
      const size_t take = std::min<uint64_t>(length - copied, source.size());
      if (take > 0) {
        std::memcpy(fragment + kFragmentHeaderSize + copied, source.data(),
                    take);
      }
      source.remove_prefix(take);
      copied += take;
      if (source.empty()) ++piece;
    }
    WriteFragmentChecksum(length, fragment);
    remaining -= length;
    at += kFragmentOverhead + length;
  }
}

void AppendRecord(RecordType type, absl::string_view key,
                  absl::string_view value, std::string* log) {
  const uint64_t start = RecordStart(log->size());
  const uint64_t end = RecordEnd(start, key.size(), value.size());
  log->resize(end, '\0');
  EncodeRecordAt(type, key, value, start, &(*log)[start]);
}

namespace {

// The first fragment of the record at `offset`, and the record header it
// holds.
bool FirstFragmentAt(absl::string_view log, uint64_t offset, Fragment* first,
                     RecordType* type, uint64_t* key_size,
                     uint64_t* value_size) {
  return FragmentAt(log, offset, first) &&
         (first->type == kFull || first->type == kFirst) &&
         first->payload.size() >= kRecordHeaderSize &&
         DecodeRecordHeader(first->payload.data(), type, key_size, value_size);
}

}  // namespace

bool ReadRecordAt(absl::string_view log, uint32_t version, uint64_t offset,
                  std::string* scratch, Record* record) {
  if (version == kLegacyVersion) {
    return LegacyRecordAt(log, offset, /*check_crc=*/false, record);
  }
  Fragment first;
  uint64_t key_size, value_size;
  if (!FirstFragmentAt(log, offset, &first, &record->type, &key_size,
                       &value_size)) {
    return false;
  }
  const uint64_t total = kRecordHeaderSize + key_size + value_size;
  absl::string_view bytes = first.payload;
  uint64_t end = first.end;
  if (first.type == kFirst &&
      !ReadRecordPrefix(log, offset, total, scratch, &bytes, &end)) {
    return false;
  }
  // A FULL fragment ends where the record does; fragments must add up.
  if (bytes.size() != total ||
      (first.type == kFirst &&
       end != RecordEnd(offset, key_size, value_size))) {
    return false;
  }
  record->offset = offset;
  record->size = end - offset;
  record->key = absl::string_view(bytes.data() + kRecordHeaderSize, key_size);
  record->value = absl::string_view(bytes.data() + kRecordHeaderSize + key_size,
                                    value_size);
  return true;
}

absl::string_view ReadKeyAt(absl::string_view log, uint32_t version,
                            uint64_t offset, std::string* scratch) {
  Record record;
  if (version == kLegacyVersion) {
    return LegacyRecordAt(log, offset, /*check_crc=*/false, &record)
               ? record.key
               : absl::string_view();
  }
  Fragment first;
  uint64_t key_size, value_size;
  if (!FirstFragmentAt(log, offset, &first, &record.type, &key_size,
                       &value_size)) {
    return absl::string_view();
  }
  const uint64_t wanted = kRecordHeaderSize + key_size;
  absl::string_view bytes = first.payload;
  uint64_t end;
  if (bytes.size() < wanted &&
      (first.type != kFirst ||
       !ReadRecordPrefix(log, offset, wanted, scratch, &bytes, &end))) {
    return absl::string_view();
  }
  return bytes.substr(kRecordHeaderSize, key_size);
}

namespace {

// Scans a version 1 log: records back to back, up to the first that fails
// its checks.
uint64_t ScanLegacy(absl::string_view log, bool values, ScanResult* result,
                    absl::FunctionRef<void(const Record&)> on_record,
                    const std::function<void(uint64_t)>& on_progress) {
  uint64_t offset = result->valid_end;
  uint64_t next_progress = kProgressEvery;
  Record record;
  while (LegacyRecordAt(log, offset, /*check_crc=*/true, &record)) {
    if (!values) record.value = absl::string_view();
    on_record(record);
    ++result->records;
    offset += record.size;
    result->valid_end = offset;
    if (on_progress && offset >= next_progress) {
      on_progress(offset);
      next_progress = offset + kProgressEvery;
    }
  }
  return offset;  // Where the damage, if any, starts.
}

// The scan of a version 2 log, one fragment at a time.
class BlockScanner {
 public:
  BlockScanner(absl::string_view log, bool values, ScanResult* result,
               absl::FunctionRef<void(const Record&)> on_record,
               absl::FunctionRef<void(uint64_t, uint64_t)> on_corrupt)
      : log_(log),
        values_(values),
        result_(result),
        on_record_(on_record),
        on_corrupt_(on_corrupt) {}

  // Scans everything; returns where the first damage after the last valid
  // record starts (the file's size when there is none).
  uint64_t Run(const std::function<void(uint64_t)>& on_progress) {
    uint64_t offset = result_->valid_end;
    uint64_t next_progress = kProgressEvery;
    while (offset < log_.size()) {
      offset = Step(offset);
      if (on_progress && offset >= next_progress) {
        on_progress(offset);
        next_progress = offset + kProgressEvery;
      }
    }
    // A record whose last fragment the file ends before.
    if (in_record_) MarkDamaged(record_start_);
    return damage_from_ < 0 ? log_.size() : static_cast<uint64_t>(damage_from_);
  }

 private:
  // Reads the fragment at `offset`; returns where to read next.
  uint64_t Step(uint64_t offset) {
    const uint64_t left = BlockLeft(offset);
    if (!in_record_ && left < kMinRecordSpace) return offset + left;
    Fragment fragment;
    if (!FragmentAt(log_, offset, &fragment) ||
        !FragmentCrcMatches(log_, offset, fragment)) {
      return Damaged(in_record_ ? record_start_ : offset, offset + left);
    }
    switch (fragment.type) {
      case kPadding:
        if (in_record_) MarkDamaged(record_start_);
        return fragment.end;
      case kFull:
      case kFirst:
        if (fragment.type == kFull && !in_record_ && damage_from_ < 0) {
          // The common case, kept short: a record in one fragment, read in
          // order.
          Record record;
          uint64_t key_size, value_size;
          const char* payload = fragment.payload.data();
          if (fragment.payload.size() >= kRecordHeaderSize &&
              DecodeRecordHeader(payload, &record.type, &key_size,
                                 &value_size) &&
              fragment.payload.size() ==
                  kRecordHeaderSize + key_size + value_size) {
            record.offset = offset;
            record.size = fragment.end - offset;
            record.key =
                absl::string_view(payload + kRecordHeaderSize, key_size);
            if (values_) {
              record.value = absl::string_view(
                  payload + kRecordHeaderSize + key_size, value_size);
            }
            on_record_(record);
            ++result_->records;
            result_->valid_end = fragment.end;
            return fragment.end;
          }
        }
        if (in_record_) MarkDamaged(record_start_);
        in_record_ = true;
        record_start_ = offset;
        if (fragment.type == kFull) {
          return Complete(fragment.payload, fragment.payload.size(), fragment);
        }
        return First(fragment);
      case kMiddle:
      case kLast:
        // Without its start: part of a damaged region. A valid fragment
        // still ends where the next one starts.
        if (!in_record_) {
          MarkDamaged(offset);
          return fragment.end;
        }
        Keep(fragment.payload);
        if (fragment.type == kLast) {
          return Complete(scratch_, payload_size_, fragment);
        }
        return Continued(fragment);
    }
    return Damaged(offset, offset + left);
  }

  // Starts a record in several fragments: its header, in the first, says
  // how much of it to keep (the key, and the value when asked for).
  uint64_t First(const Fragment& fragment) {
    RecordType type;
    uint64_t key_size, value_size;
    if (fragment.payload.size() < kRecordHeaderSize ||
        !DecodeRecordHeader(fragment.payload.data(), &type, &key_size,
                            &value_size)) {
      return Damaged(record_start_, fragment.end);
    }
    payload_expected_ = kRecordHeaderSize + key_size + value_size;
    payload_kept_ = values_ ? payload_expected_ : kRecordHeaderSize + key_size;
    payload_size_ = 0;
    scratch_.clear();
    Keep(fragment.payload);
    return Continued(fragment);
  }

  void Keep(absl::string_view payload) {
    if (scratch_.size() < payload_kept_) {
      scratch_.append(
          payload.data(),
          std::min<uint64_t>(payload.size(), payload_kept_ - scratch_.size()));
    }
    payload_size_ += payload.size();
  }

  // A FIRST or MIDDLE fragment must fill its block, and the record must
  // still be shorter than its header says.
  uint64_t Continued(const Fragment& fragment) {
    if (fragment.end % kBlockSize != 0 || payload_size_ >= payload_expected_) {
      return Damaged(record_start_, fragment.end);
    }
    return fragment.end;
  }

  // A record whose payload is `size` bytes, of which `bytes` holds the
  // header, the key and (when values_) the value, ended with `last`.
  uint64_t Complete(absl::string_view bytes, uint64_t size,
                    const Fragment& last) {
    in_record_ = false;
    Record record;
    uint64_t key_size, value_size;
    if (bytes.size() < kRecordHeaderSize ||
        !DecodeRecordHeader(bytes.data(), &record.type, &key_size,
                            &value_size) ||
        size != kRecordHeaderSize + key_size + value_size ||
        bytes.size() < kRecordHeaderSize + key_size ||
        (last.type != kFull &&
         RecordEnd(record_start_, key_size, value_size) != last.end)) {
      return Damaged(record_start_, last.end);
    }
    if (damage_from_ >= 0) {
      const uint64_t from = static_cast<uint64_t>(damage_from_);
      on_corrupt_(from, record_start_ - from);
      if (result_->corrupt_regions == 0) result_->first_corrupt_offset = from;
      ++result_->corrupt_regions;
      result_->corrupt_bytes += record_start_ - from;
      damage_from_ = -1;
    }
    record.offset = record_start_;
    record.size = last.end - record_start_;
    record.key = absl::string_view(bytes.data() + kRecordHeaderSize, key_size);
    if (values_) {
      record.value = absl::string_view(
          bytes.data() + kRecordHeaderSize + key_size, value_size);
    }
    on_record_(record);
    ++result_->records;
    result_->valid_end = last.end;
    return last.end;
  }

  // MarkDamaged(from), for a fragment that failed its checks: reading
  // resumes at `resume`, rounded up to a block boundary.
  uint64_t Damaged(uint64_t from, uint64_t resume) {
    MarkDamaged(from);
    const uint64_t rounded =
        (resume + kBlockSize - 1) / kBlockSize * kBlockSize;
    return std::max(rounded, resume);
  }

  // Drops the record under way; damage runs from `from` at least until the
  // next record.
  void MarkDamaged(uint64_t from) {
    in_record_ = false;
    if (damage_from_ < 0) damage_from_ = static_cast<int64_t>(from);
  }

  const absl::string_view log_;
  const bool values_;
  ScanResult* const result_;
  const absl::FunctionRef<void(const Record&)> on_record_;
  const absl::FunctionRef<void(uint64_t, uint64_t)> on_corrupt_;
  bool in_record_ = false;
  uint64_t record_start_ = 0;
  int64_t damage_from_ = -1;
  // The record under way: its payload's size as its header says, how much
  // of it has been read, and how much of it is kept in scratch_.
  uint64_t payload_expected_ = 0;
  uint64_t payload_size_ = 0;
  uint64_t payload_kept_ = 0;
  std::string scratch_;
};

}  // namespace

ScanResult ScanLog(
    absl::string_view log, uint32_t version,
    absl::FunctionRef<void(const Record&)> on_record,
    absl::FunctionRef<void(uint64_t offset, uint64_t size)> on_corrupt,
    const std::function<void(uint64_t bytes_done)>& on_progress, bool values) {
  ScanResult result;
  result.valid_end = std::min<uint64_t>(kHeaderSize, log.size());
  const uint64_t damage =
      version == kLegacyVersion
          ? ScanLegacy(log, values, &result, on_record, on_progress)
          : BlockScanner(log, values, &result, on_record, on_corrupt)
                .Run(on_progress);
  uint64_t last_nonzero = log.size();
  while (last_nonzero > result.valid_end && log[last_nonzero - 1] == '\0') {
    --last_nonzero;
  }
  result.zero_tail_bytes = log.size() - last_nonzero;
  const uint64_t tail = last_nonzero - result.valid_end;
  // A record cut short starts where the next record would and explains
  // every non-zero byte after it.
  const uint64_t next = version == kLegacyVersion
                            ? result.valid_end
                            : RecordStart(result.valid_end);
  if (tail > 0 &&
      (damage != next || !CutShort(log, version, damage, last_nonzero))) {
    on_corrupt(result.valid_end, tail);
    if (result.corrupt_regions == 0) {
      result.first_corrupt_offset = result.valid_end;
    }
    ++result.corrupt_regions;
    result.corrupt_bytes += tail;
  } else {
    result.torn_tail_bytes = tail;
  }
  if (on_progress) on_progress(log.size());
  return result;
}

bool AppendPadding(uint64_t from, uint64_t to, std::string* out) {
  const size_t start = out->size();
  for (uint64_t at = from; at < to;) {
    const uint64_t left = BlockLeft(at);
    const uint64_t stop = std::min(to, at + left);
    const size_t first = out->size();
    out->append(stop - at, '\0');
    if (left >= kMinRecordSpace) {
      // A record could start here: only a fragment may fill the gap.
      if (stop - at < kFragmentOverhead) {
        out->resize(start);
        return false;
      }
      SealFragment(kPadding, stop - at - kFragmentOverhead, &(*out)[first]);
    }  // Else zeros, which are never read: no record starts there.
    at = stop;
  }
  return true;
}

}  // namespace log_format
}  // namespace gogocache
