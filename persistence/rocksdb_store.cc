// Copyright 2026 The gogocache Authors.
//
// RocksDbStore's writes, syncs, compaction, stats and close. Opening is in
// rocksdb_open.cc, Replay() and Verify() in rocksdb_replay.cc.

#include "persistence/rocksdb_store.h"

#include <memory>
#include <shared_mutex>
#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "persistence/file_util.h"
#include "persistence/periodic_thread.h"
#include "persistence/rocksdb_internal.h"
#include "rocksdb/db.h"
#include "rocksdb/env.h"
#include "rocksdb/options.h"
#include "rocksdb/write_batch.h"

namespace gogocache {
namespace rocksdb_internal {

absl::Status FromRocksDb(const rocksdb::Status& status, absl::string_view what,
                         const std::string& path) {
  if (status.ok()) return absl::OkStatus();
  const std::string message =
      absl::StrCat("rocksdb store ", path, ": ", what, ": ", status.ToString());
  if (status.IsNoSpace()) return absl::ResourceExhaustedError(message);
  if (status.IsCorruption()) return absl::DataLossError(message);
  if (status.IsNotFound()) return absl::NotFoundError(message);
  if (status.IsInvalidArgument()) return absl::InvalidArgumentError(message);
  if (status.IsIOError()) {
    const std::string text = status.ToString();
    if (absl::StrContains(text, "lock")) {
      return absl::FailedPreconditionError(absl::StrCat(
          "rocksdb store ", path,
          " is already open (by this or another process): ", text));
    }
    if (absl::StrContains(text, "Permission denied")) {
      return absl::PermissionDeniedError(message);
    }
    if (absl::StrContains(text, "No space") ||
        absl::StrContains(text, "File too large")) {
      return absl::ResourceExhaustedError(message);
    }
  }
  return absl::InternalError(message);
}

}  // namespace rocksdb_internal

using rocksdb_internal::EncodeStored;
using rocksdb_internal::FromRocksDb;

RocksDbStore::RocksDbStore(std::string path, RocksDbStoreOptions options,
                           std::unique_ptr<rocksdb::Env> env,
                           std::unique_ptr<rocksdb::DB> db)
    : path_(std::move(path)),
      options_(options),
      env_(std::move(env)),
      db_(std::move(db)),
      // Above every number written before: each write took one of RocksDB's.
      next_sequence_(db_->GetLatestSequenceNumber() + 1) {}

RocksDbStore::~RocksDbStore() { Close().IgnoreError(); }

absl::Status RocksDbStore::Usable() const {
  if (closed_.load(std::memory_order_acquire)) {
    return absl::FailedPreconditionError(
        absl::StrCat("rocksdb store ", path_, " is closed"));
  }
  return absl::OkStatus();
}

absl::Status RocksDbStore::Writable() const {
  if (options_.read_only) {
    return absl::FailedPreconditionError(
        absl::StrCat("rocksdb store ", path_, " is open read-only"));
  }
  if (write_failed_.load(std::memory_order_acquire)) {
    return absl::FailedPreconditionError(
        absl::StrCat("rocksdb store ", path_,
                     " refuses writes after a failed write; reopen it"));
  }
  return absl::OkStatus();
}

absl::Status RocksDbStore::Written(const rocksdb::Status& status,
                                   absl::string_view what) {
  if (!status.ok()) write_failed_.store(true, std::memory_order_release);
  return FromRocksDb(status, what, path_);
}

absl::Status RocksDbStore::DoPut(absl::string_view key, absl::string_view value,
                                 absl::Time expires) {
  return Write({/*is_delete=*/false, key, value, expires});
}

absl::Status RocksDbStore::Delete(absl::string_view key) {
  return Write({/*is_delete=*/true, key, absl::string_view()});
}

absl::Status RocksDbStore::Write(const GroupCommit::Operation& operation) {
  std::shared_lock<std::shared_mutex> alive(lifetime_mu_);
  if (absl::Status status = Usable(); !status.ok()) return status;
  if (operation.key.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("rocksdb store ", path_, ": key is empty"));
  }
  if (absl::Status status = Writable(); !status.ok()) return status;
  return writes_.Commit(
      operation, [this](absl::Span<const GroupCommit::Operation* const> batch) {
        return WriteBatch(batch);
      });
}

absl::Status RocksDbStore::WriteBatch(
    absl::Span<const GroupCommit::Operation* const> batch) {
  rocksdb::WriteBatch write_batch;
  std::string stored;
  for (const GroupCommit::Operation* operation : batch) {
    const rocksdb::Slice key(operation->key.data(), operation->key.size());
    if (operation->is_delete) {
      write_batch.Delete(key);
      continue;
    }
    EncodeStored(next_sequence_++, operation->expires, operation->value,
                 &stored);
    write_batch.Put(key, stored);
  }
  rocksdb::WriteOptions write_options;
  write_options.sync = options_.durability == Durability::kAlways;
  rocksdb::Status written;
  {
    file_util::ScopedFileSizeSignalBlock file_size_signal_blocked;
    written = db_->Write(write_options, &write_batch);
  }
  const absl::Status status = Written(
      written,
      batch.size() == 1 ? "write" : absl::StrCat("write of ", batch.size()));
  if (!status.ok()) return status;
  if (write_options.sync) syncs_.fetch_add(1, std::memory_order_relaxed);
  for (const GroupCommit::Operation* operation : batch) {
    (operation->is_delete ? deletes_ : puts_)
        .fetch_add(1, std::memory_order_relaxed);
  }
  entries_counted_.store(false, std::memory_order_relaxed);
  return status;
}

absl::Status RocksDbStore::Sync() {
  std::shared_lock<std::shared_mutex> alive(lifetime_mu_);
  if (absl::Status status = Usable(); !status.ok()) return status;
  if (options_.read_only) return absl::OkStatus();
  // Checked as the writer: a write that fails meanwhile leaves RocksDB's WAL
  // writer unusable.
  WriterToken writer(writes_);
  if (absl::Status status = Writable(); !status.ok()) return status;
  return SyncWal();
}

void RocksDbStore::PeriodicSync() {
  WriterToken writer(writes_);
  // A failure is kept (Written()): the next write reports it.
  if (Writable().ok()) SyncWal().IgnoreError();
}

absl::Status RocksDbStore::SyncWal() {
  rocksdb::Status synced;
  {
    file_util::ScopedFileSizeSignalBlock file_size_signal_blocked;
    synced = db_->SyncWAL();
  }
  absl::Status status = Written(synced, "sync");
  if (status.ok()) syncs_.fetch_add(1, std::memory_order_relaxed);
  return status;
}

absl::Status RocksDbStore::Compact() {
  std::shared_lock<std::shared_mutex> alive(lifetime_mu_);
  if (absl::Status status = Usable(); !status.ok()) return status;
  if (options_.read_only) {
    return absl::FailedPreconditionError(
        absl::StrCat("rocksdb store ", path_, " is open read-only"));
  }
  // As the writer (see the header).
  WriterToken writer(writes_);
  if (absl::Status status = Writable(); !status.ok()) return status;
  file_util::ScopedFileSizeSignalBlock file_size_signal_blocked;
  if (absl::Status status =
          Written(db_->Flush(rocksdb::FlushOptions()), "flush");
      !status.ok()) {
    return status;
  }
  rocksdb::CompactRangeOptions compact_options;
  compact_options.bottommost_level_compaction =
      rocksdb::BottommostLevelCompaction::kForce;
  absl::Status status =
      Written(db_->CompactRange(compact_options, nullptr, nullptr), "compact");
  if (status.ok()) compactions_.fetch_add(1, std::memory_order_relaxed);
  return status;
}

RocksDbStore::FileBytes RocksDbStore::EstimateFileBytes() const {
  uint64_t live = 0;
  uint64_t total = 0;
  db_->GetIntProperty("rocksdb.estimate-live-data-size", &live);
  db_->GetIntProperty("rocksdb.total-sst-files-size", &total);
  return {live, total > live ? total - live : 0};
}

StoreStats RocksDbStore::GetStats() const {
  StoreStats stats;
  std::shared_lock<std::shared_mutex> alive(lifetime_mu_);
  if (closed_.load(std::memory_order_acquire)) return stats;
  if (entries_counted_.load(std::memory_order_acquire)) {
    stats.entries = entries_.load(std::memory_order_relaxed);
  }
  // Checked again: a write between the two loads leaves the count behind.
  if (!entries_counted_.load(std::memory_order_acquire)) {
    uint64_t estimate = 0;
    if (db_->GetIntProperty("rocksdb.estimate-num-keys", &estimate)) {
      stats.entries = estimate;
    }
  }
  uint64_t memtable = 0;
  db_->GetIntProperty("rocksdb.cur-size-all-mem-tables", &memtable);
  const FileBytes files = EstimateFileBytes();
  stats.live_bytes = files.live + memtable;
  stats.garbage_bytes = files.garbage;
  stats.puts = puts_.load(std::memory_order_relaxed);
  stats.deletes = deletes_.load(std::memory_order_relaxed);
  stats.syncs = syncs_.load(std::memory_order_relaxed);
  stats.compactions = compactions_.load(std::memory_order_relaxed);
  return stats;
}

absl::Status RocksDbStore::Close() {
  std::unique_lock<std::shared_mutex> exclusive(lifetime_mu_);
  if (closed_.load(std::memory_order_acquire)) return absl::OkStatus();
  periodic_sync_.reset();
  file_util::ScopedFileSizeSignalBlock file_size_signal_blocked;
  absl::Status status;
  if (write_failed_.load(std::memory_order_acquire)) {
    // RocksDB's close then only repeats the failure the write reported.
    db_->Close().PermitUncheckedError();
    status = absl::FailedPreconditionError(
        absl::StrCat("rocksdb store ", path_,
                     " closed after a failed write, without syncing its WAL "
                     "again"));
  } else {
    if (!options_.read_only) {
      status = FromRocksDb(db_->SyncWAL(), "sync", path_);
    }
    if (absl::Status close = FromRocksDb(db_->Close(), "close", path_);
        status.ok()) {
      status = close;
    }
  }
  closed_.store(true, std::memory_order_release);
  db_.reset();
  return status;
}

}  // namespace gogocache
