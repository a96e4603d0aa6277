// Copyright 2026 The gogocache Authors.
//
// One node of cluster_test: a CacheGroup named "test" with peers over gRPC,
// driven line by line on stdin so that a test in another process can make it
// ask for keys and read what it did. Its getter records every key it loads,
// so the test can count loads across the cluster.
//
// Prints "listening 127.0.0.1:PORT" once serving, then answers each command
// with one line:
//   peers ADDR,ADDR,...   -> ok | error MESSAGE
//   get KEY               -> value VALUE | error CODE MESSAGE
//   getmany THREADS KEY.. -> ok ERRORS (every thread gets every key)
//   set KEY VALUE         -> ok | error CODE MESSAGE
//   remove KEY            -> ok | error CODE MESSAGE
//   loads                 -> loads KEY=COUNT ... (this node's getter calls)
//   stats                 -> stats NAME=VALUE ...
// Keys and values are printable words. A key starting with "missing" makes
// the getter return NotFound; a key starting with "slow" takes
// --slow_latency to load.
//
// Flags: --tls_ca, --tls_cert, --tls_key (PEM files: mutual TLS),
// --timeout=DURATION (peer calls' deadline), --listen=HOST:PORT.

#include <iostream>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "cache/cache_group.h"
#include "loader/getter.h"
#include "peer/grpc_peer_client.h"
#include "peer/peer_list.h"
#include "peer/peer_pool.h"
#include "peer/peer_server.h"
#include "peer/peer_tls.h"

ABSL_FLAG(std::string, tls_ca, "", "mutual TLS: the authority's PEM file");
ABSL_FLAG(std::string, tls_cert, "", "mutual TLS: this node's certificate");
ABSL_FLAG(std::string, tls_key, "", "mutual TLS: this node's key");
ABSL_FLAG(absl::Duration, timeout, absl::Seconds(1), "peer call deadline");
ABSL_FLAG(std::string, listen, "127.0.0.1:0", "address to serve peers on");
ABSL_FLAG(absl::Duration, slow_latency, absl::Milliseconds(300),
          "load time of keys starting with \"slow\"");

namespace gogocache {
namespace {

// The getter's record of what it loaded.
class LoadLog {
 public:
  void Add(absl::string_view key) {
    std::lock_guard<std::mutex> lock(mu_);
    ++loads_[std::string(key)];
  }
  std::string Describe() {
    std::lock_guard<std::mutex> lock(mu_);
    return absl::StrJoin(loads_, " ", absl::PairFormatter("="));
  }

 private:
  std::mutex mu_;
  std::map<std::string, int> loads_;
};

std::string Reply(const absl::Status& status) {
  if (status.ok()) return "ok";
  return absl::StrCat("error ", absl::StatusCodeToString(status.code()), " ",
                      status.message());
}

std::string Stats(const CacheGroupStats& s) {
  return absl::StrCat(
      "stats gets=", s.gets, " hits=", s.hits, " loads=", s.loads,
      " local_loads=", s.local_loads, " peer_loads=", s.peer_loads,
      " peer_errors=", s.peer_errors, " served_for_peers=", s.served_for_peers,
      " hot_hits=", s.hot_hits, " items=", s.items, " hot_items=", s.hot_items);
}

std::string GetMany(CacheGroup& group, int threads,
                    const std::vector<std::string>& keys) {
  std::atomic<int> errors{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      for (size_t i = 0; i < keys.size(); ++i) {
        // Threads start at different keys, so they collide on some.
        const std::string& key = keys[(i + t * 7) % keys.size()];
        absl::StatusOr<ByteView> value = group.Get(key);
        if (!value.ok() || value->ToString() != "v:" + key) ++errors;
      }
    });
  }
  for (std::thread& worker : workers) worker.join();
  return absl::StrCat("ok ", errors.load());
}

int Run() {
  std::optional<PeerTls> tls;
  if (!absl::GetFlag(FLAGS_tls_ca).empty()) {
    absl::StatusOr<PeerTls> loaded =
        LoadPeerTls({absl::GetFlag(FLAGS_tls_ca), absl::GetFlag(FLAGS_tls_cert),
                     absl::GetFlag(FLAGS_tls_key)});
    if (!loaded.ok()) {
      std::cerr << loaded.status() << "\n";
      return 2;
    }
    tls = *std::move(loaded);
  }
  PeerServerOptions server_options;
  server_options.listen_address = absl::GetFlag(FLAGS_listen);
  server_options.tls = tls;
  absl::StatusOr<std::unique_ptr<PeerServer>> server =
      PeerServer::Start(server_options);
  if (!server.ok()) {
    std::cerr << server.status() << "\n";
    return 1;
  }
  const std::string self = absl::StrCat("127.0.0.1:", (*server)->port());
  GrpcPeerClientOptions client_options;
  client_options.tls = tls;
  client_options.timeout = absl::GetFlag(FLAGS_timeout);
  absl::StatusOr<std::shared_ptr<PeerPool>> pool =
      PeerPool::Create({self, GrpcPeerConnector(client_options)});
  if (!pool.ok()) {
    std::cerr << pool.status() << "\n";
    return 1;
  }
  LoadLog log;
  const absl::Duration slow = absl::GetFlag(FLAGS_slow_latency);
  CacheGroupOptions options;
  options.name = "test";
  options.num_shards = 4;
  options.capacity_bytes = 8 << 20;
  options.peers = *pool;
  options.getter = MakeGetter(
      [&log, slow](absl::string_view key) -> absl::StatusOr<std::string> {
        log.Add(key);
        if (absl::StartsWith(key, "slow")) absl::SleepFor(slow);
        if (absl::StartsWith(key, "missing")) {
          return absl::NotFoundError(absl::StrCat("no row for ", key));
        }
        return absl::StrCat("v:", key);
      });
  absl::StatusOr<std::unique_ptr<CacheGroup>> group =
      CacheGroup::Create(std::move(options));
  if (!group.ok() || !(*server)->AddGroup(group->get()).ok()) {
    std::cerr << "cannot make the group\n";
    return 1;
  }
  std::cout << "listening " << self << std::endl;
  std::string line;
  while (std::getline(std::cin, line)) {
    std::vector<std::string> words = absl::StrSplit(line, ' ');
    const std::string& command = words[0];
    std::string reply = "error unknown command";
    if (command == "peers" && words.size() == 2) {
      absl::StatusOr<std::vector<std::string>> list = ParsePeerList(words[1]);
      reply = Reply(list.ok() ? (*pool)->SetPeers(*list) : list.status());
    } else if (command == "get" && words.size() == 2) {
      absl::StatusOr<ByteView> value = (*group)->Get(words[1]);
      reply = value.ok() ? absl::StrCat("value ", value->ToString())
                         : Reply(value.status());
    } else if (command == "getmany" && words.size() >= 3) {
      reply = GetMany(**group, std::stoi(words[1]),
                      std::vector<std::string>(words.begin() + 2, words.end()));
    } else if (command == "set" && words.size() == 3) {
      reply = Reply((*group)->Set(words[1], words[2]));
    } else if (command == "remove" && words.size() == 2) {
      reply = Reply((*group)->Remove(words[1]));
    } else if (command == "loads") {
      reply = absl::StrCat("loads ", log.Describe());
    } else if (command == "stats") {
      reply = Stats((*group)->GetStats());
    }
    std::cout << reply << std::endl;
  }
  (*server)->Shutdown();
  return 0;
}

}  // namespace
}  // namespace gogocache

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return gogocache::Run();
}
