// Copyright 2026 The gogocache Authors.

#include "persistence/flat_file_store.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <optional>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "persistence/file_util.h"
#include "persistence/locked_log.h"
#include "persistence/log_file.h"
#include "persistence/log_format.h"

namespace gogocache {
namespace {

using file_util::ErrnoError;
using file_util::WriteAll;
using log_format::RecordType;
using persistence_internal::KeyIndex;
using persistence_internal::LogFile;
using persistence_internal::LogWriting;

constexpr size_t kCopyBufferSize = size_t{1} << 20;
// The index packs a record's size into 32 bits and its offset into 48.
static_assert(log_format::kRecordHeaderSize + log_format::kMaxKeySize +
                      log_format::kMaxValueSize <=
                  persistence_internal::LocationTable::kMaxSize,
              "the largest record must fit the index");
constexpr uint64_t kMaxLogSize =
    persistence_internal::LocationTable::kMaxOffset;
// Puts indexed together at recovery: enough for their cache misses to
// overlap, few enough that the batch stays in cache.
constexpr size_t kIndexBatch = 64;
// Appended puts are handed to the background thread to index once this many
// records or bytes wait (see unindexed_); past the maximum a writer indexes
// them itself. The maximum holds what a 100-byte writer appends while the
// background thread doubles an index of millions of keys (10 to 20 ms
// here; at 64 Ki records or 4 MiB writers waited for it, a ninth of a
// 100-byte put's time), so that a writer indexes only while the background
// thread is busy compacting. The bytes bound how late compaction may start.
constexpr size_t kIndexHandOff = 4096;
constexpr uint64_t kIndexHandOffBytes = uint64_t{1} << 20;
constexpr size_t kMaxUnindexed = 131072;
constexpr uint64_t kMaxUnindexedBytes = uint64_t{16} << 20;
// Records up to this size are encoded before the store's lock is taken
// (see Append()).
constexpr size_t kStagedRecordSize = 512;

absl::Status SyncFile(int fd, const std::string& path) {
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

// What a scan of a whole log file found, with the index of its live records.
absl::StatusOr<LogReport> IndexLog(
    absl::string_view log, uint32_t version, KeyIndex* index,
    const std::function<void(uint64_t, uint64_t)>& progress) {
  LogReport report;
  report.file_bytes = log.size();
  std::function<void(uint64_t)> on_progress;
  if (progress) {
    on_progress = [&](uint64_t done) { progress(done, log.size()); };
  }
  const LogKeys key_of(log, version);
  // Puts are indexed a batch at a time, as appends are (see unindexed_),
  // and every batch before the next delete.
  std::vector<KeyIndex::HashedLocation> puts;
  auto index_puts = [&] {
    index->SetAll(puts, key_of, [&](const KeyIndex::Location& previous) {
      report.live_bytes -= previous.size;
    });
    puts.clear();
  };
  const log_format::ScanResult scan = log_format::ScanLog(
      log, version,
      [&](const log_format::Record& record) {
        if (record.type == RecordType::kPut) {
          puts.push_back(
              {{record.offset, record.size}, index->Hash(record.key)});
          if (puts.size() >= kIndexBatch) index_puts();
          report.live_bytes += record.size;
          ++report.puts;
        } else {
          index_puts();
          if (const std::optional<KeyIndex::Location> previous =
                  index->Erase(record.key, key_of)) {
            report.live_bytes -= previous->size;
          }
          ++report.deletes;
        }
      },
      [&](uint64_t offset, uint64_t size) {
        report.corrupt.emplace_back(offset, size);
      },
      on_progress, /*values=*/false);
  index_puts();
  report.records = scan.records;
  report.valid_end = scan.valid_end;
  report.torn_tail_bytes = scan.torn_tail_bytes;
  report.zero_tail_bytes = scan.zero_tail_bytes;
  report.corrupt_regions = scan.corrupt_regions;
  report.corrupt_bytes = scan.corrupt_bytes;
  report.live_entries = index->size();
  report.garbage_bytes =
      scan.valid_end - log_format::kHeaderSize - report.live_bytes;
  return report;
}

// Where a record of `key` and `value` appended at `end` ends.
uint64_t RecordEnd(uint64_t end, absl::string_view key,
                   absl::string_view value) {
  return log_format::RecordEnd(log_format::RecordStart(end), key.size(),
                               value.size());
}

// Clears what a compaction cut short left at `compact` (the log itself is
// intact) and checks that a compaction can create it: without compaction
// the log would grow without bound.
absl::Status CheckCompactionCanRun(const std::string& compact,
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

absl::Status WithPath(const absl::Status& status, const std::string& path) {
  return absl::Status(status.code(),
                      absl::StrCat("store ", path, ": ", status.message()));
}

}  // namespace

absl::StatusOr<std::unique_ptr<FlatFileStore>> FlatFileStore::Open(
    const std::string& path, FlatFileStoreOptions options) {
  if (!(options.compaction_garbage_ratio > 0 &&
        options.compaction_garbage_ratio <= 1)) {
    return absl::InvalidArgumentError(
        absl::StrCat("store ", path, ": compaction_garbage_ratio is ",
                     options.compaction_garbage_ratio, ", must be in (0, 1]"));
  }
  if (absl::Status status = CheckSyncInterval(options.sync_interval);
      !status.ok()) {
    return WithPath(status, path);
  }
  if (options.compaction_min_bytes > kMaxCompactionMinBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("store ", path, ": compaction_min_bytes is ",
                     options.compaction_min_bytes, ", must be at most ",
                     kMaxCompactionMinBytes));
  }
  if (absl::Status status =
          file_util::CheckStorePath(path, /*must_be_directory=*/false);
      !status.ok()) {
    return status;
  }
  absl::StatusOr<LockedLog> log =
      OpenLockedLog(path, options.read_only, options.create_if_missing);
  if (!log.ok()) return log.status();
  std::unique_ptr<FlatFileStore> store(
      new FlatFileStore(path, log->file_path, std::move(options)));
  if (absl::Status status = store->Recover(log->fd); !status.ok()) {
    return status;
  }
  if (!store->options_.read_only &&
      store->version_ == log_format::kLegacyVersion) {
    // Appends are written in the current format only: rewrite the log in
    // it before the first.
    if (absl::Status status = store->CompactOnce(); !status.ok()) {
      return status;
    }
  }
  if (!store->options_.read_only) {
    store->background_ =
        std::thread([s = store.get()] { s->BackgroundLoop(); });
  }
  return store;
}

FlatFileStore::FlatFileStore(std::string path, std::string file_path,
                             FlatFileStoreOptions options)
    : path_(std::move(path)),
      file_path_(std::move(file_path)),
      options_(std::move(options)) {}

FlatFileStore::~FlatFileStore() { Close().IgnoreError(); }

FlatFileStore::LogWriting FlatFileStore::Writing() const {
  switch (options_.durability) {
    case Durability::kNone:
      return LogWriting::kMappedOverZeros;
    case Durability::kPeriodic:
      return LogWriting::kMappedOverAllocated;
    case Durability::kAlways:
      break;
  }
  return LogWriting::kWrittenOverZeros;
}

absl::Status FlatFileStore::Recover(int fd) {
  const bool read_only = options_.read_only;
  struct stat st;
  if (fstat(fd, &st) != 0) {
    const absl::Status status = ErrnoError(errno, "cannot stat", path_);
    close(fd);
    return status;
  }
  uint64_t size = static_cast<uint64_t>(st.st_size);
  auto file = std::make_shared<LogFile>(fd, size, Writing());

  absl::StatusOr<Mapping> mapping = Mapping::Map(fd, size, path_);
  if (!mapping.ok()) return mapping.status();
  absl::string_view log = mapping->bytes();
  uint32_t version = log_format::kVersion;
  absl::Status header = log_format::CheckHeader(
      log.substr(0, std::min<size_t>(log.size(), log_format::kHeaderSize)),
      &version);
  if (!header.ok() && !absl::IsOutOfRange(header)) {
    return WithPath(header, path_);
  }
  // Only once the file is known to be a log (or empty): PATH.compact is
  // then its own.
  if (!read_only) {
    if (absl::Status status =
            CheckCompactionCanRun(file_path_ + ".compact", path_);
        !status.ok()) {
      return status;
    }
  }
  if (absl::IsOutOfRange(header)) {
    // Empty, or created by a process that died before the header was whole:
    // no record was ever acknowledged. Start the log afresh.
    if (!read_only) {
      // Not for an empty file: ext4 marks a file truncated to nothing for
      // writing back in full when it is closed (its guard for programs that
      // truncate and rewrite), which would write out a whole log that a
      // compaction then replaces and deletes (that cost compaction a third).
      if (size > 0 && ftruncate(fd, 0) != 0) {
        return ErrnoError(errno, "cannot cut", path_);
      }
      const std::string bytes = log_format::EncodeHeader();
      absl::Status status = WriteAll(fd, bytes, 0, path_);
      if (status.ok()) status = SyncFile(fd, path_);
      if (status.ok())
        status = file_util::SyncDirectory(file_util::DirName(file_path_));
      if (!status.ok()) {
        // Back to empty, as found; `status` tells what failed, not this.
        const int cut = ftruncate(fd, 0);
        static_cast<void>(cut);
        return status;
      }
      size = bytes.size();
    }
    log = absl::string_view();
  }

  LogReport report;
  report.file_bytes = mapping->bytes().size();
  // A header cut short is a creation torn by a crash: nothing else is there.
  if (log.empty()) report.torn_tail_bytes = mapping->bytes().size();
  if (!log.empty()) {
    std::function<void(uint64_t, uint64_t)> progress = options_.progress;
    absl::StatusOr<LogReport> scanned =
        IndexLog(log, version, &index_, progress);
    if (!scanned.ok()) return scanned.status();
    report = *std::move(scanned);
    if (options_.strict && report.corrupt_regions > 0) {
      return absl::DataLossError(absl::StrCat(
          "store ", path_, ": corrupt record at offset ",
          report.corrupt.front().first, " (", report.corrupt_regions,
          " damaged regions, ", report.corrupt_bytes,
          " bytes); strict mode refuses to skip them"));
    }
    // Cut what follows the last valid record: a record cut short, zeros,
    // or (not strict) damage.
    if (size > report.valid_end && !read_only) {
      size = report.valid_end;
      if (ftruncate(fd, static_cast<off_t>(size)) != 0) {
        return ErrnoError(errno, "cannot cut the torn tail of", path_);
      }
      if (absl::Status status = SyncFile(fd, path_); !status.ok()) {
        return status;
      }
    }
  }
  if (!read_only) {
    if (absl::Status status = file->Trim(size, path_); !status.ok()) {
      return status;
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  file_ = std::move(file);
  end_ = size;
  version_ = version;
  live_bytes_ = report.live_bytes;
  counters_.torn_tail_bytes = report.torn_tail_bytes;
  counters_.corrupt_records = report.corrupt_regions;
  counters_.corrupt_bytes = report.corrupt_bytes;
  recovered_ = std::move(report);
  return absl::OkStatus();
}

absl::StatusOr<LogReport> FlatFileStore::Verify(
    const std::string& path,
    std::function<void(uint64_t done, uint64_t total)> progress) {
  FlatFileStoreOptions options;
  options.read_only = true;
  options.progress = std::move(progress);
  absl::StatusOr<std::unique_ptr<FlatFileStore>> store =
      Open(path, std::move(options));
  if (!store.ok()) return store.status();
  return std::move((*store)->recovered_);
}

absl::Status FlatFileStore::Writable() const {
  if (closed_) {
    return absl::FailedPreconditionError(
        absl::StrCat("store ", path_, " is closed"));
  }
  if (options_.read_only) {
    return absl::FailedPreconditionError(
        absl::StrCat("store ", path_, " is open read-only"));
  }
  if (!failed_.ok()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "store ", path_, " refuses writes after a failed sync or rollback (",
        failed_.message(), "); reopen it"));
  }
  return absl::OkStatus();
}

absl::Status FlatFileStore::Put(absl::string_view key,
                                absl::string_view value) {
  return Append(/*tombstone=*/false, key, value);
}

absl::Status FlatFileStore::Delete(absl::string_view key) {
  return Append(/*tombstone=*/true, key, absl::string_view());
}

absl::Status FlatFileStore::Append(bool tombstone, absl::string_view key,
                                   absl::string_view value) {
  if (key.empty() || key.size() > log_format::kMaxKeySize) {
    return absl::InvalidArgumentError(
        absl::StrCat("store ", path_, ": key is ", key.size(),
                     " bytes, must be 1 to ", log_format::kMaxKeySize));
  }
  if (value.size() > log_format::kMaxValueSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("store ", path_, ": value is ", value.size(),
                     " bytes, more than ", log_format::kMaxValueSize));
  }
  const RecordType type = tombstone ? RecordType::kDelete : RecordType::kPut;
  // The record's size as one fragment; in several (crossing a block
  // boundary) it takes a few bytes more.
  const uint64_t size = log_format::RecordSize(key.size(), value.size());
  // A small record is encoded and checksummed, and its key hashed, before
  // the lock is taken: under it the record is only copied, so concurrent
  // writers overlap the rest (a 100-byte put held the lock for all of it).
  char staged[kStagedRecordSize];
  const bool is_staged = size <= kStagedRecordSize;
  if (is_staged) log_format::EncodeRecord(type, key, value, staged);
  const uint64_t hash = tombstone ? 0 : index_.Hash(key);

  std::unique_lock<std::mutex> lock(mu_);
  bool retried_compaction = false;
  uint64_t start, end;
  for (;;) {
    // Backpressure: a writer faster than compaction waits for it rather
    // than let the file grow without bound.
    while (OverHardBound() && (compacting_ || compaction_requested_) &&
           Writable().ok()) {
      compaction_done_.wait(lock);
    }
    if (absl::Status status = Writable(); !status.ok()) return status;
    // Past the bound with compaction failing: one more try, then refuse
    // rather than grow without bound.
    if (!compaction_error_.ok() && OverHardBound()) {
      if (retried_compaction) {
        return absl::ResourceExhaustedError(
            absl::StrCat("store ", path_, ": the log is ", end_,
                         " bytes, past its bound, and compaction fails: ",
                         compaction_error_.message()));
      }
      retried_compaction = true;
      compaction_requested_ = true;
      wake_background_.notify_one();
      continue;
    }
    // Where the record goes, as of the end_ of this turn.
    start = log_format::RecordStart(end_);
    end = log_format::RecordEnd(start, key.size(), value.size());
    const bool has_room = file_->data() != nullptr && file_->Holds(end);
    // Room being claimed ahead is waited for, not claimed a second time.
    if (reserving_ahead_ && !has_room) {
      reserved_ahead_.wait(lock);
      continue;
    }
    // The background thread reads keys through the mapping while it
    // indexes, so a reservation that would move the mapping waits for it
    // (one within the mapping, nearly all, goes ahead rather than wait out
    // an index doubling); a delete needs the index whole; and past the
    // maximum waiting, this put indexes them.
    if (indexing_ && ((!has_room && !file_->ReserveKeepsMapping(end)) ||
                      tombstone || UnindexedOverMaximum())) {
      indexed_.wait(lock);
      continue;
    }
    break;
  }
  // The index confirms a key by reading it from the log, through the
  // mapping, which the first append after an open or a compaction makes
  // (mapping takes no disk space, so it cannot fail for a full disk).
  if (file_->data() == nullptr) {
    if (absl::Status status = file_->Reserve(end_, path_); !status.ok()) {
      return status;
    }
  }
  // A delete of an absent key writes nothing.
  if (tombstone) {
    IndexAppended();
    const absl::string_view log(file_->data(), end_);
    if (!index_.Find(key, LogKeys(log, version_)).has_value()) {
      return absl::OkStatus();
    }
  }
  if (end > kMaxLogSize) {
    return absl::ResourceExhaustedError(
        absl::StrCat("store ", path_, ": the log would pass ", kMaxLogSize,
                     " bytes, the most its index addresses"));
  }
  if (absl::Status status = file_->Reserve(end, path_); !status.ok()) {
    return status;  // Nothing was written.
  }
  // A staged record is one FULL fragment, which is also how the record is
  // written wherever it fits in its block.
  if (absl::Status status =
          is_staged && end - start == size
              ? file_->AppendEncoded(absl::string_view(staged, size), start,
                                     path_)
              : file_->AppendRecord(type, key, value, start, end, path_);
      !status.ok()) {
    // Not indexed: the next record goes over it. What was written of it is
    // zeroed first, so that none of its bytes can follow a shorter record
    // where a scan after a crash would read them; if even that fails, the
    // store takes no more writes.
    if (absl::Status zeroed = file_->Zero(start, end, path_); !zeroed.ok()) {
      failed_ = zeroed;
    }
    return status;
  }
  if (tombstone) {
    // Reserve() may have moved the mapping.
    const absl::string_view log(file_->data(), end_);
    live_bytes_ -= index_.Erase(key, LogKeys(log, version_))->size;
    ++counters_.deletes;
  } else {
    unindexed_.push_back({{start, end - start}, hash});
    unindexed_bytes_ += end - start;
    live_bytes_ += end - start;
    ++counters_.puts;
  }
  appended_ += end - end_;
  end_ = end;
  if (!index_requested_ && (unindexed_.size() >= kIndexHandOff ||
                            unindexed_bytes_ >= kIndexHandOffBytes)) {
    index_requested_ = true;
    wake_background_.notify_one();
  }
  // While the background thread indexes, the next put waits instead.
  if (UnindexedOverMaximum() && !indexing_) IndexAppended();
  // Only writers holding mu_ change it, so a plain store does: a locked
  // add would be one more full fence per put.
  appended_records_.store(appended_records_.load(std::memory_order_relaxed) + 1,
                          std::memory_order_release);
  if (end_ >= file_->AheadAt() && !reserve_ahead_requested_ &&
      !reserving_ahead_) {
    reserve_ahead_requested_ = true;
    wake_background_.notify_one();
  }
  if (CompactionDue()) {
    compaction_requested_ = true;
    wake_background_.notify_one();
  }
  if (options_.durability == Durability::kAlways) {
    return SyncTo(lock, appended_, /*group_commit=*/true);
  }
  return absl::OkStatus();
}

absl::Status FlatFileStore::SyncTo(std::unique_lock<std::mutex>& lock,
                                   uint64_t target, bool group_commit) {
  ++in_sync_;
  peak_in_sync_ = std::max(peak_in_sync_, in_sync_);
  absl::Status status;
  while (synced_ < target && status.ok()) {
    if (!failed_.ok()) {
      status = Writable();
      break;
    }
    if (sync_running_) {
      sync_done_.wait(lock);
      continue;
    }
    sync_running_ = true;
    if (group_commit && round_writers_ > 1) {
      // Others wrote with us last round and are likely about to append
      // again: one fsync for all of them beats one each, taken in turns.
      const auto deadline = std::chrono::steady_clock::now() +
                            absl::ToChronoNanoseconds(std::min(
                                last_sync_ / 2, absl::Milliseconds(2)));
      // Spun (yielding) rather than slept: the other writers are running
      // and append within microseconds; a sleeper's wake-up costs more.
      const uint64_t wanted = synced_records_ + round_writers_;
      lock.unlock();
      while (appended_records_.load(std::memory_order_acquire) < wanted &&
             std::chrono::steady_clock::now() < deadline) {
        std::this_thread::yield();
      }
      lock.lock();
    }
    peak_in_sync_ = in_sync_;
    const uint64_t covered = appended_;
    const uint64_t covered_records =
        appended_records_.load(std::memory_order_relaxed);
    const std::shared_ptr<LogFile> file = file_;
    lock.unlock();
    const absl::Time start = absl::Now();
    status = SyncFile(file->fd(), path_);
    const absl::Duration took = absl::Now() - start;
    lock.lock();
    sync_running_ = false;
    last_sync_ = took;
    round_writers_ = peak_in_sync_;
    if (status.ok()) {
      synced_ = std::max(synced_, covered);
      synced_records_ = std::max(synced_records_, covered_records);
      ++counters_.syncs;
    } else {
      failed_ = status;
    }
    sync_done_.notify_all();
  }
  --in_sync_;
  return status;
}

absl::Status FlatFileStore::Sync() {
  std::unique_lock<std::mutex> lock(mu_);
  if (closed_) return Writable();
  if (options_.read_only) return absl::OkStatus();
  return SyncTo(lock, appended_);
}

void FlatFileStore::WaitForIndexing(std::unique_lock<std::mutex>& lock) const {
  indexed_.wait(lock, [this] { return !indexing_; });
}

void FlatFileStore::IndexAppended() const {
  if (unindexed_.empty()) return;
  const LogKeys key_of(absl::string_view(file_->data(), end_), version_);
  index_.SetAll(unindexed_, key_of, [this](const Location& previous) {
    live_bytes_ -= previous.size;
  });
  unindexed_.clear();
  unindexed_bytes_ = 0;
}

bool FlatFileStore::UnindexedOverMaximum() const {
  return unindexed_.size() >= kMaxUnindexed ||
         unindexed_bytes_ >= kMaxUnindexedBytes;
}

bool FlatFileStore::CompactionDue() const {
  if (options_.read_only || end_ < options_.compaction_min_bytes ||
      end_ < compaction_retry_end_) {
    return false;
  }
  const uint64_t garbage = end_ - log_format::kHeaderSize - live_bytes_;
  return static_cast<double>(garbage) >
         options_.compaction_garbage_ratio * static_cast<double>(end_);
}

bool FlatFileStore::OverHardBound() const {
  // Compaction starts at live / (1 - ratio); allow min_bytes beyond that.
  const double ratio = options_.compaction_garbage_ratio;
  if (ratio >= 1) return false;
  return static_cast<double>(end_) >
         static_cast<double>(live_bytes_) / (1 - ratio) +
             static_cast<double>(options_.compaction_min_bytes);
}

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
    WaitForIndexing(lock);
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

absl::Status FlatFileStore::Replay(Visitor visitor) {
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
    visitor(record.key, record.value);
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
  std::lock_guard<std::mutex> one_at_a_time(compaction_mu_);
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
      const uint64_t end = RecordEnd(at, record.key, record.value);
      moved.push_back({start, end - start});
      if (snapshot->version == log_format::kVersion &&
          location.size == end - start &&
          log_format::FitsInBlock(start, location.size)) {
        // One FULL fragment, valid wherever it fits: copied as it is.
        buffer.append(log.data() + location.offset, location.size);
      } else {
        const size_t from = buffer.size();
        buffer.resize(from + (end - start));
        log_format::EncodeRecordAt(record.type, record.key, record.value, start,
                                   &buffer[from]);
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
  while (sync_running_ || indexing_) {
    if (sync_running_) {
      sync_done_.wait(lock);
    } else {
      indexed_.wait(lock);
    }
  }
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

void FlatFileStore::BackgroundLoop() {
  // Swapped with unindexed_ for each batch, so both keep their capacity.
  std::vector<persistence_internal::KeyIndex::HashedLocation> batch;
  std::unique_lock<std::mutex> lock(mu_);
  const bool periodic = options_.durability == Durability::kPeriodic;
  while (!stopping_) {
    if (periodic) {
      wake_background_.wait_for(
          lock, absl::ToChronoNanoseconds(options_.sync_interval), [this] {
            return stopping_ || compaction_requested_ || index_requested_;
          });
    } else {
      wake_background_.wait(lock, [this] {
        return stopping_ || compaction_requested_ || reserve_ahead_requested_ ||
               index_requested_;
      });
    }
    if (stopping_) break;
    if (reserve_ahead_requested_) {
      reserve_ahead_requested_ = false;
      ReserveAhead(lock);
    }
    if (index_requested_) {
      index_requested_ = false;
      IndexInBackground(lock, &batch);
    }
    if (periodic && synced_ < appended_ && failed_.ok()) {
      SyncTo(lock, appended_).IgnoreError();  // Sticky in failed_.
    }
    if (compaction_requested_) {
      compaction_requested_ = false;
      compacting_ = true;
      lock.unlock();
      const absl::Status status = CompactOnce();
      lock.lock();
      compacting_ = false;
      compaction_error_ = status;
      if (!status.ok()) {
        ++counters_.compaction_errors;
        compaction_retry_end_ = end_ + options_.compaction_min_bytes;
      }
      compaction_done_.notify_all();
    }
  }
}

void FlatFileStore::ReserveAhead(std::unique_lock<std::mutex>& lock) {
  if (file_ == nullptr || !Writable().ok()) return;
  // Held across the unlocked claim: a compaction may replace file_.
  const std::shared_ptr<LogFile> file = file_;
  const LogFile::Ahead ahead = file->PlanAhead(end_);
  if (ahead.to <= ahead.from) return;
  reserving_ahead_ = true;
  lock.unlock();
  const bool claimed = file->ClaimAhead(ahead);
  lock.lock();
  file->FinishAhead(ahead, claimed);
  reserving_ahead_ = false;
  reserved_ahead_.notify_all();
}

void FlatFileStore::IndexInBackground(
    std::unique_lock<std::mutex>& lock,
    std::vector<persistence_internal::KeyIndex::HashedLocation>* batch) {
  if (unindexed_.empty()) return;
  batch->swap(unindexed_);
  unindexed_bytes_ = 0;
  // Until indexing_ is false again this thread has the index to itself:
  // everything else that touches it holds mu_ and waits for that first,
  // and so does anything that would move the mapping read here.
  indexing_ = true;
  const LogKeys key_of(absl::string_view(file_->data(), end_), version_);
  lock.unlock();
  uint64_t replaced_bytes = 0;
  index_.SetAll(*batch, key_of, [&](const Location& previous) {
    replaced_bytes += previous.size;
  });
  batch->clear();
  lock.lock();
  live_bytes_ -= replaced_bytes;
  indexing_ = false;
  indexed_.notify_all();
}

StoreStats FlatFileStore::GetStats() const {
  std::unique_lock<std::mutex> lock(mu_);
  WaitForIndexing(lock);
  StoreStats stats = counters_;
  IndexAppended();
  stats.entries = index_.size();
  stats.live_bytes = live_bytes_;
  stats.garbage_bytes = end_ >= log_format::kHeaderSize + live_bytes_
                            ? end_ - log_format::kHeaderSize - live_bytes_
                            : 0;
  return stats;
}

absl::Status FlatFileStore::Close() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (closed_) return absl::OkStatus();
    stopping_ = true;
    compaction_requested_ = false;
  }
  wake_background_.notify_all();
  compaction_done_.notify_all();
  if (background_.joinable()) background_.join();
  std::unique_lock<std::mutex> lock(mu_);
  absl::Status status;
  if (!options_.read_only && failed_.ok()) status = SyncTo(lock, appended_);
  if (!options_.read_only && file_ != nullptr && failed_.ok() && status.ok()) {
    status = file_->Trim(end_, path_);  // Give back the space reserved ahead.
  }
  closed_ = true;
  IndexAppended();  // While the log is mapped: GetStats() may follow.
  file_.reset();
  return status;
}

}  // namespace gogocache
