// Copyright 2026 The gogocache Authors.
//
// PeerServer: answers other processes' requests for the keys this process
// owns, over gRPC, for the CacheGroups it serves. A request is answered from
// the group alone (CacheGroup::GetForPeer and the like), never forwarded.
//
//   PeerServerOptions options;
//   options.listen_address = "0.0.0.0:8080";  // default 127.0.0.1, any port
//   absl::StatusOr<std::unique_ptr<PeerServer>> server =
//       PeerServer::Start(std::move(options));
//   // This process's address for the peer list: (*server)->port(). Then
//   // make the PeerPool and the groups, and serve them:
//   (*server)->AddGroup(group.get());
//
// Requests for keys the group holds are answered on the thread that takes
// them, and so are loads while the group's loads have lately been quicker
// than handing them to another thread (served_group.h); the others (slow
// getter calls, store writes) go to worker threads, so a slow load holds up
// no request for a held key. Gets arrive over streams each asker keeps open
// (peer.proto); a refused Get ends its stream with the error.
//
// Limits, so that a peer cannot exhaust the process: messages above
// max_message_bytes are refused (RESOURCE_EXHAUSTED, and a value larger than
// that is not sent: the asker loads it itself), and requests beyond
// max_concurrent_requests at once, or Get streams beyond max_get_streams, are
// refused (RESOURCE_EXHAUSTED) rather than queued. A request for a group the
// server does not serve (yet) is NOT_FOUND.
//
// Thread safety: every method may be called from any thread. The groups
// must outlive the server (its Shutdown or destruction).

#ifndef GOGOCACHE_PEER_PEER_SERVER_H_
#define GOGOCACHE_PEER_PEER_SERVER_H_

#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "base/cxx17.h"
#include "cache/cache_group.h"
#include "peer/peer_tls.h"

namespace grpc {
class Server;
class ServerCompletionQueue;
}  // namespace grpc

namespace gogocache {

struct PeerServerOptions {
  // host:port to listen on; port 0 lets the system choose (see port()).
  // Loopback by default: listening on other interfaces is a choice.
  std::string listen_address = "127.0.0.1:0";

  // Mutual TLS (peer_tls.h): clients without a certificate from the
  // authority are refused. Plaintext without it.
  std::optional<PeerTls> tls;

  // Largest message accepted or sent, in bytes.
  size_t max_message_bytes = size_t{64} << 20;

  // Requests answered at once; more are refused.
  int max_concurrent_requests = 256;

  // Get streams open at once, over all askers; more are refused (the
  // asker loads the key itself and counts a peer error). An asking process
  // keeps open, to each peer, up to 64 streams: about as many as it ran
  // fetches to it at once when it last fetched (grpc_peer_client.h). Size
  // this to the askers times that.
  int max_get_streams = 4096;

  // Threads that take requests and answer those for keys the group holds
  // on the spot; more take more requests per second, on cores to spare.
  int polling_threads = 1;

  // Threads that run getter calls and store writes for peers; requests that
  // need one wait for a free thread, in order.
  int worker_threads = 16;

  // Whether loads run on the polling thread while they have lately been
  // quick (served_group.h). Turn it off for a getter that is usually quick
  // but may block for long: every load then goes to a worker.
  bool quick_loads_inline = true;
};

class PeerServer {
 public:
  // Listens. InvalidArgument for bad options; Unavailable when the address
  // cannot be listened on.
  static absl::StatusOr<std::unique_ptr<PeerServer>> Start(
      PeerServerOptions options);

  // Serves `group` from now on, by its name. AlreadyExists when a group of
  // that name is served already; FailedPrecondition after Shutdown.
  absl::Status AddGroup(CacheGroup* group);

  // Stops accepting requests, ends every Get stream at once (a Get being
  // answered included: its asker loads the key itself), gives Sets and
  // Removes running a second before gRPC cancels them, and waits for the
  // getter calls and store writes already running for peers to end (their
  // answers are dropped). Also done by the destructor; later calls do
  // nothing, and AddGroup fails.
  ~PeerServer();
  void Shutdown();

  PeerServer(const PeerServer&) = delete;
  PeerServer& operator=(const PeerServer&) = delete;

  // The port listened on.
  int port() const { return port_; }

 private:
  class Impl;
  PeerServer();

  std::mutex shutdown_mu_;
  std::unique_ptr<Impl> impl_;  // Null once shut down.
  std::unique_ptr<grpc::Server> server_;
  std::vector<std::unique_ptr<grpc::ServerCompletionQueue>> queues_;
  std::vector<std::thread> pollers_;  // One per queue.
  int port_ = 0;
};

}  // namespace gogocache

#endif  // GOGOCACHE_PEER_PEER_SERVER_H_
