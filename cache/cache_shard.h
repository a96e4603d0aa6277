// Copyright 2026 The gogocache Authors.
//
// CacheShard: one shard of a CacheGroup. It maps keys to immutable values,
// holds at most `capacity_bytes` of them, and when an insert would exceed that
// it evicts entries in the order its EvictionPolicy chooses (a CacheGroup's
// default is the adaptive policy). Lookup, insert, erase and each eviction
// are O(1).
//
// Charge: an entry costs key.size() + value.size() + kEntryOverhead bytes of
// the capacity. kEntryOverhead covers the entry's header, its hash-table slot
// and the allocator's rounding, so that a shard's capacity bounds the memory it
// really uses, not only the bytes handed to it.
//
// The caller hashes each key once (with the group's HashStrategy) and passes
// the hash with the key; the shard never hashes keys itself.
//
// Eviction report: an insert returns the keys it evicted to make room (not a
// replaced value, not an Erase()), once the shard's lock is released, so that
// the caller may do I/O for them (a CacheGroup deletes them from its store).
//
// Thread safety: all methods may be called concurrently.
//
// How a hit avoids a lock every reader contends on: lookups are readers and
// run concurrently; inserts, erases and recency updates are writers and run
// alone. A reader announces itself in one of kStripes per-shard stripes
// picked by the CPU it runs on, so concurrent readers write to different
// cache lines; a writer raises a flag and waits until every stripe is empty.
// A hit cannot move its entry to the front of the recency list (that would be
// a write), so it records the entry in its stripe's access buffer, in the
// slot it claimed with the same atomic add that let it in. The next writer
// replays those moves in order before doing anything else, and so does the
// reader that fills a buffer (that buffer only), under the writer lock
// alone: a replay only reorders entries, which readers never look at, so
// they go on meanwhile. From one thread the order is exactly the policy's;
// with several, accesses recorded in different stripes are replayed stripe
// by stripe, and an access is not recorded (its entry simply ages as if not
// touched, as in Caffeine) when its buffer is full, when its reader stepped
// aside for a writer, or when a replay passes its slot before the reader has
// written it.
//
// Nothing slow happens inside a writer: the entry's allocation and copy come
// before, the eviction report is built after.

#ifndef GOGOCACHE_CACHE_CACHE_SHARD_H_
#define GOGOCACHE_CACHE_CACHE_SHARD_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/base/optimization.h"
#include "absl/base/thread_annotations.h"
#include "absl/container/inlined_vector.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "cache/byte_view.h"
#include "cache/entry_table.h"
#include "cache/eviction_order.h"
#include "cache/eviction_policy.h"
#include "cache/shard_entry.h"
#include "cache/spin_lock.h"
#include "loader/clock.h"

namespace gogocache {

struct CacheShardStats {
  uint64_t items = 0;        // entries held now
  uint64_t bytes = 0;        // sum of their charges
  uint64_t hits = 0;         // counted lookups that found the key
  uint64_t misses = 0;       // counted lookups that did not
  uint64_t evictions = 0;    // entries dropped to make room
  uint64_t too_large = 0;    // inserts refused: charge above capacity
  uint64_t expirations = 0;  // entries dropped because they expired

  // Adds `other`'s counts to these (to sum shards).
  void Add(const CacheShardStats& other) {
    items += other.items;
    bytes += other.bytes;
    hits += other.hits;
    misses += other.misses;
    evictions += other.evictions;
    too_large += other.too_large;
    expirations += other.expirations;
  }
};

// When an entry stops being served, in a shard with expiry.
struct EntryExpiry {
  // From this instant on the entry is a miss.
  absl::Time expires = absl::InfiniteFuture();
  // From this instant on a hit reports refresh_due (shards with refresh).
  absl::Time refresh_at = absl::InfiniteFuture();
  // The entry remembers a NotFound (its value is the message), not a value.
  bool not_found = false;
};

// What Lookup() found besides the value, in a shard with expiry.
struct ShardHit {
  bool not_found = false;    // A remembered NotFound.
  bool refresh_due = false;  // Past its refresh_at.
  // The entry's deadline in Unix nanoseconds (the largest even int64: none),
  // kept raw: most hits never ask for it.
  int64_t deadline_ns = std::numeric_limits<int64_t>::max() & ~int64_t{1};

  absl::Time expires() const {
    return deadline_ns == (std::numeric_limits<int64_t>::max() & ~int64_t{1})
               ? absl::InfiniteFuture()
               : absl::FromUnixNanos(deadline_ns);
  }
};

// What an insert did.
struct ShardInsert {
  // False when the entry's charge exceeds the shard's whole capacity (or its
  // value is over CacheShard::kMaxValueSize): nothing was stored, and any
  // older value of the key was dropped.
  bool inserted = false;
  // When inserted, a view of the stored copy; it stays valid after eviction.
  ByteView value;
  // Keys evicted to make room, in eviction order, then keys found expired
  // meanwhile. The inserted key itself is among them when the policy
  // refused to keep it (it was admitted, then evicted first).
  std::vector<std::string> evicted;
};

class alignas(64) CacheShard {
 public:
  // Bytes charged per entry beyond its key and value: a 32-byte header and
  // the policy word, 9 to 11 bytes of hash-table slot at the table's load
  // factor, the allocator's own header and rounding, and the policy's
  // history of evicted keys.
  static constexpr size_t kEntryOverhead = shard_internal::kEntryOverhead;

  // Largest value the shard stores (values are returned, not cached, above it).
  static constexpr size_t kMaxValueSize = UINT32_MAX;

  // The charge of an entry with these sizes.
  static constexpr size_t Charge(size_t key_size, size_t value_size) {
    return key_size + value_size + kEntryOverhead;
  }

  // Reader stripes per shard, and accesses each stripe buffers between
  // replays.
  static constexpr int kStripes = 8;
  static constexpr uint32_t kAccessBufferSize = 128;

  // Bytes each entry carries for its expiry, in a shard with expiry: its
  // deadline, and with refresh its refresh time too.
  static constexpr size_t kExpiryBytes = 8;
  static constexpr size_t kRefreshBytes = 8;

  // `policy` chooses what is evicted (cache/eviction_policy.h). With a
  // `clock` (not owned; it must outlive the shard) entries expire: each
  // carries its EntryExpiry, charged kExpiryBytes more (kRefreshBytes more
  // again with `refresh`), and is never served past it. Expired entries are
  // dropped as found: each insert looks at kSweepSlots more slots of the
  // table, in turn, and drops what expired there, so that entries no one
  // asks for give their memory back too.
  explicit CacheShard(size_t capacity_bytes,
                      EvictionPolicy policy = EvictionPolicy::kLru,
                      Clock* clock = nullptr, bool refresh = false);
  static constexpr int kSweepSlots = 2;
  ~CacheShard();

  CacheShard(const CacheShard&) = delete;
  CacheShard& operator=(const CacheShard&) = delete;

  // If `key` is present (and, with expiry, not expired), stores its value in
  // `*value`, records the access for the eviction policy and returns true;
  // with expiry, also fills `*hit` when it is not null. Counts a hit or a
  // miss when `count` is true.
  bool Lookup(absl::string_view key, uint64_t hash, ByteView* value,
              bool count = true, ShardHit* hit = nullptr);

  // Whether an entry of these sizes can be stored at all: its charge is at
  // most the capacity and its value at most kMaxValueSize. Insert() refuses
  // exactly the entries this refuses.
  bool Fits(size_t key_size, size_t value_size) const;

  // The capacity an entry of these sizes takes here: Charge(), and the
  // expiry bytes in a shard with expiry.
  size_t ChargeHere(size_t key_size, size_t value_size) const {
    return Charge(key_size, value_size) + trailer_size_;
  }

  // Stores a copy of `value` under `key`, replacing any older value, as a new
  // entry for the eviction policy, evicting others as needed; says what it
  // did. An entry that does not Fit() is counted in too_large. `expiry` is
  // kept only in a shard with expiry.
  ShardInsert Insert(absl::string_view key, uint64_t hash,
                     absl::string_view value, const EntryExpiry& expiry = {});

  // Insert() for an entry brought back from a persistent store at startup,
  // oldest first: the eviction policy places it as if it had just been used
  // (not as a new key, which LIRS and TinyLFU would hold back), so that when
  // not all fit, later restores push out earlier ones, as under LRU.
  ShardInsert Restore(absl::string_view key, uint64_t hash,
                      absl::string_view value, const EntryExpiry& expiry = {});

  // Whether `key` is present. Unlike Lookup, neither counted nor an access.
  bool Contains(absl::string_view key, uint64_t hash);

  // Removes `key`; returns whether it was present.
  bool Erase(absl::string_view key, uint64_t hash);

  CacheShardStats GetStats() const;

  size_t capacity() const { return capacity_; }

 private:
  using Entry = shard_internal::ShardEntry;

  static uint32_t TableHashOf(uint64_t hash);
  Entry* NewEntry(absl::string_view key, uint32_t table_hash,
                  absl::string_view value, const EntryExpiry& expiry) const;
  ByteView ViewOf(Entry* entry) const;  // Adds a reference.
  // The trailer's fields, in a shard with expiry. The deadline's lowest bit
  // marks a remembered NotFound.
  int64_t DeadlineOf(const Entry* entry) const;
  int64_t RefreshAtOf(const Entry* entry) const;
  // Drops the expired entries among the next kSweepSlots slots of the table
  // into `dropped`; returns how many.
  size_t SweepExpired(absl::InlinedVector<Entry*, 4>& dropped)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(writer_mu_);

  // A reader stripe: one cache line of counters, then the access buffer.
  struct alignas(64) Stripe {
    // Readers inside via this stripe (low half) and lookups since the last
    // replay (high half), in one word so that entering and claiming a slot
    // of `accessed` is a single atomic add. The lookup count doubles as the
    // hit counter (hits are what is left after misses and uncounted).
    std::atomic<uint64_t> state{0};
    std::atomic<uint64_t> misses{0};
    // Lookups with count == false, and claims given up to a writer.
    std::atomic<uint64_t> uncounted{0};
    // Sum of the lookup counts at past replays; written under writer_mu_.
    uint64_t replayed_lookups = 0;
    // Slots below this may have been written after the last replay passed
    // them (see ReplayStripe); written under writer_mu_.
    uint32_t late_slots = 0;
    // Slots [0, min(lookups, size)) hold entries hit since the last replay,
    // or nullptr; each is written by the reader that claimed it, inside its
    // read section, and emptied by the replay that takes it.
    std::atomic<Entry*> accessed[kAccessBufferSize] = {};
  };
  static constexpr uint64_t kOneReader = 1;
  static constexpr int kLookupShift = 32;
  static constexpr uint64_t kOneLookup = uint64_t{1} << kLookupShift;
  static constexpr uint64_t kReadersMask = kOneLookup - 1;

  // Exclusive access to the table and the list for its lifetime: takes the
  // writer lock, waits out the readers, then replays recorded accesses.
  class WriterSection;

  Stripe& StripeOfThisThread();
  // Enters a read section through `stripe`; with `claim_slot`, also counts a
  // lookup and returns its index among the stripe's lookups since the last
  // replay: its slot of `accessed`, when below kAccessBufferSize. Inline, as
  // it is on every hit's path.
  uint32_t EnterRead(Stripe& stripe, bool claim_slot) {
    const uint64_t add = kOneReader | (claim_slot ? kOneLookup : 0);
    for (;;) {
      const uint64_t before =
          stripe.state.fetch_add(add, std::memory_order_seq_cst);
      if (ABSL_PREDICT_TRUE(!writer_active_.load(std::memory_order_seq_cst))) {
        return static_cast<uint32_t>(before >> kLookupShift);
      }
      StepAside(stripe, claim_slot);
    }
  }
  // A writer is in or coming: leaves the read section just entered and
  // waits until the writer is done.
  void StepAside(Stripe& stripe, bool claim_slot);
  static void ExitRead(Stripe& stripe) {
    stripe.state.fetch_sub(kOneReader, std::memory_order_release);
  }
  // Applies the accesses recorded in `stripe` to the eviction order.
  // `exclusive`: the readers are out (a WriterSection), so every slot
  // written since the last replay is taken, as entries may be removed next;
  // otherwise readers keep running and may refill slots as they are emptied.
  void ReplayStripe(Stripe& stripe, bool exclusive)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(writer_mu_);

  ShardInsert InsertEntry(absl::string_view key, uint64_t hash,
                          absl::string_view value, const EntryExpiry& expiry,
                          bool restore);

  // Takes `entry`, already out of the table, out of the eviction order and
  // the usage; the caller owns its reference.
  void Detach(Entry* entry) ABSL_EXCLUSIVE_LOCKS_REQUIRED(writer_mu_);

  const size_t capacity_;
  Clock* const clock_;  // Null: no expiry.
  const uint32_t trailer_size_;

  Stripe stripes_[kStripes];
  // Set by a writer that wants the readers out; read by every reader.
  alignas(64) std::atomic<bool> writer_active_{false};
  mutable SpinLock writer_mu_;
  // Read by readers while no writer is active; changed only by writers.
  shard_internal::EntryTable table_;
  // Which entry leaves next. Only writers touch it.
  const std::unique_ptr<shard_internal::EvictionOrder> order_
      ABSL_PT_GUARDED_BY(writer_mu_);
  size_t usage_ ABSL_GUARDED_BY(writer_mu_) = 0;
  uint64_t evictions_ ABSL_GUARDED_BY(writer_mu_) = 0;
  uint64_t too_large_ ABSL_GUARDED_BY(writer_mu_) = 0;
  uint64_t expirations_ ABSL_GUARDED_BY(writer_mu_) = 0;
  size_t sweep_cursor_ ABSL_GUARDED_BY(writer_mu_) = 0;
};

}  // namespace gogocache

#endif  // GOGOCACHE_CACHE_CACHE_SHARD_H_
