// Copyright 2026 The gogocache Authors.

#include "persistence/log_file.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "persistence/file_util.h"

namespace gogocache {
namespace persistence_internal {
namespace {

using file_util::ErrnoError;
using file_util::WriteAll;
using log_format::RecordType;

// Zeros are written, and a record's buffer kept, in pieces of at most this.
constexpr size_t kCopyBufferSize = size_t{1} << 20;
// The page cache's largest folio on x86-64 (a PMD): one written whole at an
// aligned offset is mapped by a single page-table entry.
constexpr uint64_t kFolioSize = uint64_t{2} << 20;
// MADV_POPULATE_WRITE (Linux 5.14); older kernels answer EINVAL, and the
// pages then fault in one by one as records land on them.
#ifdef MADV_POPULATE_WRITE
constexpr int kPopulateWrite = MADV_POPULATE_WRITE;
#else
constexpr int kPopulateWrite = 23;
#endif

}  // namespace

LogFile::LogFile(int fd, uint64_t size, LogWriting writing)
    : fd_(fd), writing_(writing) {
  SetAllocated(size);
}

LogFile::~LogFile() {
  if (map_ != nullptr) munmap(map_, map_size_);
  close(fd_);
}

absl::Status LogFile::Reserve(uint64_t end, const std::string& path) {
  const uint64_t before = allocated_;
  if (end > allocated_) {
    const uint64_t target = Target(end);
    int rc = Allocate(allocated_, target);
    if (rc != 0 && target > end) {
      // Perhaps just the extra does not fit: try for what is needed.
      rc = Allocate(allocated_, end);
      if (rc == 0) SetAllocated(end);
    } else if (rc == 0) {
      SetAllocated(target);
    }
    if (rc != 0) {
      // A partial allocation may have grown the file: take it back.
      if (ftruncate(fd_, static_cast<off_t>(allocated_)) != 0) {
        return ErrnoError(errno, "cannot cut a failed allocation from", path);
      }
      return ErrnoError(rc, "cannot allocate disk space for", path);
    }
  }
  if (map_ == nullptr || allocated_ > map_size_) {
    // Address space, not memory: reserve well ahead of the file.
    uint64_t size = uint64_t{1} << 30;
    while (size < 2 * allocated_) size *= 2;
    void* map = map_ == nullptr ? mmap(nullptr, size, PROT_READ | PROT_WRITE,
                                       MAP_SHARED, fd_, 0)
                                : mremap(map_, map_size_, size, MREMAP_MAYMOVE);
    if (map == MAP_FAILED) return ErrnoError(errno, "cannot map", path);
    map_ = static_cast<char*>(map);
    map_size_ = size;
  }
  if (allocated_ > before) Populate(map_, before, allocated_);
  return absl::OkStatus();
}

LogFile::Ahead LogFile::PlanAhead(uint64_t end) {
  // A put may have reserved room itself since the claim was asked for.
  if (end < ahead_at_) return {};
  const uint64_t to = Target(allocated_ + 1);
  if (map_ == nullptr || to > map_size_) {
    ahead_at_ = kNever;
    return {};
  }
  return {map_, allocated_, to};
}

bool LogFile::ClaimAhead(const Ahead& ahead) const {
  if (Allocate(ahead.from, ahead.to) != 0) {
    // Cut back what was written, which nothing uses; should that fail
    // too, the zeros stay until a reservation writes over them or Close()
    // trims them.
    const int cut = ftruncate(fd_, static_cast<off_t>(ahead.from));
    static_cast<void>(cut);
    return false;
  }
  Populate(ahead.map, ahead.from, ahead.to);
  return true;
}

void LogFile::FinishAhead(const Ahead& ahead, bool claimed) {
  if (claimed) {
    SetAllocated(ahead.to);
  } else {
    ahead_at_ = kNever;
  }
}

absl::Status LogFile::AppendRecord(RecordType type, absl::string_view key,
                                   absl::string_view value, absl::Time expires,
                                   uint64_t start, uint64_t end,
                                   const std::string& path) {
  if (writing_ != LogWriting::kWrittenOverZeros) {
    log_format::EncodeRecordAt(type, key, value, start, map_ + start, expires);
    return absl::OkStatus();
  }
  record_buffer_.resize(end - start);
  log_format::EncodeRecordAt(type, key, value, start, record_buffer_.data(),
                             expires);
  absl::Status status = WriteAll(fd_, record_buffer_, start, path);
  // Small records reuse the buffer; a large one does not pin its memory.
  if (record_buffer_.capacity() > kCopyBufferSize) {
    std::string().swap(record_buffer_);
  }
  return status;
}

absl::Status LogFile::AppendEncoded(absl::string_view record, uint64_t offset,
                                    const std::string& path) {
  if (writing_ != LogWriting::kWrittenOverZeros) {
    // The checksum last (log_format.h: what a crash leaves).
    const size_t body = record.size() - log_format::kFragmentTrailerSize;
    std::memcpy(map_ + offset, record.data(), body);
    std::memcpy(map_ + offset + body, record.data() + body,
                log_format::kFragmentTrailerSize);
    return absl::OkStatus();
  }
  return WriteAll(fd_, record, offset, path);
}

absl::Status LogFile::Zero(uint64_t from, uint64_t to,
                           const std::string& path) {
  if (writing_ != LogWriting::kWrittenOverZeros) {
    std::memset(map_ + from, 0, to - from);
    return absl::OkStatus();
  }
  const std::string zeros(std::min<uint64_t>(to - from, kCopyBufferSize), '\0');
  for (uint64_t at = from; at < to; at += zeros.size()) {
    const size_t size = std::min<uint64_t>(to - at, zeros.size());
    if (absl::Status status =
            WriteAll(fd_, absl::string_view(zeros.data(), size), at, path);
        !status.ok()) {
      return status;
    }
  }
  return absl::OkStatus();
}

absl::Status LogFile::Trim(uint64_t end, const std::string& path) {
  if (allocated_ == end) return absl::OkStatus();
  if (ftruncate(fd_, static_cast<off_t>(end)) != 0) {
    return ErrnoError(errno, "cannot trim", path);
  }
  SetAllocated(end);
  return absl::OkStatus();
}

uint64_t LogFile::Growth() const {
  constexpr uint64_t kMinGrowth = 64 << 10;
  constexpr uint64_t kMaxGrowth = 16 << 20;
  return std::min(std::max(allocated_ / 16, kMinGrowth), kMaxGrowth);
}

uint64_t LogFile::Target(uint64_t end) const {
  const uint64_t growth = Growth();
  uint64_t target = std::max(end, allocated_ + growth);
  if (writing_ == LogWriting::kMappedOverZeros && growth >= kFolioSize) {
    // Ends on a folio boundary, so that every later reservation writes
    // whole aligned folios (Allocate says why).
    target = (target + kFolioSize - 1) / kFolioSize * kFolioSize;
  }
  return target;
}

void LogFile::SetAllocated(uint64_t allocated) {
  allocated_ = allocated;
  // The next reservation ahead is due once half of this one's growth is
  // left, early enough for it to be claimed before appends run out.
  ahead_at_ = writing_ == LogWriting::kMappedOverZeros
                  ? allocated_ - std::min(allocated_, Growth() / 2)
                  : kNever;
}

// Faults [from, to) of the file in with one call rather than one fault per
// page as records land on them. Only a speed-up: failure is harmless. Not
// where records are written with pwrite: populating for writing marks the
// pages dirty, and every fsync would write them.
void LogFile::Populate(char* map, uint64_t from, uint64_t to) const {
  if (writing_ == LogWriting::kWrittenOverZeros) return;
  const uint64_t page = static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  const uint64_t start = from / page * page;
  madvise(map + start, to - start, kPopulateWrite);
}

// Claims disk space for bytes [from, end) of the file: 0, or the error
// number. Either way a full disk fails here, not at a later copy.
//
// Writing zeros (a delayed allocation: the file system reserves the
// blocks at the write) leaves the pages in the page cache, dirty, in
// large folios, so the MADV_POPULATE_WRITE that follows only maps them;
// after posix_fallocate, whose unwritten extents make every page fault
// read, zero and attach buffers one 4 KiB page at a time, those faults
// would be a large part of a small put's cost. Mapped 4 KiB at a time,
// though, each page is still faulted in on its own, with a page-table
// entry of its own, where a whole aligned 2 MiB folio maps with a single
// entry; hence the pieces of whole aligned 2 MiB folios under kNone below,
// each of which the page cache holds in one folio and the mapping maps
// with one entry.
//
// A store that syncs needs more care. A write through the mapping dirties
// its whole folio, and a large one is written back whole: over
// zero-written space every fdatasync would rewrite up to a whole large
// folio for the few records appended since the last, so kPeriodic keeps
// posix_fallocate. But an fdatasync after writing into fallocated space
// must also commit the file system's journal (the extent turns from
// unwritten to written), which one over zeros already written back does
// not; a store that syncs after every append would pay that commit every
// time. So kAlways writes zeros and appends with pwrite, which dirties only
// the blocks it writes: the first sync after a reservation writes it back
// whole, once, and every later one only the new records.
int LogFile::Allocate(uint64_t from, uint64_t end) const {
  // Past a file-size limit this fails with EFBIG instead of the process
  // being killed.
  file_util::ScopedFileSizeSignalBlock file_size_limit_fails_writes;
  if (writing_ == LogWriting::kMappedOverAllocated) {
    return posix_fallocate(fd_, static_cast<off_t>(from),
                           static_cast<off_t>(end - from));
  }
  // Under kNone, whole aligned folios (see above); not under kAlways,
  // whose appends use pwrite, not the mapping, so that a folio mapped by one
  // entry gains it nothing.
  const uint64_t piece =
      writing_ == LogWriting::kMappedOverZeros ? kFolioSize : kCopyBufferSize;
  // One constant block of zeros, repeated by the iovecs of each write,
  // rather than a buffer the size of the piece (up to 2 MiB) allocated
  // and zeroed for every reservation.
  static constexpr size_t kZeroBlock = 64 << 10;
  static const char kZeros[kZeroBlock] = {};
  iovec blocks[kFolioSize / kZeroBlock];
  for (uint64_t at = from; at < end;) {
    const size_t size = std::min<uint64_t>(end - at, piece - at % piece);
    int count = 0;
    for (size_t left = size; left > 0; ++count) {
      blocks[count].iov_base = const_cast<char*>(kZeros);
      blocks[count].iov_len = std::min(left, kZeroBlock);
      left -= blocks[count].iov_len;
    }
    const ssize_t n = pwritev(fd_, blocks, count, static_cast<off_t>(at));
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    if (n == 0) return ENOSPC;
    // A short write is the limit reached; the next says which.
    at += static_cast<uint64_t>(n);
  }
  return 0;
}

}  // namespace persistence_internal
}  // namespace gogocache
