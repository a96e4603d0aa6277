// Copyright 2026 The gogocache Authors.
//
// A PeerClient over gRPC: one channel per peer, each request with a
// deadline. Gets are messages on streams kept open to the peer, one per
// caller fetching at the same time (peer.proto); a Get past its deadline
// ends its stream. A channel that loses its peer tries again after 100 ms,
// backing off to at most 1 s, so a restarted peer is found within about a
// second; while it is down, requests fail at once (UNAVAILABLE) rather than
// wait. A connection attempt gets 1 s; one that takes longer counts as a
// failed one.
//
//   GrpcPeerClientOptions options;
//   options.timeout = absl::Milliseconds(500);
//   absl::StatusOr<PeerTls> tls =
//       LoadPeerTls({"ca.pem", "node.pem", "node.key"});
//   if (!tls.ok()) return tls.status();
//   options.tls = *std::move(tls);
//   PeerPoolOptions pool_options;
//   pool_options.self = "cache-0.cache:8080";
//   pool_options.connect = GrpcPeerConnector(options);

#ifndef GOGOCACHE_PEER_GRPC_PEER_CLIENT_H_
#define GOGOCACHE_PEER_GRPC_PEER_CLIENT_H_

#include <cstddef>
#include <optional>

#include "absl/time/time.h"
#include "base/cxx17.h"
#include "peer/peer_pool.h"
#include "peer/peer_tls.h"

namespace gogocache {

struct GrpcPeerClientOptions {
  // Deadline of each request, from its start. A Get that runs past it is
  // answered by the asking process itself (CacheGroup counts a peer error).
  absl::Duration timeout = absl::Seconds(1);

  // A Get stream unused for longer is ended when the next Get to the same
  // peer is answered, so that a process fetching from a peer keeps open to
  // it about as many streams as it lately ran fetches to it at once (at
  // most 64). A process that stops asking a peer keeps its streams to it.
  absl::Duration idle_stream_lifetime = absl::Seconds(10);

  // Largest message sent or accepted, in bytes; a value that does not fit is
  // refused (a Set with InvalidArgument, before sending).
  size_t max_message_bytes = size_t{64} << 20;

  // Mutual TLS (peer_tls.h); plaintext without it.
  std::optional<PeerTls> tls;
};

// Connects to peers with `options`. The connector's error is InvalidArgument
// for options out of range (a timeout that is not positive, a negative idle
// stream lifetime, a message limit under 1 KiB or over 2 GiB).
PeerConnector GrpcPeerConnector(GrpcPeerClientOptions options);

}  // namespace gogocache

#endif  // GOGOCACHE_PEER_GRPC_PEER_CLIENT_H_
