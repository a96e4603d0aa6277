// Copyright 2026 The gogocache Authors.
//
// `gogocache serve` as a user runs it, in child processes: the flags it
// refuses, and a node that writes its port file, answers a peer's request,
// and stops cleanly on SIGTERM, in plaintext and over mutual TLS.

#include "tools/serve_command.h"

#include <signal.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "peer/grpc_peer_client.h"
#include "peer/peer_tls.h"
#include "persistence/test_util.h"
#include "tools/child_process.h"
#include "tools/cli_test_util.h"
#include "tools/demo_value.h"

namespace gogocache {
namespace {

using ::gogocache::testing::FreshTestDir;
using ::gogocache::testing::GogocachePath;
using ::gogocache::testing::MakeTestTls;
using ::gogocache::testing::ReadFileOrEmpty;
using ::gogocache::testing::RunGogocache;
using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST(ServeCommandTest, RefusesBadFlagsWithOneLineAndStatus2) {
  const std::string dir = FreshTestDir();
  const struct {
    std::vector<std::string> args;
    std::string message;
  } cases[] = {
      {{}, "give the peer list"},
      {{"--peers="}, "the peer list is empty"},
      {{"--peers=127.0.0.1"}, "\"127.0.0.1\" has no port"},
      {{"--peers=127.0.0.1:70000"}, "has no port from 1 to 65535"},
      {{"--peers=a:1,b:2,a:1"}, "\"a:1\" is listed twice"},
      {{"--peers=a:1", "--peers_file=" + dir + "/peers"}, "not both"},
      {{"--peers=a:1", "--tls_ca=" + dir + "/ca.pem"},
       "--tls_ca, --tls_cert and --tls_key go together"},
      {{"--peers=a:1", "--tls_ca=" + dir + "/missing.pem",
        "--tls_cert=" + dir + "/missing.pem",
        "--tls_key=" + dir + "/missing.key"},
       "--tls_ca: \"" + dir + "/missing.pem\" cannot be read"},
      {{"--peers=a:1", "--listen=127.0.0.1"}, "--listen: peer address"},
      {{"--peers=a:1", "--listen=0.0.0.0:0"}, "give --self"},
      {{"--peers=a:1", "--self=nohost"}, "--self: peer address"},
      {{"--peers=a:1", "--peer_timeout=0s"}, "--peer_timeout must be positive"},
      {{"--peers=a:1", "--eviction=random"}, "--eviction"},
      {{"--peers=a:1", "--capacity=10"}, "capacity_bytes"},
      {{"--peers=a:1", "extra"}, "takes no arguments"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args = {"serve"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    SCOPED_TRACE(absl::StrJoin(args, " "));
    const testing::CliRun run = RunGogocache(args, dir, absl::Seconds(20));
    ASSERT_TRUE(run.finished);
    EXPECT_EQ(run.exit_code, 2);
    EXPECT_THAT(run.err, StartsWith("gogocache: "));
    EXPECT_THAT(run.err, HasSubstr(c.message));
    EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
    EXPECT_EQ(run.out, "");
  }
}

// A `serve` process, killed by ~ChildProcess if the test ends early.
struct ServeProcess {
  std::unique_ptr<ChildProcess> process;
  std::string address;  // From its "listening on" line.
};

ServeProcess StartServe(const std::vector<std::string>& flags,
                        const std::string& stderr_path) {
  std::vector<std::string> argv = {GogocachePath(), "serve"};
  argv.insert(argv.end(), flags.begin(), flags.end());
  ServeProcess serve;
  absl::StatusOr<std::unique_ptr<ChildProcess>> child =
      ChildProcess::Start({argv, stderr_path});
  EXPECT_TRUE(child.ok()) << child.status();
  if (!child.ok()) return serve;
  serve.process = *std::move(child);
  absl::StatusOr<std::string> line = serve.process->ReadLine(absl::Seconds(20));
  EXPECT_TRUE(line.ok()) << line.status() << ReadFileOrEmpty(stderr_path);
  if (!line.ok()) return serve;
  absl::string_view address = *line;
  EXPECT_TRUE(absl::ConsumePrefix(&address, "listening on ")) << address;
  serve.address = std::string(address);
  return serve;
}

// Asks the node at `address` for `key` of group "demo", as a peer would.
absl::StatusOr<std::string> AskPeer(const std::string& address,
                                    const std::string& key,
                                    std::optional<PeerTls> tls = {}) {
  GrpcPeerClientOptions options;
  options.timeout = absl::Seconds(5);
  options.tls = std::move(tls);
  absl::StatusOr<std::shared_ptr<PeerClient>> client =
      GrpcPeerConnector(options)(address);
  if (!client.ok()) return client.status();
  absl::StatusOr<PeerValue> answer;
  if (absl::Status status = (*client)->Get("demo", key, &answer);
      !status.ok()) {
    return status;
  }
  if (!answer.ok()) return answer.status();
  return std::move(answer->value);
}

TEST(ServeCommandTest, WritesItsPortFileAnswersPeersAndStopsOnSigterm) {
  const std::string dir = FreshTestDir();
  const std::string port_file = dir + "/port";
  const std::string peers_file = dir + "/peers";
  const std::string err = dir + "/serve.err";
  ServeProcess serve =
      StartServe({"--port_file=" + port_file, "--peers_file=" + peers_file,
                  "--peers_interval=50ms", "--value_size=100",
                  "--source_latency=0", "--store=file:" + dir + "/node.log"},
                 err);
  ASSERT_NE(serve.process, nullptr);
  ASSERT_TRUE(absl::StartsWith(serve.address, "127.0.0.1:")) << serve.address;
  EXPECT_EQ(ReadFileOrEmpty(port_file), serve.address + "\n");
  // No peers file yet: the node waits for one, owning every key meanwhile.
  EXPECT_THAT(ReadFileOrEmpty(err), HasSubstr("waiting for the peers file"));
  absl::StatusOr<std::string> value = AskPeer(serve.address, "user:42");
  ASSERT_TRUE(value.ok()) << value.status();
  EXPECT_EQ(*value, DemoValue("user:42", 100));

  // `gogocache get` asks the key's owner, the node alone on the list.
  const testing::CliRun get =
      RunGogocache({"get", "--peers=" + serve.address, "user:42", "user:43"},
                   dir, absl::Seconds(20));
  EXPECT_EQ(get.exit_code, 0) << get.err;
  EXPECT_THAT(get.out, HasSubstr("user:42  " + serve.address +
                                 "  100 bytes  \"user:42user:42"));
  EXPECT_THAT(get.out, HasSubstr("user:43  " + serve.address));

  // The list, once written, is applied and logged.
  ASSERT_TRUE(WriteFileAtomically(peers_file, serve.address + "\n").ok());
  for (int i = 0;
       i < 200 && !absl::StrContains(ReadFileOrEmpty(err), "serve: peers (1)");
       ++i) {
    usleep(20000);
  }
  EXPECT_THAT(ReadFileOrEmpty(err),
              HasSubstr("serve: peers (1): " + serve.address));

  // The same address again: another process cannot listen on it.
  const testing::CliRun second = RunGogocache(
      {"serve", "--peers=" + serve.address, "--listen=" + serve.address}, dir,
      absl::Seconds(20));
  EXPECT_EQ(second.exit_code, 1);
  EXPECT_THAT(second.err, HasSubstr("cannot listen on " + serve.address));

  serve.process->Signal(SIGTERM);
  ASSERT_TRUE(serve.process->Wait(absl::Seconds(20)).ok());
  EXPECT_EQ(serve.process->exit_code(), 0) << ReadFileOrEmpty(err);
  EXPECT_THAT(ReadFileOrEmpty(err), HasSubstr("stopping"));
  EXPECT_EQ(access(port_file.c_str(), F_OK), -1);  // Removed.
  // The store was closed: it opens, and holds what the node loaded.
  const testing::CliRun dump = RunGogocache(
      {"dump", "--quiet", "file:" + dir + "/node.log"}, dir, absl::Seconds(20));
  EXPECT_EQ(dump.exit_code, 0) << dump.err;
  EXPECT_THAT(dump.out, HasSubstr("user:42"));
}

TEST(ServeCommandTest, MutualTlsAnswersOnlyCertifiedPeers) {
  const std::string dir = FreshTestDir();
  ASSERT_TRUE(MakeTestTls(dir)) << ReadFileOrEmpty(dir + "/make_tls.log");
  ServeProcess serve = StartServe(
      {"--peers=127.0.0.1:1", "--tls_ca=" + dir + "/ca.pem",
       "--tls_cert=" + dir + "/node.pem", "--tls_key=" + dir + "/node.key",
       "--value_size=10", "--source_latency=0"},
      dir + "/serve.err");
  ASSERT_NE(serve.process, nullptr);
  absl::StatusOr<PeerTls> tls =
      LoadPeerTls({dir + "/ca.pem", dir + "/node.pem", dir + "/node.key"});
  ASSERT_TRUE(tls.ok()) << tls.status();
  absl::StatusOr<std::string> value = AskPeer(serve.address, "k", *tls);
  ASSERT_TRUE(value.ok()) << value.status();
  EXPECT_EQ(*value, DemoValue("k", 10));
  // Without a certificate: no answer.
  EXPECT_FALSE(AskPeer(serve.address, "k").ok());
  // The node is not on its own list: it warned.
  EXPECT_THAT(ReadFileOrEmpty(dir + "/serve.err"),
              HasSubstr("is not on the list"));

  serve.process->Signal(SIGINT);
  ASSERT_TRUE(serve.process->Wait(absl::Seconds(20)).ok());
  EXPECT_EQ(serve.process->exit_code(), 0);
}

}  // namespace
}  // namespace gogocache
