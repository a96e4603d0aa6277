// Copyright 2026 The gogocache Authors.
//
// What the gRPC client and server share: errors of the owner's group on the
// wire (peer.proto's Error), and the range of message limits.

#ifndef GOGOCACHE_PEER_PEER_STATUS_H_
#define GOGOCACHE_PEER_PEER_STATUS_H_

#include <cstddef>

#include "absl/status/status.h"
#include "peer/peer.pb.h"

namespace gogocache {

inline constexpr size_t kMinMessageBytes = size_t{1} << 10;
inline constexpr size_t kMaxMessageBytes = (size_t{1} << 31) - 1;

// `status`, not OK, as an Error message.
peer::Error ToWire(const absl::Status& status);

// The Status an Error message stands for; a code out of absl's range reads
// as Unknown, and a code of OK (which an error cannot have) as Internal.
absl::Status FromWire(const peer::Error& error);

}  // namespace gogocache

#endif  // GOGOCACHE_PEER_PEER_STATUS_H_
