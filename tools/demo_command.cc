// Copyright 2026 The gogocache Authors.

#include "tools/demo_command.h"

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cache/cache_group.h"
#include "cache/eviction_policy.h"
#include "hash/hash_strategy.h"
#include "loader/getter.h"
#include "persistence/open.h"
#include "tools/demo_value.h"
#include "tools/latency_histogram.h"
#include "workload/workload.h"

namespace gogocache {
namespace {

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

double Ratio(uint64_t part, uint64_t whole) {
  return whole == 0 ? 0.0 : static_cast<double>(part) / whole;
}

// Passes every call on to the store it wraps, counting the puts and deletes
// that fail and keeping the first failure.
class WriteFailureRecorder : public Store {
 public:
  explicit WriteFailureRecorder(std::unique_ptr<Store> store)
      : store_(std::move(store)) {}

  absl::Status Delete(absl::string_view key) override {
    return Record(store_->Delete(key));
  }
  absl::Status Sync() override { return store_->Sync(); }
  absl::Status Compact() override { return store_->Compact(); }
  StoreStats GetStats() const override { return store_->GetStats(); }
  absl::StatusOr<StoreCheck> Verify() override { return store_->Verify(); }
  absl::Status Close() override { return store_->Close(); }
  std::string spec() const override { return store_->spec(); }

  uint64_t failures() const {
    std::lock_guard<std::mutex> lock(mu_);
    return failures_;
  }
  absl::Status first_failure() const {
    std::lock_guard<std::mutex> lock(mu_);
    return first_failure_;
  }

 protected:
  absl::Status DoPut(absl::string_view key, absl::string_view value,
                     absl::Time expires) override {
    return Record(store_->Put(key, value, expires));
  }
  absl::Status DoReplay(ExpiringVisitor visitor) override {
    return store_->Replay(visitor);
  }

 private:
  absl::Status Record(absl::Status status) {
    if (!status.ok()) {
      std::lock_guard<std::mutex> lock(mu_);
      if (failures_++ == 0) first_failure_ = status;
    }
    return status;
  }

  const std::unique_ptr<Store> store_;
  mutable std::mutex mu_;
  uint64_t failures_ = 0;       // Guarded by mu_.
  absl::Status first_failure_;  // Guarded by mu_.
};

std::string ProgressLine(const CacheGroupStats& stats, double elapsed,
                         double total) {
  return absl::StrFormat(
      "[%4.1fs/%.1fs] gets %d  hit %.1f%%  loads %d (shared %d)  "
      "items %d  %s",
      elapsed, total, stats.gets, 100 * Ratio(stats.hits, stats.gets),
      stats.local_loads + stats.local_load_errors, stats.loads_shared,
      stats.items, Bytes(stats.bytes));
}

}  // namespace

absl::Status RunDemo(const DemoOptions& options, std::ostream& out,
                     std::ostream& progress, bool progress_is_terminal,
                     DemoResult* result) {
  if (absl::Status status =
          CheckDemoWorkload(options.threads, options.keys, options.key_size,
                            options.zipf_exponent, options.source_latency);
      !status.ok()) {
    return status;
  }
  if (options.duration <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("demo: --duration must be positive");
  }
  absl::StatusOr<HashStrategy> hash = HashStrategy::FromName(options.hash);
  if (!hash.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("demo: --hash: ", hash.status().message()));
  }

  const auto source_latency = absl::ToChronoNanoseconds(options.source_latency);
  const size_t value_size = options.value_size;
  CacheGroupOptions group_options;
  group_options.name = "demo";
  group_options.capacity_bytes = options.capacity_bytes;
  group_options.num_shards = options.shards;
  group_options.hash = *hash;
  absl::StatusOr<EvictionPolicy> eviction =
      ParseEvictionPolicy(options.eviction);
  if (!eviction.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("demo: --eviction: ", eviction.status().message()));
  }
  group_options.eviction = *eviction;
  group_options.getter = MakeGetter([=](absl::string_view key) {
    std::this_thread::sleep_for(source_latency);  // The slow source.
    return DemoValue(key, value_size);
  });
  std::shared_ptr<WriteFailureRecorder> store;
  if (!options.store.empty()) {
    absl::StatusOr<std::unique_ptr<Store>> opened = OpenStore(options.store);
    if (!opened.ok()) {
      return absl::Status(
          opened.status().code(),
          absl::StrCat("demo: --store: ", opened.status().message()));
    }
    store = std::make_shared<WriteFailureRecorder>(*std::move(opened));
    group_options.store = store;
  }
  const auto create_start = std::chrono::steady_clock::now();
  absl::StatusOr<std::unique_ptr<CacheGroup>> created =
      CacheGroup::Create(std::move(group_options));
  if (!created.ok()) {
    return absl::Status(created.status().code(),
                        absl::StrCat("demo: ", created.status().message()));
  }
  CacheGroup& group = **created;
  const double create_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                    create_start)
          .count();

  WorkloadOptions workload_options;
  workload_options.num_keys = options.keys;
  workload_options.key_size = options.key_size;
  workload_options.zipf_exponent = options.zipf_exponent;
  workload_options.num_accesses = size_t{1} << 20;
  const Workload workload(workload_options);

  out << absl::StrFormat(
      "gogocache demo: %d threads for %s; capacity %s in %d shards (%s, %s); "
      "%d keys, Zipf %.2f, %d-byte values; the source takes %s per load\n",
      options.threads, absl::FormatDuration(options.duration),
      Bytes(options.capacity_bytes), options.shards, hash->name(),
      EvictionPolicyName(*eviction), options.keys, options.zipf_exponent,
      options.value_size, absl::FormatDuration(options.source_latency));
  if (store != nullptr) {
    const uint64_t replayed = group.GetStats().store_replayed;
    out << absl::StrFormat("store %s: %s (%d entries loaded in %.0f ms)\n",
                           store->spec(),
                           replayed > 0 ? "warm start" : "cold start, empty",
                           replayed, create_seconds * 1000);
  }

  std::atomic<bool> stop{false};
  std::atomic<uint64_t> wrong_values{0};
  std::atomic<uint64_t> errors{0};
  std::vector<LatencyHistogram> latencies(options.threads);
  std::vector<std::thread> workers;
  const auto start = std::chrono::steady_clock::now();
  for (int t = 0; t < options.threads; ++t) {
    workers.emplace_back([&, t] {
      LatencyHistogram& latency = latencies[t];
      for (size_t i = static_cast<size_t>(t) * 7919;
           !stop.load(std::memory_order_relaxed); ++i) {
        const absl::string_view key = workload.KeyAt(i);
        const auto before = std::chrono::steady_clock::now();
        absl::StatusOr<ByteView> value = group.Get(key);
        const auto after = std::chrono::steady_clock::now();
        latency.Record(static_cast<uint64_t>(
            std::chrono::duration_cast<std::chrono::nanoseconds>(after - before)
                .count()));
        if (!value.ok()) {
          errors.fetch_add(1, std::memory_order_relaxed);
        } else if (!IsDemoValue(key, value_size, value->view())) {
          wrong_values.fetch_add(1, std::memory_order_relaxed);
        }
      }
    });
  }

  const double total = absl::ToDoubleSeconds(options.duration);
  const auto deadline = start + absl::ToChronoNanoseconds(options.duration);
  auto next_line = start;
  // Long enough for thousands of gets, short enough to catch a cold cache.
  const auto early_end = start + std::chrono::milliseconds(250);
  std::optional<CacheGroupStats> after_early;
  while (std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    const auto now = std::chrono::steady_clock::now();
    if (!after_early.has_value() && now >= early_end) {
      after_early = group.GetStats();
    }
    const double elapsed = std::chrono::duration<double>(now - start).count();
    if (progress_is_terminal) {
      progress << "\r" << ProgressLine(group.GetStats(), elapsed, total)
               << "\x1b[K" << std::flush;
    } else if (now >= next_line) {
      progress << ProgressLine(group.GetStats(), elapsed, total) << "\n";
      next_line = now + std::chrono::seconds(1);
    }
  }
  stop = true;
  for (auto& worker : workers) worker.join();
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  if (progress_is_terminal) progress << "\n";

  LatencyHistogram latency;
  for (const LatencyHistogram& h : latencies) latency.Merge(h);
  const CacheGroupStats stats = group.GetStats();
  if (!after_early.has_value()) after_early = stats;
  const double early_hit_ratio = Ratio(after_early->hits, after_early->gets);
  if (result != nullptr) {
    result->replayed = stats.store_replayed;
    result->early_hit_ratio = early_hit_ratio;
    result->hit_ratio = Ratio(stats.hits, stats.gets);
  }
  const uint64_t getter_calls = stats.local_loads + stats.local_load_errors;
  out << absl::StrFormat("%-20s %12d  (%.0f/s)\n", "gets", stats.gets,
                         stats.gets / elapsed);
  out << absl::StrFormat("%-20s %12d  hit ratio %.2f%%\n", "hits", stats.hits,
                         100 * Ratio(stats.hits, stats.gets));
  out << absl::StrFormat(
      "%-20s %11.2f%%  %s\n", "early hits", 100 * early_hit_ratio,
      "hit ratio of the first 250 ms (a warm start shows here)");
  out << absl::StrFormat("%-20s %12d  misses that went to the getter path\n",
                         "loads", stats.loads);
  out << absl::StrFormat(
      "%-20s %12d  of which led a load (groupcache's LoadsDeduped)\n",
      "loads deduped", stats.loads_deduped);
  out << absl::StrFormat(
      "%-20s %12d  of which waited for another caller's load\n", "loads shared",
      stats.loads_shared);
  out << absl::StrFormat("%-20s %12d  getter calls that returned a value\n",
                         "local loads", stats.local_loads);
  out << absl::StrFormat("%-20s %12d\n", "local load errors",
                         stats.local_load_errors);
  out << absl::StrFormat("%-20s %12d  of %d keys\n", "items", stats.items,
                         options.keys);
  out << absl::StrFormat("%-20s %12s  of %s\n", "bytes", Bytes(stats.bytes),
                         Bytes(stats.capacity_bytes));
  out << absl::StrFormat("%-20s %12d\n", "evictions", stats.evictions);
  out << absl::StrFormat("%-20s %12d\n", "too large", stats.too_large);
  out << absl::StrFormat("%-20s %12s  p50 %s  p99 %s  max %s\n", "Get latency",
                         "", Latency(latency.Percentile(0.50)),
                         Latency(latency.Percentile(0.99)),
                         Latency(latency.max()));
  out << absl::StrFormat(
      "%-20s %12.1fx  the source alone would have taken %d calls\n",
      "load reduction", Ratio(stats.gets, getter_calls), stats.gets);
  if (store != nullptr) {
    const StoreStats store_stats = store->GetStats();
    out << absl::StrFormat(
        "%-20s %12d  writes through; %d deletes, %d errors; %d live entries "
        "(%s), %s garbage\n",
        "store", stats.store_writes, stats.store_deletes,
        stats.store_write_errors, store_stats.entries,
        Bytes(store_stats.live_bytes), Bytes(store_stats.garbage_bytes));
    created->reset();
    if (result != nullptr) result->failed_store_writes = store->failures();
    if (absl::Status status = store->Close(); !status.ok()) return status;
  }
  if (wrong_values.load() > 0 || errors.load() > 0) {
    return absl::InternalError(absl::StrCat("demo: ", wrong_values.load(),
                                            " wrong values and ", errors.load(),
                                            " errors returned by Get"));
  }
  out << "every value returned was checked against the source: all correct\n";
  if (store != nullptr) {
    if (absl::Status status =
            CheckStoreWrites(store->failures(), store->first_failure());
        !status.ok()) {
      return status;
    }
    out << "run again with the same --store to start warm\n";
  }
  return absl::OkStatus();
}

absl::Status CheckKeySize(size_t keys, size_t key_size) {
  // Key i is 'k' and i in decimal, padded to key_size: fewer bytes would cut
  // the numbers into duplicate keys.
  const size_t digits = absl::StrCat(keys > 0 ? keys - 1 : 0).size();
  if (key_size < digits + 1 || key_size > 1024) {
    return absl::InvalidArgumentError(
        absl::StrCat("demo: --key_size must be in [", digits + 1,
                     ", 1024] for ", keys, " keys, got ", key_size));
  }
  return absl::OkStatus();
}

absl::Status CheckDemoWorkload(int threads, size_t keys, size_t key_size,
                               double zipf_exponent,
                               absl::Duration source_latency) {
  if (threads < 1 || threads > 1024) {
    return absl::InvalidArgumentError(
        absl::StrCat("demo: --threads must be in [1, 1024], got ", threads));
  }
  if (keys < 1 || keys > (size_t{1} << 26)) {
    return absl::InvalidArgumentError(
        absl::StrCat("demo: --keys must be in [1, 2^26], got ", keys));
  }
  if (absl::Status status = CheckKeySize(keys, key_size); !status.ok()) {
    return status;
  }
  if (!(zipf_exponent > 0 && zipf_exponent < 10)) {
    return absl::InvalidArgumentError(
        absl::StrCat("demo: --zipf must be in (0, 10), got ", zipf_exponent));
  }
  if (source_latency < absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        "demo: --source_latency must not be negative");
  }
  return absl::OkStatus();
}

absl::Status CheckStoreWrites(uint64_t failed_writes,
                              const absl::Status& first_error) {
  if (failed_writes == 0) return absl::OkStatus();
  return absl::Status(
      first_error.ok() ? absl::StatusCode::kUnknown : first_error.code(),
      absl::StrCat("demo: ", failed_writes, " store write",
                   failed_writes == 1 ? "" : "s",
                   " failed (puts and deletes through to the store), the "
                   "first with: ",
                   first_error.message(),
                   "; the store does not hold what the cache did"));
}

}  // namespace gogocache
