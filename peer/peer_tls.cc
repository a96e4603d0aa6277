// Copyright 2026 The gogocache Authors.

#include "peer/peer_tls.h"

#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace gogocache {
namespace {

// A PEM file bigger than this is not a certificate or a key.
constexpr std::streamsize kMaxPemBytes = 1 << 20;

absl::StatusOr<std::string> ReadPem(absl::string_view option,
                                    const std::string& path) {
  const std::string where = absl::StrCat("TLS ", option, " \"", path, "\"");
  if (path.empty()) return absl::InvalidArgumentError(where + " is not set");
  std::ifstream file(path, std::ios::binary);
  if (!file) return absl::InvalidArgumentError(where + " cannot be read");
  std::string pem(kMaxPemBytes + 1, '\0');
  file.read(pem.data(), pem.size());
  if (file.bad()) return absl::InvalidArgumentError(where + " cannot be read");
  pem.resize(file.gcount());
  if (pem.size() > static_cast<size_t>(kMaxPemBytes)) {
    return absl::InvalidArgumentError(where + " is over 1 MiB, not PEM");
  }
  if (!absl::StrContains(pem, "-----BEGIN ")) {
    return absl::InvalidArgumentError(where + " holds no PEM block");
  }
  return pem;
}

}  // namespace

absl::StatusOr<PeerTls> LoadPeerTls(const PeerTlsFiles& files) {
  PeerTls tls;
  absl::StatusOr<std::string> pem = ReadPem("ca_file", files.ca_file);
  if (!pem.ok()) return pem.status();
  tls.ca_pem = *std::move(pem);
  pem = ReadPem("cert_file", files.cert_file);
  if (!pem.ok()) return pem.status();
  tls.cert_pem = *std::move(pem);
  pem = ReadPem("key_file", files.key_file);
  if (!pem.ok()) return pem.status();
  tls.key_pem = *std::move(pem);
  return tls;
}

}  // namespace gogocache
