// Copyright 2026 The gogocache Authors.
//
// Peers: what a CacheGroup knows of the other processes that share its keys.
//
// A group given Peers (CacheGroupOptions::peers) is one part of a cache spread
// over many processes: every key has one owner among them, the same in every
// process that has the same peer list. On a miss the group asks the key's
// owner, which loads the key once for the whole fleet. These interfaces carry
// no transport; peer/ implements them over gRPC, and a test may implement
// them in-process.

#ifndef GOGOCACHE_CACHE_PEERS_H_
#define GOGOCACHE_CACHE_PEERS_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace gogocache {

// A value a key's owner answered.
struct PeerValue {
  std::string value;
  // When the owner stops serving it; a copy is never served past it.
  absl::Time expires = absl::InfiniteFuture();
};

// One other process, reached by its address. Thread safe.
class PeerClient {
 public:
  virtual ~PeerClient() = default;

  // Asks the peer for `key` of the group named `group`, as its owner: the
  // peer answers from its memory or its own getter, never from a third
  // process. Returns OK when an answer came, and sets `*answer` to it: the
  // value with its expiry, or the error the owner's group returned (its
  // getter's error with code and message unchanged, or its refusal of the key).
  // Returns an error when no answer came: the peer is unreachable, slower than
  // the call's deadline, or refused the request itself (an unknown group, a
  // message over its limits). Then `*answer` is unchanged.
  virtual absl::Status Get(absl::string_view group, absl::string_view key,
                           absl::StatusOr<PeerValue>* answer) = 0;

  // Stores `value` under `key` at the peer, as its owner would, expiring at
  // `expires` (std::nullopt: by the owner's default). The peer's group's
  // error, or the call's, prefixed with the peer's address.
  virtual absl::Status Set(absl::string_view group, absl::string_view key,
                           absl::string_view value,
                           std::optional<absl::Time> expires) = 0;

  // Drops `key` from everything the peer holds of the group: its own entries
  // (and its store) and its copies of other owners' values. Errors as Set.
  virtual absl::Status Remove(absl::string_view group,
                              absl::string_view key) = 0;

  // The peer's address ("host:port"), as in the peer list.
  virtual const std::string& address() const = 0;
};

// The current peer list, as one process sees it. Thread safe; the list may
// change at any time, and each call sees one list whole.
class Peers {
 public:
  virtual ~Peers() = default;

  // The owner of `key`: a peer, or nullptr when this process owns it.
  virtual std::shared_ptr<PeerClient> Owner(absl::string_view key) = 0;

  // Every peer but this process, in no particular order.
  virtual std::vector<std::shared_ptr<PeerClient>> Others() = 0;
};

}  // namespace gogocache

#endif  // GOGOCACHE_CACHE_PEERS_H_
