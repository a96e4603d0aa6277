// Copyright 2026 The gogocache Authors.
//
// CacheGroup's part in a cache spread over peers (see "Peers" in
// cache_group.h): asking a key's owner, keeping its answer in the hot cache,
// dropping copies elsewhere, and answering requests from peers.
// The rest of the group is in cache_group.cc.

#include <algorithm>
#include <thread>
#include <utility>

#include "cache/cache_group.h"
#include "cache/cache_shard.h"
#include "cache/hot_cache.h"

namespace gogocache {

absl::StatusOr<ByteView> CacheGroup::LoadFromOwner(absl::string_view key,
                                                   uint64_t hash,
                                                   CacheShard& shard,
                                                   const Context& context) {
  ByteView value;
  if (hot_->Lookup(key, hash, &value, /*count=*/false)) return value;
  const std::shared_ptr<PeerClient> owner = options_.peers->Owner(key);
  if (owner == nullptr) return LoadLocally(key, hash, shard, context);
  const uint64_t generation = hot_->Generation(hash);
  absl::StatusOr<PeerValue> answer;
  if (!owner->Get(options_.name, key, &answer).ok()) {
    // No answer: this process answers instead, keeping the value as a copy
    // of what the owner would have said.
    peer_errors_.fetch_add(1, std::memory_order_relaxed);
    absl::Time expires = absl::InfiniteFuture();
    absl::StatusOr<ByteView> loaded = getter_flight_.Do(key, [&] {
      return CallGetter(key, hash, /*into=*/nullptr, context, &expires);
    });
    if (!loaded.ok()) return loaded;
    return hot_->Keep(key, hash, generation, loaded->view(), expires);
  }
  peer_loads_.fetch_add(1, std::memory_order_relaxed);
  if (!answer.ok()) return answer.status();
  return hot_->Keep(key, hash, generation, answer->value, answer->expires);
}

absl::Time CacheGroup::AnswerExpiry(absl::string_view key, uint64_t hash,
                                    CacheShard& shard, const ByteView& value) {
  if (!expiring_) return absl::InfiniteFuture();
  ByteView held;
  ShardHit hit;
  // The entry the answer came from, if it is still held: its expiry.
  if (shard.Lookup(key, hash, &held, /*count=*/false, &hit) &&
      held.data() == value.data()) {
    return hit.expires();
  }
  // Not held (too large, or replaced since): the asker keeps no copy.
  return clock_->Now();
}

void CacheGroup::RemoveFromOthers(absl::string_view key,
                                  const PeerClient* owner) {
  std::vector<std::shared_ptr<PeerClient>> peers = options_.peers->Others();
  peers.erase(std::remove_if(peers.begin(), peers.end(),
                             [owner](const std::shared_ptr<PeerClient>& peer) {
                               return peer.get() == owner;
                             }),
              peers.end());
  const auto remove = [&](PeerClient& peer) {
    if (!peer.Remove(options_.name, key).ok()) {
      peer_errors_.fetch_add(1, std::memory_order_relaxed);
    }
  };
  // All at once: one peer slow to answer costs its timeout once, not once
  // per peer after it.
  std::vector<std::thread> threads;
  for (size_t i = 1; i < peers.size(); ++i) {
    threads.emplace_back([&remove, peer = peers[i].get()] { remove(*peer); });
  }
  if (!peers.empty()) remove(*peers[0]);
  for (std::thread& thread : threads) thread.join();
}

absl::StatusOr<ByteView> CacheGroup::GetForPeer(absl::string_view key,
                                                absl::Time* expires) {
  return *ServePeerGet(key, /*wait=*/true, expires);
}

std::optional<absl::StatusOr<ByteView>> CacheGroup::GetForPeerUnlessLoading(
    absl::string_view key, absl::Time* expires) {
  return ServePeerGet(key, /*wait=*/false, expires);
}

std::optional<absl::StatusOr<ByteView>> CacheGroup::ServePeerGet(
    absl::string_view key, bool wait, absl::Time* expires) {
  // Counted as the request arrives, unless it may be declined.
  if (wait) served_for_peers_.fetch_add(1, std::memory_order_relaxed);
  std::optional<absl::StatusOr<ByteView>> answer;
  if (absl::Status status = ValidateKey(key); !status.ok()) {
    answer = status;
  } else {
    const uint64_t hash = options_.hash.Hash(key);
    CacheShard& shard = ShardFor(hash);
    // With peers, getter_flight_: requests from peers share their loads with
    // this process's own Gets of the keys it owns, but never wait on
    // flight_, whose calls may be waiting on a peer.
    SingleFlight<ByteView>& flight =
        options_.peers == nullptr ? flight_ : getter_flight_;
    const auto load = [&]() -> absl::StatusOr<ByteView> {
      if (auto held = Held(key, hash, shard)) return *std::move(held);
      return CallGetter(key, hash, &shard);
    };
    if (wait) {
      answer = flight.Do(key, load);
    } else {
      answer = flight.TryDo(key, load);
    }
    if (expires != nullptr && answer.has_value() && answer->ok()) {
      *expires = AnswerExpiry(key, hash, shard, **answer);
    }
  }
  if (!wait && answer.has_value()) {
    served_for_peers_.fetch_add(1, std::memory_order_relaxed);
  }
  return answer;
}

bool CacheGroup::GetForPeerIfHeld(absl::string_view key, ByteView* value,
                                  absl::Time* expires) {
  if (!ValidateKey(key).ok()) return false;
  const uint64_t hash = options_.hash.Hash(key);
  ByteView held;
  ShardHit hit;
  // A remembered NotFound is answered by GetForPeer.
  if (!ShardFor(hash).Lookup(key, hash, &held, /*count=*/false, &hit) ||
      hit.not_found) {
    return false;
  }
  *value = std::move(held);
  if (expires != nullptr) *expires = hit.expires();
  served_for_peers_.fetch_add(1, std::memory_order_relaxed);
  return true;
}

absl::Status CacheGroup::SetForPeer(absl::string_view key,
                                    absl::string_view value,
                                    std::optional<absl::Time> expires) {
  served_for_peers_.fetch_add(1, std::memory_order_relaxed);
  if (absl::Status status = ValidateKey(key); !status.ok()) return status;
  const uint64_t hash = options_.hash.Hash(key);
  absl::Status status = SetLocally(key, hash, value, ExpiryOf(expires));
  if (hot_ != nullptr) hot_->Drop(key, hash);
  return status;
}

absl::Status CacheGroup::RemoveForPeer(absl::string_view key) {
  served_for_peers_.fetch_add(1, std::memory_order_relaxed);
  if (absl::Status status = ValidateKey(key); !status.ok()) return status;
  const bool owned =
      options_.peers == nullptr || options_.peers->Owner(key) == nullptr;
  return RemoveLocally(key, options_.hash.Hash(key), owned);
}

}  // namespace gogocache
