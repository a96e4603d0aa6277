// Copyright 2026 The gogocache Authors.

#include "peer/test_certs.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace gogocache {
namespace testing {
namespace {

constexpr char kOpenssl[] = "/usr/bin/openssl";

// Runs `command` in `dir`, appending its output to dir/openssl.log.
absl::Status Run(const std::string& dir, const std::string& command) {
  const std::string log = dir + "/openssl.log";
  const std::string line =
      absl::StrCat("cd '", dir, "' && ", command, " >>'", log, "' 2>&1");
  if (std::system(line.c_str()) == 0) return absl::OkStatus();
  std::ifstream file(log);
  std::stringstream output;
  output << file.rdbuf();
  return absl::InternalError(
      absl::StrCat("failed: ", command, "\n", output.str()));
}

// A key, `name`.key.
absl::Status MakeKey(const std::string& dir, const std::string& name) {
  return Run(dir, absl::StrCat(kOpenssl,
                               " ecparam -name prime256v1 -genkey -noout -out ",
                               name, ".key"));
}

// A self-signed authority, `name`.pem.
absl::Status MakeAuthority(const std::string& dir, const std::string& name) {
  if (absl::Status status = MakeKey(dir, name); !status.ok()) return status;
  return Run(dir, absl::StrCat(kOpenssl, " req -x509 -new -key ", name,
                               ".key -subj '/CN=", name, "' -days 2",
                               " -addext basicConstraints=critical,CA:TRUE",
                               " -addext keyUsage=critical,keyCertSign",
                               " -out ", name, ".pem"));
}

// `name`.pem for `san`, signed by the authority `ca`.
absl::Status MakeCert(const std::string& dir, const std::string& name,
                      const std::string& ca, const std::string& san) {
  if (absl::Status status = MakeKey(dir, name); !status.ok()) return status;
  {
    std::ofstream ext(absl::StrCat(dir, "/", name, ".ext"));
    ext << "subjectAltName=" << san << "\n"
        << "basicConstraints=CA:FALSE\n"
        << "keyUsage=critical,digitalSignature\n"
        << "extendedKeyUsage=serverAuth,clientAuth\n";
  }
  if (absl::Status status = Run(
          dir, absl::StrCat(kOpenssl, " req -new -key ", name,
                            ".key -subj '/CN=", name, "' -out ", name, ".csr"));
      !status.ok()) {
    return status;
  }
  return Run(dir, absl::StrCat(kOpenssl, " x509 -req -in ", name, ".csr -CA ",
                               ca, ".pem -CAkey ", ca,
                               ".key -CAcreateserial -days 2 -extfile ", name,
                               ".ext -out ", name, ".pem"));
}

}  // namespace

PeerTlsFiles TestCerts::Node(int n) const {
  return {ca_file, absl::StrCat(dir, "/node", n, ".pem"),
          absl::StrCat(dir, "/node", n, ".key")};
}

PeerTlsFiles TestCerts::Misnamed() const {
  return {ca_file, dir + "/misnamed.pem", dir + "/misnamed.key"};
}

PeerTlsFiles TestCerts::Rogue() const {
  return {ca_file, dir + "/rogue.pem", dir + "/rogue.key"};
}

absl::StatusOr<TestCerts> MakeTestCerts(const std::string& dir, int nodes) {
  TestCerts certs;
  certs.dir = dir;
  certs.ca_file = dir + "/ca.pem";
  certs.nodes = nodes;
  absl::Status status = MakeAuthority(dir, "ca");
  for (int n = 0; status.ok() && n < nodes; ++n) {
    status = MakeCert(dir, absl::StrCat("node", n), "ca", "IP:127.0.0.1");
  }
  if (status.ok()) {
    status = MakeCert(dir, "misnamed", "ca", "DNS:elsewhere.example");
  }
  if (status.ok()) status = MakeAuthority(dir, "rogue_ca");
  if (status.ok()) {
    status = MakeCert(dir, "rogue", "rogue_ca", "IP:127.0.0.1");
  }
  if (!status.ok()) return status;
  return certs;
}

PeerTls LoadOrDie(const PeerTlsFiles& files) {
  absl::StatusOr<PeerTls> tls = LoadPeerTls(files);
  EXPECT_TRUE(tls.ok()) << tls.status();
  return tls.ok() ? *std::move(tls) : PeerTls();
}

}  // namespace testing
}  // namespace gogocache
