// Copyright 2026 The gogocache Authors.

#include "cache/cache_group.h"

#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace gogocache {
namespace {

// Keys in messages are escaped and cut short: they may be binary or long.
std::string Printable(absl::string_view key) {
  constexpr size_t kShown = 64;
  if (key.size() <= kShown) return absl::CHexEscape(key);
  return absl::StrCat(absl::CHexEscape(key.substr(0, kShown)), "...");
}

}  // namespace

absl::StatusOr<std::unique_ptr<CacheGroup>> CacheGroup::Create(
    CacheGroupOptions options) {
  if (options.name.empty()) {
    return absl::InvalidArgumentError("CacheGroupOptions.name is empty");
  }
  const std::string where =
      absl::StrCat("cache group \"", options.name, "\": ");
  if (options.num_shards < 1 || options.num_shards > kMaxShards) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, "num_shards is ", options.num_shards,
                     ", must be in [1, ", kMaxShards, "]"));
  }
  const size_t per_shard = options.capacity_bytes / options.num_shards;
  if (per_shard < kMinShardCapacity) {
    return absl::InvalidArgumentError(absl::StrCat(
        where, "capacity_bytes ", options.capacity_bytes, " over num_shards ",
        options.num_shards, " leaves ", per_shard,
        " bytes per shard, below the minimum of ", kMinShardCapacity));
  }
  if (options.max_key_size < 1 || options.max_key_size > kMaxKeySize) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, "max_key_size is ", options.max_key_size,
                     ", must be in [1, ", kMaxKeySize, "]"));
  }
  absl::StatusOr<ShardSelector> selector =
      ShardSelector::Create(options.num_shards, options.hash.bits());
  if (!selector.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, selector.status().message()));
  }
  std::unique_ptr<CacheGroup> group(
      new CacheGroup(std::move(options), *selector));
  if (group->options_.store != nullptr) {
    if (absl::Status status = group->ReplayStore(); !status.ok()) {
      return absl::Status(
          status.code(),
          absl::StrCat(where, "cannot load its store: ", status.message()));
    }
  }
  return group;
}

CacheGroup::CacheGroup(CacheGroupOptions options, ShardSelector selector)
    : options_(std::move(options)), selector_(selector) {
  const size_t per_shard = options_.capacity_bytes / options_.num_shards;
  shards_.reserve(options_.num_shards);
  for (uint32_t i = 0; i < options_.num_shards; ++i) {
    shards_.push_back(
        std::make_unique<LruShard>(per_shard, nullptr, options_.eviction));
  }
  if (options_.store != nullptr) {
    key_locks_ = std::make_unique<PaddedMutex[]>(kKeyLocks);
  }
}

absl::Status CacheGroup::ReplayStore() {
  // Oldest first: later entries push earlier ones out when not all fit.
  std::vector<std::string> evicted;
  std::vector<std::string> unfit;
  uint64_t replayed = 0;
  absl::Status status = options_.store->Replay(
      [&](absl::string_view key, absl::string_view value) {
        if (!ValidateKey(key).ok()) {
          unfit.emplace_back(key);
          return;
        }
        const uint64_t hash = options_.hash.Hash(key);
        if (ShardFor(hash).Restore(key, hash, value, &evicted)) {
          ++replayed;
        } else {
          unfit.emplace_back(key);
        }
      });
  if (!status.ok()) return status;
  store_replayed_.store(replayed, std::memory_order_relaxed);
  // The store mirrors memory: drop what did not fit.
  for (const std::string& key : unfit) {
    if (options_.store->Delete(key).ok()) {
      store_deletes_.fetch_add(1, std::memory_order_relaxed);
    } else {
      store_write_errors_.fetch_add(1, std::memory_order_relaxed);
    }
  }
  DeleteEvicted(evicted);
  return absl::OkStatus();
}

absl::Status CacheGroup::InsertWithStore(absl::string_view key, uint64_t hash,
                                         LruShard& shard,
                                         absl::string_view value,
                                         ByteView* inserted, bool* cached,
                                         std::vector<std::string>* evicted) {
  std::lock_guard<std::mutex> lock(KeyLock(hash));
  absl::Status status = options_.store->Put(key, value);
  if (status.ok()) {
    store_writes_.fetch_add(1, std::memory_order_relaxed);
  } else {
    store_write_errors_.fetch_add(1, std::memory_order_relaxed);
  }
  *cached = shard.Insert(key, hash, value, inserted, evicted);
  return status;
}

void CacheGroup::DeleteEvicted(const std::vector<std::string>& evicted) {
  for (const std::string& key : evicted) {
    const uint64_t hash = options_.hash.Hash(key);
    std::lock_guard<std::mutex> lock(KeyLock(hash));
    // Set again since it was evicted: the store holds the new value.
    if (ShardFor(hash).Contains(key, hash)) continue;
    if (options_.store->Delete(key).ok()) {
      store_deletes_.fetch_add(1, std::memory_order_relaxed);
    } else {
      store_write_errors_.fetch_add(1, std::memory_order_relaxed);
    }
  }
}

absl::Status CacheGroup::KeyError(absl::string_view key) const {
  if (key.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("cache group \"", options_.name, "\": key is empty"));
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "cache group \"", options_.name, "\": key \"", Printable(key), "\" is ",
      key.size(), " bytes, longer than max_key_size ", options_.max_key_size));
}

absl::StatusOr<ByteView> CacheGroup::Get(absl::string_view key) {
  if (absl::Status status = ValidateKey(key); !status.ok()) return status;
  const uint64_t hash = options_.hash.Hash(key);
  LruShard& shard = ShardFor(hash);
  ByteView value;
  if (shard.Lookup(key, hash, &value)) return value;
  if (options_.getter == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("cache group \"", options_.name, "\": no value for key \"",
                     Printable(key), "\" and no getter to load it"));
  }
  return Load(key, hash, shard);
}

absl::StatusOr<ByteView> CacheGroup::Load(absl::string_view key, uint64_t hash,
                                          LruShard& shard) {
  loads_.fetch_add(1, std::memory_order_relaxed);
  return flight_.Do(key, [&]() -> absl::StatusOr<ByteView> {
    // A call for this key may have filled it between our miss and now.
    ByteView value;
    if (shard.Lookup(key, hash, &value, /*count=*/false)) return value;
    absl::StatusOr<std::string> loaded = options_.getter->Get(key);
    if (!loaded.ok()) {
      local_load_errors_.fetch_add(1, std::memory_order_relaxed);
      return loaded.status();
    }
    local_loads_.fetch_add(1, std::memory_order_relaxed);
    if (options_.store == nullptr) {
      if (shard.Insert(key, hash, *loaded, &value)) return value;
      return ByteView::CopyOf(*loaded);  // Too large to cache; an answer.
    }
    if (LruShard::Charge(key.size(), loaded->size()) > shard.capacity()) {
      shard.Insert(key, hash, *loaded);  // Counts it as too large.
      return ByteView::CopyOf(*loaded);
    }
    std::vector<std::string> evicted;
    bool cached = false;
    // A failed write-through is counted; the value is still the answer.
    InsertWithStore(key, hash, shard, *loaded, &value, &cached, &evicted)
        .IgnoreError();
    DeleteEvicted(evicted);
    if (cached) return value;
    return ByteView::CopyOf(*loaded);
  });
}

absl::Status CacheGroup::Set(absl::string_view key, absl::string_view value) {
  if (absl::Status status = ValidateKey(key); !status.ok()) return status;
  const uint64_t hash = options_.hash.Hash(key);
  LruShard& shard = ShardFor(hash);
  const bool fits =
      LruShard::Charge(key.size(), value.size()) <= shard.capacity() &&
      value.size() <= LruShard::kMaxValueSize;
  if (options_.store != nullptr && fits) {
    std::vector<std::string> evicted;
    {
      std::lock_guard<std::mutex> lock(KeyLock(hash));
      if (absl::Status status = options_.store->Put(key, value); !status.ok()) {
        store_write_errors_.fetch_add(1, std::memory_order_relaxed);
        return status;  // Nothing changed, in memory or in the store.
      }
      store_writes_.fetch_add(1, std::memory_order_relaxed);
      shard.Insert(key, hash, value, nullptr, &evicted);
    }
    DeleteEvicted(evicted);
    return absl::OkStatus();
  }
  std::unique_lock<std::mutex> lock;
  if (options_.store != nullptr) {
    // Too large: like the shard, drop any older value, here and there.
    lock = std::unique_lock<std::mutex>(KeyLock(hash));
    if (absl::Status status = options_.store->Delete(key); !status.ok()) {
      store_write_errors_.fetch_add(1, std::memory_order_relaxed);
      return status;
    }
  }
  if (!shard.Insert(key, hash, value)) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "cache group \"", options_.name, "\": entry for key \"", Printable(key),
        "\" charges ", LruShard::Charge(key.size(), value.size()),
        " bytes, more than a shard's capacity of ", shard.capacity(),
        "; not stored"));
  }
  return absl::OkStatus();
}

absl::Status CacheGroup::Remove(absl::string_view key) {
  if (absl::Status status = ValidateKey(key); !status.ok()) return status;
  const uint64_t hash = options_.hash.Hash(key);
  if (options_.store != nullptr) {
    std::lock_guard<std::mutex> lock(KeyLock(hash));
    if (absl::Status status = options_.store->Delete(key); !status.ok()) {
      store_write_errors_.fetch_add(1, std::memory_order_relaxed);
      return status;  // Still in memory, as in the store.
    }
    store_deletes_.fetch_add(1, std::memory_order_relaxed);
    ShardFor(hash).Erase(key, hash);
    return absl::OkStatus();
  }
  ShardFor(hash).Erase(key, hash);
  return absl::OkStatus();
}

CacheGroupStats CacheGroup::GetStats() const {
  CacheGroupStats stats;
  for (const auto& shard : shards_) {
    const LruShardStats s = shard->GetStats();
    stats.gets += s.hits + s.misses;
    stats.hits += s.hits;
    stats.bytes += s.bytes;
    stats.items += s.items;
    stats.evictions += s.evictions;
    stats.too_large += s.too_large;
  }
  stats.loads = loads_.load(std::memory_order_relaxed);
  stats.loads_deduplicated = flight_.shared_calls();
  stats.local_loads = local_loads_.load(std::memory_order_relaxed);
  stats.local_load_errors = local_load_errors_.load(std::memory_order_relaxed);
  stats.capacity_bytes = options_.capacity_bytes;
  stats.store_replayed = store_replayed_.load(std::memory_order_relaxed);
  stats.store_writes = store_writes_.load(std::memory_order_relaxed);
  stats.store_deletes = store_deletes_.load(std::memory_order_relaxed);
  stats.store_write_errors =
      store_write_errors_.load(std::memory_order_relaxed);
  return stats;
}

}  // namespace gogocache
