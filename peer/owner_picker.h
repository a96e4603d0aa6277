// Copyright 2026 The gogocache Authors.
//
// OwnerPicker: which of a list of peers owns a key, by rendezvous (highest
// random weight) hashing. Every peer gets a score for the key, a hash of the
// key's hash and the peer's address; the highest score owns it.
//
// Why rendezvous hashing: a peer that joins or leaves anywhere in the list
// moves only the keys it gains or had (1/n of them), and the share of each
// peer is even without the virtual nodes a hash ring needs to get there.
// Picking costs one 64-bit mix per peer, paid only on a miss, beside which a
// network call is thousands of times more. Jump consistent hash is cheaper
// still but fits only peers numbered 0 to n-1 that leave from the end.
//
// The choice depends only on the key's bytes and the addresses as written,
// not on their order or the process: every process with the same list picks
// the same owner (test vectors in owner_picker_test.cc pin it).
//
// Thread safety: immutable after Create; Pick may be called concurrently.

#ifndef GOGOCACHE_PEER_OWNER_PICKER_H_
#define GOGOCACHE_PEER_OWNER_PICKER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "base/cxx17.h"

namespace gogocache {

class OwnerPicker {
 public:
  // A picker over `addresses`, or CheckPeerList()'s error.
  static absl::StatusOr<OwnerPicker> Create(std::vector<std::string> addresses);

  // The index in addresses() of the owner of `key`.
  size_t Pick(absl::string_view key) const;

  const std::vector<std::string>& addresses() const { return addresses_; }

 private:
  explicit OwnerPicker(std::vector<std::string> addresses);

  std::vector<std::string> addresses_;
  std::vector<uint64_t> address_hashes_;  // One per address, same order.
};

}  // namespace gogocache

#endif  // GOGOCACHE_PEER_OWNER_PICKER_H_
