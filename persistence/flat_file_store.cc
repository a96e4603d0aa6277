// Copyright 2026 The gogocache Authors.

#include "persistence/flat_file_store.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "persistence/background_work.h"
#include "persistence/file_util.h"
#include "persistence/flat_file_internal.h"
#include "persistence/locked_log.h"
#include "persistence/log_file.h"
#include "persistence/log_format.h"

namespace gogocache {
namespace {

using flat_file_internal::LogKeys;
using flat_file_internal::SyncFile;
using flat_file_internal::WithPath;
using log_format::RecordType;
using persistence_internal::BackgroundWork;
using persistence_internal::LogFile;
using persistence_internal::LogWriting;

// The index packs a record's size into 32 bits and its offset into 48.
static_assert(log_format::kRecordHeaderSize + log_format::kMaxKeySize +
                      log_format::kExpirySize + log_format::kMaxValueSize <=
                  persistence_internal::LocationTable::kMaxSize,
              "the largest record must fit the index");
constexpr uint64_t kMaxLogSize =
    persistence_internal::LocationTable::kMaxOffset;
// Appended puts are handed to the background thread to index once this many
// records or bytes wait (see unindexed_); past the maximum a writer indexes
// them itself. The maximum must hold what writers of small records append
// while the background thread doubles an index of millions of keys, so that
// writers do not wait for a doubling, and a writer indexes only while the
// background thread is busy compacting. The bytes bound how late compaction
// may start.
constexpr size_t kIndexHandOff = 4096;
constexpr uint64_t kIndexHandOffBytes = uint64_t{1} << 20;
constexpr size_t kMaxUnindexed = 131072;
constexpr uint64_t kMaxUnindexedBytes = uint64_t{16} << 20;
// Records up to this size are encoded before the store's lock is taken
// (see Append()).
constexpr size_t kStagedRecordSize = 512;

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
  if (!store->options_.read_only && store->version_ != log_format::kVersion) {
    // Appends are written in the current format only: rewrite the log in
    // it before the first.
    if (absl::Status status = store->CompactOnce(); !status.ok()) {
      return status;
    }
  }
  if (!store->options_.read_only) {
    // Periodic syncs ride on the background thread's wake-ups.
    store->work_ = std::make_unique<BackgroundWork>(
        store->options_.durability == Durability::kPeriodic
            ? store->options_.sync_interval
            : absl::InfiniteDuration(),
        [s = store.get()](uint32_t jobs) { s->RunJobs(jobs); });
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

absl::Status FlatFileStore::DoPut(absl::string_view key,
                                  absl::string_view value, absl::Time expires) {
  return Append(/*tombstone=*/false, key, value, expires);
}

absl::Status FlatFileStore::Delete(absl::string_view key) {
  return Append(/*tombstone=*/true, key, absl::string_view(),
                absl::InfiniteFuture());
}

absl::Status FlatFileStore::Append(bool tombstone, absl::string_view key,
                                   absl::string_view value,
                                   absl::Time expires) {
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
  const size_t body_size = log_format::BodySize(value.size(), expires);
  // The record's size as one fragment; in several (crossing a block
  // boundary) it takes a few bytes more.
  const uint64_t size = log_format::RecordSize(key.size(), body_size);
  // A small record is encoded and checksummed, and its key hashed, before
  // the lock is taken: under it the record is only copied, so concurrent
  // writers overlap the rest rather than take turns at it.
  char staged[kStagedRecordSize];
  const bool is_staged = size <= kStagedRecordSize;
  if (is_staged) log_format::EncodeRecord(type, key, value, staged, expires);
  const uint64_t hash = tombstone ? 0 : index_.Hash(key);

  std::unique_lock<std::mutex> lock(mu_);
  bool retried_compaction = false;
  uint64_t start, end;
  for (;;) {
    // Backpressure: a writer faster than compaction waits for it rather
    // than let the file grow without bound.
    while (OverHardBound() &&
           compaction_requests_done_ < compaction_requests_ &&
           Writable().ok()) {
      changed_.wait(lock);
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
      RequestCompaction();
      continue;
    }
    // Where the record goes, as of the end_ of this turn.
    start = log_format::RecordStart(end_);
    end = log_format::RecordEnd(start, key.size(), body_size);
    const bool has_room = file_->data() != nullptr && file_->Holds(end);
    // Room being claimed ahead is waited for, not claimed a second time.
    if (reserving_ahead_ && !has_room) {
      changed_.wait(lock);
      continue;
    }
    // The background thread reads keys through the mapping while it
    // indexes, so a reservation that would move the mapping waits for it
    // (one within the mapping, nearly all, goes ahead rather than wait out
    // an index doubling); a delete needs the index whole; and past the
    // maximum waiting, this put indexes them.
    if (indexing_ && ((!has_room && !file_->ReserveKeepsMapping(end)) ||
                      tombstone || UnindexedOverMaximum())) {
      changed_.wait(lock);
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
              : file_->AppendRecord(type, key, value, expires, start, end,
                                    path_);
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
  if (unindexed_.size() >= kIndexHandOff ||
      unindexed_bytes_ >= kIndexHandOffBytes) {
    work_->Request(kIndexJob);
  }
  // While the background thread indexes, the next put waits instead.
  if (UnindexedOverMaximum() && !indexing_) IndexAppended();
  // Only writers holding mu_ change it, so a plain store does: a locked
  // add would be one more full fence per put.
  appended_records_.store(appended_records_.load(std::memory_order_relaxed) + 1,
                          std::memory_order_release);
  if (end_ >= file_->AheadAt() && !reserving_ahead_) {
    work_->Request(kReserveAheadJob);
  }
  if (CompactionDue()) RequestCompaction();
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
      changed_.wait(lock);
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
    changed_.notify_all();
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

void FlatFileStore::IndexAppended() {
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

void FlatFileStore::RequestCompaction() {
  ++compaction_requests_;
  work_->Request(kCompactJob);
}

StoreStats FlatFileStore::GetStats() const {
  std::unique_lock<std::mutex> lock(mu_);
  changed_.wait(lock, [this] { return !indexing_; });
  if (unindexed_.empty()) return CurrentStats();
  // Puts wait to be indexed (while the store is open for writing, so the
  // background thread runs until Close(), which publishes too).
  const uint64_t seen = stats_published_;
  work_->Request(kStatsJob);
  changed_.wait(lock, [&] { return stats_published_ != seen; });
  return published_stats_;
}

StoreStats FlatFileStore::CurrentStats() const {
  StoreStats stats = counters_;
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
  }
  // A background compaction requested and not begun does not run.
  if (work_ != nullptr) work_->Stop();
  std::unique_lock<std::mutex> lock(mu_);
  compaction_requests_done_ = compaction_requests_;
  changed_.notify_all();
  absl::Status status;
  if (!options_.read_only && failed_.ok()) status = SyncTo(lock, appended_);
  if (!options_.read_only && file_ != nullptr && failed_.ok() && status.ok()) {
    status = file_->Trim(end_, path_);  // Give back the space reserved ahead.
  }
  closed_ = true;
  // While the log is mapped: GetStats() may follow, or wait.
  IndexAppended();
  published_stats_ = CurrentStats();
  ++stats_published_;
  file_.reset();
  changed_.notify_all();
  return status;
}

}  // namespace gogocache
