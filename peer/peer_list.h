// Copyright 2026 The gogocache Authors.
//
// Peer addresses and lists of them, as given on a command line, in a peers
// file or to PeerPool::SetPeers.
//
// An address is "host:port": a host name or IPv4 address, or an IPv6
// address in brackets ("[::1]:8080"), and a port from 1 to 65535. A list
// holds at least one address and no address twice (compared as written).

#ifndef GOGOCACHE_PEER_PEER_LIST_H_
#define GOGOCACHE_PEER_PEER_LIST_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "base/cxx17.h"

namespace gogocache {

// OK, or InvalidArgument saying what is wrong with `address`.
absl::Status CheckPeerAddress(absl::string_view address);

// OK, or InvalidArgument naming the first bad or repeated address, or saying
// the list is empty.
absl::Status CheckPeerList(const std::vector<std::string>& addresses);

// The addresses in `text`, separated by commas, spaces or line breaks; a '#'
// starts a comment that runs to the end of its line (for peers files).
// Errors as CheckPeerList.
absl::StatusOr<std::vector<std::string>> ParsePeerList(absl::string_view text);

}  // namespace gogocache

#endif  // GOGOCACHE_PEER_PEER_LIST_H_
