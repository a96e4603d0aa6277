// Copyright 2026 The gogocache Authors.
//
// Store: where a CacheGroup keeps a copy of its contents so that a restarted
// process comes back warm. Every backend (the flat-file log, RocksDB)
// implements this interface; which one a program uses is a configuration
// string handed to OpenStore() (persistence/open.h), not a code change.
//
// A store holds at most one value per key, each with its expiry: the instant
// from which the value is stale, or absl::InfiniteFuture() for never. Put()
// replaces, Delete() removes, Replay() hands back what is held, each key once
// with its latest value and that value's expiry, oldest write first, so that
// inserting them in that order into an LRU cache leaves the most recently
// written entries as the most recently used. A store keeps expiries but never
// acts on them: an expired value stays until it is deleted or replaced, and
// Replay() hands it back with its expiry, for the caller to drop (a
// CacheGroup deletes what expired while it was down; cache/store_mirror.h).
//
// Durability: what a successful Put() or Delete() promises after a crash
// depends on the store's Durability (below); it is the same for every backend.
//
// Errors: every call returns an absl::Status naming the store's path and what
// went wrong. A failed Put() or Delete() leaves the store as it was before the
// call (the value held for the key is the old one). After Close(), every call
// but Close() fails with FailedPrecondition.
//
// Thread safety: every method may be called from any number of threads at
// once. Replay() and Verify() may run concurrently with writes; they then
// see each key's value as of some moment during the call.

#ifndef GOGOCACHE_PERSISTENCE_STORE_H_
#define GOGOCACHE_PERSISTENCE_STORE_H_

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "base/cxx17.h"

namespace gogocache {

// When an acknowledged write reaches stable storage.
enum class Durability {
  // Each write is handed to the operating system before it returns: it
  // survives the process crashing (even SIGKILL) but not the machine losing
  // power, which may drop the most recent writes.
  kNone,
  // As kNone, and a background thread syncs at most every sync_interval:
  // a machine crash loses at most about that much time of writes.
  kPeriodic,
  // A write returns only after it is on stable storage (fdatasync, or
  // RocksDB's synced WAL). Concurrent writers share one sync (group commit).
  kAlways,
};

// The periodic sync intervals every store accepts: at least a millisecond,
// and at most an hour, so that a wait for the next sync cannot overflow.
inline constexpr absl::Duration kMinSyncInterval = absl::Milliseconds(1);
inline constexpr absl::Duration kMaxSyncInterval = absl::Hours(1);

// OK, or InvalidArgument naming `interval` and the range it is outside.
absl::Status CheckSyncInterval(absl::Duration interval);

// Parses "none", "periodic" or "always"; InvalidArgument naming `text`
// otherwise.
absl::StatusOr<Durability> ParseDurability(absl::string_view text);
absl::string_view DurabilityName(Durability durability);

// The spec of the store of `scheme` ("file", "rocksdb") at `path`, as
// OpenStore() reads it (persistence/open.h): "SCHEME:PATH" with each '%' of
// the path written "%25" and each '?' written "%3F", every other byte as it
// is. ParseStoreSpec() of the result gives back `scheme` and `path` exactly,
// so the spec of a path without '%' or '?' is "SCHEME:" and the path.
std::string FormatStoreSpec(absl::string_view scheme, absl::string_view path);

// What every backend takes when it opens (see each backend's header for what
// it adds: FlatFileStoreOptions, RocksDbStoreOptions).
struct StoreOptions {
  Durability durability = Durability::kNone;
  // How often kPeriodic syncs: from kMinSyncInterval to kMaxSyncInterval,
  // checked whatever the durability (InvalidArgument otherwise).
  absl::Duration sync_interval = absl::Milliseconds(100);
  // Reads only: writes and compactions are refused (FailedPrecondition), and
  // the open creates nothing (a missing store is NotFound).
  bool read_only = false;
  // Create the store when it does not exist. When false, a missing store is
  // NotFound and nothing is created.
  bool create_if_missing = true;
  // Called with (bytes done, total bytes) while the store reads through all
  // of its data, by a backend that does (the flat file, at open and in
  // Verify()); from the thread of that call.
  std::function<void(uint64_t done, uint64_t total)> progress;
};

// A store's counters. Every backend fills every field.
struct StoreStats {
  // Keys held: exact for the flat file; for RocksDB exact from a Replay() or
  // Verify() until the next write, and RocksDB's estimate otherwise (see
  // rocksdb_store.h). Verify() counts them exactly on every backend.
  uint64_t entries = 0;
  uint64_t live_bytes = 0;         // Bytes of the records of those keys.
  uint64_t garbage_bytes = 0;      // Bytes on disk that compaction would drop.
  uint64_t puts = 0;               // Successful Put() calls since open.
  uint64_t deletes = 0;            // Successful Delete() calls since open.
  uint64_t syncs = 0;              // Syncs to stable storage since open.
  uint64_t compactions = 0;        // Compactions completed since open.
  uint64_t compaction_errors = 0;  // Background compactions that failed.
};

// What Store::Verify() found, for a program (`entries`, clean()) and for a
// person (`damage`, `details`).
struct StoreCheck {
  // Keys held, each counted as it was read.
  uint64_t entries = 0;
  // The damage read past, summed up ("1 corrupt regions (130 bytes), the
  // first at offset 4096; torn tail of 0 bytes"); empty when every checksum
  // matched.
  std::string damage;
  // The rest of what was found, as (name, value) lines for a person, in the
  // backend's own terms: its sizes, and the flat file's records and damaged
  // regions.
  std::vector<std::pair<std::string, std::string>> details;

  bool clean() const { return damage.empty(); }
};

class Store {
 public:
  // Called by Replay() for each key held, with its value and its expiry.
  using ExpiringVisitor = absl::FunctionRef<void(
      absl::string_view key, absl::string_view value, absl::Time expires)>;
  // The same without the expiry, for callers that have no use for it.
  using Visitor =
      absl::FunctionRef<void(absl::string_view key, absl::string_view value)>;

  virtual ~Store() = default;

  // Stores `value` under `key` (non-empty), replacing any older value and its
  // expiry. `expires` is when the value turns stale (absl::InfiniteFuture(),
  // the default: never); a finite one is kept to the nanosecond from the
  // year 1678 to 2262, and as the nearer end of that range outside it.
  absl::Status Put(absl::string_view key, absl::string_view value,
                   absl::Time expires = absl::InfiniteFuture()) {
    return DoPut(key, value, expires);
  }

  // Removes `key`; deleting an absent key is OK.
  virtual absl::Status Delete(absl::string_view key) = 0;

  // Calls `visitor` once for every key held, with its latest value and that
  // value's expiry as Put() kept it (InfiniteFuture() for never), in the
  // order the values were written (oldest first), expired values included.
  // The views are valid only during the call. `visitor` must not call back
  // into this store.
  absl::Status Replay(ExpiringVisitor visitor) { return DoReplay(visitor); }
  // As above, without the expiries.
  absl::Status Replay(Visitor visitor) {
    return DoReplay([visitor](absl::string_view key, absl::string_view value,
                              absl::Time) { visitor(key, value); });
  }

  // Puts every acknowledged write on stable storage, whatever the policy.
  virtual absl::Status Sync() = 0;

  // Drops garbage now (overwritten and deleted records) and waits for it.
  virtual absl::Status Compact() = 0;

  virtual StoreStats GetStats() const = 0;

  // Reads everything the store holds, checking every checksum, and counts
  // the keys; changes nothing. Damage the backend can read past (the flat
  // file skips a damaged region) is reported in the result, not as an
  // error; damage it cannot (RocksDB stops at the first bad block) is
  // DataLoss naming it. Takes as long as reading the store, except for a
  // flat file opened read-only, whose open has read the log already (see
  // flat_file_store.h).
  virtual absl::StatusOr<StoreCheck> Verify() = 0;

  // Syncs and releases the files. Idempotent; the destructor calls it.
  virtual absl::Status Close() = 0;

  // The spec this store was opened from ("file:/path", "rocksdb:/path").
  virtual std::string spec() const = 0;

 protected:
  // Put() and Replay(), as each backend (and each wrapper of a store)
  // implements them. Put() and Replay() themselves are not virtual, so that
  // their overloads and default argument are declared once, here, and no
  // class that implements these hides them.
  virtual absl::Status DoPut(absl::string_view key, absl::string_view value,
                             absl::Time expires) = 0;
  virtual absl::Status DoReplay(ExpiringVisitor visitor) = 0;
};

}  // namespace gogocache

#endif  // GOGOCACHE_PERSISTENCE_STORE_H_
