// Copyright 2026 The gogocache Authors.

#include "cache/cache_group.h"

#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cache/background_tasks.h"
#include "cache/cache_shard.h"
#include "cache/hot_cache.h"
#include "cache/store_mirror.h"

namespace gogocache {

bool CacheGroup::ExpiryOn(const CacheGroupOptions& options) {
  return options.expire_after_write != absl::InfiniteDuration() ||
         options.per_entry_expiry ||
         options.not_found_ttl > absl::ZeroDuration();
}

// Keys in messages are escaped and cut short: they may be binary or long.
std::string CacheGroup::Printable(absl::string_view key) {
  constexpr size_t kShown = 64;
  if (key.size() <= kShown) return absl::CHexEscape(key);
  return absl::StrCat(absl::CHexEscape(key.substr(0, kShown)), "...");
}

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
  if (options.expire_after_write <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, "expire_after_write is ",
                     absl::FormatDuration(options.expire_after_write),
                     ", must be positive (InfiniteDuration() for no expiry)"));
  }
  if (options.not_found_ttl < absl::ZeroDuration() ||
      options.not_found_ttl == absl::InfiniteDuration()) {
    return absl::InvalidArgumentError(absl::StrCat(
        where, "not_found_ttl is ", absl::FormatDuration(options.not_found_ttl),
        ", must be finite and not negative (zero: NotFound is not cached)"));
  }
  if (!(options.refresh_ahead >= 0 && options.refresh_ahead < 1)) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, "refresh_ahead is ", options.refresh_ahead,
                     ", must be in [0, 1) (0: off)"));
  }
  if (options.refresh_ahead > 0 && !ExpiryOn(options)) {
    return absl::InvalidArgumentError(
        absl::StrCat(where,
                     "refresh_ahead needs expiry: set expire_after_write or "
                     "per_entry_expiry"));
  }
  if (options.clock == nullptr) options.clock = NewSystemClock();
  absl::StatusOr<ShardSelector> selector =
      ShardSelector::Create(options.num_shards, options.hash.bits());
  if (!selector.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, selector.status().message()));
  }
  std::unique_ptr<CacheGroup> group(
      new CacheGroup(std::move(options), *selector));
  CacheGroup& g = *group;
  // Stored entries keep their expiry; what expired meanwhile is dropped.
  absl::Status replayed = g.mirror_->Replay(
      [&g](uint64_t hash) -> CacheShard& { return g.ShardFor(hash); },
      [&g](absl::string_view key) { return g.ValidateKey(key).ok(); },
      g.clock_->Now(),
      [&g](absl::Time expires) { return g.ExpiryOf(expires); });
  if (!replayed.ok()) {
    return absl::Status(
        replayed.code(),
        absl::StrCat(where, "cannot load its store: ", replayed.message()));
  }
  return group;
}

static_assert(CacheGroup::kEntryOverhead == CacheShard::kEntryOverhead,
              "the public charge is the shard's");

CacheGroup::~CacheGroup() = default;

CacheGroup::CacheGroup(CacheGroupOptions options, ShardSelector selector)
    : options_(std::move(options)),
      selector_(selector),
      mirror_(std::make_unique<StoreMirror>(options_.store, options_.hash)),
      expiring_(ExpiryOn(options_)),
      clock_(options_.clock),
      background_(std::make_unique<BackgroundTasks>(kMaxRefreshes)) {
  const size_t per_shard =
      (options_.capacity_bytes - options_.hot_cache_bytes) /
      options_.num_shards;
  shards_.reserve(options_.num_shards);
  for (uint32_t i = 0; i < options_.num_shards; ++i) {
    shards_.push_back(std::make_unique<CacheShard>(
        per_shard, options_.eviction, expiring_ ? clock_.get() : nullptr,
        options_.refresh_ahead > 0));
  }
  if (options_.peers != nullptr) {
    hot_ = std::make_unique<HotCache>(options_.hot_cache_bytes, selector_,
                                      options_.eviction,
                                      expiring_ ? clock_.get() : nullptr);
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
  return Get(key, Context());
}

absl::StatusOr<ByteView> CacheGroup::Get(absl::string_view key,
                                         const Context& context) {
  if (absl::Status status = ValidateKey(key); !status.ok()) return status;
  const uint64_t hash = options_.hash.Hash(key);
  CacheShard& shard = ShardFor(hash);
  ByteView value;
  if (!expiring_) {
    if (shard.Lookup(key, hash, &value)) return value;
  } else {
    ShardHit hit;
    if (shard.Lookup(key, hash, &value, /*count=*/true, &hit)) {
      return ServeHit(key, hash, std::move(value), hit);
    }
  }
  if (options_.peers != nullptr) {
    if (hot_->Lookup(key, hash, &value)) return value;
  } else if (options_.getter == nullptr) {
    return NoGetterError(key);
  }
  if (context.CanEnd()) return LoadUntil(key, hash, shard, context);
  return Load(key, hash, shard, context);
}

absl::Status CacheGroup::NoGetterError(absl::string_view key) const {
  return absl::NotFoundError(
      absl::StrCat("cache group \"", options_.name, "\": no value for key \"",
                   Printable(key), "\" and no getter to load it"));
}

std::optional<absl::StatusOr<ByteView>> CacheGroup::Held(absl::string_view key,
                                                         uint64_t hash,
                                                         CacheShard& shard) {
  ByteView value;
  ShardHit hit;
  if (!shard.Lookup(key, hash, &value, /*count=*/false, &hit)) {
    return std::nullopt;
  }
  if (hit.not_found) return absl::NotFoundError(value.ToString());
  return value;
}

absl::StatusOr<ByteView> CacheGroup::Load(absl::string_view key, uint64_t hash,
                                          CacheShard& shard,
                                          const Context& context) {
  loads_.fetch_add(1, std::memory_order_relaxed);
  return flight_.Do(key, [&]() -> absl::StatusOr<ByteView> {
    // A call for this key may have filled it between our miss and now.
    if (auto held = Held(key, hash, shard)) return *std::move(held);
    if (options_.peers != nullptr) {
      return LoadFromOwner(key, hash, shard, context);
    }
    return CallGetter(key, hash, &shard, context);
  });
}

absl::StatusOr<ByteView> CacheGroup::LoadLocally(absl::string_view key,
                                                 uint64_t hash,
                                                 CacheShard& shard,
                                                 const Context& context) {
  return getter_flight_.Do(key, [&]() -> absl::StatusOr<ByteView> {
    if (auto held = Held(key, hash, shard)) return *std::move(held);
    return CallGetter(key, hash, &shard, context);
  });
}

absl::StatusOr<ByteView> CacheGroup::CallGetter(absl::string_view key,
                                                uint64_t hash, CacheShard* into,
                                                const Context& context,
                                                absl::Time* expires) {
  if (options_.getter == nullptr) return NoGetterError(key);
  absl::StatusOr<Loaded> loaded = options_.getter->Load(context, key);
  if (!loaded.ok()) {
    local_load_errors_.fetch_add(1, std::memory_order_relaxed);
    if (into != nullptr && absl::IsNotFound(loaded.status()) &&
        options_.not_found_ttl > absl::ZeroDuration()) {
      EntryExpiry expiry;
      expiry.expires = clock_->Now() + options_.not_found_ttl;
      expiry.not_found = true;
      mirror_->FillNotFound(key, hash, *into, loaded.status().message(),
                            expiry);
    }
    return loaded.status();
  }
  local_loads_.fetch_add(1, std::memory_order_relaxed);
  const EntryExpiry expiry = ExpiryOf(loaded->expires);
  if (expires != nullptr) *expires = expiry.expires;
  if (into == nullptr) return ByteView::CopyOf(loaded->value);
  return mirror_->Fill(key, hash, *into, loaded->value, expiry);
}

EntryExpiry CacheGroup::ExpiryOf(std::optional<absl::Time> expires) const {
  EntryExpiry expiry;
  if (!expiring_) return expiry;
  const absl::Time now = clock_->Now();
  if (expires.has_value()) {
    expiry.expires = *expires;
  } else if (options_.expire_after_write != absl::InfiniteDuration()) {
    expiry.expires = now + options_.expire_after_write;
  }
  if (options_.refresh_ahead > 0 && expiry.expires != absl::InfiniteFuture() &&
      expiry.expires > now) {
    expiry.refresh_at =
        expiry.expires - (expiry.expires - now) * options_.refresh_ahead;
  }
  return expiry;
}

absl::Status CacheGroup::Set(absl::string_view key, absl::string_view value,
                             std::optional<absl::Time> expires) {
  if (absl::Status status = ValidateKey(key); !status.ok()) return status;
  const uint64_t hash = options_.hash.Hash(key);
  if (options_.peers == nullptr) {
    return SetLocally(key, hash, value, ExpiryOf(expires));
  }
  const std::shared_ptr<PeerClient> owner = options_.peers->Owner(key);
  absl::Status status;
  if (owner == nullptr) {
    status = SetLocally(key, hash, value, ExpiryOf(expires));
    hot_->Drop(key, hash);
  } else {
    status = owner->Set(options_.name, key, value, expires);
    RemoveLocally(key, hash, /*owned=*/false).IgnoreError();
  }
  // Even a Set that failed may have dropped the owner's older value (one
  // too large for it does): no copy may outlive it.
  RemoveFromOthers(key, owner.get());
  return status;
}

absl::Status CacheGroup::SetLocally(absl::string_view key, uint64_t hash,
                                    absl::string_view value,
                                    const EntryExpiry& expiry) {
  CacheShard& shard = ShardFor(hash);
  bool inserted = false;
  if (absl::Status status =
          mirror_->Set(key, hash, shard, value, expiry, &inserted);
      !status.ok()) {
    return status;
  }
  if (inserted) return absl::OkStatus();
  return absl::ResourceExhaustedError(absl::StrCat(
      "cache group \"", options_.name, "\": entry for key \"", Printable(key),
      "\" charges ", CacheShard::Charge(key.size(), value.size()),
      " bytes, more than a shard's capacity of ", shard.capacity(),
      "; not stored"));
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
  if (hot_ != nullptr) hot_->Drop(key, hash);
  return mirror_->Remove(key, hash, ShardFor(hash), owned);
}

std::string CacheGroupStats::ToString() const {
  return absl::StrFormat(
      "gets=%d hits=%d hit_ratio=%.4f loads=%d loads_deduped=%d "
      "loads_shared=%d local_loads=%d local_load_errors=%d bytes=%d "
      "items=%d evictions=%d too_large=%d capacity_bytes=%d "
      "store_replayed=%d store_writes=%d store_deletes=%d "
      "store_write_errors=%d peer_loads=%d peer_errors=%d "
      "served_for_peers=%d hot_hits=%d hot_bytes=%d hot_items=%d "
      "expirations=%d refreshes=%d negative_hits=%d abandoned_waits=%d",
      gets, hits, hit_ratio(), loads, loads_deduped, loads_shared, local_loads,
      local_load_errors, bytes, items, evictions, too_large, capacity_bytes,
      store_replayed, store_writes, store_deletes, store_write_errors,
      peer_loads, peer_errors, served_for_peers, hot_hits, hot_bytes, hot_items,
      expirations, refreshes, negative_hits, abandoned_waits);
}

CacheGroupStats CacheGroup::GetStats() const {
  CacheShardStats shards;
  for (const auto& shard : shards_) shards.Add(shard->GetStats());
  const CacheShardStats hot =
      hot_ != nullptr ? hot_->GetStats() : CacheShardStats();
  const StoreMirrorStats store = mirror_->GetStats();
  CacheGroupStats stats;
  stats.gets = shards.hits + shards.misses;
  stats.hits = shards.hits + hot.hits;
  stats.loads = loads_.load(std::memory_order_relaxed);
  // Read one after the other, not at one instant.
  stats.loads_shared = flight_.shared_calls();
  stats.local_loads = local_loads_.load(std::memory_order_relaxed);
  stats.local_load_errors = local_load_errors_.load(std::memory_order_relaxed);
  stats.bytes = shards.bytes + hot.bytes;
  stats.items = shards.items + hot.items;
  stats.evictions = shards.evictions + hot.evictions;
  stats.too_large = shards.too_large + hot.too_large;
  stats.capacity_bytes = options_.capacity_bytes;
  stats.store_replayed = store.replayed;
  stats.store_writes = store.writes;
  stats.store_deletes = store.deletes;
  stats.store_write_errors = store.write_errors;
  stats.peer_loads = peer_loads_.load(std::memory_order_relaxed);
  stats.peer_errors = peer_errors_.load(std::memory_order_relaxed);
  stats.served_for_peers = served_for_peers_.load(std::memory_order_relaxed);
  stats.hot_hits = hot.hits;
  stats.hot_bytes = hot.bytes;
  stats.hot_items = hot.items;
  stats.loads_shared += waits_shared_.load(std::memory_order_relaxed);
  stats.loads_deduped =
      stats.loads > stats.loads_shared ? stats.loads - stats.loads_shared : 0;
  stats.expirations = shards.expirations + hot.expirations;
  stats.refreshes = refreshes_.load(std::memory_order_relaxed);
  stats.negative_hits = negative_hits_.load(std::memory_order_relaxed);
  stats.abandoned_waits = abandoned_waits_.load(std::memory_order_relaxed);
  return stats;
}

}  // namespace gogocache
