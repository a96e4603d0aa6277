// Copyright 2026 The gogocache Authors.

#include "tools/subcommands.h"

#include <iostream>
#include <ostream>
#include <string>
#include <vector>

#include "absl/flags/commandlineflag.h"
#include "absl/flags/reflection.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"

namespace gogocache {
namespace {

constexpr absl::string_view kSpecHelp =
    "SPEC is file:PATH (the flat file store) or rocksdb:PATH; in PATH write "
    "a '?' as %3F and a '%' as %25.";

// `text` wrapped at 79 columns, each line indented by `indent` spaces.
std::string Wrap(absl::string_view text, size_t indent) {
  constexpr size_t kWidth = 79;
  std::string wrapped;
  std::string line;
  for (absl::string_view word : absl::StrSplit(text, ' ', absl::SkipEmpty())) {
    if (!line.empty() && indent + line.size() + 1 + word.size() > kWidth) {
      absl::StrAppend(&wrapped, std::string(indent, ' '), line, "\n");
      line.clear();
    }
    absl::StrAppend(&line, line.empty() ? "" : " ", word);
  }
  if (!line.empty()) {
    absl::StrAppend(&wrapped, std::string(indent, ' '), line, "\n");
  }
  return wrapped;
}

}  // namespace

const std::vector<Subcommand>& Subcommands() {
  static const auto* subcommands = new std::vector<Subcommand>{
      {"demo",
       "demo [--flags]",
       "a CacheGroup in front of a slow source, under a Zipf load; "
       "--nodes=N: one cache over N local processes",
       "Runs a CacheGroup in front of a deliberately slow source (each load "
       "takes --source_latency), driven by --threads threads asking for "
       "--keys keys of Zipf(--zipf) popularity for --duration. Shows a live "
       "progress line, then the group's statistics, the hit ratio, the loads "
       "saved by deduplication and Get latency percentiles. With --store, "
       "the cache is written through to the store and the next run starts "
       "warm from it; a run in which any write to the store failed exits "
       "1.\n"
       "With --nodes=N (2 or more; not with --store), runs one cache over N "
       "node processes on this machine, each running the workload against "
       "its own group at the same time, and reports for the cluster as a "
       "whole: hit ratio, loads against distinct keys, peer fetches and "
       "their latency, hot-cache hits.",
       {"duration", "threads", "keys", "key_size", "value_size", "zipf",
        "source_latency", "capacity", "shards", "hash", "eviction", "store",
        "nodes", "peer_timeout", "tls_dir", "report"}},
      {"serve",
       "serve [--flags]",
       "one node of a cache over several processes, until SIGINT or SIGTERM",
       "Runs one node of a cache spread over several processes until SIGINT "
       "or SIGTERM: it answers its peers for the keys it owns, loading them "
       "from a slow source as demo's does, and asks the owners for the "
       "rest. Prints \"listening on HOST:PORT\" once it serves. The peer "
       "list is fixed (--peers) or a file read again every --peers_interval "
       "(--peers_file); a peers file that does not exist yet is waited for, "
       "the node owning every key meanwhile. --tls_ca, --tls_cert and "
       "--tls_key together: mutual TLS with the peers.",
       {"listen", "self", "port_file", "peers", "peers_file", "peers_interval",
        "peer_timeout", "tls_ca", "tls_cert", "tls_key", "group", "capacity",
        "shards", "hash", "eviction", "value_size", "source_latency", "store",
        "stats_interval"}},
      {"get",
       "get [--flags] KEY...",
       "ask each key's owner among the peers for its value, as a peer would",
       "Asks each key's owner among the peers (--peers or --peers_file) for "
       "its value, as a peer would (the owner answers from its memory or "
       "its source), and prints a line per key: the key, the owner, the "
       "value's size and its first bytes.",
       {"peers", "peers_file", "group", "peer_timeout", "tls_ca", "tls_cert",
        "tls_key"}},
      {"hash",
       "hash [--flags] KEY...",
       "each hash strategy's hash, shard and peer bucket for the keys",
       "Prints, for each key and each built-in hash strategy, the key's "
       "hash, the shard a CacheGroup with --shards shards puts it in, and "
       "the peer bucket jump consistent hashing picks among --buckets.",
       {"shards", "buckets"}},
      {"inspect",
       "inspect [--flags] SPEC",
       "entries, live and garbage bytes of a store",
       absl::StrCat("Prints a store's entries, live and garbage bytes, any "
                    "damage found, and how many entries have an expiry and "
                    "how many of those have expired. Opens it read-only and "
                    "changes nothing; fails while a writer has it open.\n",
                    kSpecHelp),
       {"quiet"}},
      {"verify",
       "verify [--flags] SPEC",
       "check every checksum of a store; exit 1 on damage",
       absl::StrCat("Checks every checksum of a store, and exits 1 on any "
                    "damage. Opens it read-only and changes nothing; fails "
                    "while a writer has it open.\n",
                    kSpecHelp),
       {"quiet"}},
      {"compact",
       "compact [--flags] SPEC",
       "drop a store's garbage now",
       absl::StrCat("Drops a store's garbage now, and prints its sizes "
                    "before and after.\n",
                    kSpecHelp),
       {"quiet"}},
      {"convert",
       "convert [--flags] SRC DST",
       "copy every entry between stores (any backends)",
       absl::StrCat("Copies every entry of the store SRC, with its expiry, "
                    "into the store DST, oldest first, between any backends. "
                    "DST is created when missing (no other command creates "
                    "a store); it must not be SRC.\n",
                    kSpecHelp),
       {"quiet"}},
      {"dump",
       "dump [--flags] SPEC",
       "a store's keys (and values), C-escaped",
       absl::StrCat("Prints a line per entry of a store: the key, C-escaped; "
                    "with --values a tab and the value, C-escaped; and for an "
                    "entry with an expiry a tab and expires=TIME (RFC 3339, "
                    "UTC). Opens it read-only and changes nothing; fails "
                    "while a writer has it open.\n",
                    kSpecHelp),
       {"values", "quiet"}},
      {"simulate",
       "simulate [--flags] TRACE",
       "hit ratios of each eviction policy, exact LRU and OPT on a key trace",
       "Replays a key trace through gogocache's own shard code with each "
       "eviction policy, and prints the hit ratios beside exact LRU and "
       "Belady's OPT for each cache size (in entries). With --sweep, the "
       "sizes run in --points steps up to the trace's distinct keys, and a "
       "PNG plot of hit ratio against size is written with gnuplot.",
       {"format", "sizes", "sweep", "points", "plot"}},
      {"trace",
       "trace [--flags] --family=NAME OUT",
       "write a synthetic key trace for simulate; --list: the families",
       "Writes a synthetic key trace of the family --family to OUT in the "
       "LIRS text format, one decimal key per line, gzip-compressed when OUT "
       "ends in .gz, for simulate to read. With --list, prints the families "
       "instead, a line each: name, cache sizes at scale 1, description.",
       {"family", "scale", "list"}},
      {"help",
       "help [SUBCOMMAND]",
       "the subcommands, or one subcommand's usage and flags",
       "Prints the subcommands, or SUBCOMMAND's usage and flags, as "
       "`gogocache SUBCOMMAND --help` does.",
       {}},
      {"cluster_node",
       "cluster_node [--flags]",
       "one node process of demo --nodes=N",
       "One node of `gogocache demo --nodes=N`, which starts it, not a "
       "person: it serves its peers, runs the workload when the demo says so "
       "on its standard input, and reports its figures on its standard "
       "output.",
       {"nodes",      "node_index",     "listen",       "port_file",
        "peers_file", "peers_interval", "peer_timeout", "tls_ca",
        "tls_cert",   "tls_key",        "group",        "duration",
        "threads",    "keys",           "key_size",     "value_size",
        "zipf",       "source_latency", "capacity",     "shards",
        "hash",       "eviction"},
       /*internal=*/true},
  };
  return *subcommands;
}

const Subcommand* FindSubcommand(absl::string_view name) {
  for (const Subcommand& subcommand : Subcommands()) {
    if (subcommand.name == name) return &subcommand;
  }
  return nullptr;
}

std::string SubcommandList() {
  std::string list =
      "Usage: gogocache SUBCOMMAND [--flags] [ARGS...]\n\nSubcommands:\n";
  constexpr size_t kColumn = 27;  // Where the summaries start.
  for (const Subcommand& subcommand : Subcommands()) {
    if (subcommand.internal) continue;
    const std::string usage = absl::StrCat(
        "  ", absl::StrReplaceAll(subcommand.synopsis, {{" [--flags]", ""}}));
    std::string summary = Wrap(subcommand.summary, kColumn);
    if (usage.size() < kColumn) {
      summary.replace(0, usage.size(), usage);  // Beside its first line.
    } else {
      summary = absl::StrCat(usage, "\n", summary);
    }
    absl::StrAppend(&list, summary);
  }
  absl::StrAppend(
      &list, "\n", Wrap(kSpecHelp, 0), "\n",
      Wrap("Run `gogocache SUBCOMMAND --help` (or `gogocache help "
           "SUBCOMMAND`) for what a subcommand does and its flags. Exit "
           "status: 0 on success, 2 for bad arguments, 1 for any other "
           "error.",
           0));
  return list;
}

bool PrintSubcommandHelp(const Subcommand& subcommand, std::ostream& out) {
  std::string help =
      absl::StrCat("Usage: gogocache ", subcommand.synopsis, "\n");
  for (absl::string_view paragraph :
       absl::StrSplit(subcommand.description, '\n')) {
    absl::StrAppend(&help, "\n", Wrap(paragraph, 0));
  }
  if (!subcommand.flags.empty()) absl::StrAppend(&help, "\nFlags:\n");
  for (absl::string_view name : subcommand.flags) {
    const absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
    if (flag == nullptr) {
      std::cerr << "gogocache: " << subcommand.name << " names no flag --"
                << name << "\n";
      return false;
    }
    std::string default_value = flag->DefaultValue();
    if (default_value.empty()) default_value = "\"\"";
    absl::StrAppend(&help, "  --", name, "=", default_value, "\n",
                    Wrap(flag->Help(), 6));
  }
  out << help;
  return true;
}

bool AsksForHelp(absl::string_view arg) {
  if (!absl::ConsumePrefix(&arg, "--") && !absl::ConsumePrefix(&arg, "-")) {
    return false;
  }
  return arg == "h" || arg == "help" || arg == "helpshort";
}

}  // namespace gogocache
