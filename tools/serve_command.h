// Copyright 2026 The gogocache Authors.
//
// `gogocache serve`: one node of a cache spread over several processes
// (tools/peer_node.h), run until SIGINT or SIGTERM. It prints
//
//   listening on 127.0.0.1:PORT
//
// on `out` once it serves, and with a port file writes its address there
// (atomically: a complete file appears under the name, or none), so that a
// script can start nodes on ports the system chooses and build the peer list
// from their files. The list is fixed (--peers) or a file watched for
// changes (--peers_file); changes are logged. A peers file that does not
// exist yet is waited for, the node owning every key meanwhile: with ports
// the system chooses, the list can only be written once the nodes run. On
// a signal the node stops serving, closes its store and RunServe returns
// OK.

#ifndef GOGOCACHE_TOOLS_SERVE_COMMAND_H_
#define GOGOCACHE_TOOLS_SERVE_COMMAND_H_

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "peer/peer_tls.h"
#include "tools/peer_node.h"

namespace gogocache {

struct ServeOptions {
  PeerNodeOptions node;
  // The fixed peer list, addresses separated by commas (--peers); nullopt
  // when not given. Exactly one of `peers` and `peers_file` is required.
  std::optional<std::string> peers;
  // A file holding the list, read again every `peers_interval`
  // (peer/peers_file.h).
  std::string peers_file;
  absl::Duration peers_interval = absl::Seconds(1);
  // Where to write this node's address (PeerNode::self()) once it serves;
  // removed when it stops. Empty for none.
  std::string port_file;
  // Prints the group's statistics this often; zero for never.
  absl::Duration stats_interval = absl::ZeroDuration();
};

// Runs the node until SIGINT or SIGTERM. Blocks both signals in the calling
// thread (restored on return) before the node starts any thread, so it must
// be called before the process has other threads that could take them.
// InvalidArgument for bad options, naming the flag; PeerNode::Start's other
// errors; the store's error when it does not close cleanly.
absl::Status RunServe(const ServeOptions& options, std::ostream& out,
                      std::ostream& log);

// `gogocache get KEY...`: asks each key's owner among the peers for its
// value, as a peer would (the owner answers from its memory or its getter),
// and prints a line per key: the key, the owner, the value's size and its
// first bytes. Shows which node owns what on a cluster run by hand.
struct GetOptions {
  // The peer list (--peers), or a file holding it (--peers_file).
  std::string peers;
  std::string peers_file;
  std::string group = "demo";
  PeerTlsFiles tls;  // All three, or none.
  absl::Duration timeout = absl::Seconds(1);
};

// InvalidArgument for bad options or no keys; otherwise the first key's
// error, once every key has been asked for.
absl::Status RunGet(const GetOptions& options,
                    const std::vector<std::string>& keys, std::ostream& out);

// Writes `contents` to a temporary file beside `path` and renames it over
// `path`, so that readers see the old file or the new one whole.
absl::Status WriteFileAtomically(const std::string& path,
                                 absl::string_view contents);

}  // namespace gogocache

#endif  // GOGOCACHE_TOOLS_SERVE_COMMAND_H_
