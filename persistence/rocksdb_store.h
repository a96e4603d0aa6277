// Copyright 2026 The gogocache Authors.
//
// RocksDbStore: a Store on RocksDB (the system library), for stores larger
// than memory or users who already run RocksDB.
//
// Each value is stored behind an 8-byte sequence number so that Replay() can
// hand entries back in write order (RocksDB iterates in key order), and,
// when it has one, its 8-byte expiry (rocksdb_internal.h has the encoding);
// the numbers continue from RocksDB's own sequence after a reopen. A value
// stored in another encoding (another program's database) is DataLoss when
// read. Replay() reads a snapshot twice: every key with its number, into an
// external sort (sequence_sort.h), then the keys in write order out of it,
// with their values a chunk at a time, so that its memory is bounded
// whatever the store's size. The sort's runs go to an unnamed temporary file
// (O_TMPFILE) in the store's directory, which nothing sees and which
// disappears with the replay, also after a crash; so too for a read-only
// open. On a directory that takes no file (a read-only filesystem) the runs
// are kept in memory, which then grows with the keys. A failure to write
// them (a full disk) fails the replay, naming the directory, and leaves the
// store as it was. Overwritten and deleted values are dropped by RocksDB's
// own compactions; Compact() forces one over the whole key range.
//
// Durability maps onto RocksDB's write-ahead log: kNone writes the WAL
// without syncing it (it reaches the OS on every write, so a killed process
// loses nothing acknowledged); kAlways sets WriteOptions::sync; kPeriodic
// syncs the WAL from a background thread every sync_interval.
//
// Group commit is done here (group_commit.h), not by RocksDB's write
// thread: writers queue their operations, and one of them at a time (the
// leader) writes everything queued as one WriteBatch, with one WAL sync under
// kAlways, while the next batch gathers. Only the leader calls into RocksDB's
// write path. Besides batching, this keeps every hand-off between threads in
// std::mutex and std::condition_variable, which ThreadSanitizer sees; RocksDB's
// own write group hands off through atomics inside the uninstrumented system
// library, which ThreadSanitizer reports as races that are not (see README,
// "Sanitizers").
//
// Opening: the path must be a directory, or not exist yet (RocksDB then
// creates it, unless create_if_missing is false or the open is read-only).
// A directory without a RocksDB database in it (no CURRENT file) is used only
// when it is empty or holds nothing but what an interrupted creation leaves
// (LOCK, IDENTITY, LOG, MANIFEST-*, OPTIONS-*, *.dbtmp); anything else in it
// is someone else's, and the open is refused before anything is created or
// removed there.
//
// One writer: RocksDB's LOCK file refuses a second open of the same directory
// from this or another process (FailedPrecondition here). A read-only open
// (RocksDB's OpenForReadOnly) takes no lock and creates, changes and removes
// nothing: it sees the database as of its open, also while a writer has it
// open.
//
// Recovery is RocksDB's: the WAL is replayed at open, with its checksums;
// a torn WAL tail is dropped (WALRecoveryMode::kPointInTimeRecovery, so no
// write after a damaged one is applied out of order).
//
// A full disk or a file-size limit (RLIMIT_FSIZE) fails the write (a Put,
// Delete, Sync, Compact or the open itself) with ResourceExhausted; it never
// ends the process. What was acknowledged before stays, and after a failed
// write, sync or compaction the store refuses writes, syncs and compactions
// (FailedPrecondition) until it is reopened, and Close() releases the files
// without syncing the WAL again and returns FailedPrecondition: RocksDB then
// holds the error, and its WAL writer must not be used again. To that end:
//  - RocksDB's info log is dropped, not written to a LOG file in the store's
//    directory (once a write to that file has failed, the library's next one
//    aborts the process);
//  - RocksDB's automatic recovery from a background error is off (it would
//    retry writes in a thread of its own, outside any call of the store);
//  - every call into RocksDB that may write runs with SIGXFSZ blocked in the
//    calling thread (file_util::ScopedFileSizeSignalBlock), and so does
//    every job RocksDB's background threads run for the store (flushes,
//    compactions: the store's rocksdb::Env wraps them), so a file-size limit
//    fails the write with EFBIG instead of killing the process by SIGXFSZ's
//    default action. No signal disposition is changed, and RocksDB's threads
//    (shared by every database in the process) may have been started by
//    anyone.
//
// GetStats().entries is exact while no write has come since the last
// Replay() or Verify(), which count the keys as they read them (so a
// read-only store's, once replayed). Otherwise it is RocksDB's estimate
// (which overwritten and deleted keys throw off): an exact count kept across
// writes would cost every write a lookup of its keys.
//
// Verify() is RocksDB's check of every block checksum of the database's
// files, then a read of every key and value to count them, with writes held
// back (as during the first of Replay()'s passes): the first damage either
// finds is DataLoss naming it.
//
// Compact() holds writes back while it runs: its flush switches RocksDB's
// WAL, which must not happen during or after a failed write.
//
// Thread safety: as Store. Close() waits for the calls in flight (a
// shared mutex: every call holds it shared, Close() exclusive).
//
// The code: rocksdb_store.cc (writes, syncs, compaction, stats, close),
// rocksdb_open.cc (opening: the options, the directory check, and what the
// store gives RocksDB: its Env, info log and listener), rocksdb_replay.cc
// (Replay() and Verify()), over group_commit.h (the writers' queue and the
// writer role) and periodic_thread.h (kPeriodic's syncs).

#ifndef GOGOCACHE_PERSISTENCE_ROCKSDB_STORE_H_
#define GOGOCACHE_PERSISTENCE_ROCKSDB_STORE_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <shared_mutex>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "base/cxx17.h"
#include "persistence/group_commit.h"
#include "persistence/store.h"

namespace rocksdb {
class DB;
class Env;
struct ReadOptions;
class Slice;
class Status;
}  // namespace rocksdb

namespace gogocache {
namespace persistence_internal {
class PeriodicThread;
}  // namespace persistence_internal
namespace rocksdb_internal {
struct StoredValue;
}  // namespace rocksdb_internal

// RocksDB takes what every store does (store.h), and nothing more; it reads
// no data at open, so it never calls `progress`.
using RocksDbStoreOptions = StoreOptions;

class RocksDbStore : public Store {
 public:
  // Opens the RocksDB database in directory `path`, creating it when absent
  // if options.create_if_missing is set and options.read_only is not.
  // Errors: InvalidArgument naming the option when one is out of range (see
  // StoreOptions); NotFound when the parent directory does not exist,
  // or the store does not exist and is not to be created (nothing is
  // created); FailedPrecondition, at once and touching nothing, when `path`
  // is anything but a directory (a regular file, a FIFO, a device...) or a
  // directory that holds files but no RocksDB database, and when the
  // database is already open for writing; PermissionDenied; ResourceExhausted
  // when the disk or a file-size limit leaves no room for what the open
  // writes; DataLoss when RocksDB finds corruption it cannot skip.
  static absl::StatusOr<std::unique_ptr<RocksDbStore>> Open(
      const std::string& path, RocksDbStoreOptions options = {});

  ~RocksDbStore() override;

  absl::Status Delete(absl::string_view key) override;
  absl::Status Sync() override;
  absl::Status Compact() override;
  StoreStats GetStats() const override;
  absl::StatusOr<StoreCheck> Verify() override;
  absl::Status Close() override;
  std::string spec() const override {
    return FormatStoreSpec("rocksdb", path_);
  }

 private:
  using GroupCommit = persistence_internal::GroupCommit;
  using WriterToken = GroupCommit::WriterToken;

  RocksDbStore(std::string path, RocksDbStoreOptions options,
               std::unique_ptr<rocksdb::Env> env,
               std::unique_ptr<rocksdb::DB> db);

  absl::Status DoPut(absl::string_view key, absl::string_view value,
                     absl::Time expires) override;
  absl::Status DoReplay(ExpiringVisitor visitor) override;

  // Checks `operation` and the store, then commits it.
  absl::Status Write(const GroupCommit::Operation& operation);
  // Writes `batch` to RocksDB as one WriteBatch (GroupCommit's BatchWriter).
  absl::Status WriteBatch(
      absl::Span<const GroupCommit::Operation* const> batch);
  // Syncs RocksDB's WAL. Requires the writer role.
  absl::Status SyncWal();
  // kPeriodic's sync, every sync_interval on periodic_sync_'s thread.
  void PeriodicSync();

  absl::Status Usable() const;
  absl::Status Writable() const;
  // Converts a write's status, remembering a failure.
  absl::Status Written(const rocksdb::Status& status, absl::string_view what);

  // What the database's files hold, by RocksDB's estimate: the live data, and
  // the rest.
  struct FileBytes {
    uint64_t live;
    uint64_t garbage;
  };
  FileBytes EstimateFileBytes() const;

  // Calls `visit` with every key of `read` and its stored value, decoded
  // (rocksdb_internal.h), in key order. Counts the keys: GetStats().entries
  // is then exact until the next write. Requires the writer role, held since
  // `read`'s snapshot was taken, if it has one.
  // Stops at the first error `visit` returns, and returns it.
  absl::Status ReadEveryKey(const rocksdb::ReadOptions& read,
                            absl::FunctionRef<absl::Status(
                                const rocksdb::Slice& key,
                                const rocksdb_internal::StoredValue& stored)>
                                visit);
  // DataLoss for a value not stored as this store stores them.
  absl::Status NotStoredHere(absl::string_view key) const;

  const std::string path_;
  const RocksDbStoreOptions options_;
  std::unique_ptr<rocksdb::Env> env_;  // The database's; outlives it.
  std::unique_ptr<rocksdb::DB> db_;
  uint64_t next_sequence_;  // Used by the writer only.
  std::atomic<bool> closed_{false};
  // Set by the first failed write: RocksDB then holds the error (and its
  // WAL writer must not be synced again), so writes are refused until reopen.
  std::atomic<bool> write_failed_{false};
  std::atomic<uint64_t> puts_{0};
  std::atomic<uint64_t> deletes_{0};
  std::atomic<uint64_t> syncs_{0};
  std::atomic<uint64_t> compactions_{0};
  // The keys held, counted by the last Replay() or Verify(), while
  // entries_counted_: no write has come since. Written by the writer only.
  std::atomic<bool> entries_counted_{false};
  std::atomic<uint64_t> entries_{0};

  // Calls hold it shared; Close() holds it exclusive, so the database is
  // never closed under a call in flight.
  mutable std::shared_mutex lifetime_mu_;
  // Every write to RocksDB, and whatever must not overlap one, holds its
  // writer role. Gathers writers under kAlways, where each batch is synced.
  GroupCommit writes_{options_.durability == Durability::kAlways};
  // Syncs the WAL every sync_interval under kPeriodic, unless read-only.
  // Reset by Close(), which so waits for a sync under way.
  std::unique_ptr<persistence_internal::PeriodicThread> periodic_sync_;
};

}  // namespace gogocache

#endif  // GOGOCACHE_PERSISTENCE_ROCKSDB_STORE_H_
