// Copyright 2026 The gogocache Authors.

#include "cache/cache_shard.h"

#include <sched.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <mutex>
#include <new>
#include <thread>
#include <type_traits>
#include <utility>

#include "absl/container/inlined_vector.h"
#include "cache/make_eviction_order.h"

namespace gogocache {
namespace {

// The trailer's deadline of an entry that never expires: InfiniteFuture()
// in Unix nanoseconds, rounded down to even.
constexpr int64_t kNoDeadline =
    std::numeric_limits<int64_t>::max() & ~int64_t{1};

}  // namespace

using byte_view_internal::SharedBuffer;

// The strategy's hash chose the shard from its high bits; a multiplication
// spreads every input bit over the 32 bits the table uses, so the table does
// not see the bits that are constant within this shard. (For a 32-bit CRC the
// product's high half depends on all 32 input bits.)
uint32_t CacheShard::TableHashOf(uint64_t hash) {
  return static_cast<uint32_t>((hash * 0x9E3779B97F4A7C15ULL) >> 32);
}

CacheShard::Entry* CacheShard::NewEntry(absl::string_view key,
                                        uint32_t table_hash,
                                        absl::string_view value,
                                        const EntryExpiry& expiry) const {
  static_assert(std::is_trivially_destructible<Entry>::value,
                "SharedBuffer frees entries without running destructors");
  const size_t stored = value.size() + trailer_size_;
  void* memory = ::operator new(Entry::AllocationSize(key.size(), stored));
  Entry* entry = new (memory) Entry;
  entry->buffer.refs.store(1, std::memory_order_relaxed);
  entry->key_size = static_cast<uint32_t>(key.size());
  entry->region = 0;
  entry->table_hash = table_hash;
  entry->value_size = static_cast<uint32_t>(stored);
  entry->prev = entry->next = nullptr;
  entry->set_policy_word(0);
  char* bytes = const_cast<char*>(entry->key_data());
  if (!key.empty()) std::memcpy(bytes, key.data(), key.size());
  bytes += key.size();
  if (!value.empty()) std::memcpy(bytes, value.data(), value.size());
  if (trailer_size_ != 0) {
    // Rounded down to even nanoseconds: the lowest bit is the NotFound mark.
    const int64_t deadline = (absl::ToUnixNanos(expiry.expires) & ~int64_t{1}) |
                             (expiry.not_found ? 1 : 0);
    std::memcpy(bytes + value.size(), &deadline, sizeof(deadline));
  }
  if (trailer_size_ == kExpiryBytes + kRefreshBytes) {
    const int64_t refresh_at = absl::ToUnixNanos(expiry.refresh_at);
    std::memcpy(bytes + value.size() + kExpiryBytes, &refresh_at,
                sizeof(refresh_at));
  }
  return entry;
}

ByteView CacheShard::ViewOf(Entry* entry) const {
  entry->buffer.Ref();
  return ByteView::Adopt(&entry->buffer, entry->value_data(),
                         entry->value_size - trailer_size_);
}

int64_t CacheShard::DeadlineOf(const Entry* entry) const {
  int64_t deadline;
  std::memcpy(&deadline,
              entry->value_data() + entry->value_size - trailer_size_,
              sizeof(deadline));
  return deadline;
}

int64_t CacheShard::RefreshAtOf(const Entry* entry) const {
  int64_t refresh_at;
  std::memcpy(&refresh_at,
              entry->value_data() + entry->value_size - kRefreshBytes,
              sizeof(refresh_at));
  return refresh_at;
}

class CacheShard::WriterSection {
 public:
  explicit WriterSection(CacheShard& shard)
      ABSL_EXCLUSIVE_LOCK_FUNCTION(shard.writer_mu_)
      : shard_(shard) {
    shard_.writer_mu_.lock();
    // seq_cst pairs with the readers' seq_cst increment-then-check: either a
    // reader sees the flag and backs out, or this sees the reader and waits.
    shard_.writer_active_.store(true, std::memory_order_seq_cst);
    for (Stripe& stripe : shard_.stripes_) {
      while ((stripe.state.load(std::memory_order_seq_cst) & kReadersMask) !=
             0) {
        std::this_thread::yield();
      }
    }
    for (Stripe& stripe : shard_.stripes_) {
      shard_.ReplayStripe(stripe, /*exclusive=*/true);
    }
  }

  ~WriterSection() ABSL_UNLOCK_FUNCTION() {
    shard_.writer_active_.store(false, std::memory_order_release);
    shard_.writer_mu_.unlock();
  }

  WriterSection(const WriterSection&) = delete;
  WriterSection& operator=(const WriterSection&) = delete;

 private:
  CacheShard& shard_;
};

CacheShard::CacheShard(size_t capacity_bytes, EvictionPolicy policy,
                       Clock* clock, bool refresh)
    : capacity_(capacity_bytes),
      clock_(clock),
      trailer_size_(clock == nullptr ? 0
                    : refresh        ? kExpiryBytes + kRefreshBytes
                                     : kExpiryBytes),
      order_(shard_internal::MakeEvictionOrder(policy, capacity_bytes)) {}

CacheShard::~CacheShard() {
  order_->ForEach([](Entry* entry) { entry->buffer.Unref(); });
}

CacheShard::Stripe& CacheShard::StripeOfThisThread() {
  // By the CPU the thread runs on (glibc reads it from the rseq area, no
  // system call): threads running at the same moment are on different CPUs
  // and so, up to kStripes CPUs, on different stripes, where picking by
  // thread id put two threads on one stripe one time in kStripes. A thread
  // that moves meanwhile still leaves the stripe it entered.
  const int cpu = sched_getcpu();
  return stripes_[static_cast<unsigned>(cpu < 0 ? 0 : cpu) % kStripes];
}

void CacheShard::StepAside(Stripe& stripe, bool claim_slot) {
  // The slot claimed is given up, never written (the writer's replay may
  // pass it before this reader is back), and the claim is not a lookup.
  stripe.state.fetch_sub(kOneReader, std::memory_order_release);
  if (claim_slot) stripe.uncounted.fetch_add(1, std::memory_order_relaxed);
  while (writer_active_.load(std::memory_order_acquire)) {
    std::this_thread::yield();
  }
}

void CacheShard::ReplayStripe(Stripe& stripe, bool exclusive) {
  // Most stripes are idle: skip them without a locked instruction.
  if ((stripe.state.load(std::memory_order_relaxed) >> kLookupShift) == 0 &&
      (!exclusive || stripe.late_slots == 0)) {
    return;
  }
  const uint32_t recorded = static_cast<uint32_t>(
      stripe.state.fetch_and(kReadersMask, std::memory_order_acquire) >>
      kLookupShift);
  stripe.replayed_lookups += recorded;
  uint32_t count = std::min(recorded, kAccessBufferSize);
  if (exclusive) {
    // Slots a reader claimed before an earlier drain but wrote after it
    // still hold entries; take them now, before anything is removed.
    count = std::max(count, stripe.late_slots);
    stripe.late_slots = 0;
  } else {
    // Readers still running may write slots below `count` after this
    // drain passes them.
    stripe.late_slots = std::max(stripe.late_slots, count);
  }
  // Taken first, then replayed: the entries and their list neighbours are
  // mostly out of cache, and fetching them ahead of the relinking that
  // needs them overlaps those misses instead of taking them one by one.
  Entry* taken[kAccessBufferSize];
  uint32_t taken_count = 0;
  for (uint32_t i = 0; i < count; ++i) {
    // Empty for a miss, for a claim given up, and when the reader that
    // claimed the slot has not written it yet (that access is lost, as a
    // full buffer's are). A load and a store, not an exchange: a write
    // landing between them is lost too, which is as harmless, and a locked
    // instruction per access is not.
    Entry* entry = stripe.accessed[i].load(std::memory_order_acquire);
    if (entry == nullptr) continue;
    stripe.accessed[i].store(nullptr, std::memory_order_relaxed);
    __builtin_prefetch(entry, /*rw=*/1);
    taken[taken_count++] = entry;
  }
  order_->TouchAll(taken, taken_count);
}

void CacheShard::Detach(Entry* entry) {
  order_->Remove(entry);
  usage_ -= shard_internal::ChargeOf(entry);
}

bool CacheShard::Lookup(absl::string_view key, uint64_t hash, ByteView* value,
                        bool count, ShardHit* hit) {
  const uint32_t table_hash = TableHashOf(hash);
  Stripe& stripe = StripeOfThisThread();
  const uint32_t slot = EnterRead(stripe, /*claim_slot=*/true);
  Entry* entry = table_.Find(key, table_hash);
  if (clock_ != nullptr && entry != nullptr) {
    const int64_t deadline = DeadlineOf(entry);
    const bool ends = (deadline & ~int64_t{1}) != kNoDeadline;
    const bool refreshes = trailer_size_ > kExpiryBytes;
    if (ends && !clock_->IsBefore(deadline & ~int64_t{1})) {
      entry = nullptr;  // Expired: a miss, left for a writer to drop.
    } else if (refreshes && hit != nullptr) {
      hit->refresh_due = !clock_->IsBefore(RefreshAtOf(entry));
    }
    if (entry != nullptr && hit != nullptr) {
      hit->not_found = (deadline & 1) != 0;
      hit->deadline_ns = deadline & ~int64_t{1};
    }
  }
  if (entry != nullptr) {
    *value = ViewOf(entry);
    // Entries recorded here stay valid until replayed: only writers remove
    // entries, and every writer replays first.
    if (slot < kAccessBufferSize) {
      stripe.accessed[slot].store(entry, std::memory_order_release);
    }
  }
  ExitRead(stripe);
  if (!count) {
    stripe.uncounted.fetch_add(1, std::memory_order_relaxed);
  } else if (entry == nullptr) {
    stripe.misses.fetch_add(1, std::memory_order_relaxed);
  }
  // Full: replay now. Replaying only reorders entries, which readers never
  // look at, so it takes the writer lock without stopping the readers. Only
  // this stripe: the others' readers replay their own, and reading their
  // lines here would pull them away from the CPUs that write them. (Every
  // kAccessBufferSize-th claim, not only the first: a claim given up to a
  // writer must not leave the stripe unreplayed.)
  if (slot % kAccessBufferSize == kAccessBufferSize - 1) {
    std::lock_guard<SpinLock> lock(writer_mu_);
    ReplayStripe(stripe, /*exclusive=*/false);
  }
  return entry != nullptr;
}

bool CacheShard::Contains(absl::string_view key, uint64_t hash) {
  const uint32_t table_hash = TableHashOf(hash);
  Stripe& stripe = StripeOfThisThread();
  EnterRead(stripe, /*claim_slot=*/false);
  const bool found = table_.Find(key, table_hash) != nullptr;
  ExitRead(stripe);
  return found;
}

bool CacheShard::Fits(size_t key_size, size_t value_size) const {
  return ChargeHere(key_size, value_size) <= capacity_ &&
         value_size <= kMaxValueSize - trailer_size_ &&
         key_size <= shard_internal::kMaxShardKeySize;
}

ShardInsert CacheShard::Insert(absl::string_view key, uint64_t hash,
                               absl::string_view value,
                               const EntryExpiry& expiry) {
  return InsertEntry(key, hash, value, expiry, /*restore=*/false);
}

ShardInsert CacheShard::Restore(absl::string_view key, uint64_t hash,
                                absl::string_view value,
                                const EntryExpiry& expiry) {
  return InsertEntry(key, hash, value, expiry, /*restore=*/true);
}

size_t CacheShard::SweepExpired(absl::InlinedVector<Entry*, 4>& dropped) {
  const size_t slots = table_.capacity();
  if (slots == 0) return 0;
  const int64_t now = clock_->NowUnixNanos();
  size_t expired = 0;
  for (int i = 0; i < kSweepSlots; ++i) {
    if (sweep_cursor_ >= slots) sweep_cursor_ = 0;
    Entry* entry = table_.EntryAt(sweep_cursor_);
    // A removal shifts the next slots back by one: look at this one again.
    if (entry != nullptr && now >= (DeadlineOf(entry) & ~int64_t{1})) {
      table_.Remove(entry);
      Detach(entry);
      dropped.push_back(entry);
      ++expired;
    } else {
      ++sweep_cursor_;
    }
  }
  expirations_ += expired;
  return expired;
}

ShardInsert CacheShard::InsertEntry(absl::string_view key, uint64_t hash,
                                    absl::string_view value,
                                    const EntryExpiry& expiry, bool restore) {
  const uint32_t table_hash = TableHashOf(hash);
  const size_t charge = ChargeHere(key.size(), value.size());
  ShardInsert result;
  // Allocate and copy before excluding the readers.
  Entry* entry = Fits(key.size(), value.size())
                     ? NewEntry(key, table_hash, value, expiry)
                     : nullptr;
  absl::InlinedVector<Entry*, 4> dropped;  // Replaced, evicted, expired.
  size_t evicted_count = 0;
  {
    WriterSection writer(*this);
    if (Entry* old = table_.Remove(key, table_hash); old != nullptr) {
      dropped.push_back(old);
      Detach(old);
    }
    if (entry == nullptr) {
      ++too_large_;
    } else {
      table_.Insert(entry);
      if (restore) {
        order_->Restore(entry);
      } else {
        order_->Add(entry);
      }
      usage_ += charge;
      result.inserted = true;
      result.value = ViewOf(entry);
      // The new entry itself may be the one to go (refused admission).
      while (usage_ > capacity_) {
        Entry* victim = order_->Evict();
        if (victim == nullptr) break;  // Only the new entry: it fits alone.
        table_.Remove(victim);
        usage_ -= shard_internal::ChargeOf(victim);
        dropped.push_back(victim);
        ++evicted_count;
      }
      evictions_ += evicted_count;
    }
    if (clock_ != nullptr) evicted_count += SweepExpired(dropped);
  }
  // The replaced entry, if any, comes first and is not an eviction.
  const size_t first_evicted = dropped.size() - evicted_count;
  result.evicted.reserve(evicted_count);
  for (size_t i = 0; i < dropped.size(); ++i) {
    Entry* victim = dropped[i];
    if (i >= first_evicted) result.evicted.emplace_back(victim->key());
    victim->buffer.Unref();
  }
  return result;
}

bool CacheShard::Erase(absl::string_view key, uint64_t hash) {
  Entry* victim = nullptr;
  {
    WriterSection writer(*this);
    victim = table_.Remove(key, TableHashOf(hash));
    if (victim == nullptr) return false;
    Detach(victim);
  }
  victim->buffer.Unref();
  return true;
}

CacheShardStats CacheShard::GetStats() const {
  CacheShardStats stats;
  // Only writers change what is read below, and holding the writer lock keeps
  // them out without stopping the readers.
  std::lock_guard<SpinLock> lock(writer_mu_);
  for (const Stripe& stripe : stripes_) {
    // Misses and uncounted lookups are added after their lookup is: read
    // them first, so that a lookup in flight is not taken from the hits
    // before it is counted in them.
    const uint64_t not_hits = stripe.misses.load(std::memory_order_acquire) +
                              stripe.uncounted.load(std::memory_order_acquire);
    const uint64_t lookups =
        stripe.replayed_lookups +
        (stripe.state.load(std::memory_order_acquire) >> kLookupShift);
    stats.hits += lookups > not_hits ? lookups - not_hits : 0;
    stats.misses += stripe.misses.load(std::memory_order_relaxed);
  }
  stats.items = table_.size();
  stats.bytes = usage_;
  stats.evictions = evictions_;
  stats.too_large = too_large_;
  stats.expirations = expirations_;
  return stats;
}

}  // namespace gogocache
