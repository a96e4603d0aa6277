// Copyright 2026 The gogocache Authors.
//
// Peers over mutual TLS, with certificates made by openssl at test time
// (test_certs.h): nodes of one authority answer each other; a client of
// another authority, without a certificate, or in plaintext is refused.

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "peer/owner_picker.h"
#include "peer/peer_tls.h"
#include "peer/test_certs.h"
#include "peer/test_cluster.h"

namespace gogocache {
namespace {

using ::gogocache::testing::ClusterOptions;
using ::gogocache::testing::LoadOrDie;
using ::gogocache::testing::MakeTestCerts;
using ::gogocache::testing::RawStub;
using ::gogocache::testing::TestCerts;
using ::gogocache::testing::TestCluster;
using ::gogocache::testing::TestNode;
using ::testing::HasSubstr;

constexpr int kNodes = 3;

class GrpcTlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const char* tmp = std::getenv("TEST_TMPDIR");
    const std::string dir =
        absl::StrCat(tmp != nullptr ? tmp : "/tmp", "/grpc_tls_test_certs");
    ASSERT_EQ(std::system(absl::StrCat("mkdir -p '", dir, "'").c_str()), 0);
    absl::StatusOr<TestCerts> certs = MakeTestCerts(dir, kNodes);
    ASSERT_TRUE(certs.ok()) << certs.status();
    certs_ = new TestCerts(*std::move(certs));
  }
  static void TearDownTestSuite() {
    delete certs_;
    certs_ = nullptr;
  }

  void SetUp() override { ASSERT_NE(certs_, nullptr); }

  // A cluster of kNodes TLS nodes, each with a certificate of its own.
  static std::unique_ptr<TestCluster> StartTlsCluster() {
    auto cluster = std::make_unique<TestCluster>(ClusterOptions());
    for (int n = 0; n < kNodes; ++n) {
      if (!AddNode(*cluster, LoadOrDie(certs_->Node(n))).ok()) return nullptr;
    }
    EXPECT_TRUE(cluster->ConnectAll().ok());
    return cluster;
  }

  // A node serving with `tls` and asking peers with `client_tls`.
  static absl::StatusOr<int> AddNode(TestCluster& cluster, const PeerTls& tls,
                                     std::optional<PeerTls> client_tls) {
    PeerServerOptions server;
    server.tls = tls;
    GrpcPeerClientOptions client;
    client.timeout = absl::Seconds(10);
    client.tls = std::move(client_tls);
    absl::StatusOr<int> node = cluster.AddNode(server, client);
    EXPECT_TRUE(node.ok()) << node.status();
    return node;
  }
  static absl::StatusOr<int> AddNode(TestCluster& cluster, const PeerTls& tls) {
    return AddNode(cluster, tls, tls);
  }

  // Adds a node that asks with `client_tls`, puts it on its own list with
  // the others, and checks that its Get of a key another node owns is
  // refused: answered by a local load, counted as a peer error, never seen
  // by the owner.
  static void ExpectRefused(std::optional<PeerTls> client_tls) {
    std::unique_ptr<TestCluster> cluster = StartTlsCluster();
    ASSERT_NE(cluster, nullptr);
    absl::StatusOr<int> outsider =
        AddNode(*cluster, LoadOrDie(certs_->Node(0)), std::move(client_tls));
    ASSERT_TRUE(outsider.ok());
    TestNode& node = cluster->node(*outsider);
    const std::vector<std::string> list = cluster->addresses();
    ASSERT_TRUE(node.pool->SetPeers(list).ok());
    const OwnerPicker picker = *OwnerPicker::Create(list);
    std::string key;
    for (int i = 0; key.empty() || picker.Pick(key) == *outsider; ++i) {
      key = absl::StrCat("refused-", i);
    }
    const int owner = static_cast<int>(picker.Pick(key));
    absl::StatusOr<ByteView> value = node.group().Get(key);
    ASSERT_TRUE(value.ok()) << value.status();
    EXPECT_EQ(value->ToString(), "test/" + key);
    EXPECT_EQ(node.getter().calls(key), 1);
    EXPECT_EQ(node.stats().peer_errors, 1u);
    EXPECT_EQ(node.stats().peer_loads, 0u);
    EXPECT_EQ(cluster->node(owner).stats().served_for_peers, 0u);
  }

  // The status of a Get through a raw stub with `credentials`.
  static grpc::Status RawGet(
      const std::string& address,
      std::shared_ptr<grpc::ChannelCredentials> credentials) {
    peer::GetResponse response;
    return testing::RawGet(*RawStub(address, std::move(credentials)), "test",
                           "k", &response);
  }

  static grpc::SslCredentialsOptions Ssl(const PeerTls& tls) {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = tls.ca_pem;
    ssl.pem_cert_chain = tls.cert_pem;
    ssl.pem_private_key = tls.key_pem;
    return ssl;
  }

  static TestCerts* certs_;
};

TestCerts* GrpcTlsTest::certs_ = nullptr;

TEST_F(GrpcTlsTest, NodesOfOneAuthorityAnswerEachOther) {
  std::unique_ptr<TestCluster> cluster = StartTlsCluster();
  ASSERT_NE(cluster, nullptr);
  constexpr int kKeys = 12;
  for (int n = 0; n < kNodes; ++n) {
    for (int i = 0; i < kKeys; ++i) {
      const std::string key = absl::StrCat("tls-", i);
      absl::StatusOr<ByteView> value = cluster->node(n).group().Get(key);
      ASSERT_TRUE(value.ok()) << value.status();
      EXPECT_EQ(value->ToString(), "test/" + key);
    }
  }
  for (int i = 0; i < kKeys; ++i) {
    const std::string key = absl::StrCat("tls-", i);
    EXPECT_EQ(cluster->TotalCalls(key), 1) << key;
    EXPECT_EQ(cluster->node(cluster->OwnerOf(key)).getter().calls(key), 1);
  }
  uint64_t peer_loads = 0;
  for (int n = 0; n < kNodes; ++n) {
    EXPECT_EQ(cluster->node(n).stats().peer_errors, 0u) << n;
    peer_loads += cluster->node(n).stats().peer_loads;
  }
  EXPECT_EQ(peer_loads, (kNodes - 1) * kKeys);
  // A raw client with a node's certificate is answered too.
  EXPECT_TRUE(RawGet(cluster->node(0).address,
                     grpc::SslCredentials(Ssl(LoadOrDie(certs_->Node(1)))))
                  .ok());
}

TEST_F(GrpcTlsTest, AClientOfAnotherAuthorityIsRefused) {
  ExpectRefused(LoadOrDie(certs_->Rogue()));
}

TEST_F(GrpcTlsTest, AClientWithoutACertificateIsRefused) {
  PeerTls no_cert = LoadOrDie(certs_->Node(0));
  no_cert.cert_pem.clear();
  no_cert.key_pem.clear();
  ExpectRefused(no_cert);
}

TEST_F(GrpcTlsTest, APlaintextClientIsRefused) { ExpectRefused(std::nullopt); }

TEST_F(GrpcTlsTest, RawClientsWithoutAGoodCertificateAreUnavailable) {
  std::unique_ptr<TestCluster> cluster = StartTlsCluster();
  ASSERT_NE(cluster, nullptr);
  const std::string& address = cluster->node(0).address;
  PeerTls no_cert = LoadOrDie(certs_->Node(0));
  no_cert.cert_pem.clear();
  no_cert.key_pem.clear();
  for (const PeerTls& tls : {LoadOrDie(certs_->Rogue()), no_cert}) {
    EXPECT_EQ(RawGet(address, grpc::SslCredentials(Ssl(tls))).error_code(),
              grpc::StatusCode::UNAVAILABLE);
  }
  EXPECT_EQ(RawGet(address, grpc::InsecureChannelCredentials()).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(cluster->node(0).stats().served_for_peers, 0u);
}

// The client checks that the server's certificate names 127.0.0.1.
TEST_F(GrpcTlsTest, AServerCertificateForAnotherNameIsRefused) {
  std::unique_ptr<TestCluster> cluster = StartTlsCluster();
  ASSERT_NE(cluster, nullptr);
  absl::StatusOr<int> misnamed =
      AddNode(*cluster, LoadOrDie(certs_->Misnamed()));
  ASSERT_TRUE(misnamed.ok());
  const std::string& address = cluster->node(*misnamed).address;
  EXPECT_EQ(
      RawGet(address, grpc::SslCredentials(Ssl(LoadOrDie(certs_->Node(0)))))
          .error_code(),
      grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(cluster->node(*misnamed).stats().served_for_peers, 0u);
}

TEST_F(GrpcTlsTest, LoadPeerTlsNamesTheOptionAndTheFile) {
  const std::string empty = certs_->dir + "/empty.pem";
  const std::string not_pem = certs_->dir + "/not.pem";
  const std::string missing = certs_->dir + "/missing.pem";
  std::ofstream(empty).close();
  std::ofstream(not_pem) << "just some text\n";
  PeerTlsFiles files = certs_->Node(0);
  EXPECT_TRUE(LoadPeerTls(files).ok());
  struct Case {
    PeerTlsFiles files;
    std::string option;
    std::string file;
  };
  const std::vector<Case> cases = {
      {{missing, files.cert_file, files.key_file}, "ca_file", missing},
      {{files.ca_file, empty, files.key_file}, "cert_file", empty},
      {{files.ca_file, files.cert_file, not_pem}, "key_file", not_pem},
      {{files.ca_file, files.cert_file, certs_->dir}, "key_file", certs_->dir},
      {{files.ca_file, "", files.key_file}, "cert_file", ""},
  };
  for (const Case& c : cases) {
    const absl::Status status = LoadPeerTls(c.files).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.option;
    EXPECT_THAT(status.message(), HasSubstr(c.option));
    EXPECT_THAT(status.message(), HasSubstr(absl::StrCat("\"", c.file, "\"")));
  }
}

}  // namespace
}  // namespace gogocache
