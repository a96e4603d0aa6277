// Copyright 2026 The gogocache Authors.
//
// Hit throughput of CacheGroup::Get next to RocksDB's LRU cache and
// HyperClockCache, on the same keys, capacity and shard count: 100,000 keys of
// 16 bytes with 100-byte values, all resident, accessed Zipf(0.99) or
// uniformly. Each lookup reads the value's first and last byte, as a caller
// would, and releases it.
//
//   ./bazelw run --config=bench //benchmarks:cache_group_bench
//
// items_per_second is total lookups per wall-clock second over all threads.

#include <cstdint>
#include <memory>
#include <string>

#include "benchmark/benchmark.h"
#include "benchmarks/workload.h"
#include "cache/cache_group.h"
#include "rocksdb/cache.h"

namespace gogocache {
namespace bench {
namespace {

constexpr size_t kValueSize = 100;
constexpr size_t kCapacity = size_t{64} << 20;  // Holds every key.
constexpr int kShardBits = 4;                   // 16 shards everywhere.

const Workload& GetWorkload(Distribution distribution) {
  static const Workload* zipf = [] {
    WorkloadOptions options;
    options.distribution = Distribution::kZipf;
    return new Workload(options);
  }();
  static const Workload* uniform = [] {
    WorkloadOptions options;
    options.distribution = Distribution::kUniform;
    return new Workload(options);
  }();
  return distribution == Distribution::kZipf ? *zipf : *uniform;
}

std::string ValueFor(size_t i) {
  std::string value(kValueSize, static_cast<char>('a' + i % 26));
  return value;
}

CacheGroup& GetGogocache() {
  static CacheGroup* group = [] {
    CacheGroupOptions options;
    options.name = "bench";
    options.capacity_bytes = kCapacity;
    options.num_shards = 1u << kShardBits;
    CacheGroup* created = CacheGroup::Create(options)->release();
    const auto& keys = GetWorkload(Distribution::kZipf).keys();
    for (size_t i = 0; i < keys.size(); ++i) {
      if (!created->Set(keys[i], ValueFor(i)).ok()) std::abort();
    }
    return created;
  }();
  return *group;
}

void DeleteString(const rocksdb::Slice& /*key*/, void* value) {
  delete static_cast<std::string*>(value);
}

std::shared_ptr<rocksdb::Cache> Fill(std::shared_ptr<rocksdb::Cache> cache) {
  const auto& keys = GetWorkload(Distribution::kZipf).keys();
  for (size_t i = 0; i < keys.size(); ++i) {
    auto* value = new std::string(ValueFor(i));
    if (!cache
             ->Insert(keys[i], value, keys[i].size() + value->size(),
                      &DeleteString)
             .ok()) {
      std::abort();
    }
  }
  return cache;
}

rocksdb::Cache& GetRocksDbLru() {
  static auto* cache = new std::shared_ptr<rocksdb::Cache>(
      Fill(rocksdb::NewLRUCache(kCapacity, kShardBits)));
  return **cache;
}

rocksdb::Cache& GetRocksDbHyperClock() {
  static auto* cache = new std::shared_ptr<rocksdb::Cache>(
      Fill(rocksdb::HyperClockCacheOptions(
               kCapacity,
               /*estimated_entry_charge=*/16 + kValueSize, kShardBits)
               .MakeSharedCache()));
  return **cache;
}

// Each thread walks the shared access sequence from its own offset.
size_t StartOf(const benchmark::State& state) {
  return static_cast<size_t>(state.thread_index()) * 1000003;
}

void BM_Gogocache(benchmark::State& state, Distribution distribution) {
  const Workload& workload = GetWorkload(distribution);
  CacheGroup& group = GetGogocache();
  size_t i = StartOf(state);
  for (auto _ : state) {
    absl::StatusOr<ByteView> value = group.Get(workload.KeyAt(i++));
    if (!value.ok()) {
      state.SkipWithError("miss in a hit benchmark");
      break;
    }
    benchmark::DoNotOptimize((*value)[0] + (*value)[kValueSize - 1]);
  }
  state.SetItemsProcessed(state.iterations());
}

void LookupLoop(benchmark::State& state, rocksdb::Cache& cache,
                Distribution distribution) {
  const Workload& workload = GetWorkload(distribution);
  size_t i = StartOf(state);
  for (auto _ : state) {
    rocksdb::Cache::Handle* handle = cache.Lookup(workload.KeyAt(i++));
    if (handle == nullptr) {
      state.SkipWithError("miss in a hit benchmark");
      break;
    }
    const auto* value = static_cast<const std::string*>(cache.Value(handle));
    benchmark::DoNotOptimize((*value)[0] + (*value)[kValueSize - 1]);
    cache.Release(handle);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_RocksDbLru(benchmark::State& state, Distribution distribution) {
  LookupLoop(state, GetRocksDbLru(), distribution);
}

void BM_RocksDbHyperClock(benchmark::State& state, Distribution distribution) {
  LookupLoop(state, GetRocksDbHyperClock(), distribution);
}

#define GOGOCACHE_HIT_BENCHMARK(function, workload, distribution) \
  BENCHMARK_CAPTURE(function, workload, distribution)             \
      ->Threads(1)                                                \
      ->Threads(2)                                                \
      ->UseRealTime()

GOGOCACHE_HIT_BENCHMARK(BM_Gogocache, zipf, Distribution::kZipf);
GOGOCACHE_HIT_BENCHMARK(BM_RocksDbHyperClock, zipf, Distribution::kZipf);
GOGOCACHE_HIT_BENCHMARK(BM_RocksDbLru, zipf, Distribution::kZipf);
GOGOCACHE_HIT_BENCHMARK(BM_Gogocache, uniform, Distribution::kUniform);
GOGOCACHE_HIT_BENCHMARK(BM_RocksDbHyperClock, uniform, Distribution::kUniform);
GOGOCACHE_HIT_BENCHMARK(BM_RocksDbLru, uniform, Distribution::kUniform);

}  // namespace
}  // namespace bench
}  // namespace gogocache

BENCHMARK_MAIN();
