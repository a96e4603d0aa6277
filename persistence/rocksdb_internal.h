// Copyright 2026 The gogocache Authors.
//
// What RocksDbStore's source files share: how a value is stored (behind the
// sequence number of its write and its expiry), and how RocksDB's statuses
// become absl::Status. Internal to RocksDbStore (rocksdb_store.cc,
// rocksdb_open.cc, rocksdb_replay.cc).

#ifndef GOGOCACHE_PERSISTENCE_ROCKSDB_INTERNAL_H_
#define GOGOCACHE_PERSISTENCE_ROCKSDB_INTERNAL_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "rocksdb/status.h"

namespace gogocache {
namespace rocksdb_internal {

// How a value is stored: behind an 8-byte prefix, least significant byte
// first, whose low 7 bytes are the sequence number of its write and whose top
// byte says what follows:
//   kPlainValue (0)     the value, which never expires;
//   kExpiringValue (1)  its expiry in Unix nanoseconds (8 bytes, signed,
//                       least significant first), then the value.
// The sequence numbers are RocksDB's own, below 2^56 (its
// kMaxSequenceNumber; each put takes one of RocksDB's): so the prefix of a
// value stored without an expiry, as every value was before values had one,
// reads as kPlainValue.
constexpr size_t kPrefixSize = 8;
constexpr size_t kExpirySize = 8;
constexpr uint64_t kSequenceMask = (uint64_t{1} << 56) - 1;
enum ValueEncoding : uint8_t { kPlainValue = 0, kExpiringValue = 1 };

// Sets `*stored` to `value` as stored by the write numbered `sequence`,
// expiring at `expires` (never: InfiniteFuture(); a finite expiry saturates
// at the range of Unix nanoseconds).
inline void EncodeStored(uint64_t sequence, absl::Time expires,
                         absl::string_view value, std::string* stored) {
  const bool expiring = expires != absl::InfiniteFuture();
  uint64_t prefix = (sequence & kSequenceMask) |
                    uint64_t{expiring ? kExpiringValue : kPlainValue} << 56;
  stored->assign(kPrefixSize + (expiring ? kExpirySize : 0), '\0');
  for (size_t i = 0; i < kPrefixSize; ++i) {
    (*stored)[i] = static_cast<char>(prefix >> (8 * i));
  }
  if (expiring) {
    const uint64_t nanos = static_cast<uint64_t>(absl::ToUnixNanos(expires));
    for (size_t i = 0; i < kExpirySize; ++i) {
      (*stored)[kPrefixSize + i] = static_cast<char>(nanos >> (8 * i));
    }
  }
  stored->append(value.data(), value.size());
}

inline uint64_t DecodeFixed64(const char* in) {
  uint64_t n = 0;
  for (size_t i = 0; i < 8; ++i) {
    n |= uint64_t{static_cast<unsigned char>(in[i])} << (8 * i);
  }
  return n;
}

// A stored value, decoded.
struct StoredValue {
  uint64_t sequence = 0;
  absl::Time expires = absl::InfiniteFuture();
  absl::string_view value;
};

// Decodes `stored`; false when it is not a value stored as above (too short,
// or another encoding).
inline bool DecodeStored(absl::string_view stored, StoredValue* decoded) {
  if (stored.size() < kPrefixSize) return false;
  const uint64_t prefix = DecodeFixed64(stored.data());
  decoded->sequence = prefix & kSequenceMask;
  switch (prefix >> 56) {
    case kPlainValue:
      decoded->expires = absl::InfiniteFuture();
      decoded->value = stored.substr(kPrefixSize);
      return true;
    case kExpiringValue:
      if (stored.size() < kPrefixSize + kExpirySize) return false;
      decoded->expires = absl::FromUnixNanos(
          static_cast<int64_t>(DecodeFixed64(stored.data() + kPrefixSize)));
      decoded->value = stored.substr(kPrefixSize + kExpirySize);
      return true;
  }
  return false;
}

// The bytes of keys Replay() gathers before sorting them and writing them to
// a temporary file as a run (sequence_sort.h's run_bytes). Tests lower it to
// force many runs with a small store.
inline std::atomic<size_t> replay_run_bytes{size_t{2} << 20};

// OK for an OK `status`; otherwise the absl code that fits (ResourceExhausted
// for a full disk or file-size limit, DataLoss for corruption,
// FailedPrecondition for a database locked by another open, ...), with a
// message naming the store at `path` and `what` failed.
absl::Status FromRocksDb(const rocksdb::Status& status, absl::string_view what,
                         const std::string& path);

}  // namespace rocksdb_internal
}  // namespace gogocache

#endif  // GOGOCACHE_PERSISTENCE_ROCKSDB_INTERNAL_H_
