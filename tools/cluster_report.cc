// Copyright 2026 The gogocache Authors.

#include "tools/cluster_report.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace gogocache {
namespace {

// FetchTimes' slots: values below 32 one each; above, 16 per power of two,
// by the value's leading bit and the 4 bits after it.
size_t SlotOf(uint64_t v) {
  if (v < 32) return static_cast<size_t>(v);
  const int exponent = 63 - __builtin_clzll(v);  // 5 to 63.
  const uint64_t mantissa = (v >> (exponent - 4)) & 15;
  return 32 + static_cast<size_t>(exponent - 5) * 16 + mantissa;
}

uint64_t SlotValue(size_t slot) {
  if (slot < 32) return slot;
  const int exponent = static_cast<int>((slot - 32) / 16) + 5;
  const uint64_t mantissa = (slot - 32) % 16;
  return (16 | mantissa) << (exponent - 4);
}

std::string EncodePairs(const std::vector<std::pair<uint64_t, uint64_t>>& v) {
  return absl::StrJoin(v, ",", absl::PairFormatter(":"));
}

bool DecodePairs(absl::string_view text,
                 std::vector<std::pair<uint64_t, uint64_t>>* pairs) {
  for (absl::string_view pair : absl::StrSplit(text, ',', absl::SkipEmpty())) {
    std::pair<absl::string_view, absl::string_view> parts =
        absl::StrSplit(pair, absl::MaxSplits(':', 1));
    std::pair<uint64_t, uint64_t> numbers;
    if (!absl::SimpleAtoi(parts.first, &numbers.first) ||
        !absl::SimpleAtoi(parts.second, &numbers.second)) {
      return false;
    }
    pairs->push_back(numbers);
  }
  return true;
}

// The counters of a NodeReport, by name, in the order encoded.
constexpr std::pair<const char*, uint64_t NodeReport::*> kCounters[] = {
    {"gets", &NodeReport::gets},
    {"hits", &NodeReport::hits},
    {"hot_hits", &NodeReport::hot_hits},
    {"loads", &NodeReport::loads},
    {"peer_loads", &NodeReport::peer_loads},
    {"peer_errors", &NodeReport::peer_errors},
    {"served_for_peers", &NodeReport::served_for_peers},
    {"evictions", &NodeReport::evictions},
    {"items", &NodeReport::items},
    {"hot_items", &NodeReport::hot_items},
    {"bytes", &NodeReport::bytes},
    {"get_errors", &NodeReport::get_errors},
    {"wrong_values", &NodeReport::wrong_values},
};
constexpr size_t kNumCounters = sizeof(kCounters) / sizeof(kCounters[0]);

std::string Bytes(uint64_t bytes) {
  if (bytes >= (uint64_t{1} << 20)) {
    return absl::StrFormat("%.1f MiB", bytes / 1048576.0);
  }
  if (bytes >= 1024) return absl::StrFormat("%.1f KiB", bytes / 1024.0);
  return absl::StrCat(bytes, " B");
}

std::string Latency(uint64_t nanos) {
  if (nanos >= 1000000) return absl::StrFormat("%.2f ms", nanos / 1e6);
  if (nanos >= 1000) return absl::StrFormat("%.1f us", nanos / 1e3);
  return absl::StrCat(nanos, " ns");
}

double Ratio(double part, double whole) {
  return whole == 0 ? 0.0 : part / whole;
}

// The keys the reports' threads requested, counted once each.
uint64_t DistinctKeys(const std::vector<NodeReport>& reports,
                      const Workload& workload) {
  const std::vector<uint32_t>& accesses = workload.accesses();
  std::vector<bool> requested(workload.num_keys(), false);
  for (const NodeReport& report : reports) {
    for (const auto& [start, count] : report.accessed) {
      const uint64_t n = std::min<uint64_t>(count, accesses.size());
      for (uint64_t i = 0; i < n; ++i) {
        requested[accesses[(start + i) % accesses.size()]] = true;
      }
    }
  }
  return std::count(requested.begin(), requested.end(), true);
}

}  // namespace

WorkloadOptions ClusterWorkloadOptions(size_t keys, size_t key_size,
                                       double zipf_exponent) {
  WorkloadOptions options;
  options.num_keys = keys;
  options.key_size = key_size;
  options.zipf_exponent = zipf_exponent;
  options.num_accesses = size_t{1} << 22;
  return options;
}

size_t ClusterThreadStart(int node, int thread, int threads_per_node, int nodes,
                          size_t accesses) {
  const uint64_t index =
      static_cast<uint64_t>(node) * threads_per_node + thread;
  const uint64_t all = static_cast<uint64_t>(nodes) * threads_per_node;
  return static_cast<size_t>(index * accesses / all);
}

void FetchTimes::Record(uint64_t nanos) {
  counts_[SlotOf(nanos)].fetch_add(1, std::memory_order_relaxed);
  uint64_t max = max_.load(std::memory_order_relaxed);
  while (nanos > max &&
         !max_.compare_exchange_weak(max, nanos, std::memory_order_relaxed)) {
  }
}

std::vector<std::pair<uint64_t, uint64_t>> FetchTimes::Samples() const {
  std::vector<std::pair<uint64_t, uint64_t>> samples;
  const uint64_t max = max_.load(std::memory_order_relaxed);
  const size_t max_slot = SlotOf(max);
  bool max_counted = false;
  for (size_t slot = 0; slot < kSlots; ++slot) {
    uint64_t count = counts_[slot].load(std::memory_order_relaxed);
    // The largest duration stands for itself, so that the rebuilt
    // histogram's max() is the true one.
    if (slot == max_slot && count > 0) {
      --count;
      max_counted = true;
    }
    if (count > 0) samples.emplace_back(SlotValue(slot), count);
  }
  if (max_counted) samples.emplace_back(max, 1);
  return samples;
}

LatencyHistogram HistogramOf(
    const std::vector<std::pair<uint64_t, uint64_t>>& samples) {
  LatencyHistogram histogram;
  for (const auto& [value, count] : samples) {
    for (uint64_t i = 0; i < count; ++i) histogram.Record(value);
  }
  return histogram;
}

std::string EncodeNodeReport(const NodeReport& report) {
  std::string line = absl::StrFormat("seconds=%.6f", report.seconds);
  for (const auto& [name, counter] : kCounters) {
    absl::StrAppend(&line, " ", name, "=", report.*counter);
  }
  absl::StrAppend(&line, " accessed=", EncodePairs(report.accessed),
                  " peer_fetch_nanos=", EncodePairs(report.peer_fetch_nanos));
  return line;
}

absl::StatusOr<NodeReport> DecodeNodeReport(absl::string_view line) {
  NodeReport report;
  size_t fields = 0;
  for (absl::string_view field : absl::StrSplit(line, ' ', absl::SkipEmpty())) {
    std::pair<absl::string_view, absl::string_view> parts =
        absl::StrSplit(field, absl::MaxSplits('=', 1));
    const absl::string_view name = parts.first;
    const absl::string_view value = parts.second;
    bool read = false;
    if (name == "seconds") {
      read = absl::SimpleAtod(value, &report.seconds);
    } else if (name == "accessed") {
      read = DecodePairs(value, &report.accessed);
    } else if (name == "peer_fetch_nanos") {
      read = DecodePairs(value, &report.peer_fetch_nanos);
    } else {
      for (const auto& [counter_name, counter] : kCounters) {
        if (name == counter_name) {
          read = absl::SimpleAtoi(value, &(report.*counter));
        }
      }
    }
    if (!read) {
      return absl::InvalidArgumentError(
          absl::StrCat("bad field in a node's report: \"", field, "\""));
    }
    ++fields;
  }
  // Every field once: a report cut short or repeated is not read.
  if (fields != kNumCounters + 3) {
    return absl::InvalidArgumentError(absl::StrCat(
        "a node's report has ", fields, " fields, not ", kNumCounters + 3));
  }
  return report;
}

void PrintClusterReport(const ClusterSetup& setup,
                        const std::vector<std::string>& addresses,
                        const std::vector<NodeReport>& reports,
                        const Workload& workload, std::ostream& out) {
  NodeReport total;
  LatencyHistogram fetches;
  for (const NodeReport& report : reports) {
    for (const auto& [name, counter] : kCounters) {
      total.*counter += report.*counter;
    }
    total.seconds = std::max(total.seconds, report.seconds);
    fetches.Merge(HistogramOf(report.peer_fetch_nanos));
  }
  const uint64_t distinct = DistinctKeys(reports, workload);

  out << absl::StrFormat(
      "gogocache demo: %d nodes (processes on 127.0.0.1), %d threads each, "
      "for %s; capacity %s per node; %d keys of %d bytes, Zipf %.2f, "
      "%d-byte values; the source %s; TLS %s\n\n",
      setup.nodes, setup.threads_per_node, absl::FormatDuration(setup.duration),
      Bytes(setup.capacity_bytes), setup.keys, setup.key_size,
      setup.zipf_exponent, setup.value_size,
      setup.source_latency > absl::ZeroDuration()
          ? absl::StrCat("takes ", absl::FormatDuration(setup.source_latency),
                         " per load")
          : std::string("answers at once"),
      setup.tls ? "on" : "off");
  out << absl::StrFormat("%4s  %-21s %10s %9s %12s %10s %7s %10s %9s\n", "node",
                         "address", "gets", "hit ratio", "getter loads",
                         "peer loads", "errors", "served", "hot hits");
  for (size_t i = 0; i < reports.size(); ++i) {
    const NodeReport& r = reports[i];
    out << absl::StrFormat("%4d  %-21s %10d %8.2f%% %12d %10d %7d %10d %9d\n",
                           i, i < addresses.size() ? addresses[i] : "?", r.gets,
                           100 * Ratio(r.hits, r.gets), r.loads, r.peer_loads,
                           r.peer_errors, r.served_for_peers, r.hot_hits);
  }
  out << "\ncluster\n";
  out << absl::StrFormat("%-18s %12d  (%.0f/s)\n", "gets", total.gets,
                         Ratio(total.gets, total.seconds));
  out << absl::StrFormat("%-18s %12d  hit ratio %.2f%%, hot-cache hits %d\n",
                         "hits", total.hits,
                         100 * Ratio(total.hits, total.gets), total.hot_hits);
  std::string verdict = "each key loaded once in the whole cluster";
  if (total.loads > distinct) {
    verdict = absl::StrCat(
        total.loads - distinct,
        " more: a key loads again after its owner evicts it (evictions ",
        total.evictions, ") or a peer gives no answer (peer errors ",
        total.peer_errors, ")");
  }
  out << absl::StrFormat("%-18s %12d  against %d distinct keys requested, %s\n",
                         "getter loads", total.loads, distinct, verdict);
  out << absl::StrFormat("%-18s %12d  p50 %s  p99 %s  max %s\n", "peer fetches",
                         fetches.count(), Latency(fetches.Percentile(0.50)),
                         Latency(fetches.Percentile(0.99)),
                         Latency(fetches.max()));
  out << absl::StrFormat("%-18s %12d\n", "peer errors", total.peer_errors);
  out << absl::StrFormat("%-18s %12d\n", "served for peers",
                         total.served_for_peers);
  out << absl::StrFormat("%-18s %12d\n", "evictions", total.evictions);
  out << absl::StrFormat("%-18s %12d  (hot-cache copies %d), %s\n", "items",
                         total.items, total.hot_items, Bytes(total.bytes));
  if (total.wrong_values == 0 && total.get_errors == 0) {
    out << "every value returned was checked against the source: all "
           "correct\n";
  } else {
    out << total.wrong_values << " wrong values and " << total.get_errors
        << " errors returned by Get\n";
  }
  if (!setup.kv) return;
  out << "\n";
  out << "system=gogocache\n"
      << "nodes=" << setup.nodes << "\n"
      << "threads_per_node=" << setup.threads_per_node << "\n"
      << absl::StrFormat("seconds=%.2f\n", total.seconds)
      << "tls=" << (setup.tls ? "on" : "off") << "\n"
      << "gets=" << total.gets << "\n"
      << absl::StrFormat("gets_per_second=%.2f\n",
                         Ratio(total.gets, total.seconds))
      << absl::StrFormat("hit_ratio=%.4f\n", Ratio(total.hits, total.gets))
      << "loads=" << total.loads << "\n"
      << "distinct_keys=" << distinct << "\n"
      << "peer_fetches=" << fetches.count() << "\n"
      << "peer_errors=" << total.peer_errors << "\n"
      << absl::StrFormat("peer_fetch_p50_us=%.2f\n",
                         fetches.Percentile(0.50) / 1e3)
      << absl::StrFormat("peer_fetch_p99_us=%.2f\n",
                         fetches.Percentile(0.99) / 1e3)
      << "hot_hits=" << total.hot_hits << "\n"
      << "served_for_peers=" << total.served_for_peers << "\n";
}

}  // namespace gogocache
