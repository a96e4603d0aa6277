// Copyright 2026 The gogocache Authors.
//
// The pieces of the log format (log_format.h) that its writer and reader
// and its scanner share: fragment framing and checksums, the record header,
// and the version 1 record. Internal to :log_format.

#ifndef GOGOCACHE_PERSISTENCE_LOG_FRAGMENT_H_
#define GOGOCACHE_PERSISTENCE_LOG_FRAGMENT_H_

#include <isa-l/crc.h>

#include <cstdint>
#include <cstring>

#include "absl/strings/string_view.h"
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

inline void EncodeRecordHeader(RecordType type, size_t key_size,
                               size_t value_size, char* out) {
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

inline bool LegacyRecordAt(absl::string_view log, uint64_t offset,
                           bool check_crc, Record* record) {
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

}  // namespace log_format
}  // namespace gogocache

#endif  // GOGOCACHE_PERSISTENCE_LOG_FRAGMENT_H_
