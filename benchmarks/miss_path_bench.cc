// Copyright 2026 The gogocache Authors.
//
// The miss path of CacheGroup::Get and mixed traffic:
//
//   BM_Load/work_us:W      every Get misses and calls a getter that works
//                          for W microseconds (0, 1, 100), then caches it
//   BM_Stampede/...        every thread asks for the same sequence of new
//                          keys, so each key is missed by all threads at
//                          once; loads_per_key must stay 1
//   BM_Mixed/read_pct:R    Zipf(0.99) keys, R% Get (loading on a miss) and
//                          the rest Set, in a cache holding half the keys
//
//   ./bazelw run --config=bench //benchmarks:miss_path_bench [-- --threads=1,2]

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "benchmarks/bench_main.h"
#include "cache/cache_group.h"
#include "loader/getter.h"
#include "workload/workload.h"

namespace gogocache {
namespace bench {
namespace {

constexpr size_t kValueSize = 100;

// Spins (rather than sleeps) for the getter's work: sleeping for a
// microsecond costs tens of microseconds.
void Work(int64_t micros) {
  if (micros <= 0) return;
  const auto until =
      std::chrono::steady_clock::now() + std::chrono::microseconds(micros);
  while (std::chrono::steady_clock::now() < until) {
  }
}

std::unique_ptr<CacheGroup> MakeGroup(size_t capacity, int64_t work_us) {
  CacheGroupOptions options;
  options.name = "bench";
  options.capacity_bytes = capacity;
  options.num_shards = 16;
  options.getter = MakeGetter([work_us](absl::string_view key) {
    Work(work_us);
    return std::string(kValueSize, key.empty() ? 'x' : key.back());
  });
  return *CacheGroup::Create(std::move(options));
}

void BM_Load(benchmark::State& state) {
  static std::unique_ptr<CacheGroup> group;
  if (state.thread_index() == 0) group = MakeGroup(8 << 20, state.range(0));
  // Keys no thread has asked for: thread index and a counter.
  const std::string prefix = absl::StrCat("t", state.thread_index(), ":");
  uint64_t i = 0;
  for (auto _ : state) {
    absl::StatusOr<ByteView> value = group->Get(absl::StrCat(prefix, i++));
    benchmark::DoNotOptimize(value);
  }
  state.SetItemsProcessed(state.iterations());
  if (state.thread_index() == 0) {
    state.counters["loads"] = group->GetStats().local_loads;
  }
}

void BM_Stampede(benchmark::State& state) {
  static std::unique_ptr<CacheGroup> group;
  static std::atomic<uint64_t> keys_asked{0};
  if (state.thread_index() == 0) {
    group = MakeGroup(8 << 20, state.range(0));
    keys_asked = 0;
  }
  uint64_t i = 0;
  for (auto _ : state) {
    absl::StatusOr<ByteView> value = group->Get(absl::StrCat("stampede:", i++));
    benchmark::DoNotOptimize(value);
  }
  // Every thread walked keys 0..its iterations; the largest walk is the
  // number of distinct keys.
  uint64_t seen = keys_asked.load();
  while (i > seen && !keys_asked.compare_exchange_weak(seen, i)) {
  }
  state.SetItemsProcessed(state.iterations());
  if (state.thread_index() == 0) {
    const CacheGroupStats stats = group->GetStats();
    state.counters["loads_per_key"] =
        static_cast<double>(stats.local_loads) / keys_asked.load();
    state.counters["shared"] = stats.loads_shared;
  }
}

void BM_Mixed(benchmark::State& state) {
  static const Workload* workload = new Workload(WorkloadOptions{});
  static std::unique_ptr<CacheGroup> group;
  const int read_pct = static_cast<int>(state.range(0));
  if (state.thread_index() == 0) {
    // Room for half the keys: reads miss and load, writes evict.
    group =
        MakeGroup(workload->num_keys() / 2 * CacheGroup::Charge(16, kValueSize),
                  /*work_us=*/0);
  }
  const std::string value(kValueSize, 'w');
  size_t i = static_cast<size_t>(state.thread_index()) * 1000003;
  for (auto _ : state) {
    const absl::string_view key = workload->KeyAt(i);
    // A fixed pattern rather than a random draw: 20 slots per 100 accesses.
    if (static_cast<int>((i * 37) % 100) < read_pct) {
      benchmark::DoNotOptimize(group->Get(key));
    } else {
      benchmark::DoNotOptimize(group->Set(key, value));
    }
    ++i;
  }
  state.SetItemsProcessed(state.iterations());
  if (state.thread_index() == 0) {
    const CacheGroupStats stats = group->GetStats();
    state.counters["hit_ratio"] =
        stats.gets == 0 ? 0 : static_cast<double>(stats.hits) / stats.gets;
  }
}

void Register(const std::vector<int>& threads) {
  auto* load = benchmark::RegisterBenchmark("BM_Load", BM_Load);
  load->ArgName("work_us")->Arg(0)->Arg(1)->Arg(100)->UseRealTime();
  for (int n : threads) load->Threads(n);
  auto* stampede = benchmark::RegisterBenchmark("BM_Stampede", BM_Stampede);
  stampede->ArgName("work_us")->Arg(100)->UseRealTime();
  for (int n : threads) stampede->Threads(n);
  stampede->Threads(8);  // A stampede needs a crowd, even on two cores.
  auto* mixed = benchmark::RegisterBenchmark("BM_Mixed", BM_Mixed);
  mixed->ArgName("read_pct")->Arg(95)->Arg(50)->UseRealTime();
  for (int n : threads) mixed->Threads(n);
}

}  // namespace
}  // namespace bench
}  // namespace gogocache

int main(int argc, char** argv) {
  namespace bench = gogocache::bench;
  const bench::BenchFlags flags = bench::ParseBenchFlags(&argc, argv);
  bench::Register(flags.threads);
  return bench::RunBenchmarks(argc, argv, {});
}
