// Copyright 2026 The gogocache Authors.

#include "cache/store_mirror.h"

#include <utility>

namespace gogocache {

StoreMirror::StoreMirror(std::shared_ptr<Store> store, HashStrategy hash)
    : store_(std::move(store)), hash_(hash) {
  if (store_ != nullptr)
    key_locks_ = std::make_unique<PaddedMutex[]>(kKeyLocks);
}

void StoreMirror::Count(const absl::Status& status,
                        std::atomic<uint64_t>& done) {
  (status.ok() ? done : write_errors_).fetch_add(1, std::memory_order_relaxed);
}

absl::Status StoreMirror::Replay(
    absl::FunctionRef<CacheShard&(uint64_t hash)> shard_for,
    absl::FunctionRef<bool(absl::string_view key)> accept, absl::Time now,
    absl::FunctionRef<EntryExpiry(absl::Time expires)> expiry_of) {
  if (store_ == nullptr) return absl::OkStatus();
  // Deleted once the replay is over: its visitor must not call the store.
  std::vector<std::string> unfit, expired;
  std::vector<std::pair<CacheShard*, std::vector<std::string>>> evicted;
  uint64_t replayed = 0;
  absl::Status status = store_->Replay(
      [&](absl::string_view key, absl::string_view value, absl::Time expires) {
        if (expires <= now) {
          expired.emplace_back(key);
          return;
        }
        if (!accept(key)) {
          unfit.emplace_back(key);
          return;
        }
        const uint64_t hash = hash_.Hash(key);
        CacheShard& shard = shard_for(hash);
        ShardInsert result =
            shard.Restore(key, hash, value, expiry_of(expires));
        if (result.inserted) {
          ++replayed;
        } else {
          unfit.emplace_back(key);
        }
        if (!result.evicted.empty()) {
          evicted.emplace_back(&shard, std::move(result.evicted));
        }
      });
  if (!status.ok()) return status;
  replayed_.store(replayed, std::memory_order_relaxed);
  replay_expired_.store(expired.size(), std::memory_order_relaxed);
  // The store mirrors memory: drop what expired and what did not fit.
  for (const std::string& key : expired) Count(store_->Delete(key), deletes_);
  for (const std::string& key : unfit) Count(store_->Delete(key), deletes_);
  for (const auto& [shard, keys] : evicted) DeleteEvicted(*shard, keys);
  return absl::OkStatus();
}

ByteView StoreMirror::Fill(absl::string_view key, uint64_t hash,
                           CacheShard& shard, absl::string_view value,
                           const EntryExpiry& expiry) {
  ShardInsert result;
  if (store_ == nullptr || !shard.Fits(key.size(), value.size())) {
    result = shard.Insert(key, hash, value, expiry);
  } else {
    std::lock_guard<std::mutex> lock(KeyLock(hash));
    Count(store_->Put(key, value, expiry.expires), writes_);
    result = shard.Insert(key, hash, value, expiry);
  }
  if (store_ != nullptr) DeleteEvicted(shard, result.evicted);
  if (result.inserted) return std::move(result.value);
  return ByteView::CopyOf(value);  // Too large to keep; still the answer.
}

void StoreMirror::FillNotFound(absl::string_view key, uint64_t hash,
                               CacheShard& shard, absl::string_view message,
                               const EntryExpiry& expiry) {
  if (store_ == nullptr) {
    shard.Insert(key, hash, message, expiry);
    return;
  }
  ShardInsert result;
  {
    std::lock_guard<std::mutex> lock(KeyLock(hash));
    // An expired value of the key may still be held, and so stored.
    if (shard.Contains(key, hash)) Count(store_->Delete(key), deletes_);
    result = shard.Insert(key, hash, message, expiry);
  }
  DeleteEvicted(shard, result.evicted);
}

absl::Status StoreMirror::Set(absl::string_view key, uint64_t hash,
                              CacheShard& shard, absl::string_view value,
                              const EntryExpiry& expiry, bool* inserted) {
  if (store_ == nullptr) {
    *inserted = shard.Insert(key, hash, value, expiry).inserted;
    return absl::OkStatus();
  }
  ShardInsert result;
  {
    std::lock_guard<std::mutex> lock(KeyLock(hash));
    // A value that cannot be kept is not written: like the shard, the store
    // drops the key's older value instead.
    const bool fits = shard.Fits(key.size(), value.size());
    absl::Status status =
        fits ? store_->Put(key, value, expiry.expires) : store_->Delete(key);
    Count(status, fits ? writes_ : deletes_);
    if (!status.ok()) return status;  // Nothing changed, here or there.
    result = shard.Insert(key, hash, value, expiry);
  }
  DeleteEvicted(shard, result.evicted);
  *inserted = result.inserted;
  return absl::OkStatus();
}

absl::Status StoreMirror::Remove(absl::string_view key, uint64_t hash,
                                 CacheShard& shard, bool owned) {
  if (store_ == nullptr) {
    shard.Erase(key, hash);
    return absl::OkStatus();
  }
  std::lock_guard<std::mutex> lock(KeyLock(hash));
  // A delete of a key the store cannot hold would only add a tombstone.
  if (!owned && !shard.Contains(key, hash)) return absl::OkStatus();
  absl::Status status = store_->Delete(key);
  Count(status, deletes_);
  if (!status.ok()) return status;  // Still in memory, as in the store.
  shard.Erase(key, hash);
  return absl::OkStatus();
}

void StoreMirror::DeleteEvicted(CacheShard& shard,
                                const std::vector<std::string>& keys) {
  for (const std::string& key : keys) {
    const uint64_t hash = hash_.Hash(key);
    std::lock_guard<std::mutex> lock(KeyLock(hash));
    // Set again since it was evicted: the store holds the new value.
    if (shard.Contains(key, hash)) continue;
    Count(store_->Delete(key), deletes_);
  }
}

StoreMirrorStats StoreMirror::GetStats() const {
  StoreMirrorStats stats;
  stats.replayed = replayed_.load(std::memory_order_relaxed);
  stats.replay_expired = replay_expired_.load(std::memory_order_relaxed);
  stats.writes = writes_.load(std::memory_order_relaxed);
  stats.deletes = deletes_.load(std::memory_order_relaxed);
  stats.write_errors = write_errors_.load(std::memory_order_relaxed);
  return stats;
}

}  // namespace gogocache
