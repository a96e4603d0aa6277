// Copyright 2026 The gogocache Authors.

#include "cache/lru_shard.h"

#include <cstring>
#include <new>
#include <type_traits>
#include <utility>

#include "absl/container/inlined_vector.h"

namespace gogocache {

using byte_view_internal::SharedBuffer;

// One allocation per entry: this header, then the key bytes, then the value
// bytes. ByteViews of the value share the allocation through `buffer`; the
// shard's own reference is dropped when the entry leaves the shard.
struct LruShard::Entry {
  SharedBuffer buffer;
  uint32_t key_size;
  uint32_t table_hash;
  uint32_t value_size;
  Entry* prev;  // Recency links; guarded by the shard's mutex while cached.
  Entry* next;

  const char* key_data() const {
    return reinterpret_cast<const char*>(this + 1);
  }
  absl::string_view key() const { return {key_data(), key_size}; }
  const char* value_data() const { return key_data() + key_size; }
  absl::string_view value() const { return {value_data(), value_size}; }
  size_t charge() const { return Charge(key_size, value_size); }
};

size_t LruShard::TableHash::operator()(const Entry* entry) const {
  return entry->table_hash;
}

bool LruShard::TableEq::operator()(const Entry* a, const KeyRef& b) const {
  return a->table_hash == b.table_hash && a->key() == b.key;
}

// The strategy's hash chose the shard from its high bits; a multiplication
// spreads every input bit over the 32 bits the table uses, so the table does
// not see the bits that are constant within this shard. (For a 32-bit CRC the
// product's high half depends on all 32 input bits.)
uint32_t LruShard::TableHashOf(uint64_t hash) {
  return static_cast<uint32_t>((hash * 0x9E3779B97F4A7C15ULL) >> 32);
}

LruShard::Entry* LruShard::NewEntry(absl::string_view key, uint32_t table_hash,
                                    absl::string_view value) {
  static_assert(std::is_trivially_destructible<Entry>::value,
                "SharedBuffer frees entries without running destructors");
  void* memory = ::operator new(sizeof(Entry) + key.size() + value.size());
  Entry* entry =
      new (memory) Entry{{{1}},      static_cast<uint32_t>(key.size()),
                         table_hash, static_cast<uint32_t>(value.size()),
                         nullptr,    nullptr};
  char* bytes = reinterpret_cast<char*>(entry + 1);
  if (!key.empty()) std::memcpy(bytes, key.data(), key.size());
  if (!value.empty())
    std::memcpy(bytes + key.size(), value.data(), value.size());
  return entry;
}

ByteView LruShard::ViewOf(Entry* entry) {
  entry->buffer.Ref();
  return ByteView::Adopt(&entry->buffer, entry->value_data(),
                         entry->value_size);
}

LruShard::LruShard(size_t capacity_bytes, EvictionListener on_evict)
    : capacity_(capacity_bytes), on_evict_(std::move(on_evict)) {
  // The sentinel carries no key or value; only its links are used.
  head_ = NewEntry("", 0, "");
  head_->prev = head_->next = head_;
}

LruShard::~LruShard() {
  for (Entry* entry = head_->next; entry != head_;) {
    Entry* next = entry->next;
    entry->buffer.Unref();
    entry = next;
  }
  head_->buffer.Unref();
}

void LruShard::LinkAtHead(Entry* entry) {
  entry->next = head_->next;
  entry->prev = head_;
  head_->next->prev = entry;
  head_->next = entry;
}

void LruShard::Unlink(Entry* entry) {
  entry->prev->next = entry->next;
  entry->next->prev = entry->prev;
}

void LruShard::Detach(Table::iterator it) {
  Entry* entry = *it;
  table_.erase(it);
  Unlink(entry);
  usage_ -= entry->charge();
}

bool LruShard::Lookup(absl::string_view key, uint64_t hash, ByteView* value,
                      bool count) {
  const KeyRef ref{key, TableHashOf(hash)};
  std::lock_guard<SpinLock> lock(mu_);
  const auto it = table_.find(ref);
  if (it == table_.end()) {
    if (count) ++counters_.misses;
    return false;
  }
  Entry* entry = *it;
  if (head_->next != entry) {
    Unlink(entry);
    LinkAtHead(entry);
  }
  if (count) ++counters_.hits;
  *value = ViewOf(entry);
  return true;
}

bool LruShard::Insert(absl::string_view key, uint64_t hash,
                      absl::string_view value, ByteView* inserted) {
  const KeyRef ref{key, TableHashOf(hash)};
  const size_t charge = Charge(key.size(), value.size());
  const bool fits = charge <= capacity_ && value.size() <= kMaxValueSize;
  // Allocate and copy before taking the lock.
  Entry* entry = fits ? NewEntry(key, ref.table_hash, value) : nullptr;
  absl::InlinedVector<Entry*, 4> dropped;  // Replaced or evicted; unref later.
  size_t evicted_count = 0;
  {
    std::lock_guard<SpinLock> lock(mu_);
    const auto old = table_.find(ref);
    if (old != table_.end()) {
      dropped.push_back(*old);
      Detach(old);
    }
    if (entry == nullptr) {
      ++counters_.too_large;
    } else {
      while (usage_ + charge > capacity_) {
        Entry* victim = head_->prev;
        Detach(table_.find(KeyRef{victim->key(), victim->table_hash}));
        dropped.push_back(victim);
        ++evicted_count;
      }
      counters_.evictions += evicted_count;
      table_.insert(entry);
      LinkAtHead(entry);
      usage_ += charge;
      if (inserted != nullptr) *inserted = ViewOf(entry);
    }
  }
  // The replaced entry, if any, comes first and is not an eviction.
  const size_t first_evicted = dropped.size() - evicted_count;
  for (size_t i = 0; i < dropped.size(); ++i) {
    Entry* victim = dropped[i];
    if (i >= first_evicted && on_evict_) {
      on_evict_(victim->key(), ViewOf(victim));
    }
    victim->buffer.Unref();
  }
  return entry != nullptr;
}

bool LruShard::Erase(absl::string_view key, uint64_t hash) {
  Entry* victim = nullptr;
  {
    std::lock_guard<SpinLock> lock(mu_);
    const auto it = table_.find(KeyRef{key, TableHashOf(hash)});
    if (it == table_.end()) return false;
    victim = *it;
    Detach(it);
  }
  victim->buffer.Unref();
  return true;
}

LruShardStats LruShard::GetStats() const {
  std::lock_guard<SpinLock> lock(mu_);
  LruShardStats stats = counters_;
  stats.items = table_.size();
  stats.bytes = usage_;
  return stats;
}

}  // namespace gogocache
