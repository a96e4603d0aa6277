// Copyright 2026 The gogocache Authors.
//
// ScanLog (log_format.h): the scan of a whole log at recovery, and what it
// calls a torn tail.

#include <algorithm>
#include <cstdint>
#include <string>

#include "absl/base/attributes.h"
#include "persistence/log_format.h"
#include "persistence/log_fragment.h"

namespace gogocache {
namespace log_format {
namespace {

constexpr uint64_t kProgressEvery = uint64_t{4} << 20;

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
           (last_nonzero <= header_at || kind == kPutKind ||
            kind == kDeleteKind ||
            (kind == kExpiringPutKind && version >= kVersion));
  }
  RecordHeader header;
  if (!DecodeRecordHeader(log.data() + header_at, version, &header)) {
    return false;
  }
  const uint64_t end = RecordEnd(from, header.key_size, header.body_size);
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

// The scan of a log in blocks (version 2 and later), one fragment at a
// time.
class BlockScanner {
 public:
  BlockScanner(absl::string_view log, uint32_t version, bool values,
               ScanResult* result,
               absl::FunctionRef<void(const Record&)> on_record,
               absl::FunctionRef<void(uint64_t, uint64_t)> on_corrupt)
      : log_(log),
        version_(version),
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
  // how much of it to keep (the key and the expiry, and the value when
  // asked for).
  uint64_t First(const Fragment& fragment) {
    RecordHeader header;
    if (fragment.payload.size() < kRecordHeaderSize ||
        !DecodeRecordHeader(fragment.payload.data(), version_, &header)) {
      return Damaged(record_start_, fragment.end);
    }
    payload_expected_ = header.payload_size();
    payload_kept_ = values_ ? payload_expected_ : header.key_and_expiry_size();
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
  // header, the key, the expiry and (when values_) the value, ended with
  // `last`. Inlined: it is most of what a record in one fragment costs to
  // scan.
  ABSL_ATTRIBUTE_ALWAYS_INLINE uint64_t Complete(absl::string_view bytes,
                                                 uint64_t size,
                                                 const Fragment& last) {
    in_record_ = false;
    RecordHeader header;
    if (bytes.size() < kRecordHeaderSize ||
        !DecodeRecordHeader(bytes.data(), version_, &header) ||
        size != header.payload_size() ||
        bytes.size() < header.key_and_expiry_size() ||
        (last.type != kFull && RecordEnd(record_start_, header.key_size,
                                         header.body_size) != last.end)) {
      return Damaged(record_start_, last.end);
    }
    if (damage_from_ >= 0) ReportDamageBeforeRecord();
    Record record;
    record.offset = record_start_;
    record.size = last.end - record_start_;
    DecodeKeyAndBody(bytes.data(), header, values_, &record);
    on_record_(record);
    ++result_->records;
    result_->valid_end = last.end;
    return last.end;
  }

  // Reports the damage that ends where the record just read starts.
  void ReportDamageBeforeRecord() {
    const uint64_t from = static_cast<uint64_t>(damage_from_);
    on_corrupt_(from, record_start_ - from);
    if (result_->corrupt_regions == 0) result_->first_corrupt_offset = from;
    ++result_->corrupt_regions;
    result_->corrupt_bytes += record_start_ - from;
    damage_from_ = -1;
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
  const uint32_t version_;
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
          : BlockScanner(log, version, values, &result, on_record, on_corrupt)
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

}  // namespace log_format
}  // namespace gogocache
