// Copyright 2026 The gogocache Authors.
//
// The pieces of the log format (log_format.h) that its writer and reader
// and its scanner share: fragment framing and checksums, the record header
// and body, and the version 1 record. Internal to :log_format.

#ifndef GOGOCACHE_PERSISTENCE_LOG_FRAGMENT_H_
#define GOGOCACHE_PERSISTENCE_LOG_FRAGMENT_H_

#include <isa-l/crc.h>

#include <cstdint>
#include <cstring>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "persistence/log_format.h"

namespace gogocache {
namespace log_format {

enum FragmentType : uint8_t {
  kFull = 1,
  kFirst = 2,
  kMiddle = 3,
  kLast = 4,
  kPadding = 5,
};

// The version 1 record header: crc | kind | key_size | value_size.
inline constexpr size_t kLegacyRecordHeaderSize = 13;

// zlib's CRC-32 (the gzip one), computed by ISA-L: the same values, several
// times faster than zlib on small records (carry-less multiplication where
// the CPU has it); the checksum is most of what recovery costs.
inline uint32_t Crc(absl::string_view bytes) {
  return crc32_gzip_refl(
      0, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
}

// Byte by byte, so the format is little-endian on any machine.
inline void StoreFixed32(char* bytes, uint32_t value) {
  for (int i = 0; i < 4; ++i) bytes[i] = static_cast<char>(value >> (8 * i));
}

inline uint32_t GetFixed32(const char* bytes) {
  const auto* b = reinterpret_cast<const unsigned char*>(bytes);
  return uint32_t{b[0]} | uint32_t{b[1]} << 8 | uint32_t{b[2]} << 16 |
         uint32_t{b[3]} << 24;
}

inline void StoreFixed64(char* bytes, uint64_t value) {
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<char>(value >> (8 * i));
}

inline uint64_t GetFixed64(const char* bytes) {
  return uint64_t{GetFixed32(bytes)} | uint64_t{GetFixed32(bytes + 4)} << 32;
}

inline uint32_t GetFixed24(const char* bytes) {
  const auto* b = reinterpret_cast<const unsigned char*>(bytes);
  return uint32_t{b[0]} | uint32_t{b[1]} << 8 | uint32_t{b[2]} << 16;
}

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

// The kinds of record (log_format.h).
enum RecordKind : uint8_t {
  kPutKind = 1,
  kDeleteKind = 2,
  kExpiringPutKind = 3,
};

// A record header's fields.
struct RecordHeader {
  RecordType type = RecordType::kPut;
  bool expiring = false;  // Kind 3: the body starts with the expiry.
  uint64_t key_size = 0;
  uint64_t body_size = 0;

  // The record's payload: this header, the key and the body.
  uint64_t payload_size() const {
    return kRecordHeaderSize + key_size + body_size;
  }
  // What a scan must read of the payload for the key and the expiry.
  uint64_t key_and_expiry_size() const {
    return kRecordHeaderSize + key_size + (expiring ? kExpirySize : 0);
  }
};

// The header of a put of a `value_size`-byte value expiring at `expires`
// (never, InfiniteFuture()), or of a delete, as EncodeRecordHeader writes it.
inline RecordHeader HeaderFor(RecordType type, size_t key_size,
                              size_t value_size, absl::Time expires) {
  RecordHeader header;
  header.type = type;
  header.expiring =
      type == RecordType::kPut && expires != absl::InfiniteFuture();
  header.key_size = key_size;
  header.body_size = value_size + (header.expiring ? kExpirySize : 0);
  return header;
}

inline void EncodeRecordHeader(const RecordHeader& header, char* out) {
  out[0] = static_cast<char>(header.type == RecordType::kDelete ? kDeleteKind
                             : header.expiring ? kExpiringPutKind
                                               : kPutKind);
  StoreFixed32(out + 1, static_cast<uint32_t>(header.key_size));
  StoreFixed32(out + 5, static_cast<uint32_t>(header.body_size));
}

// The 8 bytes of an expiry: Unix nanoseconds, saturated.
inline void EncodeExpiry(absl::Time expires, char* out) {
  StoreFixed64(out, static_cast<uint64_t>(absl::ToUnixNanos(expires)));
}

inline absl::Time DecodeExpiry(const char* in) {
  return absl::FromUnixNanos(static_cast<int64_t>(GetFixed64(in)));
}

// The record header's fields, or false when they break the format's limits
// or name a kind that a log of `version` cannot hold.
inline bool DecodeRecordHeader(const char* p, uint32_t version,
                               RecordHeader* header) {
  const uint8_t kind = static_cast<uint8_t>(p[0]);
  header->key_size = GetFixed32(p + 1);
  header->body_size = GetFixed32(p + 5);
  if (header->key_size == 0 || header->key_size > kMaxKeySize) return false;
  switch (kind) {
    case kPutKind:
      header->type = RecordType::kPut;
      header->expiring = false;
      return header->body_size <= kMaxValueSize;
    case kDeleteKind:
      header->type = RecordType::kDelete;
      header->expiring = false;
      return header->body_size == 0;
    case kExpiringPutKind:
      header->type = RecordType::kPut;
      header->expiring = true;
      return version >= kVersion && header->body_size >= kExpirySize &&
             header->body_size - kExpirySize <= kMaxValueSize;
  }
  return false;
}

// Fills `record`'s key, expiry and (when `values`) value from `payload`, the
// payload of a record with `header`: all of it, or, without `values`, at
// least its first header.key_and_expiry_size() bytes.
inline void DecodeKeyAndBody(const char* payload, const RecordHeader& header,
                             bool values, Record* record) {
  record->type = header.type;
  const char* key = payload + kRecordHeaderSize;
  record->key = absl::string_view(key, header.key_size);
  const char* value = key + header.key_size;
  uint64_t value_size = header.body_size;
  record->expires = absl::InfiniteFuture();
  if (header.expiring) {
    record->expires = DecodeExpiry(value);
    value += kExpirySize;
    value_size -= kExpirySize;
  }
  record->value =
      values ? absl::string_view(value, value_size) : absl::string_view();
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

inline bool LegacyRecordAt(absl::string_view log, uint64_t offset,
                           bool check_crc, Record* record) {
  if (offset > log.size() || log.size() - offset < kLegacyRecordHeaderSize) {
    return false;
  }
  const char* p = log.data() + offset;
  RecordHeader header;
  if (!DecodeRecordHeader(p + 4, kLegacyVersion, &header)) return false;
  const uint64_t size = 4 + header.payload_size();
  if (size > log.size() - offset) return false;
  if (check_crc && GetFixed32(p) != Crc(absl::string_view(p + 4, size - 4))) {
    return false;
  }
  record->offset = offset;
  record->size = size;
  DecodeKeyAndBody(p + 4, header, /*values=*/true, record);
  return true;
}

}  // namespace log_format
}  // namespace gogocache

#endif  // GOGOCACHE_PERSISTENCE_LOG_FRAGMENT_H_
