// Copyright 2026 The gogocache Authors.

#include "persistence/log_format.h"

#include <algorithm>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "persistence/log_fragment.h"

namespace gogocache {
namespace log_format {
namespace {

// Gathers into `*scratch` the first `want` bytes of the payload (header,
// key, value) of a record in several fragments, `fragment` being its FIRST,
// following its fragments without checking their checksums; sets `*end` to
// where the last fragment read ends. False when they end before.
bool GatherPayload(absl::string_view log, Fragment fragment, uint64_t want,
                   std::string* scratch, uint64_t* end) {
  scratch->assign(fragment.payload.data(),
                  std::min<uint64_t>(fragment.payload.size(), want));
  while (scratch->size() < want) {
    if (!FragmentAt(log, fragment.end, &fragment) ||
        (fragment.type != kMiddle && fragment.type != kLast)) {
      return false;
    }
    scratch->append(
        fragment.payload.data(),
        std::min<uint64_t>(fragment.payload.size(), want - scratch->size()));
    if (fragment.type == kLast && scratch->size() < want) return false;
  }
  *end = fragment.end;
  return true;
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
  if (found < kLegacyVersion || found > kVersion) {
    return absl::FailedPreconditionError(absl::StrCat(
        "log format version ", found, " is not supported (this build reads ",
        kLegacyVersion, " to ", kVersion,
        found > kVersion ? "); it was written by a newer gogocache" : ")"));
  }
  if (version != nullptr) *version = found;
  return absl::OkStatus();
}

uint64_t FragmentedRecordEnd(uint64_t start, size_t key_size,
                             size_t body_size) {
  uint64_t payload = kRecordHeaderSize + key_size + body_size;
  uint64_t at = start;
  for (;;) {
    const uint64_t room = BlockLeft(at) - kFragmentOverhead;
    if (payload <= room) return at + kFragmentOverhead + payload;
    payload -= room;
    at += room + kFragmentOverhead;
  }
}

void EncodeRecord(RecordType type, absl::string_view key,
                  absl::string_view value, char* out, absl::Time expires) {
  const RecordHeader header =
      HeaderFor(type, key.size(), value.size(), expires);
  const size_t length = header.payload_size();
  WriteFragmentHeader(kFull, length, out);
  char* payload = out + kFragmentHeaderSize;
  EncodeRecordHeader(header, payload);
  char* at = payload + kRecordHeaderSize;
  if (!key.empty()) std::memcpy(at, key.data(), key.size());
  at += key.size();
  if (header.expiring) {
    EncodeExpiry(expires, at);
    at += kExpirySize;
  }
  if (!value.empty()) std::memcpy(at, value.data(), value.size());
  WriteFragmentChecksum(length, out);
}

void EncodeRecordAt(RecordType type, absl::string_view key,
                    absl::string_view value, uint64_t start, char* out,
                    absl::Time expires) {
  const RecordHeader header =
      HeaderFor(type, key.size(), value.size(), expires);
  const size_t size = RecordSize(key.size(), header.body_size);
  if (FitsInBlock(start, size)) {
    return EncodeRecord(type, key, value, out, expires);
  }
  char header_bytes[kRecordHeaderSize];
  EncodeRecordHeader(header, header_bytes);
  char expiry[kExpirySize];
  if (header.expiring) EncodeExpiry(expires, expiry);
  // The record's payload is these pieces, cut into fragments.
  absl::string_view pieces[4] = {
      absl::string_view(header_bytes, sizeof(header_bytes)), key,
      absl::string_view(expiry, header.expiring ? kExpirySize : 0), value};
  int piece = 0;
  uint64_t remaining = header.payload_size();
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
                  absl::string_view value, std::string* log,
                  absl::Time expires) {
  const uint64_t start = RecordStart(log->size());
  const uint64_t end =
      RecordEnd(start, key.size(),
                HeaderFor(type, key.size(), value.size(), expires).body_size);
  log->resize(end, '\0');
  EncodeRecordAt(type, key, value, start, &(*log)[start], expires);
}

namespace {

// The first fragment of the record at `offset` of a log of `version`, and
// the record header it holds.
bool FirstFragmentAt(absl::string_view log, uint32_t version, uint64_t offset,
                     Fragment* first, RecordHeader* header) {
  return FragmentAt(log, offset, first) &&
         (first->type == kFull || first->type == kFirst) &&
         first->payload.size() >= kRecordHeaderSize &&
         DecodeRecordHeader(first->payload.data(), version, header);
}

}  // namespace

bool ReadRecordAt(absl::string_view log, uint32_t version, uint64_t offset,
                  std::string* scratch, Record* record) {
  if (version == kLegacyVersion) {
    return LegacyRecordAt(log, offset, /*check_crc=*/false, record);
  }
  Fragment first;
  RecordHeader header;
  if (!FirstFragmentAt(log, version, offset, &first, &header)) return false;
  const uint64_t total = header.payload_size();
  absl::string_view bytes = first.payload;
  uint64_t end = first.end;
  if (first.type == kFirst) {
    if (!GatherPayload(log, first, total, scratch, &end)) return false;
    bytes = *scratch;
  }
  // A FULL fragment ends where the record does; fragments must add up.
  if (bytes.size() != total ||
      (first.type == kFirst &&
       end != RecordEnd(offset, header.key_size, header.body_size))) {
    return false;
  }
  record->offset = offset;
  record->size = end - offset;
  DecodeKeyAndBody(bytes.data(), header, /*values=*/true, record);
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
  RecordHeader header;
  if (!FirstFragmentAt(log, version, offset, &first, &header)) {
    return absl::string_view();
  }
  const uint64_t wanted = kRecordHeaderSize + header.key_size;
  absl::string_view bytes = first.payload;
  if (bytes.size() < wanted) {
    uint64_t end;
    if (first.type != kFirst ||
        !GatherPayload(log, first, wanted, scratch, &end)) {
      return absl::string_view();
    }
    bytes = *scratch;
  }
  return bytes.substr(kRecordHeaderSize, header.key_size);
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
