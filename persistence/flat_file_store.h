// Copyright 2026 The gogocache Authors.
//
// FlatFileStore: a Store kept in one append-only log file (format in
// log_format.h), with an index of the live records in memory (key_index.h:
// by key hash, keys confirmed from the log, 18 to 37 bytes per key whatever
// the key's length). A log stops taking writes at 2^48 bytes, the most the
// index addresses (ResourceExhausted).
//
// Every Put() appends a record with the key, the value, its expiry when it
// has one (8 bytes) and a checksum; every Delete() appends a tombstone.
// Overwritten and deleted records are garbage. When garbage passes
// `compaction_garbage_ratio` of the file (and the file is at least
// `compaction_min_bytes`), a background thread rewrites the live records to
// `PATH.compact`, syncs it, renames it over PATH and syncs the directory: at
// every instant PATH is either the old log or the new one, both whole. Writers
// wait only while the records they appended during the copy are carried over,
// or when they outrun the compaction by compaction_min_bytes; nothing in the
// cache waits at all. The file therefore stays within live_bytes / (1 - ratio)
// + compaction_min_bytes + one record, plus the disk space reserved ahead for
// appends (below: 1/16 of that, at least 64 KiB; under kNone up to one and a
// half times that), plus up to 32 MiB of records the background thread has yet
// to index (so it does not know yet what they replace).
//
// Opening recovers the log: the header is checked (a newer format version or
// another kind of file is refused, FailedPrecondition), then every record's
// checksum. A last record cut short by a crash (log_format.h says what a
// crash can leave) is cut off and counted (recovered().torn_tail_bytes).
// Other damage is skipped and counted, with the rest of its 256 KiB block,
// or, with `strict`, refused (DataLoss naming the offset), at the end of the
// log as anywhere else. No byte of a value is ever read as a record, whatever
// the damage. A damaged record is never returned as data; but if it held a
// key's latest value, Replay() returns that key's previous value, when one is
// intact. A log of an earlier format version (1, or 2, which has no
// expiries) is read, and rewritten in the current version, as a compaction
// does, when opened for writing: until that rewrite has renamed the new log
// over the old one, the old log is there as it was.
//
// One writer: the log file itself is locked with flock() while the store is
// open, so a second store object or process opening it, by the same path or
// through a symbolic or hard link, gets FailedPrecondition instead of
// interleaving writes; a compaction locks the new log before renaming it
// over the path (symbolic links resolved: the file they lead to is
// replaced), and an opener that locked the old one tries again. A log with
// several hard links is refused for writing (the rename would part the
// names). No lock file is made. A read-only open (for `gogocache verify` and
// friends) takes the lock shared: it coexists with other
// readers only.
//
// After a crash, under each Durability (see store.h): kNone and kPeriodic
// keep every acknowledged write if only the process died; after a machine
// crash, kPeriodic keeps what was written up to about sync_interval before it,
// kNone what the OS had written back; kAlways keeps every acknowledged write.
// In no case is a partial or damaged record read back.
//
// A failed write (disk full, file-size limit) is rolled back (the file is cut
// back to its previous end) and reported as ResourceExhausted; the store goes
// on. A file-size limit (RLIMIT_FSIZE) fails the write without SIGXFSZ
// killing the process, whatever the signal's disposition. When compaction
// cannot run, the store says so: an open for writing is refused when
// PATH.compact cannot be created; a compaction that fails counts in
// compaction_errors; and a write that finds the log past its bound (below)
// with the last compaction failed tries one more and, if that fails too, is
// refused (ResourceExhausted naming the compaction's error). A failed fsync
// cannot be rolled back: the store then refuses all writes (FailedPrecondition
// naming the first error) until reopened.
//
// Appends under kNone and kPeriodic go through a shared memory mapping of
// the log: a record is copied into the OS page cache with no system call,
// which is what lets a single writer approach the device's sequential
// bandwidth. Under kAlways, where an fsync follows every append anyway, a
// record is written with pwrite, which leaves only its own blocks for the
// fsync to write. Disk space is reserved ahead, 1/16 of the file at a time
// (at least 64 KiB, at most 16 MiB): by writing zeros under kNone and
// kAlways, with posix_fallocate under kPeriodic; under kNone, past 32 MiB,
// in whole aligned 2 MiB pieces that the page cache keeps as 2 MiB folios,
// which a mapping maps one page-table entry each. So a full disk fails the
// reservation with an error rather than the copy with a fault. Under kNone
// the background thread claims the next reservation once appends pass half
// of the current one (so up to one and a half are ahead of the appends),
// and puts seldom stop to claim space themselves; if that claim fails (a
// full disk), the put that needs the space claims it and gets the error.
// Close() returns the unused space. A crash leaves it as zeros after the
// last record, which recovery recognises and drops (zero_tail_bytes, not
// damage).
//
// Group commit under kAlways: a thread that is about to fsync while other
// writers were active in the previous round first waits, briefly (at most half
// the last fsync's time), for them to append, so that one fsync covers them
// all instead of writers taking turns at their own.
//
// Thread safety: as Store. One mutex (mu_) guards all of the store's state,
// with one condition variable (changed_) that is notified whenever a wait's
// condition may have turned: a sync, an indexing batch, a reservation ahead
// or a compaction finished, or the store closed. fsyncs, compaction copies,
// indexing batches and reservations ahead run outside it. The background
// thread and its requests are a BackgroundWork (background_work.h), whose
// own mutex is only ever taken last.
//
// The code: flat_file_store.cc (appends, group commit, statistics),
// flat_file_background.cc (the background thread's jobs: indexing,
// reservations ahead, periodic syncs, compaction when due),
// flat_file_recovery.cc (opening a log), and flat_file_compaction.cc
// (compaction and Replay()), over log_file.h (the open file, its mapping and
// the disk space claimed ahead of appends).

#ifndef GOGOCACHE_PERSISTENCE_FLAT_FILE_STORE_H_
#define GOGOCACHE_PERSISTENCE_FLAT_FILE_STORE_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/base/optimization.h"
#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "persistence/key_index.h"
#include "persistence/store.h"

namespace gogocache {
namespace persistence_internal {
class BackgroundWork;
class LogFile;  // An open log file, shared with in-flight syncs and reads.
enum class LogWriting;
}  // namespace persistence_internal

// The most compaction_min_bytes may be: the most a log may hold.
inline constexpr uint64_t kMaxCompactionMinBytes = uint64_t{1} << 48;

// What the flat file takes on top of what every store does (store.h). Open
// read-only, it cuts nothing from the log (a torn tail stays) and never
// compacts.
struct FlatFileStoreOptions : StoreOptions {
  // Refuse to open a log with any damage but a last record cut short by a
  // crash (DataLoss naming the offset).
  bool strict = false;
  // Compact when garbage exceeds this fraction of the file, in (0, 1].
  double compaction_garbage_ratio = 0.5;
  // ... and the file is at least this large; at most 2^48 (256 TiB).
  uint64_t compaction_min_bytes = uint64_t{4} << 20;
};

// What a scan of a log found; see FlatFileStore::ScanLog.
struct LogReport {
  uint64_t file_bytes = 0;
  uint64_t records = 0;    // Valid records, puts and tombstones.
  uint64_t valid_end = 0;  // Where the last valid record ends.
  uint64_t puts = 0;
  uint64_t deletes = 0;
  uint64_t live_entries = 0;
  uint64_t live_bytes = 0;
  uint64_t garbage_bytes = 0;  // Everything else but the header.
  uint64_t torn_tail_bytes = 0;
  uint64_t zero_tail_bytes = 0;  // Preallocated, never written: not damage.
  uint64_t corrupt_regions = 0;
  uint64_t corrupt_bytes = 0;
  std::vector<std::pair<uint64_t, uint64_t>> corrupt;  // (offset, size)
  bool clean() const { return torn_tail_bytes == 0 && corrupt_regions == 0; }
};

class FlatFileStore : public Store {
 public:
  // Opens the log at `path`, creating it if absent. Errors: InvalidArgument
  // for a bad option; NotFound when the directory does not exist;
  // PermissionDenied; FailedPrecondition when `path` is a directory, not a
  // gogocache log, of a newer version, or already open; DataLoss in strict
  // mode; ResourceExhausted when the disk is full.
  static absl::StatusOr<std::unique_ptr<FlatFileStore>> Open(
      const std::string& path, FlatFileStoreOptions options = {});

  ~FlatFileStore() override;

  absl::Status Delete(absl::string_view key) override;
  absl::Status Sync() override;
  absl::Status Compact() override;
  // Counting keys needs every put indexed: while some wait for the
  // background thread (see unindexed_), this waits for it to index them and
  // count, and so, during a background compaction, for that compaction.
  StoreStats GetStats() const override;
  // ScanLog(), summed up; never DataLoss: every damage is read past.
  absl::StatusOr<StoreCheck> Verify() override;
  absl::Status Close() override;
  std::string spec() const override { return FormatStoreSpec("file", path_); }

  // What a scan of the log, record by record, finds; changes nothing, and
  // damage is reported, not an error. Open read-only, that is the scan made
  // at open: no writer can have changed the log since (the lock is shared).
  // Open for writing, it scans the log as of the call (calling
  // options.progress), with an index of its own (18 to 37 bytes per key
  // held); a torn tail was cut at open, so only damage skipped then remains.
  // FailedPrecondition once closed.
  absl::StatusOr<LogReport> ScanLog() const;

  // What the scan at open found, before it cut a torn tail. Set before
  // Open() returns and never changed: safe to read from any thread.
  const LogReport& recovered() const { return recovered_; }

  const std::string& path() const { return path_; }

 private:
  using LogFile = persistence_internal::LogFile;
  using LogWriting = persistence_internal::LogWriting;
  using Location = persistence_internal::KeyIndex::Location;
  using HashedLocation = persistence_internal::KeyIndex::HashedLocation;

  // The background thread's jobs (BackgroundWork's bits).
  enum Job : uint32_t {
    kReserveAheadJob = 1,
    kIndexJob = 2,
    kStatsJob = 4,
    kCompactJob = 8,
  };

  FlatFileStore(std::string path, std::string file_path,
                FlatFileStoreOptions options);

  absl::Status DoPut(absl::string_view key, absl::string_view value,
                     absl::Time expires) override;
  absl::Status DoReplay(ExpiringVisitor visitor) override;

  // Recovers the log open and locked at `fd`, which it takes.
  absl::Status Recover(int fd);
  // The live records in file order, with the file and its end, as of now;
  // FailedPrecondition when closed (or, `for_writing`, not writable).
  struct LiveRecords;
  absl::StatusOr<LiveRecords> SnapshotLive(bool for_writing);
  absl::Status Append(bool tombstone, absl::string_view key,
                      absl::string_view value, absl::Time expires);
  // Waits until the first `target` bytes ever appended are synced, syncing
  // them itself unless another thread's sync is under way (group commit).
  absl::Status SyncTo(std::unique_lock<std::mutex>& lock, uint64_t target,
                      bool group_commit = false);
  // Indexes unindexed_. Requires mu_ and !indexing_.
  void IndexAppended();
  absl::Status Writable() const;      // Requires mu_.
  bool UnindexedOverMaximum() const;  // Requires mu_.
  bool CompactionDue() const;         // Requires mu_.
  bool OverHardBound() const;         // Requires mu_.
  // The statistics as of now. Requires mu_ and unindexed_ empty.
  StoreStats CurrentStats() const;
  // Asks the background thread for a compaction. Requires mu_.
  void RequestCompaction();
  // How appends reach the log and how its disk space is claimed ahead of
  // them, by durability (LogFile::Allocate says why).
  LogWriting Writing() const;
  // One compaction at a time: waits for any other to finish first.
  absl::Status CompactOnce();
  // CompactOnce()'s work, with no other compaction under way.
  absl::Status CompactNow();

  // The background thread's jobs (flat_file_background.cc), each taking mu_
  // itself. RunJobs() runs the requested `jobs` in a fixed order, and under
  // kPeriodic a sync, on every wake-up.
  void RunJobs(uint32_t jobs);
  // Claims the log's next reservation ahead of the appends
  // (LogFile::PlanAhead), with mu_ released while it writes.
  void ReserveAhead();
  // Indexes the puts waiting in unindexed_, with mu_ released meanwhile.
  void IndexInBackground();
  // Indexes every put waiting and publishes the statistics for GetStats().
  void PublishStats();
  void CompactInBackground();

  const std::string path_;       // As given: for messages and spec().
  const std::string file_path_;  // Links resolved: for renames.
  const FlatFileStoreOptions options_;

  mutable std::mutex mu_;
  // Notified (all) whenever a condition waited for under mu_ may have turned.
  mutable std::condition_variable changed_;
  std::shared_ptr<LogFile> file_ ABSL_GUARDED_BY(mu_);
  uint64_t end_ ABSL_GUARDED_BY(mu_) = 0;  // Of the last record in file_.
  // file_'s format version: the current one, but for a log of an earlier
  // version between its recovery and its rewrite at open (or open
  // read-only).
  uint32_t version_ ABSL_GUARDED_BY(mu_) = 0;
  // The index, and the puts appended but not in it yet. A put only queues
  // its record's location (and key hash) in unindexed_; the background
  // thread indexes them a batch at a time (KeyIndex::SetAll, so that their
  // cache misses overlap) without holding mu_, which takes indexing (random
  // probes of a large table, much of a small put's work) off the writers'
  // path and out of the lock they share. Whatever reads the index (a delete,
  // Replay(), compaction) first waits for the background thread's batch and
  // indexes the rest itself; so does a writer that finds the maximum waiting
  // (the background thread being busy compacting). GetStats(), which changes
  // nothing, has the background thread do it (PublishStats()). Until then
  // live_bytes_ counts the waiting records but not what they replace, so
  // compaction may start up to 32 MiB of them late.
  // index_ belongs to the background thread while indexing_ is true and to
  // whoever holds mu_ otherwise. It has cache lines of its own: the
  // background thread writes its count with every key, and a writer whose
  // fields shared the line would take a cache miss on every put.
  alignas(ABSL_CACHELINE_SIZE) persistence_internal::KeyIndex index_;
  alignas(ABSL_CACHELINE_SIZE) std::vector<HashedLocation> unindexed_
      ABSL_GUARDED_BY(mu_);
  uint64_t unindexed_bytes_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t live_bytes_ ABSL_GUARDED_BY(mu_) = 0;
  bool indexing_ ABSL_GUARDED_BY(mu_) = false;
  // The background thread's batch being indexed, swapped with unindexed_
  // so that both keep their capacity. Only that thread touches it.
  std::vector<HashedLocation> index_batch_;
  // What PublishStats() counted last, and how many times it has.
  StoreStats published_stats_ ABSL_GUARDED_BY(mu_);
  uint64_t stats_published_ ABSL_GUARDED_BY(mu_) = 0;
  // Bytes ever appended, and how many of them are known synced; unlike
  // offsets these survive compaction.
  uint64_t appended_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t synced_ ABSL_GUARDED_BY(mu_) = 0;
  bool sync_running_ ABSL_GUARDED_BY(mu_) = false;  // SyncTo()'s fsync.
  // Group commit: records appended and synced, threads inside SyncTo now and
  // at most during the current fsync, writers seen in the last round, and
  // how long the last fsync took.
  // Written under mu_; read without it by a leader waiting for appends.
  std::atomic<uint64_t> appended_records_{0};
  uint64_t synced_records_ ABSL_GUARDED_BY(mu_) = 0;
  int in_sync_ ABSL_GUARDED_BY(mu_) = 0;
  int peak_in_sync_ ABSL_GUARDED_BY(mu_) = 0;
  int round_writers_ ABSL_GUARDED_BY(mu_) = 1;
  absl::Duration last_sync_ ABSL_GUARDED_BY(mu_);
  absl::Status failed_ ABSL_GUARDED_BY(mu_);  // Sticky, after a failed sync.
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  // A compaction is under way (any thread's): compactions take turns.
  bool compacting_ ABSL_GUARDED_BY(mu_) = false;
  // Background compactions asked for, and how many of those requests a
  // finished compaction (or Close()) has answered: while some are not,
  // writers past the bound wait.
  uint64_t compaction_requests_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t compaction_requests_done_ ABSL_GUARDED_BY(mu_) = 0;
  // Space is being claimed ahead of the appends (ReserveAhead()).
  bool reserving_ahead_ ABSL_GUARDED_BY(mu_) = false;
  // After a failed compaction, none is tried before the file reaches this,
  // but by a writer past the bound; and the failure, until one succeeds.
  uint64_t compaction_retry_end_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Status compaction_error_ ABSL_GUARDED_BY(mu_);
  StoreStats counters_ ABSL_GUARDED_BY(mu_);
  LogReport recovered_;  // What Recover() found; set once, before use.
  // The background thread; none when read-only. Set by Open() before the
  // store is shared; Stop()ped by Close().
  std::unique_ptr<persistence_internal::BackgroundWork> work_;
};

}  // namespace gogocache

#endif  // GOGOCACHE_PERSISTENCE_FLAT_FILE_STORE_H_
