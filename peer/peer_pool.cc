// Copyright 2026 The gogocache Authors.

#include "peer/peer_pool.h"

#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "peer/owner_picker.h"
#include "peer/peer_list.h"

namespace gogocache {

struct PeerPool::PeerSet {
  explicit PeerSet(OwnerPicker picker) : picker(std::move(picker)) {}

  OwnerPicker picker;
  // One per address of `picker`, null for this process.
  std::vector<std::shared_ptr<PeerClient>> clients;
  // The non-null ones.
  std::vector<std::shared_ptr<PeerClient>> others;
};

absl::StatusOr<std::shared_ptr<PeerPool>> PeerPool::Create(
    PeerPoolOptions options) {
  if (absl::Status status = CheckPeerAddress(options.self); !status.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("PeerPoolOptions.self: ", status.message()));
  }
  if (options.connect == nullptr) {
    return absl::InvalidArgumentError("PeerPoolOptions.connect is not set");
  }
  return std::shared_ptr<PeerPool>(new PeerPool(std::move(options)));
}

PeerPool::PeerPool(PeerPoolOptions options) : options_(std::move(options)) {
  absl::StatusOr<OwnerPicker> alone = OwnerPicker::Create({options_.self});
  auto set = std::make_shared<PeerSet>(*std::move(alone));
  set->clients.push_back(nullptr);
  current_ = std::move(set);
}

absl::Status PeerPool::SetPeers(std::vector<std::string> addresses) {
  std::lock_guard<std::mutex> serialize(set_peers_mu_);
  absl::StatusOr<OwnerPicker> picker =
      OwnerPicker::Create(std::move(addresses));
  if (!picker.ok()) return picker.status();
  const std::shared_ptr<const PeerSet> old = Current();
  absl::flat_hash_map<absl::string_view, std::shared_ptr<PeerClient>> kept;
  for (const std::shared_ptr<PeerClient>& client : old->others) {
    kept[client->address()] = client;
  }
  auto set = std::make_shared<PeerSet>(*std::move(picker));
  for (const std::string& address : set->picker.addresses()) {
    if (address == options_.self) {
      set->clients.push_back(nullptr);
      continue;
    }
    std::shared_ptr<PeerClient> client;
    if (auto it = kept.find(address); it != kept.end()) {
      client = it->second;
    } else {
      absl::StatusOr<std::shared_ptr<PeerClient>> made =
          options_.connect(address);
      if (!made.ok()) {
        return absl::Status(
            made.status().code(),
            absl::StrCat("peer ", address, ": ", made.status().message()));
      }
      client = *std::move(made);
    }
    set->clients.push_back(client);
    set->others.push_back(std::move(client));
  }
  std::lock_guard<std::mutex> lock(mu_);
  current_ = std::move(set);
  return absl::OkStatus();
}

std::shared_ptr<const PeerPool::PeerSet> PeerPool::Current() const {
  std::lock_guard<std::mutex> lock(mu_);
  return current_;
}

std::vector<std::string> PeerPool::addresses() const {
  return Current()->picker.addresses();
}

std::shared_ptr<PeerClient> PeerPool::Owner(absl::string_view key) {
  const std::shared_ptr<const PeerSet> set = Current();
  return set->clients[set->picker.Pick(key)];
}

std::vector<std::shared_ptr<PeerClient>> PeerPool::Others() {
  return Current()->others;
}

}  // namespace gogocache
