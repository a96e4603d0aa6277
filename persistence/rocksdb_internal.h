// Copyright 2026 The gogocache Authors.
//
// What RocksDbStore's source files share: how a value is stored (behind the
// sequence number of its write), and how RocksDB's statuses become
// absl::Status. Internal to RocksDbStore (rocksdb_store.cc, rocksdb_open.cc,
// rocksdb_replay.cc).

#ifndef GOGOCACHE_PERSISTENCE_ROCKSDB_INTERNAL_H_
#define GOGOCACHE_PERSISTENCE_ROCKSDB_INTERNAL_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "rocksdb/status.h"

namespace gogocache {
namespace rocksdb_internal {

// Each stored value starts with the sequence number of its write, in this
// many bytes, least significant first.
constexpr size_t kSequenceSize = 8;

inline void EncodeSequence(uint64_t sequence, char* out) {
  for (size_t i = 0; i < kSequenceSize; ++i) {
    out[i] = static_cast<char>(sequence >> (8 * i));
  }
}

inline uint64_t DecodeSequence(const char* in) {
  uint64_t sequence = 0;
  for (size_t i = 0; i < kSequenceSize; ++i) {
    sequence |= uint64_t{static_cast<unsigned char>(in[i])} << (8 * i);
  }
  return sequence;
}

// OK for an OK `status`; otherwise the absl code that fits (ResourceExhausted
// for a full disk or file-size limit, DataLoss for corruption,
// FailedPrecondition for a database locked by another open, ...), with a
// message naming the store at `path` and `what` failed.
absl::Status FromRocksDb(const rocksdb::Status& status, absl::string_view what,
                         const std::string& path);

}  // namespace rocksdb_internal
}  // namespace gogocache

#endif  // GOGOCACHE_PERSISTENCE_ROCKSDB_INTERNAL_H_
