// Copyright 2026 The gogocache Authors.

#include "persistence/rocksdb_store.h"

#include <dirent.h>
#include <errno.h>

#include <algorithm>
#include <chrono>
#include <cstdarg>
#include <memory>
#include <shared_mutex>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "persistence/file_util.h"
#include "rocksdb/db.h"
#include "rocksdb/env.h"
#include "rocksdb/listener.h"
#include "rocksdb/options.h"
#include "rocksdb/write_batch.h"

namespace gogocache {
namespace {

constexpr size_t kSequenceSize = 8;

void EncodeSequence(uint64_t sequence, char* out) {
  for (size_t i = 0; i < kSequenceSize; ++i) {
    out[i] = static_cast<char>(sequence >> (8 * i));
  }
}

uint64_t DecodeSequence(const char* in) {
  uint64_t sequence = 0;
  for (size_t i = 0; i < kSequenceSize; ++i) {
    sequence |= uint64_t{static_cast<unsigned char>(in[i])} << (8 * i);
  }
  return sequence;
}

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

// RocksDB's info log, kept in no file. RocksDB otherwise writes a LOG file in
// the database's directory, and a failed write to it (a full disk, a
// file-size limit) ends in an assertion inside the library that aborts the
// process. Every failure that matters reaches the caller as a status, so the
// lines are dropped; the level keeps RocksDB from formatting them.
class DroppedInfoLog : public rocksdb::Logger {
 public:
  DroppedInfoLog() : rocksdb::Logger(rocksdb::InfoLogLevel::HEADER_LEVEL) {}

  void Logv(const char* /*format*/, va_list /*ap*/) override {}
  void Logv(const rocksdb::InfoLogLevel /*log_level*/, const char* /*format*/,
            va_list /*ap*/) override {}
  void LogHeader(const char* /*format*/, va_list /*ap*/) override {}
};

// RocksDB's environment for one store: Env::Default() (the files, and the
// background threads every database in the process shares), with SIGXFSZ
// blocked (file_util::ScopedFileSizeSignalBlock) around every job those
// threads run for the store, such as a flush or a compaction, and in every
// thread RocksDB starts through it, whatever signal mask the thread has.
class FileSizeSignalBlockingEnv : public rocksdb::EnvWrapper {
 public:
  FileSizeSignalBlockingEnv() : rocksdb::EnvWrapper(rocksdb::Env::Default()) {}

  const char* Name() const override {
    return "gogocache.FileSizeSignalBlockingEnv";
  }

  void Schedule(void (*function)(void* arg), void* arg, Priority priority,
                void* tag, void (*unschedule)(void* arg)) override {
    target()->Schedule(&Run, new Job{function, arg, unschedule}, priority, tag,
                       &Drop);
  }

  void StartThread(void (*function)(void* arg), void* arg) override {
    target()->StartThread(&Run, new Job{function, arg, nullptr});
  }

 private:
  struct Job {
    void (*function)(void* arg);
    void* arg;
    void (*unschedule)(void* arg);  // May be null.
  };

  static void Run(void* job_arg) {
    const std::unique_ptr<Job> job(static_cast<Job*>(job_arg));
    file_util::ScopedFileSizeSignalBlock file_size_signal_blocked;
    job->function(job->arg);
  }

  // A job taken off the queue unrun (Env::UnSchedule).
  static void Drop(void* job_arg) {
    const std::unique_ptr<Job> job(static_cast<Job*>(job_arg));
    if (job->unschedule != nullptr) job->unschedule(job->arg);
  }
};

// Turns off RocksDB's automatic recovery from a background error such as a
// full disk. The recovery runs in a thread of RocksDB's own, outside any call
// of the store, and writes again (a flush, a new WAL) with nobody to tell; the
// store instead refuses writes until it is reopened.
class NoAutomaticRecovery : public rocksdb::EventListener {
 public:
  const char* Name() const override { return "gogocache.NoAutomaticRecovery"; }
  void OnErrorRecoveryBegin(rocksdb::BackgroundErrorReason /*reason*/,
                            rocksdb::Status /*bg_error*/,
                            bool* auto_recovery) override {
    *auto_recovery = false;
  }
};

absl::Status CheckOptions(const std::string& path,
                          const RocksDbStoreOptions& options) {
  switch (options.durability) {
    case Durability::kNone:
    case Durability::kPeriodic:
    case Durability::kAlways:
      break;
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("rocksdb store ", path, ": option durability is ",
                       static_cast<int>(options.durability),
                       ", not one of none, periodic, always"));
  }
  if (absl::Status status = CheckSyncInterval(options.sync_interval);
      !status.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("rocksdb store ", path, ": option ", status.message()));
  }
  return absl::OkStatus();
}

bool AllDigits(absl::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return absl::ascii_isdigit(static_cast<unsigned char>(c));
  });
}

// Whether `name` is a file RocksDB makes while it creates a database, before
// the database's CURRENT file exists.
bool IsCreationLeftover(absl::string_view name) {
  if (name == "LOCK" || name == "IDENTITY" || name == "LOG") return true;
  if (absl::ConsumePrefix(&name, "LOG.old.")) return AllDigits(name);
  if (absl::ConsumePrefix(&name, "MANIFEST-")) return AllDigits(name);
  const bool temporary = absl::ConsumeSuffix(&name, ".dbtmp");
  if (absl::ConsumePrefix(&name, "OPTIONS-")) return AllDigits(name);
  return temporary && AllDigits(name);
}

enum class PathHolds {
  kNothing,     // `path` does not exist.
  kNoDatabase,  // An empty directory, or one an interrupted creation left.
  kDatabase,    // A directory with a CURRENT file.
};

// What directory `path` holds. FailedPrecondition, naming a file, when it
// holds files but no RocksDB database: it is not for this store to use.
absl::StatusOr<PathHolds> WhatPathHolds(const std::string& path) {
  DIR* dir = opendir(path.c_str());
  if (dir == nullptr) {
    if (errno == ENOENT) return PathHolds::kNothing;
    if (errno == ENOTDIR) {
      return absl::FailedPreconditionError(
          absl::StrCat("store path ", path, " is not a directory"));
    }
    return file_util::ErrnoError(errno, "cannot open directory", path);
  }
  bool current = false;
  std::string foreign;
  errno = 0;
  while (const struct dirent* entry = readdir(dir)) {
    const absl::string_view name = entry->d_name;
    if (name == "." || name == "..") continue;
    if (name == "CURRENT") {
      current = true;
    } else if (foreign.empty() && !IsCreationLeftover(name)) {
      foreign = std::string(name);
    }
    errno = 0;
  }
  const int error_number = errno;
  closedir(dir);
  if (error_number != 0) {
    return file_util::ErrnoError(error_number, "cannot list directory", path);
  }
  if (current) return PathHolds::kDatabase;
  if (!foreign.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "rocksdb store ", path, " is a directory that holds \"",
        absl::CEscape(foreign),
        "\" and no RocksDB database (no CURRENT file); it is left as it is: "
        "name an empty or new directory"));
  }
  return PathHolds::kNoDatabase;
}

}  // namespace

absl::StatusOr<std::unique_ptr<RocksDbStore>> RocksDbStore::Open(
    const std::string& path, RocksDbStoreOptions options) {
  if (absl::Status status = CheckOptions(path, options); !status.ok()) {
    return status;
  }
  if (absl::Status status =
          file_util::CheckStorePath(path, /*must_be_directory=*/true);
      !status.ok()) {
    return status;
  }
  absl::StatusOr<PathHolds> holds = WhatPathHolds(path);
  if (!holds.ok()) return holds.status();
  const bool create = options.create_if_missing && !options.read_only;
  if (*holds != PathHolds::kDatabase && !create) {
    return absl::NotFoundError(
        absl::StrCat("rocksdb store ", path,
                     *holds == PathHolds::kNothing
                         ? " does not exist"
                         : " holds no RocksDB database (no CURRENT file)",
                     options.read_only ? "; a read-only open creates none"
                                       : "; create_if_missing is false"));
  }
  auto env = std::make_unique<FileSizeSignalBlockingEnv>();
  rocksdb::Options db_options;
  db_options.env = env.get();
  db_options.create_if_missing = create;
  db_options.wal_recovery_mode = rocksdb::WALRecoveryMode::kPointInTimeRecovery;
  db_options.max_background_jobs = 2;
  db_options.info_log = std::make_shared<DroppedInfoLog>();
  db_options.listeners.push_back(std::make_shared<NoAutomaticRecovery>());
  // No retries of a failed background write either (see NoAutomaticRecovery).
  db_options.max_bgerror_resume_count = 0;
  // No periodic statistics dumps: nobody reads them here, and the dump
  // thread's first use of RocksDB's lazily built tables races (to
  // ThreadSanitizer's eye; the library is uninstrumented) with our calls.
  db_options.stats_dump_period_sec = 0;
  db_options.stats_persist_period_sec = 0;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status status;
  {
    file_util::ScopedFileSizeSignalBlock file_size_signal_blocked;
    status = options.read_only
                 ? rocksdb::DB::OpenForReadOnly(db_options, path, &raw)
                 : rocksdb::DB::Open(db_options, path, &raw);
  }
  if (!status.ok()) return FromRocksDb(status, "cannot open", path);
  std::unique_ptr<RocksDbStore> store(new RocksDbStore(
      path, options, std::move(env), std::unique_ptr<rocksdb::DB>(raw)));
  if (!options.read_only && options.durability == Durability::kPeriodic) {
    store->sync_thread_ =
        std::thread([s = store.get()] { s->PeriodicSyncLoop(); });
  }
  return store;
}

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

struct RocksDbStore::PendingWrite {
  bool is_delete;
  absl::string_view key;
  absl::string_view value;
  bool done = false;
  absl::Status status;
};

void RocksDbStore::AcquireWriter(std::unique_lock<std::mutex>& lock) {
  write_done_.wait(lock, [this] { return !writer_busy_; });
  writer_busy_ = true;
}

void RocksDbStore::ReleaseWriter(std::unique_lock<std::mutex>& lock) {
  writer_busy_ = false;
  lock.unlock();
  write_done_.notify_all();
}

absl::Status RocksDbStore::Commit(PendingWrite& write) {
  std::unique_lock<std::mutex> lock(write_mu_);
  queue_.push_back(&write);
  write_done_.wait(lock, [&] { return write.done || !writer_busy_; });
  if (write.done) return write.status;
  // Lead: write everything queued so far as one batch.
  writer_busy_ = true;
  if (write_options_sync_ && round_writers_ > 1) {
    // Others wrote with us last round and are about to queue again: one
    // synced batch for all beats one each, taken in turns. Spun (yielding),
    // not slept, for at most half the last write's time.
    const auto deadline =
        std::chrono::steady_clock::now() +
        std::min(last_write_ / 2, std::chrono::nanoseconds(2'000'000));
    while (queue_.size() < static_cast<size_t>(round_writers_) &&
           std::chrono::steady_clock::now() < deadline) {
      lock.unlock();
      std::this_thread::yield();
      lock.lock();
    }
  }
  std::vector<PendingWrite*> batch;
  batch.swap(queue_);
  lock.unlock();
  const auto start = std::chrono::steady_clock::now();

  rocksdb::WriteBatch write_batch;
  std::string stored;
  for (PendingWrite* pending : batch) {
    const rocksdb::Slice key(pending->key.data(), pending->key.size());
    if (pending->is_delete) {
      write_batch.Delete(key);
      continue;
    }
    stored.assign(kSequenceSize, '\0');
    EncodeSequence(next_sequence_++, stored.data());
    stored.append(pending->value.data(), pending->value.size());
    write_batch.Put(key, stored);
  }
  rocksdb::WriteOptions write_options;
  write_options.sync = write_options_sync_;
  rocksdb::Status written;
  {
    file_util::ScopedFileSizeSignalBlock file_size_signal_blocked;
    written = db_->Write(write_options, &write_batch);
  }
  const absl::Status status = Written(
      written,
      batch.size() == 1 ? "write" : absl::StrCat("write of ", batch.size()));
  if (status.ok()) {
    if (write_options.sync) syncs_.fetch_add(1, std::memory_order_relaxed);
    for (PendingWrite* pending : batch) {
      (pending->is_delete ? deletes_ : puts_)
          .fetch_add(1, std::memory_order_relaxed);
    }
    entries_counted_.store(false, std::memory_order_relaxed);
  }

  lock.lock();
  last_write_ = std::chrono::steady_clock::now() - start;
  // Writers of this round: the batch, and those already queued behind it.
  round_writers_ = static_cast<int>(batch.size() + queue_.size());
  for (PendingWrite* pending : batch) {
    pending->status = status;
    pending->done = true;
  }
  ReleaseWriter(lock);
  return status;
}

absl::Status RocksDbStore::Put(absl::string_view key, absl::string_view value) {
  PendingWrite write{/*is_delete=*/false, key, value};
  return Write(write);
}

absl::Status RocksDbStore::Delete(absl::string_view key) {
  PendingWrite write{/*is_delete=*/true, key, absl::string_view()};
  return Write(write);
}

absl::Status RocksDbStore::Write(PendingWrite& write) {
  std::shared_lock<std::shared_mutex> alive(lifetime_mu_);
  if (absl::Status status = Usable(); !status.ok()) return status;
  if (write.key.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("rocksdb store ", path_, ": key is empty"));
  }
  if (absl::Status status = Writable(); !status.ok()) return status;
  return Commit(write);
}

// Holds the writer role for its lifetime.
class RocksDbStore::WriterToken {
 public:
  explicit WriterToken(RocksDbStore& store) : store_(store) {
    std::unique_lock<std::mutex> lock(store_.write_mu_);
    store_.AcquireWriter(lock);
  }
  ~WriterToken() {
    std::unique_lock<std::mutex> lock(store_.write_mu_);
    store_.ReleaseWriter(lock);
  }
  WriterToken(const WriterToken&) = delete;
  WriterToken& operator=(const WriterToken&) = delete;

 private:
  RocksDbStore& store_;
};

absl::Status RocksDbStore::Replay(Visitor visitor) {
  std::shared_lock<std::shared_mutex> alive(lifetime_mu_);
  if (absl::Status status = Usable(); !status.ok()) return status;
  // Two passes over one snapshot, so that memory holds every key but only a
  // chunk of values: the keys with their sequence numbers in key order, then
  // the values in sequence order. RocksDB is read as the writer, so no write
  // runs inside RocksDB meanwhile (see the header on why); the visitor runs
  // between chunks, outside.
  struct Position {
    uint64_t sequence;
    std::string key;
  };
  std::vector<Position> positions;
  // Released as the writer too, on every return.
  struct ReleaseSnapshot {
    RocksDbStore* store;
    void operator()(const rocksdb::Snapshot* taken) const {
      WriterToken writer(*store);
      store->db_->ReleaseSnapshot(taken);
    }
  };
  std::unique_ptr<const rocksdb::Snapshot, ReleaseSnapshot> snapshot(
      nullptr, ReleaseSnapshot{this});
  rocksdb::ReadOptions read;
  {
    WriterToken writer(*this);
    snapshot.reset(db_->GetSnapshot());
    read.snapshot = snapshot.get();
    if (absl::Status status = ReadEveryKey(
            read,
            [&](const rocksdb::Slice& key, const rocksdb::Slice& stored) {
              positions.push_back(
                  {DecodeSequence(stored.data()), key.ToString()});
            });
        !status.ok()) {
      return status;
    }
  }
  std::sort(positions.begin(), positions.end(),
            [](const Position& a, const Position& b) {
              return a.sequence < b.sequence;
            });
  // A chunk ends at this many values or once its values pass this many
  // bytes, whichever comes first.
  constexpr size_t kChunkValues = 1024;
  constexpr size_t kChunkBytes = size_t{16} << 20;
  std::vector<std::string> values(kChunkValues);
  for (size_t first = 0; first < positions.size();) {
    size_t count = 0;
    {
      WriterToken writer(*this);
      for (size_t bytes = 0;
           count < kChunkValues && first + count < positions.size() &&
           bytes < kChunkBytes;
           ++count) {
        const std::string& key = positions[first + count].key;
        std::string& value = values[count];
        if (absl::Status status =
                FromRocksDb(db_->Get(read, key, &value), "replay", path_);
            !status.ok()) {
          return status;
        }
        if (value.size() < kSequenceSize) return TooShort(key);
        bytes += value.size();
      }
    }
    for (size_t i = 0; i < count; ++i) {
      visitor(positions[first + i].key,
              absl::string_view(values[i]).substr(kSequenceSize));
      // A large value does not keep its buffer for the next chunk.
      if (values[i].capacity() > kChunkBytes / kChunkValues) {
        std::string().swap(values[i]);
      }
    }
    first += count;
  }
  return absl::OkStatus();
}

absl::Status RocksDbStore::ReadEveryKey(
    const rocksdb::ReadOptions& read,
    absl::FunctionRef<void(const rocksdb::Slice& key,
                           const rocksdb::Slice& stored)>
        visit) {
  uint64_t keys = 0;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const rocksdb::Slice stored = it->value();
    if (stored.size() < kSequenceSize) {
      return TooShort(absl::string_view(it->key().data(), it->key().size()));
    }
    visit(it->key(), stored);
    ++keys;
  }
  if (absl::Status status = FromRocksDb(it->status(), "read", path_);
      !status.ok()) {
    return status;
  }
  // Every key was read, as the writer: the count is exact until the next
  // write.
  entries_.store(keys, std::memory_order_relaxed);
  entries_counted_.store(true, std::memory_order_release);
  return absl::OkStatus();
}

absl::Status RocksDbStore::TooShort(absl::string_view key) const {
  return absl::DataLossError(absl::StrCat(
      "rocksdb store ", path_, ": value of key \"", absl::CEscape(key),
      "\" is too short to be gogocache's; is this another program's "
      "database?"));
}

absl::Status RocksDbStore::Sync() {
  std::shared_lock<std::shared_mutex> alive(lifetime_mu_);
  if (absl::Status status = Usable(); !status.ok()) return status;
  if (options_.read_only) return absl::OkStatus();
  // Checked as the writer: a write that fails meanwhile leaves RocksDB's WAL
  // writer unusable.
  WriterToken writer(*this);
  if (absl::Status status = Writable(); !status.ok()) return status;
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
  WriterToken writer(*this);
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

absl::StatusOr<StoreCheck> RocksDbStore::Verify() {
  std::shared_lock<std::shared_mutex> alive(lifetime_mu_);
  if (absl::Status status = Usable(); !status.ok()) return status;
  if (absl::Status status = FromRocksDb(db_->VerifyChecksum(), "verify", path_);
      !status.ok()) {
    return status;
  }
  StoreCheck check;
  uint64_t live_bytes = 0;
  {
    WriterToken writer(*this);
    if (absl::Status status = ReadEveryKey(
            rocksdb::ReadOptions(),
            [&](const rocksdb::Slice& key, const rocksdb::Slice& stored) {
              ++check.entries;
              live_bytes += key.size() + stored.size() - kSequenceSize;
            });
        !status.ok()) {
      return status;
    }
  }
  check.details = {
      {"live bytes", absl::StrCat(live_bytes, "  (keys and values)")},
      {"garbage bytes",
       absl::StrCat(EstimateFileBytes().garbage, "  (RocksDB's estimate)")},
  };
  return check;
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

void RocksDbStore::PeriodicSyncLoop() {
  std::unique_lock<std::mutex> lock(sync_mu_);
  while (!stopping_) {
    stop_sync_.wait_for(lock, absl::ToChronoNanoseconds(options_.sync_interval),
                        [this] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    {
      WriterToken writer(*this);
      if (!write_failed_.load(std::memory_order_acquire)) {
        rocksdb::Status synced;
        {
          file_util::ScopedFileSizeSignalBlock file_size_signal_blocked;
          synced = db_->SyncWAL();
        }
        if (Written(synced, "sync").ok()) {
          syncs_.fetch_add(1, std::memory_order_relaxed);
        }
      }
    }
    lock.lock();
  }
}

absl::Status RocksDbStore::Close() {
  {
    std::lock_guard<std::mutex> lock(sync_mu_);
    stopping_ = true;
  }
  stop_sync_.notify_all();
  std::unique_lock<std::shared_mutex> exclusive(lifetime_mu_);
  if (closed_.load(std::memory_order_acquire)) return absl::OkStatus();
  if (sync_thread_.joinable()) sync_thread_.join();
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
