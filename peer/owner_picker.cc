// Copyright 2026 The gogocache Authors.

#include "peer/owner_picker.h"

#include <utility>

#include "peer/peer_list.h"
#include "xxhash.h"

namespace gogocache {
namespace {

// XXH3's 64-bit hash is specified to be the same on every platform and
// version, so owners do not change with the build.
uint64_t Hash(absl::string_view bytes) {
  return XXH3_64bits(bytes.data(), bytes.size());
}

// SplitMix64's finalizer: every output bit depends on every input bit, so
// scores of one key for different peers are independent.
uint64_t Mix(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

}  // namespace

absl::StatusOr<OwnerPicker> OwnerPicker::Create(
    std::vector<std::string> addresses) {
  if (absl::Status status = CheckPeerList(addresses); !status.ok()) {
    return status;
  }
  return OwnerPicker(std::move(addresses));
}

OwnerPicker::OwnerPicker(std::vector<std::string> addresses)
    : addresses_(std::move(addresses)) {
  address_hashes_.reserve(addresses_.size());
  for (const std::string& address : addresses_) {
    address_hashes_.push_back(Hash(address));
  }
}

size_t OwnerPicker::Pick(absl::string_view key) const {
  const uint64_t key_hash = Hash(key);
  size_t best = 0;
  uint64_t best_score = 0;
  for (size_t i = 0; i < address_hashes_.size(); ++i) {
    const uint64_t score = Mix(key_hash ^ address_hashes_[i]);
    // Ties (one in 2^64) go to the smaller address, not the earlier one, so
    // the list's order never matters.
    if (i == 0 || score > best_score ||
        (score == best_score && addresses_[i] < addresses_[best])) {
      best = i;
      best_score = score;
    }
  }
  return best;
}

}  // namespace gogocache
