// Copyright 2026 The gogocache Authors.
//
// What the flat-file store's source files share: the read-only mapping and
// the key reader that recovery, compaction and the store use, and small
// helpers. Internal to FlatFileStore (flat_file_store.cc, its recovery in
// flat_file_recovery.cc and compaction in flat_file_compaction.cc).

#ifndef GOGOCACHE_PERSISTENCE_FLAT_FILE_INTERNAL_H_
#define GOGOCACHE_PERSISTENCE_FLAT_FILE_INTERNAL_H_

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "persistence/file_util.h"
#include "persistence/log_format.h"

namespace gogocache {
namespace flat_file_internal {

using file_util::ErrnoError;

// Compaction copies, and the store writes, in pieces of at most this.
constexpr size_t kCopyBufferSize = size_t{1} << 20;

inline absl::Status SyncFile(int fd, const std::string& path) {
  if (fdatasync(fd) != 0) return ErrnoError(errno, "cannot fsync", path);
  return absl::OkStatus();
}

// A read-only mapping of a file's first `size` bytes.
class Mapping {
 public:
  static absl::StatusOr<Mapping> Map(int fd, uint64_t size,
                                     const std::string& path) {
    if (size == 0) return Mapping(nullptr, 0);
    void* data = mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, 0);
    if (data == MAP_FAILED) return ErrnoError(errno, "cannot map", path);
    madvise(data, size, MADV_SEQUENTIAL);
    return Mapping(data, size);
  }
  Mapping(Mapping&& other) noexcept
      : data_(std::exchange(other.data_, nullptr)),
        size_(std::exchange(other.size_, 0)) {}
  Mapping& operator=(Mapping&&) = delete;
  ~Mapping() {
    if (data_ != nullptr) munmap(data_, size_);
  }
  absl::string_view bytes() const {
    return {static_cast<const char*>(data_), size_};
  }

 private:
  Mapping(void* data, uint64_t size) : data_(data), size_(size) {}
  void* data_;
  uint64_t size_;
};

// Reads keys from a log for the index to confirm hash matches: the key of
// the record at an offset, empty (no key's) if the bytes there are not a
// record. A key in several fragments is assembled in one of two buffers
// used in turn, so a view stays valid until the second call after it (the
// index compares at most two keys at once).
class LogKeys {
 public:
  LogKeys(absl::string_view log, uint32_t version)
      : log_(log), version_(version) {}
  absl::string_view operator()(uint64_t offset) const {
    next_ ^= 1;
    return log_format::ReadKeyAt(log_, version_, offset, &scratch_[next_]);
  }

 private:
  const absl::string_view log_;
  const uint32_t version_;
  mutable std::string scratch_[2];
  mutable int next_ = 0;
};

// Where `record`, appended at `end`, ends.
inline uint64_t RecordEnd(uint64_t end, const log_format::Record& record) {
  return log_format::RecordEnd(
      log_format::RecordStart(end), record.key.size(),
      record.type == log_format::RecordType::kDelete
          ? 0
          : log_format::BodySize(record.value.size(), record.expires));
}

// Clears what a compaction cut short left at `compact` (the log itself is
// intact) and checks that a compaction can create it: without compaction
// the log would grow without bound.
inline absl::Status CheckCompactionCanRun(const std::string& compact,
                                          const std::string& path) {
  unlink(compact.c_str());
  const int probe =
      open(compact.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (probe < 0) {
    const absl::Status status =
        ErrnoError(errno, "compaction could not run: cannot create", compact);
    return absl::Status(absl::IsResourceExhausted(status)
                            ? status.code()
                            : absl::StatusCode::kFailedPrecondition,
                        absl::StrCat("store ", path, ": ", status.message()));
  }
  close(probe);
  unlink(compact.c_str());
  return absl::OkStatus();
}

inline absl::Status WithPath(const absl::Status& status,
                             const std::string& path) {
  return absl::Status(status.code(),
                      absl::StrCat("store ", path, ": ", status.message()));
}

}  // namespace flat_file_internal
}  // namespace gogocache

#endif  // GOGOCACHE_PERSISTENCE_FLAT_FILE_INTERNAL_H_
