// Copyright 2026 The gogocache Authors.
//
// Certificates for TLS tests, made at test time with the openssl command
// line (EC P-256 keys, valid for two days) in a directory of the test's: no
// certificate or key is ever committed.
//
//   ca.pem          the authority the nodes trust
//   node<N>.pem     nodes' certificates from it, for IP 127.0.0.1
//   misnamed.pem    from it, but for DNS:elsewhere.example only
//   rogue_ca.pem    an unrelated authority
//   rogue.pem       a certificate from the rogue one, for IP 127.0.0.1
// each with its .key.

#ifndef GOGOCACHE_PEER_TEST_CERTS_H_
#define GOGOCACHE_PEER_TEST_CERTS_H_

#include <string>

#include "absl/status/statusor.h"
#include "peer/peer_tls.h"

namespace gogocache {
namespace testing {

struct TestCerts {
  std::string dir;
  std::string ca_file;
  int nodes = 0;

  // Node `n`'s files: the authority, its certificate and key.
  PeerTlsFiles Node(int n) const;
  PeerTlsFiles Misnamed() const;
  // The rogue certificate, presented by one who trusts the real authority.
  PeerTlsFiles Rogue() const;
};

// Makes the files above, with `nodes` node certificates, in `dir` (which must
// exist). The error holds openssl's output.
absl::StatusOr<TestCerts> MakeTestCerts(const std::string& dir, int nodes);

// LoadPeerTls(files), which must succeed (else a test failure and empty
// contents).
PeerTls LoadOrDie(const PeerTlsFiles& files);

}  // namespace testing
}  // namespace gogocache

#endif  // GOGOCACHE_PEER_TEST_CERTS_H_
