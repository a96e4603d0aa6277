// Copyright 2026 The gogocache Authors.
//
// RocksDbStore::Open: the options checked, the directory looked at before
// RocksDB may create anything in it, and what the store gives RocksDB (its
// Env, info log and listener; see rocksdb_store.h for why each).

#include <dirent.h>
#include <errno.h>

#include <algorithm>
#include <cstdarg>
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "persistence/file_util.h"
#include "persistence/periodic_thread.h"
#include "persistence/rocksdb_internal.h"
#include "persistence/rocksdb_store.h"
#include "rocksdb/db.h"
#include "rocksdb/env.h"
#include "rocksdb/listener.h"
#include "rocksdb/options.h"

namespace gogocache {
namespace {

using persistence_internal::PeriodicThread;
using rocksdb_internal::FromRocksDb;

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
    store->periodic_sync_ = std::make_unique<PeriodicThread>(
        options.sync_interval, [s = store.get()] { s->PeriodicSync(); });
  }
  return store;
}

}  // namespace gogocache
