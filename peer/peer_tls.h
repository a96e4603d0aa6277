// Copyright 2026 The gogocache Authors.
//
// Mutual TLS between peers: each process has a certificate signed by a
// certificate authority all of them trust, and presents it both as a server
// and as a client. A server refuses a client without a valid certificate
// from that authority; a client refuses a server likewise, and checks that
// the server's certificate names the host it dialled (for 127.0.0.1, an IP
// subject alternative name).

#ifndef GOGOCACHE_PEER_PEER_TLS_H_
#define GOGOCACHE_PEER_PEER_TLS_H_

#include <string>

#include "absl/status/statusor.h"
#include "base/cxx17.h"

namespace gogocache {

// Where the PEM files are.
struct PeerTlsFiles {
  std::string ca_file;    // The authority's certificate(s).
  std::string cert_file;  // This process's certificate chain.
  std::string key_file;   // Its private key.
};

// Their contents.
struct PeerTls {
  std::string ca_pem;
  std::string cert_pem;
  std::string key_pem;
};

// Reads the three files. InvalidArgument naming the option and the file that
// is missing, unreadable, empty or not PEM.
absl::StatusOr<PeerTls> LoadPeerTls(const PeerTlsFiles& files);

}  // namespace gogocache

#endif  // GOGOCACHE_PEER_PEER_TLS_H_
