// Copyright 2026 The gogocache Authors.
//
// FlatFileStore's compaction, and Replay(), which reads the same snapshot of
// the live records: a compaction copies the live records into a new log,
// then the records appended meanwhile, and renames it over the old one.

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "persistence/file_util.h"
#include "persistence/flat_file_internal.h"
#include "persistence/flat_file_store.h"
#include "persistence/log_file.h"
#include "persistence/log_format.h"

namespace gogocache {
namespace {

using file_util::ErrnoError;
using file_util::WriteAll;
using flat_file_internal::kCopyBufferSize;
using flat_file_internal::Mapping;
using flat_file_internal::RecordEnd;
using flat_file_internal::SyncFile;
using persistence_internal::LogFile;

}  // namespace

struct FlatFileStore::LiveRecords {
  std::vector<Location> by_offset;
  std::shared_ptr<LogFile> file;
  uint64_t end;
  uint32_t version;
};

absl::StatusOr<FlatFileStore::LiveRecords> FlatFileStore::SnapshotLive(
    bool for_writing) {
  LiveRecords live;
  {
    std::unique_lock<std::mutex> lock(mu_);
    changed_.wait(lock, [this] { return !indexing_; });
    if (absl::Status status = Writable();
        !status.ok() && (for_writing || closed_)) {
      return status;
    }
    IndexAppended();
    live.by_offset.reserve(index_.size());
    index_.ForEach(
        [&](const Location& location) { live.by_offset.push_back(location); });
    live.file = file_;
    live.end = end_;
    live.version = version_;
  }
  // Sorted outside the lock: writers need not wait for it.
  std::sort(
      live.by_offset.begin(), live.by_offset.end(),
      [](const Location& a, const Location& b) { return a.offset < b.offset; });
  return live;
}

absl::Status FlatFileStore::DoReplay(ExpiringVisitor visitor) {
  absl::StatusOr<LiveRecords> live = SnapshotLive(/*for_writing=*/false);
  if (!live.ok()) return live.status();
  absl::StatusOr<Mapping> mapping =
      Mapping::Map(live->file->fd(), live->end, path_);
  if (!mapping.ok()) return mapping.status();
  const absl::string_view log = mapping->bytes();
  log_format::Record record;
  std::string scratch;
  // Checksums were verified at recovery, or the records are this process's.
  for (const Location& location : live->by_offset) {
    if (!log_format::ReadRecordAt(log, live->version, location.offset, &scratch,
                                  &record) ||
        record.size != location.size) {
      return absl::DataLossError(
          absl::StrCat("store ", path_, ": record at offset ", location.offset,
                       " changed on disk while the store was open"));
    }
    visitor(record.key, record.value, record.expires);
  }
  return absl::OkStatus();
}

absl::Status FlatFileStore::Compact() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (absl::Status status = Writable(); !status.ok()) return status;
  }
  return CompactOnce();
}

absl::Status FlatFileStore::CompactOnce() {
  {
    std::unique_lock<std::mutex> lock(mu_);
    changed_.wait(lock, [this] { return !compacting_; });
    compacting_ = true;
  }
  const absl::Status status = CompactNow();
  {
    std::lock_guard<std::mutex> lock(mu_);
    compacting_ = false;
  }
  changed_.notify_all();
  return status;
}

absl::Status FlatFileStore::CompactNow() {
  // What to copy: the live records as of now. Records appended while the
  // copy runs are carried over at the end, under the lock.
  absl::StatusOr<LiveRecords> snapshot = SnapshotLive(/*for_writing=*/true);
  if (!snapshot.ok()) return snapshot.status();
  const std::vector<Location>& live = snapshot->by_offset;
  const std::shared_ptr<LogFile>& old_file = snapshot->file;
  const uint64_t copy_end = snapshot->end;

  const std::string new_path = file_path_ + ".compact";
  // A new file, not a leftover one truncated (see Recover() on ext4).
  unlink(new_path.c_str());
  const int new_fd =
      open(new_path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (new_fd < 0) return ErrnoError(errno, "cannot create", new_path);
  // Locked before it takes the log's name, so that no opener finds it free.
  if (flock(new_fd, LOCK_EX | LOCK_NB) != 0) {
    const absl::Status status = ErrnoError(errno, "cannot lock", new_path);
    close(new_fd);
    unlink(new_path.c_str());
    return status;
  }
  auto new_file = std::make_shared<LogFile>(new_fd, 0, Writing());
  bool swapped = false;
  auto fail = [&](absl::Status status) {
    if (!swapped) unlink(new_path.c_str());
    return status;
  };

  // Where each record of `live` is in the new file, in the same order.
  std::vector<Location> moved;
  moved.reserve(live.size());
  uint64_t new_end = 0;
  {
    absl::StatusOr<Mapping> mapping =
        Mapping::Map(old_file->fd(), copy_end, path_);
    if (!mapping.ok()) return fail(mapping.status());
    const absl::string_view log = mapping->bytes();
    std::string buffer = log_format::EncodeHeader();
    buffer.reserve(kCopyBufferSize + log_format::kHeaderSize);
    uint64_t flushed = 0;
    std::string scratch;
    log_format::Record record;
    for (const Location& location : live) {
      if (!log_format::ReadRecordAt(log, snapshot->version, location.offset,
                                    &scratch, &record)) {
        return fail(absl::DataLossError(absl::StrCat(
            "store ", path_, ": record at offset ", location.offset,
            " changed on disk while the store was open")));
      }
      const uint64_t at = flushed + buffer.size();
      const uint64_t start = log_format::RecordStart(at);
      buffer.append(start - at, '\0');
      const uint64_t end = RecordEnd(at, record);
      moved.push_back({start, end - start});
      // Versions 2 and 3 frame records alike.
      if (snapshot->version != log_format::kLegacyVersion &&
          location.size == end - start &&
          log_format::FitsInBlock(start, location.size)) {
        // One FULL fragment, valid wherever it fits: copied as it is.
        buffer.append(log.data() + location.offset, location.size);
      } else {
        const size_t from = buffer.size();
        buffer.resize(from + (end - start));
        log_format::EncodeRecordAt(record.type, record.key, record.value, start,
                                   &buffer[from], record.expires);
      }
      if (buffer.size() >= kCopyBufferSize) {
        if (absl::Status s = WriteAll(new_fd, buffer, flushed, new_path);
            !s.ok()) {
          return fail(s);
        }
        flushed += buffer.size();
        buffer.clear();
      }
    }
    if (absl::Status s = WriteAll(new_fd, buffer, flushed, new_path); !s.ok()) {
      return fail(s);
    }
    new_end = flushed + buffer.size();
  }
  if (absl::Status s = SyncFile(new_fd, new_path); !s.ok()) return fail(s);

  std::unique_lock<std::mutex> lock(mu_);
  // Wait out a sync of the old file and the background thread's indexing
  // of its records first: waiting releases the lock, and from the tail copy
  // to the swap no writer may slip in.
  changed_.wait(lock, [this] { return !sync_running_ && !indexing_; });
  if (absl::Status status = Writable(); !status.ok()) return fail(status);
  // Carry over what was appended during the copy, as it is: padded first
  // so that it keeps its offsets within blocks.
  uint64_t tail_base = new_end;
  if (end_ > copy_end) {
    if (snapshot->version != log_format::kVersion) {
      return fail(absl::InternalError(
          absl::StrCat("store ", path_, ": appends to a log of format version ",
                       snapshot->version, " during its rewrite")));
    }
    std::string tail;
    tail_base = new_end - new_end % log_format::kBlockSize +
                copy_end % log_format::kBlockSize;
    if (tail_base < new_end) tail_base += log_format::kBlockSize;
    if (!log_format::AppendPadding(new_end, tail_base, &tail)) {
      tail_base += log_format::kBlockSize;
      if (!log_format::AppendPadding(new_end, tail_base, &tail)) {
        return fail(absl::InternalError(absl::StrCat(
            "store ", path_, ": cannot pad the compacted log to offset ",
            tail_base)));
      }
    }
    const size_t padding = tail.size();
    tail.resize(padding + (end_ - copy_end));
    uint64_t done = padding;
    while (done < tail.size()) {
      const ssize_t n = pread(old_file->fd(), &tail[done], tail.size() - done,
                              static_cast<off_t>(copy_end + done - padding));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0)
        return fail(ErrnoError(n < 0 ? errno : EIO, "cannot read", path_));
      done += static_cast<uint64_t>(n);
    }
    if (absl::Status s = WriteAll(new_fd, tail, new_end, new_path); !s.ok()) {
      return fail(s);
    }
    new_end += tail.size();
    if (absl::Status s = SyncFile(new_fd, new_path); !s.ok()) return fail(s);
  }
  if (rename(new_path.c_str(), file_path_.c_str()) != 0) {
    return fail(ErrnoError(errno, "cannot rename compacted log over", path_));
  }
  swapped = true;
  // The new log is whole and synced; if the directory sync fails, the old
  // name may come back after a machine crash, which is the old log: whole.
  absl::Status dir_status =
      file_util::SyncDirectory(file_util::DirName(file_path_));
  IndexAppended();  // Offsets in the old file, moved below.
  index_.ForEach([&](Location& location) {
    if (location.offset >= copy_end) {
      location.offset = location.offset - copy_end + tail_base;
    } else {
      const auto pos = std::lower_bound(
          live.begin(), live.end(), location.offset,
          [](const Location& a, uint64_t offset) { return a.offset < offset; });
      // Framed anew, a record may take a few bytes more or less.
      live_bytes_ += moved[pos - live.begin()].size;
      live_bytes_ -= location.size;
      location = moved[pos - live.begin()];
    }
  });
  file_ = std::move(new_file);
  version_ = log_format::kVersion;
  end_ = new_end;
  if (absl::Status status = file_->Trim(new_end, path_); !status.ok()) {
    return status;
  }
  synced_ = appended_;
  synced_records_ = appended_records_.load(std::memory_order_relaxed);
  ++counters_.compactions;
  return dir_status;
}

}  // namespace gogocache
