// Copyright 2026 The gogocache Authors.
//
// CacheGroup: a byte-bounded, sharded, in-memory cache that fills itself.
//
// Get(key) answers from memory when it can. On a miss it calls the group's
// Getter once, however many threads miss the same key at the same time (they
// share the one call and its result or its error), keeps the value and returns
// it. Memory is bounded by `capacity_bytes`, split evenly across `num_shards`
// shards, each evicting by `eviction`; a key's shard is chosen by the group's
// HashStrategy, computed once per call.
//
//   CacheGroupOptions options;
//   options.name = "users";
//   options.capacity_bytes = 256 << 20;
//   options.getter = MakeGetter([&](absl::string_view key) {
//     return database.Load(key);  // absl::StatusOr<std::string>
//   });
//   absl::StatusOr<std::unique_ptr<CacheGroup>> group =
//       CacheGroup::Create(std::move(options));
//   if (!group.ok()) return group.status();
//   absl::StatusOr<ByteView> value = (*group)->Get("user:42");
//
// Errors, by call:
//   Create  InvalidArgument naming the option that is out of range.
//   Get     InvalidArgument for an empty key or one longer than max_key_size;
//           NotFound on a miss when the group has no getter; otherwise the
//           getter's own error, unchanged, to every caller that shared the
//           call. Errors are never cached.
//   Set     InvalidArgument for a bad key; ResourceExhausted when the entry is
//           larger than a shard (nothing is stored, an older value of the key
//           is dropped).
//   Remove  InvalidArgument for a bad key; removing an absent key is OK.
//   With peers, Set and Remove of a key owned elsewhere return the owner's
//   error, or the failed call's (Unavailable, DeadlineExceeded, ...), each
//   naming the peer.
//
// A value returned by Get is a ByteView: it shares the cached bytes without
// copying them and stays valid after the entry is evicted. An empty value is a
// value: it is cached and returned like any other. A loaded value too large for
// a shard is returned to its callers but not cached (counted in too_large).
//
// Persistence (optional, CacheGroupOptions::store): the store mirrors what
// the group holds. Every insert (a Set or a getter fill) is written through
// to it; Remove and eviction delete from it. Create() replays the store, in
// write order, into the shards before the group serves, so a restarted
// process comes back warm with the most recently written entries that fit.
// Each value is stored with its expiry and restored with it; what expired
// while no process held the store is deleted from it at Create(), never
// served (a group with expiry off restores the rest without expiry). A
// remembered NotFound (not_found_ttl) is kept in memory only.
// Writes and deletes of one key are ordered by a per-key lock, so the store
// and the memory agree on its value; no shard lock is held during store I/O,
// and hits never touch the store or the key locks.
//   - A Set whose store write fails returns that error and changes nothing
//     (memory keeps the older value, as does the store); counted in
//     store_write_errors.
//   - A getter fill whose store write fails is still cached and returned;
//     the entry is then simply absent after a restart. Counted.
//   - A Remove whose store delete fails returns the error and changes nothing.
//   - An eviction whose store delete fails is counted; the entry then comes
//     back at the next start, where it is evicted again if it does not fit.
// What survives a crash is what the store's Durability promises for the
// writes the group made (persistence/store.h): with kAlways, every
// acknowledged Set; with kNone, everything written before a process crash.
//
// Peers (optional, CacheGroupOptions::peers): the group is one part of a
// cache spread over several processes, each key owned by one of them
// (cache/peers.h). A miss goes, in this order, through the shard, the hot
// cache, the single flight, then the owner: a peer, asked once for all the
// callers that missed together, or this process's getter. Only the owner's
// group holds a key as its own (and writes it to its store); values another
// owner answered are kept in the hot cache, a share of capacity_bytes set
// aside (hot_cache_bytes) so that a popular key is not a network hop every
// time.
//   - The owner's answer reaches the caller as it was: its value, or its
//     getter's error with code and message unchanged; a key the owner does
//     not have is not loaded again here.
//   - An owner that gives no answer (down, slower than the peer call's
//     deadline, refusing the request) is counted in peer_errors, and this
//     process loads the key with its own getter, into the hot cache.
//   - A copy is kept only if no Set or Remove of its key reached this
//     process while it was being fetched, so none outlives a newer value.
//   - Requests from peers (the *ForPeer calls, made by a peer server) are
//     answered from this process alone and never forwarded: processes whose
//     peer lists disagree cannot bounce a key between them.
//   - Set goes to the owner; Remove removes at the owner, and returns its
//     error. Both then drop the key from every other process (their hot
//     caches, and any entry they hold from an older peer list), all at
//     once, also after a failed Set (which may have dropped the owner's
//     older value). A process that cannot be reached then is counted in
//     peer_errors, not reported: its hot cache is empty when it comes back.
//     Entries it held as owner from an older list and wrote to its store,
//     however, come back with the store and are served until evicted or
//     removed again.
// Without peers none of this runs, and a hit costs what it did.
//
// Thread safety: every method may be called from any number of threads.
// No lock is held while the getter runs or a peer is called.

#ifndef GOGOCACHE_CACHE_CACHE_GROUP_H_
#define GOGOCACHE_CACHE_CACHE_GROUP_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/base/optimization.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "base/cxx17.h"
#include "cache/byte_view.h"
#include "cache/eviction_policy.h"
#include "cache/peers.h"
#include "hash/hash_strategy.h"
#include "hash/shard_selector.h"
#include "loader/clock.h"
#include "loader/context.h"
#include "loader/getter.h"
#include "loader/singleflight.h"
#include "persistence/store.h"

namespace gogocache {

class BackgroundTasks;  // cache/background_tasks.h
class CacheShard;       // cache/cache_shard.h
class HotCache;         // cache/hot_cache.h
class StoreMirror;      // cache/store_mirror.h
struct EntryExpiry;     // cache/cache_shard.h
struct ShardHit;        // cache/cache_shard.h

struct CacheGroupOptions {
  // Names the group in errors and statistics. Must not be empty.
  std::string name = "gogocache";

  // Memory bound for all shards together, charging each entry its key and
  // value sizes plus CacheGroup::kEntryOverhead. Each shard gets
  // capacity_bytes / num_shards, which must be at least kMinShardCapacity.
  size_t capacity_bytes = size_t{64} << 20;

  // Number of shards, 1 to kMaxShards. More shards, less lock contention.
  uint32_t num_shards = 16;

  // Picks a key's shard (hash/hash_strategy.h). The default is XXH3.
  HashStrategy hash = HashStrategy::Xxh3();

  // Fills misses. Optional: without it a miss is NotFound.
  std::shared_ptr<Getter> getter;

  // Longest key accepted, 1 to kMaxKeySize bytes.
  size_t max_key_size = 4096;

  // What each shard evicts first (cache/eviction_policy.h). The default,
  // kAdaptive, runs LRU, LIRS or Window TinyLFU per shard, whichever
  // miniature simulations of the three on a sample of its keys find better;
  // kLru is the Go original's policy.
  EvictionPolicy eviction = EvictionPolicy::kAdaptive;

  // Optional persistent copy of the contents (see above), e.g. from
  // OpenStore("file:/var/cache/app.log"). Shared: the group uses it from
  // Create() until destruction, and does not close it.
  std::shared_ptr<Store> store;

  // Optional: the other processes this group's keys are spread over (see
  // above; peer/ makes them over gRPC). Shared, used until destruction.
  std::shared_ptr<Peers> peers;

  // With peers: the bytes of capacity_bytes kept for the hot cache, copies of
  // values other owners answered. 0 means capacity_bytes / 8, groupcache's
  // share. The hot cache is sharded like the rest (num_shards shards, each at
  // least kMinShardCapacity) and evicts by `eviction` too, whose admission
  // keeps keys fetched once from pushing out keys fetched often.
  size_t hot_cache_bytes = 0;

  // Expiry (see above). Off by default. With it on, each entry carries its
  // deadline, CacheShard::kExpiryBytes more of charge (and
  // CacheShard::kRefreshBytes more again with refresh_ahead).
  //
  // Time to live after each write (a getter's fill, a Set) of a value
  // without an expiry of its own; InfiniteDuration() for none. A finite
  // value turns expiry on.
  absl::Duration expire_after_write = absl::InfiniteDuration();
  // Turns expiry on for values with an expiry of their own (a getter's
  // Loaded::expires, Set's `expires`) without a default.
  bool per_entry_expiry = false;
  // Refresh ahead, in [0, 1): a hit in the last `refresh_ahead` fraction of
  // an entry's life returns the value at once and starts one background
  // reload of the key. 0 is off; needs expiry.
  double refresh_ahead = 0;
  // Negative caching: how long a getter's NotFound is remembered and given
  // back to Gets without calling the getter; zero for never. The entry holds
  // the error's message and is charged like any other. Turns expiry on.
  absl::Duration not_found_ttl = absl::ZeroDuration();
  // Reads the time for expiry and for Context deadlines. Null: the system
  // clock. Tests give a ManualClock (loader/manual_clock.h).
  std::shared_ptr<Clock> clock;
};

struct CacheGroupStats {
  // groupcache's figures.
  uint64_t gets = 0;   // Get() calls with a valid key
  uint64_t hits = 0;   // ... answered from memory
  uint64_t loads = 0;  // ... that missed and went to the getter path
  // ... of which led a load (groupcache's LoadsDeduped: loads after the
  // single flight), and of which waited for another caller's load instead.
  uint64_t loads_deduped = 0;
  uint64_t loads_shared = 0;
  uint64_t local_loads = 0;        // getter calls that returned a value
  uint64_t local_load_errors = 0;  // getter calls that returned an error
  // The cache's figures, summed over the shards.
  uint64_t bytes = 0;      // charged bytes held (see CacheGroupOptions)
  uint64_t items = 0;      // entries held
  uint64_t evictions = 0;  // entries dropped to make room
  uint64_t too_large = 0;  // values larger than a shard, not cached
  uint64_t capacity_bytes = 0;
  // Persistence (all zero without a store).
  uint64_t store_replayed = 0;      // entries loaded from the store at Create
  uint64_t store_writes = 0;        // successful writes through
  uint64_t store_deletes = 0;       // successful deletes (Remove, eviction)
  uint64_t store_write_errors = 0;  // failed writes and deletes
  // Peers (all zero without peers), named after groupcache's.
  uint64_t peer_loads = 0;   // misses the owner peer answered (value or error)
  uint64_t peer_errors = 0;  // peer calls that failed (a Get: no answer)
  uint64_t served_for_peers = 0;  // requests from peers answered here
  uint64_t hot_hits = 0;   // hits on the hot cache (also counted in `hits`)
  uint64_t hot_bytes = 0;  // charged bytes in the hot cache (also in `bytes`)
  uint64_t hot_items = 0;  // entries in the hot cache (also in `items`)
  // Expiry and contexts (all zero without them).
  uint64_t expirations = 0;      // expired entries dropped
  uint64_t refreshes = 0;        // background reloads started by refresh_ahead
  uint64_t negative_hits = 0;    // Gets answered NotFound from memory
  uint64_t abandoned_waits = 0;  // Gets whose Context ended before the load

  // Hits over gets; 0 before the first Get.
  double hit_ratio() const {
    return gets == 0 ? 0.0 : static_cast<double>(hits) / gets;
  }

  // Every counter, one "name=value" after another, and the hit ratio.
  std::string ToString() const;

  // ToString(), for Abseil's formatting (absl::StrCat and absl::StrFormat's
  // %v, in Abseil versions with AbslStringify) and for streams.
  template <typename Sink>
  friend void AbslStringify(Sink& sink, const CacheGroupStats& stats) {
    sink.Append(stats.ToString());
  }
  friend std::ostream& operator<<(std::ostream& out,
                                  const CacheGroupStats& stats) {
    return out << stats.ToString();
  }
};

class CacheGroup {
 public:
  static constexpr uint32_t kMaxShards = 1u << 12;
  static constexpr size_t kMaxKeySize = 1u << 20;
  // Bytes charged per entry beyond its key and value: the entry's header,
  // its slot in the shard's table and the allocator's rounding, so that
  // capacity_bytes bounds the memory really used.
  static constexpr size_t kEntryOverhead = 64;
  // Bytes of capacity_bytes an entry of these sizes takes.
  static constexpr size_t Charge(size_t key_size, size_t value_size) {
    return key_size + value_size + kEntryOverhead;
  }
  static constexpr size_t kMinShardCapacity = 4 * kEntryOverhead;
  // Most refreshes running at once; a hit due for one when as many run
  // starts none (a later hit will).
  static constexpr size_t kMaxRefreshes = 16;

  // A group with `options`, or InvalidArgument naming the bad option. With a
  // store, its contents are loaded first; a failure to read it is returned.
  static absl::StatusOr<std::unique_ptr<CacheGroup>> Create(
      CacheGroupOptions options);

  ~CacheGroup();

  CacheGroup(const CacheGroup&) = delete;
  CacheGroup& operator=(const CacheGroup&) = delete;

  // The value of `key`: from memory, or loaded once through the getter.
  absl::StatusOr<ByteView> Get(absl::string_view key);

  // Get() for a caller with a deadline or a way to cancel: when `context`
  // ends before the value is there, DeadlineExceeded or Cancelled, at once,
  // while the load goes on for the other callers and fills the cache. The
  // getter receives the context of the caller whose miss started the load.
  absl::StatusOr<ByteView> Get(absl::string_view key, const Context& context);

  // Stores a copy of `value` under `key`, replacing any older value. With
  // expiry on, it expires at `expires`, or by expire_after_write when not
  // given (`expires` is ignored with expiry off). With peers, at the key's
  // owner: its error, or the call's.
  absl::Status Set(absl::string_view key, absl::string_view value,
                   std::optional<absl::Time> expires = std::nullopt);

  // Drops `key` from memory if present. With peers, at the key's owner
  // first: its error, or the call's, and nothing else is dropped.
  absl::Status Remove(absl::string_view key);

  // The calls a peer server makes for requests from other processes: the
  // same as Get, Set and Remove, answered by this process alone, as the
  // owner, never forwarded to a peer. Counted in served_for_peers, not in
  // gets. With a value, `*expires` (when not null) is set to when this
  // process stops serving it: no copy may outlive that.
  absl::StatusOr<ByteView> GetForPeer(absl::string_view key,
                                      absl::Time* expires = nullptr);
  // GetForPeer's answer when this process holds `key` as its own (true, and
  // `*value` set), without waiting on anything; false otherwise, counting
  // nothing.
  bool GetForPeerIfHeld(absl::string_view key, ByteView* value,
                        absl::Time* expires = nullptr);
  // GetForPeer, unless it would wait for a load of `key` already running
  // (for a peer or a Get): then std::nullopt at once, counting nothing.
  std::optional<absl::StatusOr<ByteView>> GetForPeerUnlessLoading(
      absl::string_view key, absl::Time* expires = nullptr);
  absl::Status SetForPeer(absl::string_view key, absl::string_view value,
                          std::optional<absl::Time> expires = std::nullopt);
  absl::Status RemoveForPeer(absl::string_view key);

  // A snapshot of the counters; each shard is read atomically, the group as a
  // whole is not (counts may be a few operations apart).
  CacheGroupStats GetStats() const;

  const std::string& name() const { return options_.name; }
  const CacheGroupOptions& options() const { return options_; }

 private:
  CacheGroup(CacheGroupOptions options, ShardSelector selector);

  // OK, or why `key` is refused (empty, or longer than max_key_size). Every
  // call checks its key, so the check is inline and the error built out of
  // line.
  absl::Status ValidateKey(absl::string_view key) const {
    if (ABSL_PREDICT_TRUE(!key.empty() &&
                          key.size() <= options_.max_key_size)) {
      return absl::OkStatus();
    }
    return KeyError(key);
  }
  absl::Status KeyError(absl::string_view key) const;
  // Whether `options` turn expiry on (see CacheGroupOptions).
  static bool ExpiryOn(const CacheGroupOptions& options);
  // `key` for a message: escaped, and cut short.
  static std::string Printable(absl::string_view key);
  // What `shard` holds for `key` without counting it: its value, a
  // remembered NotFound, or nothing (std::nullopt).
  std::optional<absl::StatusOr<ByteView>> Held(absl::string_view key,
                                               uint64_t hash,
                                               CacheShard& shard);
  absl::Status NoGetterError(absl::string_view key) const;
  CacheShard& ShardFor(uint64_t hash) const {
    return *shards_[selector_.Select(hash)];
  }
  absl::StatusOr<ByteView> Load(absl::string_view key, uint64_t hash,
                                CacheShard& shard,
                                const Context& context = Context());
  // The error for a caller whose `context` ended before its value came.
  absl::Status GaveUp(absl::string_view key, const Context& context);
  // Load() on a background thread, waited for until `context` ends.
  absl::StatusOr<ByteView> LoadUntil(absl::string_view key, uint64_t hash,
                                     CacheShard& shard, const Context& context);
  // A hit in a group with expiry: a remembered NotFound, or the value, after
  // starting a refresh when one is due.
  absl::StatusOr<ByteView> ServeHit(absl::string_view key, uint64_t hash,
                                    ByteView value, const ShardHit& hit);
  // Starts a background reload of `key` unless one runs.
  void Refresh(absl::string_view key, uint64_t hash);
  // The expiry of a value written now: `expires`, or the default.
  EntryExpiry ExpiryOf(std::optional<absl::Time> expires) const;
  // Load's path with peers: the hot cache, then the owner.
  absl::StatusOr<ByteView> LoadFromOwner(absl::string_view key, uint64_t hash,
                                         CacheShard& shard,
                                         const Context& context);
  // Loads `key` as its owner: the getter, once for concurrent calls of Load
  // and GetForPeer, its value kept in `shard` (and written to the store).
  absl::StatusOr<ByteView> LoadLocally(absl::string_view key, uint64_t hash,
                                       CacheShard& shard,
                                       const Context& context);
  // GetForPeer when `wait`, GetForPeerUnlessLoading otherwise.
  std::optional<absl::StatusOr<ByteView>> ServePeerGet(absl::string_view key,
                                                       bool wait,
                                                       absl::Time* expires);
  // When a peer's copy of `value`, this process's answer for `key`, must
  // expire: the held entry's expiry if the answer is still held, now if not.
  absl::Time AnswerExpiry(absl::string_view key, uint64_t hash,
                          CacheShard& shard, const ByteView& value);
  // Calls the getter and keeps its value in `into` as the key's owner
  // (writing through to the store); with `into` null, keeps nothing.
  // `*expires`, when not null, receives the value's expiry.
  absl::StatusOr<ByteView> CallGetter(absl::string_view key, uint64_t hash,
                                      CacheShard* into,
                                      const Context& context = Context(),
                                      absl::Time* expires = nullptr);
  // Set and Remove in this process alone.
  absl::Status SetLocally(absl::string_view key, uint64_t hash,
                          absl::string_view value, const EntryExpiry& expiry);
  // `owned`: this process owns the key, so its store is told even of a key
  // not in memory.
  absl::Status RemoveLocally(absl::string_view key, uint64_t hash, bool owned);
  // Asks every peer but `owner` to drop `key`, all at once, and waits for
  // their answers; failures are counted.
  void RemoveFromOthers(absl::string_view key, const PeerClient* owner);
  const CacheGroupOptions options_;
  const ShardSelector selector_;
  std::vector<std::unique_ptr<CacheShard>> shards_;
  // Every write to the shards goes through it, and with a store to the
  // store too.
  std::unique_ptr<StoreMirror> mirror_;
  std::unique_ptr<HotCache> hot_;  // Only with peers.
  SingleFlight<ByteView> flight_;
  // With peers: the getter's calls, shared by Gets and requests from peers
  // (flight_ also covers calls to peers, which requests from peers must not
  // wait on).
  SingleFlight<ByteView> getter_flight_;
  std::atomic<uint64_t> loads_{0};
  std::atomic<uint64_t> local_loads_{0};
  std::atomic<uint64_t> local_load_errors_{0};
  std::atomic<uint64_t> peer_loads_{0};
  std::atomic<uint64_t> peer_errors_{0};
  std::atomic<uint64_t> served_for_peers_{0};
  // Expiry.
  const bool expiring_;
  const std::shared_ptr<Clock> clock_;
  std::atomic<uint64_t> refreshes_{0};
  std::atomic<uint64_t> negative_hits_{0};
  std::atomic<uint64_t> abandoned_waits_{0};
  std::atomic<uint64_t> waits_shared_{0};  // LoadUntil's callers but leaders.
  std::mutex refreshing_mu_;
  absl::flat_hash_set<std::string> refreshing_;  // Guarded by refreshing_mu_.
  // Loads waited for by callers whose Context may end, by key.
  struct PendingLoad;
  std::mutex pending_mu_;
  absl::flat_hash_map<std::string, std::shared_ptr<PendingLoad>> pending_;
  // Last: destroyed first, it waits for the tasks that use the rest.
  std::unique_ptr<BackgroundTasks> background_;
};

}  // namespace gogocache

#endif  // GOGOCACHE_CACHE_CACHE_GROUP_H_
