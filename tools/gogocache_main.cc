// Copyright 2026 The gogocache Authors.
//
// The `gogocache` command: gogocache SUBCOMMAND [--flags] [ARGS...]. Each
// subcommand is described, with the flags it reads, in Subcommands()
// (tools/subcommands.h); `gogocache --help` lists them and `gogocache
// SUBCOMMAND --help` prints one (its usage, what it does, and its flags with
// their defaults, taken from the flags defined below). This file defines the
// flags and passes them to the subcommand asked for; the commands themselves
// live in tools/*_command.h, tools/store_commands.h and tools/cluster_demo.h.
// Exit status: 0 on success and for help, 2 for bad arguments
// (InvalidArgument), 1 for any other error, the demo's failed store writes
// among them.

#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "tools/cluster_demo.h"
#include "tools/cluster_node.h"
#include "tools/demo_command.h"
#include "tools/hash_command.h"
#include "tools/serve_command.h"
#include "tools/simulate_command.h"
#include "tools/store_commands.h"
#include "tools/subcommands.h"
#include "tools/trace.h"
#include "tools/trace_command.h"

// Flag help says what a flag does; which subcommands read it is in
// Subcommands() (tools/subcommands.cc), and `gogocache SUBCOMMAND --help`
// prints those. The flags stay in this file: gogocache_test lists them with
// --helpon=gogocache_main.
ABSL_FLAG(uint32_t, shards, 16, "number of cache shards");
ABSL_FLAG(int32_t, buckets, 8, "number of peers to jump-hash the keys over");
ABSL_FLAG(int, threads, 4, "worker threads (per node with --nodes)");
ABSL_FLAG(absl::Duration, duration, absl::Seconds(5),
          "how long the workload runs");
ABSL_FLAG(uint64_t, capacity, uint64_t{2} << 20,
          "cache capacity in bytes (per node)");
ABSL_FLAG(std::string, hash, "xxh3", "hash strategy: crc32 or xxh3");
ABSL_FLAG(std::string, eviction, "adaptive",
          "eviction policy of the shards: adaptive, lirs, tinylfu or lru");
ABSL_FLAG(uint64_t, keys, 10000, "number of distinct keys");
ABSL_FLAG(uint64_t, key_size, 16, "bytes per key");
ABSL_FLAG(double, zipf, 0.99, "Zipf exponent of key popularity");
ABSL_FLAG(uint64_t, value_size, 512, "bytes per value the source returns");
ABSL_FLAG(absl::Duration, source_latency, absl::Milliseconds(2),
          "time the slow source takes per load");
ABSL_FLAG(std::string, store, "",
          "write the cache through to this store and start warm from it "
          "(file:PATH or rocksdb:PATH)");
ABSL_FLAG(int, nodes, 1,
          "processes; 2 or more run one cache over that many local nodes");
ABSL_FLAG(std::string, tls_dir, "",
          "with --nodes: directory with ca.pem, node.pem and node.key; the "
          "nodes talk over mutual TLS");
ABSL_FLAG(std::string, report, "text",
          "with --nodes: text, or kv to add name=value lines after it");
ABSL_FLAG(absl::Duration, peer_timeout, absl::Seconds(1),
          "deadline of each call to a peer");
ABSL_FLAG(std::string, listen, "127.0.0.1:0",
          "host:port to listen on; port 0 lets the system choose");
ABSL_FLAG(std::string, port_file, "",
          "once serving, write this node's address to this file");
ABSL_FLAG(std::string, self, "",
          "this node's address as the peer list names it (default: the "
          "--listen host and the port listened on)");
ABSL_FLAG(std::string, peers, "", "the peer list, host:port,host:port,...");
ABSL_FLAG(std::string, peers_file, "",
          "a file holding the peer list (serve reads it again every "
          "--peers_interval)");
ABSL_FLAG(absl::Duration, peers_interval, absl::Seconds(1),
          "how often --peers_file is read");
ABSL_FLAG(std::string, tls_ca, "",
          "CA certificate (PEM); with --tls_cert and --tls_key, mutual TLS "
          "with the peers");
ABSL_FLAG(std::string, tls_cert, "", "this process's certificate (PEM)");
ABSL_FLAG(std::string, tls_key, "", "this process's private key (PEM)");
ABSL_FLAG(std::string, group, "demo", "the group's name");
ABSL_FLAG(absl::Duration, stats_interval, absl::ZeroDuration(),
          "print the group's statistics this often (0: never)");
ABSL_FLAG(int, node_index, 0, "this node's index among the demo's nodes");
ABSL_FLAG(bool, quiet, false, "no progress bar");
ABSL_FLAG(std::string, format, "lirs",
          "trace format, lirs (text) or cache2k (binary); gzip or xz "
          "compression is recognised");
ABSL_FLAG(std::vector<std::string>, sizes, {},
          "cache sizes in entries, e.g. 500,1000 (the default unless "
          "--sweep)");
ABSL_FLAG(bool, sweep, false,
          "sweep sizes up to the distinct keys and plot them");
ABSL_FLAG(int, points, 12, "sizes in a sweep");
ABSL_FLAG(std::string, plot, "",
          "PNG path of the sweep's plot (default TRACE.png)");
ABSL_FLAG(bool, values, false, "print values too");
ABSL_FLAG(std::string, family, "",
          "the synthetic trace family to write (see --list)");
ABSL_FLAG(double, scale, 1.0,
          "fraction in (0, 1] of the family's keys, sizes and length");
ABSL_FLAG(bool, list, false, "list the synthetic trace families");

namespace {

int Fail(const absl::Status& status) {
  std::cerr << "gogocache: " << status.message() << "\n";
  return status.code() == absl::StatusCode::kInvalidArgument ? 2 : 1;
}

// The node options serve and the cluster demo's nodes take from flags.
gogocache::PeerNodeOptions PeerNodeOptionsFromFlags() {
  gogocache::PeerNodeOptions options;
  options.listen_address = absl::GetFlag(FLAGS_listen);
  options.self = absl::GetFlag(FLAGS_self);
  options.tls = {absl::GetFlag(FLAGS_tls_ca), absl::GetFlag(FLAGS_tls_cert),
                 absl::GetFlag(FLAGS_tls_key)};
  options.peer_timeout = absl::GetFlag(FLAGS_peer_timeout);
  options.group = absl::GetFlag(FLAGS_group);
  options.capacity_bytes = absl::GetFlag(FLAGS_capacity);
  options.shards = absl::GetFlag(FLAGS_shards);
  options.hash = absl::GetFlag(FLAGS_hash);
  options.eviction = absl::GetFlag(FLAGS_eviction);
  options.store = absl::GetFlag(FLAGS_store);
  options.value_size = absl::GetFlag(FLAGS_value_size);
  options.source_latency = absl::GetFlag(FLAGS_source_latency);
  return options;
}

// The workload flags both demos take, into DemoOptions or
// ClusterDemoOptions.
template <typename Options>
void SetWorkloadFlags(Options& options) {
  options.threads = absl::GetFlag(FLAGS_threads);
  options.duration = absl::GetFlag(FLAGS_duration);
  options.capacity_bytes = absl::GetFlag(FLAGS_capacity);
  options.shards = absl::GetFlag(FLAGS_shards);
  options.hash = absl::GetFlag(FLAGS_hash);
  options.eviction = absl::GetFlag(FLAGS_eviction);
  options.keys = absl::GetFlag(FLAGS_keys);
  options.key_size = absl::GetFlag(FLAGS_key_size);
  options.zipf_exponent = absl::GetFlag(FLAGS_zipf);
  options.value_size = absl::GetFlag(FLAGS_value_size);
  options.source_latency = absl::GetFlag(FLAGS_source_latency);
}

absl::Status RunDemoCommand() {
  const int nodes = absl::GetFlag(FLAGS_nodes);
  const std::string report = absl::GetFlag(FLAGS_report);
  if (report != "text" && report != "kv") {
    return absl::InvalidArgumentError(absl::StrCat(
        "demo: --report must be text or kv, got \"", report, "\""));
  }
  if (nodes < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("demo: --nodes must be at least 1, got ", nodes));
  }
  if (nodes == 1) {
    if (!absl::GetFlag(FLAGS_tls_dir).empty() || report != "text") {
      return absl::InvalidArgumentError(
          "demo: --tls_dir and --report=kv are for a cluster (--nodes=2 or "
          "more)");
    }
    gogocache::DemoOptions options;
    SetWorkloadFlags(options);
    options.store = absl::GetFlag(FLAGS_store);
    return gogocache::RunDemo(options, std::cout, std::cerr,
                              isatty(STDERR_FILENO) == 1);
  }
  if (!absl::GetFlag(FLAGS_store).empty()) {
    return absl::InvalidArgumentError(
        "demo: --store is for the single-process demo, not --nodes");
  }
  gogocache::ClusterDemoOptions options;
  options.nodes = nodes;
  SetWorkloadFlags(options);
  options.peer_timeout = absl::GetFlag(FLAGS_peer_timeout);
  options.tls_dir = absl::GetFlag(FLAGS_tls_dir);
  options.report_kv = report == "kv";
  return gogocache::RunClusterDemo(options, std::cout, std::cerr);
}

// Whether --NAME (or -NAME) is among the flags in `args`, with a value or
// not. Abseil tells an empty value from no flag only through an internal
// call.
bool FlagGiven(const std::vector<char*>& args, absl::string_view name) {
  for (size_t i = 1; i < args.size(); ++i) {
    absl::string_view arg = args[i];
    if (arg == "--") break;
    if (!absl::ConsumePrefix(&arg, "--")) absl::ConsumePrefix(&arg, "-");
    if (absl::ConsumePrefix(&arg, name) && (arg.empty() || arg[0] == '=')) {
      return true;
    }
  }
  return false;
}

absl::Status RunServeCommand(const std::vector<char*>& args) {
  gogocache::ServeOptions options;
  options.node = PeerNodeOptionsFromFlags();
  // "--peers=" is an empty list, an error; no --peers at all is not.
  if (FlagGiven(args, "peers")) options.peers = absl::GetFlag(FLAGS_peers);
  options.peers_file = absl::GetFlag(FLAGS_peers_file);
  options.peers_interval = absl::GetFlag(FLAGS_peers_interval);
  options.port_file = absl::GetFlag(FLAGS_port_file);
  options.stats_interval = absl::GetFlag(FLAGS_stats_interval);
  return gogocache::RunServe(options, std::cout, std::cerr);
}

absl::Status RunClusterNodeCommand() {
  gogocache::ClusterNodeOptions options;
  options.node = PeerNodeOptionsFromFlags();
  options.node.store.clear();  // The nodes share no store.
  options.nodes = absl::GetFlag(FLAGS_nodes);
  options.index = absl::GetFlag(FLAGS_node_index);
  options.port_file = absl::GetFlag(FLAGS_port_file);
  options.peers_file = absl::GetFlag(FLAGS_peers_file);
  options.peers_interval = absl::GetFlag(FLAGS_peers_interval);
  options.threads = absl::GetFlag(FLAGS_threads);
  options.duration = absl::GetFlag(FLAGS_duration);
  options.keys = absl::GetFlag(FLAGS_keys);
  options.key_size = absl::GetFlag(FLAGS_key_size);
  options.zipf_exponent = absl::GetFlag(FLAGS_zipf);
  const absl::Status status =
      gogocache::RunClusterNode(options, std::cin, std::cout, std::cerr);
  if (status.ok()) return status;
  return absl::Status(status.code(), absl::StrCat("node ", options.index, ": ",
                                                  status.message()));
}

}  // namespace

int main(int argc, char** argv) {
  const std::string list = gogocache::SubcommandList();
  // What Abseil's own usage flags (--helpfull, --help=SUBSTRING, ...) print
  // before the flags.
  absl::SetProgramUsageMessage(list);
  // Under `bazel run`, relative paths (traces, stores, plots) mean the
  // directory the user ran it from, not the runfiles tree.
  if (const char* dir = getenv("BUILD_WORKING_DIRECTORY")) {
    if (chdir(dir) != 0) {
      std::cerr << "gogocache: cannot enter " << dir << "\n";
      return 1;
    }
  }
  // A node both serves its peers and fetches from them. gRPC's default
  // poller (epoll1) lets one thread at a time watch every connection of the
  // process and wake the thread each event is for; with "poll" each thread
  // waits on its own calls, which takes fewer wakeups per peer fetch (see
  // docs/benchmarks.md). A strategy set by the user is kept.
  setenv("GRPC_POLL_STRATEGY", "poll", /*overwrite=*/0);
  // Debian builds Abseil with its debug default of checking every
  // absl::Mutex acquisition against a graph of lock orders; gRPC takes such
  // locks on every call, and this program's own code uses std::mutex.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  if (argc < 2) {
    std::cerr << list;
    return 2;
  }
  const std::string subcommand = argv[1];
  if (gogocache::AsksForHelp(subcommand) ||
      (subcommand == "help" && argc == 2)) {
    std::cout << list;
    return 0;
  }
  if (subcommand == "help") {
    const gogocache::Subcommand* wanted = gogocache::FindSubcommand(
        gogocache::AsksForHelp(argv[2]) ? "help" : argv[2]);
    if (argc > 3 || wanted == nullptr) {
      std::cerr << "gogocache: help takes one subcommand, e.g. `gogocache "
                   "help demo`\n";
      return 2;
    }
    return gogocache::PrintSubcommandHelp(*wanted, std::cout) ? 0 : 1;
  }
  if (subcommand[0] == '-') {
    std::cerr << "gogocache: the subcommand comes first, then its flags\n"
              << list;
    return 2;
  }
  const gogocache::Subcommand* command = gogocache::FindSubcommand(subcommand);
  if (command == nullptr) {
    std::cerr << "gogocache: unknown subcommand \"" << subcommand << "\"\n"
              << list;
    return 2;
  }
  for (int i = 2; i < argc && absl::string_view(argv[i]) != "--"; ++i) {
    if (gogocache::AsksForHelp(argv[i])) {
      return gogocache::PrintSubcommandHelp(*command, std::cout) ? 0 : 1;
    }
  }
  // Flags follow the subcommand: parse argv without it.
  std::vector<char*> rest = {argv[0]};
  rest.insert(rest.end(), argv + 2, argv + argc);
  std::vector<char*> positional =
      absl::ParseCommandLine(static_cast<int>(rest.size()), rest.data());
  const std::vector<std::string> args(positional.begin() + 1, positional.end());

  absl::Status status;
  if (subcommand == "hash") {
    gogocache::HashCommandOptions options;
    options.shards = absl::GetFlag(FLAGS_shards);
    options.buckets = absl::GetFlag(FLAGS_buckets);
    status = RunHashCommand(options, args, std::cout);
  } else if (subcommand == "get") {
    gogocache::GetOptions options;
    options.peers = absl::GetFlag(FLAGS_peers);
    options.peers_file = absl::GetFlag(FLAGS_peers_file);
    options.group = absl::GetFlag(FLAGS_group);
    options.tls = {absl::GetFlag(FLAGS_tls_ca), absl::GetFlag(FLAGS_tls_cert),
                   absl::GetFlag(FLAGS_tls_key)};
    options.timeout = absl::GetFlag(FLAGS_peer_timeout);
    status = gogocache::RunGet(options, args, std::cout);
  } else if (subcommand == "demo" || subcommand == "serve" ||
             subcommand == "cluster_node") {
    if (!args.empty()) {
      return Fail(absl::InvalidArgumentError(absl::StrCat(
          subcommand, " takes no arguments, only flags (see --help)")));
    }
    status = subcommand == "demo"    ? RunDemoCommand()
             : subcommand == "serve" ? RunServeCommand(rest)
                                     : RunClusterNodeCommand();
  } else if (subcommand == "simulate") {
    if (args.size() != 1) {
      return Fail(absl::InvalidArgumentError(
          "simulate takes one trace file (see --help)"));
    }
    gogocache::SimulateOptions options;
    absl::StatusOr<gogocache::TraceFormat> format =
        gogocache::ParseTraceFormat(absl::GetFlag(FLAGS_format));
    if (!format.ok()) return Fail(format.status());
    options.format = *format;
    for (const std::string& size : absl::GetFlag(FLAGS_sizes)) {
      size_t entries = 0;
      if (!absl::SimpleAtoi(size, &entries) || entries == 0) {
        return Fail(absl::InvalidArgumentError(
            absl::StrCat("--sizes: \"", size, "\" is not a positive count")));
      }
      options.sizes.push_back(entries);
    }
    options.sweep = absl::GetFlag(FLAGS_sweep);
    options.sweep_points = absl::GetFlag(FLAGS_points);
    options.plot = absl::GetFlag(FLAGS_plot);
    status = RunSimulate(args[0], options, std::cout);
  } else if (subcommand == "trace") {
    gogocache::TraceCommandOptions options;
    options.family = absl::GetFlag(FLAGS_family);
    options.scale = absl::GetFlag(FLAGS_scale);
    options.list = absl::GetFlag(FLAGS_list);
    status = gogocache::RunTraceCommand(options, args, std::cout);
  } else if (subcommand == "inspect" || subcommand == "verify" ||
             subcommand == "compact" || subcommand == "dump" ||
             subcommand == "convert") {
    const size_t wanted = subcommand == "convert" ? 2 : 1;
    if (args.size() != wanted) {
      return Fail(absl::InvalidArgumentError(absl::StrCat(
          subcommand, " takes ", wanted == 2 ? "SRC and DST specs" : "one spec",
          ", e.g. file:/var/cache/app.log")));
    }
    gogocache::StoreCommandOptions options;
    options.show_progress =
        !absl::GetFlag(FLAGS_quiet) && isatty(STDERR_FILENO) == 1;
    options.values = absl::GetFlag(FLAGS_values);
    if (subcommand == "inspect") {
      status = RunInspect(args[0], options, std::cout, std::cerr);
    } else if (subcommand == "verify") {
      status = RunVerify(args[0], options, std::cout, std::cerr);
    } else if (subcommand == "compact") {
      status = RunCompact(args[0], options, std::cout, std::cerr);
    } else if (subcommand == "dump") {
      status = RunDump(args[0], options, std::cout, std::cerr);
    } else {
      status = RunConvert(args[0], args[1], options, std::cout, std::cerr);
    }
  } else {  // Named in Subcommands() but not run here.
    std::cerr << "gogocache: " << subcommand << " is not implemented\n";
    return 1;
  }
  return status.ok() ? 0 : Fail(status);
}
