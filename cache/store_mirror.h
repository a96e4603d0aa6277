// Copyright 2026 The gogocache Authors.
//
// StoreMirror: the one path by which a CacheGroup's writes reach its shards,
// and, when the group has a Store, the store too, so that the store holds
// what the shards hold. It owns the write-through, the deletion of evicted
// keys (fed by each insert's eviction report), the per-key locks that order a
// key's writes and deletes, and the store's counters. Without a store it only
// inserts and erases, taking no lock.
//
// Expiry: each value goes to the store with its entry's expiry, and comes
// back from it with that expiry; what expired while no process held the
// store is deleted from it at Replay(), never served. A remembered NotFound
// stays in memory only.
//
// Order: writes and deletes of one key run under that key's lock (one of
// kKeyLocks, chosen by hash), so memory and the store agree on its value. No
// shard lock is held during store I/O. An evicted key is deleted from the
// store under its own lock, and only if it is still not in memory: another
// thread may have set it again since its eviction.
//
// Thread safety: every method may be called from any number of threads.

#ifndef GOGOCACHE_CACHE_STORE_MIRROR_H_
#define GOGOCACHE_CACHE_STORE_MIRROR_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "cache/byte_view.h"
#include "cache/cache_shard.h"
#include "hash/hash_strategy.h"
#include "persistence/store.h"

namespace gogocache {

struct StoreMirrorStats {
  uint64_t replayed = 0;        // entries loaded from the store by Replay()
  uint64_t replay_expired = 0;  // ... found expired there, and deleted
  uint64_t writes = 0;          // successful writes through
  uint64_t deletes = 0;         // successful deletes (removal, eviction)
  uint64_t write_errors = 0;    // failed writes and deletes
};

class StoreMirror {
 public:
  static constexpr size_t kKeyLocks = 256;

  // Mirrors into `store`, or into nothing when it is null. `hash` is the
  // group's, which chose each key's shard.
  StoreMirror(std::shared_ptr<Store> store, HashStrategy hash);

  StoreMirror(const StoreMirror&) = delete;
  StoreMirror& operator=(const StoreMirror&) = delete;

  // Loads the store into the shards, oldest first, so that when not all fit
  // the newest stay. `shard_for` names a hash's shard; keys `accept` refuses,
  // and entries that do not fit, are deleted from the store. Each entry is
  // restored with the expiry it was stored with, made into the shard's
  // EntryExpiry by `expiry_of`; an entry whose expiry is at or before `now`
  // (it expired while no process held it) is not restored but deleted from
  // the store, and counted in replay_expired. Returns the store's error when
  // it cannot be read. Call before any other method.
  absl::Status Replay(
      absl::FunctionRef<CacheShard&(uint64_t hash)> shard_for,
      absl::FunctionRef<bool(absl::string_view key)> accept, absl::Time now,
      absl::FunctionRef<EntryExpiry(absl::Time expires)> expiry_of);

  // Keeps a getter's `value` in `shard` and writes it through with
  // `expiry.expires`. A failed write is counted and the value still kept: it
  // is only absent after a restart. Returns the view of the kept copy, or of
  // a copy of `value` when it is too large for the shard (counted there in
  // too_large).
  ByteView Fill(absl::string_view key, uint64_t hash, CacheShard& shard,
                absl::string_view value, const EntryExpiry& expiry);

  // Keeps a getter's NotFound (`message`, with `expiry.not_found` set) in
  // `shard`, in memory only: the store holds values, so an older value of
  // the key is deleted from it.
  void FillNotFound(absl::string_view key, uint64_t hash, CacheShard& shard,
                    absl::string_view message, const EntryExpiry& expiry);

  // Stores `value` as a Set does: the store first (with `expiry.expires`);
  // on its error, returned, nothing changes in memory or in the store. A
  // value too large for the shard drops the key's older value from both
  // (false in `*inserted`).
  absl::Status Set(absl::string_view key, uint64_t hash, CacheShard& shard,
                   absl::string_view value, const EntryExpiry& expiry,
                   bool* inserted);

  // Removes `key` from the store and from `shard`; on the store's error,
  // returned, the key stays in both. When `owned` is false the key is
  // deleted from the store only if it is in memory (held from an older peer
  // list): the store holds nothing else of a key owned elsewhere.
  absl::Status Remove(absl::string_view key, uint64_t hash, CacheShard& shard,
                      bool owned);

  StoreMirrorStats GetStats() const;

 private:
  struct alignas(64) PaddedMutex {
    std::mutex mu;
  };

  std::mutex& KeyLock(uint64_t hash) {
    // The low bits: the shard was chosen by the high ones.
    return key_locks_[hash % kKeyLocks].mu;
  }
  // Counts a store call's outcome in `done` or in write_errors_.
  void Count(const absl::Status& status, std::atomic<uint64_t>& done);
  // Deletes from the store the keys `shard` evicted that it still lacks.
  void DeleteEvicted(CacheShard& shard, const std::vector<std::string>& keys);

  const std::shared_ptr<Store> store_;
  const HashStrategy hash_;
  std::unique_ptr<PaddedMutex[]> key_locks_;  // Only with a store.
  std::atomic<uint64_t> replayed_{0};
  std::atomic<uint64_t> replay_expired_{0};
  std::atomic<uint64_t> writes_{0};
  std::atomic<uint64_t> deletes_{0};
  std::atomic<uint64_t> write_errors_{0};
};

}  // namespace gogocache

#endif  // GOGOCACHE_CACHE_STORE_MIRROR_H_
