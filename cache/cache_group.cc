// Copyright 2026 The gogocache Authors.

#include "cache/cache_group.h"

#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "cache/cache_shard.h"

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
  if (options.capacity_bytes / options.num_shards < kMinShardCapacity) {
    return absl::InvalidArgumentError(absl::StrCat(
        where, "capacity_bytes ", options.capacity_bytes, " over num_shards ",
        options.num_shards, " leaves ",
        options.capacity_bytes / options.num_shards,
        " bytes per shard, below the minimum of ", kMinShardCapacity));
  }
  if (options.peers != nullptr && options.hot_cache_bytes == 0) {
    options.hot_cache_bytes = options.capacity_bytes / 8;
  }
  if (options.peers == nullptr && options.hot_cache_bytes != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, "hot_cache_bytes is set but there are no peers"));
  }
  if (options.peers != nullptr &&
      options.hot_cache_bytes >= options.capacity_bytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        where, "hot_cache_bytes ", options.hot_cache_bytes,
        " must be less than capacity_bytes ", options.capacity_bytes));
  }
  const size_t per_shard =
      (options.capacity_bytes - options.hot_cache_bytes) / options.num_shards;
  if (per_shard < kMinShardCapacity) {
    return absl::InvalidArgumentError(absl::StrCat(
        where, "capacity_bytes ", options.capacity_bytes, " over num_shards ",
        options.num_shards, " leaves ", per_shard,
        " bytes per shard, below the minimum of ", kMinShardCapacity));
  }
  if (options.peers != nullptr &&
      options.hot_cache_bytes / options.num_shards < kMinShardCapacity) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, "hot_cache_bytes ", options.hot_cache_bytes,
                     " over num_shards ", options.num_shards, " leaves ",
                     options.hot_cache_bytes / options.num_shards,
                     " bytes per hot-cache shard, below the minimum of ",
                     kMinShardCapacity));
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

static_assert(CacheGroup::kEntryOverhead == CacheShard::kEntryOverhead,
              "the public charge is the shard's");

CacheGroup::~CacheGroup() = default;

CacheGroup::CacheGroup(CacheGroupOptions options, ShardSelector selector)
    : options_(std::move(options)), selector_(selector) {
  const size_t per_shard =
      (options_.capacity_bytes - options_.hot_cache_bytes) /
      options_.num_shards;
  shards_.reserve(options_.num_shards);
  for (uint32_t i = 0; i < options_.num_shards; ++i) {
    shards_.push_back(
        std::make_unique<CacheShard>(per_shard, nullptr, options_.eviction));
  }
  if (options_.peers != nullptr) {
    const size_t per_hot_shard = options_.hot_cache_bytes / options_.num_shards;
    hot_shards_.reserve(options_.num_shards);
    for (uint32_t i = 0; i < options_.num_shards; ++i) {
      hot_shards_.push_back(std::make_unique<CacheShard>(per_hot_shard, nullptr,
                                                         options_.eviction));
    }
  }
  if (options_.store != nullptr || options_.peers != nullptr) {
    key_locks_ = std::make_unique<PaddedMutex[]>(kKeyLocks);
  }
  if (options_.peers != nullptr) {
    hot_generations_ = std::make_unique<uint64_t[]>(kKeyLocks);
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
                                         CacheShard& shard,
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
  CacheShard& shard = ShardFor(hash);
  ByteView value;
  if (shard.Lookup(key, hash, &value)) return value;
  if (options_.peers != nullptr) {
    if (HotShardFor(hash).Lookup(key, hash, &value)) return value;
  } else if (options_.getter == nullptr) {
    return NoGetterError(key);
  }
  return Load(key, hash, shard);
}

absl::Status CacheGroup::NoGetterError(absl::string_view key) const {
  return absl::NotFoundError(
      absl::StrCat("cache group \"", options_.name, "\": no value for key \"",
                   Printable(key), "\" and no getter to load it"));
}

absl::StatusOr<ByteView> CacheGroup::Load(absl::string_view key, uint64_t hash,
                                          CacheShard& shard) {
  loads_.fetch_add(1, std::memory_order_relaxed);
  return flight_.Do(key, [&]() -> absl::StatusOr<ByteView> {
    // A call for this key may have filled it between our miss and now.
    ByteView value;
    if (shard.Lookup(key, hash, &value, /*count=*/false)) return value;
    if (options_.peers != nullptr) return LoadFromOwner(key, hash, shard);
    return CallGetter(key, hash, &shard);
  });
}

absl::StatusOr<ByteView> CacheGroup::LoadLocally(absl::string_view key,
                                                 uint64_t hash,
                                                 CacheShard& shard) {
  return getter_flight_.Do(key, [&]() -> absl::StatusOr<ByteView> {
    ByteView value;
    if (shard.Lookup(key, hash, &value, /*count=*/false)) return value;
    return CallGetter(key, hash, &shard);
  });
}

absl::StatusOr<ByteView> CacheGroup::CallGetter(absl::string_view key,
                                                uint64_t hash,
                                                CacheShard* into) {
  if (options_.getter == nullptr) return NoGetterError(key);
  absl::StatusOr<std::string> loaded = options_.getter->Get(key);
  if (!loaded.ok()) {
    local_load_errors_.fetch_add(1, std::memory_order_relaxed);
    return loaded.status();
  }
  local_loads_.fetch_add(1, std::memory_order_relaxed);
  if (into == nullptr) return ByteView::CopyOf(*loaded);
  ByteView value;
  if (options_.store == nullptr) {
    if (into->Insert(key, hash, *loaded, &value)) return value;
    return ByteView::CopyOf(*loaded);  // Too large to cache; an answer.
  }
  if (CacheShard::Charge(key.size(), loaded->size()) > into->capacity()) {
    into->Insert(key, hash, *loaded);  // Counts it as too large.
    return ByteView::CopyOf(*loaded);
  }
  std::vector<std::string> evicted;
  bool cached = false;
  // A failed write-through is counted; the value is still the answer.
  InsertWithStore(key, hash, *into, *loaded, &value, &cached, &evicted)
      .IgnoreError();
  DeleteEvicted(evicted);
  if (cached) return value;
  return ByteView::CopyOf(*loaded);
}

absl::Status CacheGroup::Set(absl::string_view key, absl::string_view value) {
  if (absl::Status status = ValidateKey(key); !status.ok()) return status;
  const uint64_t hash = options_.hash.Hash(key);
  if (options_.peers == nullptr) return SetLocally(key, hash, value);
  const std::shared_ptr<PeerClient> owner = options_.peers->Owner(key);
  absl::Status status;
  if (owner == nullptr) {
    status = SetLocally(key, hash, value);
    DropCopy(key, hash);
  } else {
    status = owner->Set(options_.name, key, value);
    RemoveLocally(key, hash, /*owned=*/false).IgnoreError();
  }
  // Even a Set that failed may have dropped the owner's older value (one
  // too large for it does): no copy may outlive it.
  RemoveFromOthers(key, owner.get());
  return status;
}

absl::Status CacheGroup::SetLocally(absl::string_view key, uint64_t hash,
                                    absl::string_view value) {
  CacheShard& shard = ShardFor(hash);
  const bool fits =
      CacheShard::Charge(key.size(), value.size()) <= shard.capacity() &&
      value.size() <= CacheShard::kMaxValueSize;
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
        "\" charges ", CacheShard::Charge(key.size(), value.size()),
        " bytes, more than a shard's capacity of ", shard.capacity(),
        "; not stored"));
  }
  return absl::OkStatus();
}

absl::Status CacheGroup::Remove(absl::string_view key) {
  if (absl::Status status = ValidateKey(key); !status.ok()) return status;
  const uint64_t hash = options_.hash.Hash(key);
  if (options_.peers == nullptr) return RemoveLocally(key, hash, true);
  const std::shared_ptr<PeerClient> owner = options_.peers->Owner(key);
  if (owner != nullptr) {
    if (absl::Status status = owner->Remove(options_.name, key); !status.ok()) {
      return status;
    }
  }
  if (absl::Status status = RemoveLocally(key, hash, owner == nullptr);
      !status.ok()) {
    return status;
  }
  RemoveFromOthers(key, owner.get());
  return absl::OkStatus();
}

absl::Status CacheGroup::RemoveLocally(absl::string_view key, uint64_t hash,
                                       bool owned) {
  CacheShard& shard = ShardFor(hash);
  std::unique_lock<std::mutex> lock;
  if (key_locks_ != nullptr) {
    lock = std::unique_lock<std::mutex>(KeyLock(hash));
  }
  if (!hot_shards_.empty()) {
    ++hot_generations_[hash % kKeyLocks];
    HotShardFor(hash).Erase(key, hash);
  }
  if (options_.store != nullptr) {
    // A key owned elsewhere is in the store only while it is in memory (held
    // from an older peer list): a delete of anything else would only add a
    // tombstone.
    if (!owned && !shard.Contains(key, hash)) return absl::OkStatus();
    if (absl::Status status = options_.store->Delete(key); !status.ok()) {
      store_write_errors_.fetch_add(1, std::memory_order_relaxed);
      return status;  // Still in memory, as in the store.
    }
    store_deletes_.fetch_add(1, std::memory_order_relaxed);
  }
  shard.Erase(key, hash);
  return absl::OkStatus();
}

CacheGroupStats CacheGroup::GetStats() const {
  CacheGroupStats stats;
  for (const auto& shard : shards_) {
    const CacheShardStats s = shard->GetStats();
    stats.gets += s.hits + s.misses;
    stats.hits += s.hits;
    stats.bytes += s.bytes;
    stats.items += s.items;
    stats.evictions += s.evictions;
    stats.too_large += s.too_large;
  }
  stats.loads = loads_.load(std::memory_order_relaxed);
  stats.loads_shared = flight_.shared_calls();
  // The two counters are read one after the other, not at one instant.
  stats.loads_deduped =
      stats.loads > stats.loads_shared ? stats.loads - stats.loads_shared : 0;
  stats.local_loads = local_loads_.load(std::memory_order_relaxed);
  stats.local_load_errors = local_load_errors_.load(std::memory_order_relaxed);
  stats.capacity_bytes = options_.capacity_bytes;
  stats.store_replayed = store_replayed_.load(std::memory_order_relaxed);
  stats.store_writes = store_writes_.load(std::memory_order_relaxed);
  stats.store_deletes = store_deletes_.load(std::memory_order_relaxed);
  stats.store_write_errors =
      store_write_errors_.load(std::memory_order_relaxed);
  for (const auto& shard : hot_shards_) {
    const CacheShardStats s = shard->GetStats();
    stats.hot_hits += s.hits;
    stats.hot_bytes += s.bytes;
    stats.hot_items += s.items;
    stats.evictions += s.evictions;
    stats.too_large += s.too_large;
  }
  stats.hits += stats.hot_hits;
  stats.bytes += stats.hot_bytes;
  stats.items += stats.hot_items;
  stats.peer_loads = peer_loads_.load(std::memory_order_relaxed);
  stats.peer_errors = peer_errors_.load(std::memory_order_relaxed);
  stats.served_for_peers = served_for_peers_.load(std::memory_order_relaxed);
  return stats;
}

}  // namespace gogocache
