// Copyright 2026 The gogocache Authors.
//
// `gogocache demo --nodes=N` run as a user runs it, with real node
// processes: each key loaded once in the whole cluster, in plaintext and
// over mutual TLS; and the demo's parent never hangs and never leaves a
// node behind, whether a node fails, never answers, or the demo is
// interrupted.

#include "tools/cluster_demo.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "persistence/test_util.h"
#include "tools/child_process.h"
#include "tools/cli_test_util.h"

namespace gogocache {
namespace {

using ::gogocache::testing::FreshTestDir;
using ::gogocache::testing::GogocachePath;
using ::gogocache::testing::MakeTestTls;
using ::gogocache::testing::ProcessesMentioning;
using ::gogocache::testing::ReadFileOrEmpty;
using ::gogocache::testing::RunGogocache;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// The name=value lines of `out`, by name, and their names in order.
std::map<std::string, std::string> KeyValues(const std::string& out,
                                             std::vector<std::string>* names) {
  std::map<std::string, std::string> values;
  for (absl::string_view line : absl::StrSplit(out, '\n')) {
    std::pair<std::string, std::string> kv =
        absl::StrSplit(line, absl::MaxSplits('=', 1));
    if (line.find('=') == absl::string_view::npos) continue;
    names->push_back(kv.first);
    values[kv.first] = kv.second;
  }
  return values;
}

uint64_t Number(const std::map<std::string, std::string>& values,
                const std::string& name) {
  uint64_t n = 0;
  auto it = values.find(name);
  EXPECT_TRUE(it != values.end() && absl::SimpleAtoi(it->second, &n)) << name;
  return n;
}

// Runs a 3-node cluster for a second; checks that every key was loaded
// once in the whole cluster and that no peer call failed.
void RunsThreeNodes(const std::vector<std::string>& extra_flags,
                    const char* tls) {
  const std::string dir = FreshTestDir();
  std::vector<std::string> args = {
      "demo", "--nodes=3", "--duration=1s", "--threads=2", "--keys=3000",
      "--value_size=100", "--source_latency=0", "--capacity=16777216",
      "--report=kv",
      // Generous: sanitizers and a shared machine slow RPCs down.
      "--peer_timeout=10s"};
  args.insert(args.end(), extra_flags.begin(), extra_flags.end());
  const testing::CliRun run = RunGogocache(args, dir, absl::Seconds(120));
  ASSERT_TRUE(run.finished) << run.err;
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_THAT(run.out, HasSubstr("each key loaded once in the whole cluster"));
  EXPECT_THAT(run.out, HasSubstr("all correct"));
  std::vector<std::string> names;
  const std::map<std::string, std::string> kv = KeyValues(run.out, &names);
  EXPECT_THAT(
      names, ElementsAre("system", "nodes", "threads_per_node", "seconds",
                         "tls", "gets", "gets_per_second", "hit_ratio", "loads",
                         "distinct_keys", "peer_fetches", "peer_errors",
                         "peer_fetch_p50_us", "peer_fetch_p99_us", "hot_hits",
                         "served_for_peers"));
  EXPECT_EQ(kv.at("system"), "gogocache");
  EXPECT_EQ(kv.at("nodes"), "3");
  EXPECT_EQ(kv.at("threads_per_node"), "2");
  EXPECT_EQ(kv.at("tls"), tls);
  EXPECT_GT(Number(kv, "gets"), 0u);
  EXPECT_GT(Number(kv, "distinct_keys"), 0u);
  // Nothing is evicted (16 MiB per node holds every key) and every peer
  // answers: each key requested is loaded by its owner alone, once.
  EXPECT_EQ(Number(kv, "loads"), Number(kv, "distinct_keys"));
  EXPECT_EQ(Number(kv, "peer_errors"), 0u);
  EXPECT_GT(Number(kv, "peer_fetches"), 0u);
  // Every fetch answered by a peer is a request that peer served.
  EXPECT_EQ(Number(kv, "served_for_peers"), Number(kv, "peer_fetches"));
}

TEST(ClusterDemoTest, ThreeNodesLoadEachKeyOnce) { RunsThreeNodes({}, "off"); }

TEST(ClusterDemoTest, ThreeNodesOverMutualTls) {
  const std::string dir = FreshTestDir() + "/tls";
  ASSERT_EQ(mkdir(dir.c_str(), 0755), 0);
  ASSERT_TRUE(MakeTestTls(dir)) << ReadFileOrEmpty(dir + "/make_tls.log");
  RunsThreeNodes({"--tls_dir=" + dir}, "on");
}

TEST(ClusterDemoTest, RefusesBadFlags) {
  const std::string dir = FreshTestDir();
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{
           {"demo", "--nodes=0"},
           {"demo", "--nodes=65"},
           {"demo", "--nodes=2", "--key_size=3"},
           {"demo", "--nodes=2", "--store=file:" + dir + "/x.log"},
           {"demo", "--nodes=2", "--tls_dir=" + dir},
           {"demo", "--tls_dir=" + dir},
           {"demo", "--nodes=2", "--report=json"},
       }) {
    const testing::CliRun run = RunGogocache(args, dir, absl::Seconds(20));
    EXPECT_EQ(run.exit_code, 2) << args.back() << run.err;
  }
}

// A stand-in for the node binary: a shell script run with the node's
// arguments, which records its pid in DIR/pids and then runs `body`.
std::string FakeNode(const std::string& dir, const std::string& body) {
  const std::string path = dir + "/fake_node.sh";
  std::ofstream(path) << "#!/bin/sh\necho $$ >> " << dir << "/pids\n"
                      << body << "\n";
  chmod(path.c_str(), 0755);
  return path;
}

// Every pid the fake nodes recorded is gone (reaped).
void ExpectNoFakeNodeLeft(const std::string& dir) {
  std::istringstream pids(ReadFileOrEmpty(dir + "/pids"));
  int count = 0;
  for (pid_t pid; pids >> pid; ++count) {
    EXPECT_NE(kill(pid, 0), 0) << "node " << pid << " still exists";
  }
  EXPECT_GT(count, 0);
}

ClusterDemoOptions FakeClusterOptions(const std::string& binary) {
  ClusterDemoOptions options;
  options.nodes = 3;
  options.duration = absl::Milliseconds(100);
  options.keys = 100;
  options.binary = binary;
  options.step_timeout = absl::Seconds(1);
  return options;
}

TEST(ClusterDemoTest, ANodeThatExitsEarlyIsAnErrorAndNoNodeIsLeft) {
  const std::string dir = FreshTestDir();
  std::ostringstream out, log;
  const absl::Status status =
      RunClusterDemo(FakeClusterOptions(FakeNode(dir, "exit 3")), out, log);
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal) << status;
  EXPECT_THAT(status.message(), HasSubstr("exited with status 3"));
  EXPECT_THAT(status.message(), HasSubstr("before it wrote its port file"));
  ExpectNoFakeNodeLeft(dir);
}

TEST(ClusterDemoTest, ANodeThatNeverAnswersTimesOutAndIsKilled) {
  const std::string dir = FreshTestDir();
  // Writes its port file, then neither says "ready" nor exits.
  const std::string body =
      "for a in \"$@\"; do case $a in --port_file=*) "
      "echo 127.0.0.1:9 > \"${a#--port_file=}\";; esac; done\nexec sleep 600";
  std::ostringstream out, log;
  const absl::Time start = absl::Now();
  const absl::Status status =
      RunClusterDemo(FakeClusterOptions(FakeNode(dir, body)), out, log);
  EXPECT_LT(absl::Now() - start, absl::Seconds(20));
  EXPECT_EQ(status.code(), absl::StatusCode::kDeadlineExceeded) << status;
  EXPECT_THAT(status.message(),
              HasSubstr("nodes 0, 1, 2 never said \"ready\""));
  ExpectNoFakeNodeLeft(dir);
}

TEST(ClusterDemoTest, InterruptedDemoStopsItsNodes) {
  const std::string dir = FreshTestDir();
  // The nodes' command lines name the demo's temporary directory, under
  // this TMPDIR: that is how they are found.
  setenv("TMPDIR", dir.c_str(), 1);
  absl::StatusOr<std::unique_ptr<ChildProcess>> demo =
      ChildProcess::Start({{GogocachePath(), "demo", "--nodes=3",
                            "--duration=60s", "--keys=1000", "--threads=1"},
                           dir + "/demo.err"});
  unsetenv("TMPDIR");
  ASSERT_TRUE(demo.ok()) << demo.status();
  for (int i = 0;
       i < 3000 &&
       !absl::StrContains(ReadFileOrEmpty(dir + "/demo.err"), "running for");
       ++i) {
    usleep(10000);
  }
  ASSERT_THAT(ReadFileOrEmpty(dir + "/demo.err"), HasSubstr("running for"));
  EXPECT_EQ(ProcessesMentioning(dir + "/gogocache-demo.").size(), 3u);
  (*demo)->Signal(SIGINT);
  ASSERT_TRUE((*demo)->Wait(absl::Seconds(20)).ok());
  EXPECT_EQ((*demo)->exit_code(), 1);
  EXPECT_THAT(ReadFileOrEmpty(dir + "/demo.err"), HasSubstr("interrupted"));
  EXPECT_THAT(ProcessesMentioning(dir + "/gogocache-demo."), IsEmpty());
}

}  // namespace
}  // namespace gogocache
