// Copyright 2026 The gogocache Authors.
//
// Memory overhead per entry, measured from the allocator (glibc's mallinfo2:
// bytes in use, heap and mapped chunks), at 1,000,000 entries of 16-byte keys
// and 100-byte values: the bytes a cache uses beyond the keys and values
// themselves, divided by the number of entries. For gogocache that is the entry
// header and policy word, its hash-table slot and the allocator's rounding;
// with LIRS also the ghost table and the sampled LRU it duels with, with
// Window TinyLFU the frequency sketch and that LRU, with the adaptive default
// LIRS's plus its two miniature simulations (and the sketch while TinyLFU
// runs); for RocksDB's
// LRU cache, its handle, table slot and the value object (a heap block of the
// value's bytes, as a user stores it).
//
//   ./bazelw run --config=bench //benchmarks:memory_bench
//
// Reported as the counter overhead_bytes_per_entry (target: at most 64 for
// gogocache). A single iteration each: the figure is a count, not a time.
// The rows ending in _sizes spread the values over 16 sizes (100 to 115
// bytes), so that the allocator's 16-byte rounding counts as it does on
// average; the rows ending in _expiry have expiry on, and the two _sizes
// rows give expiry's cost per entry (target: at most 8 bytes).

#include <malloc.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "benchmark/benchmark.h"
#include "benchmarks/bench_main.h"
#include "cache/cache_group.h"
#include "rocksdb/cache.h"

namespace gogocache {
namespace bench {
namespace {

constexpr size_t kEntries = 1000000;
constexpr size_t kKeySize = 16;
constexpr size_t kValueSize = 100;

// Bytes handed out by malloc: from the heap, and in chunks it mapped
// directly (large tables go there, depending on glibc's moving threshold).
size_t HeapInUse() {
  malloc_trim(0);
  const struct mallinfo2 info = mallinfo2();
  return info.uordblks + info.hblkhd;
}

// Keys made on the fly into a stack buffer, so no key storage is counted.
void KeyOf(size_t i, char* key) {
  std::memset(key, 'k', kKeySize);
  std::memcpy(key, &i, sizeof(i));
}

// The value size of entry `i`: kValueSize, or with `spread` one of the 16
// sizes from kValueSize on, in turn, so that the allocator's 16-byte
// rounding weighs as it does over sizes a user does not choose.
size_t ValueSizeOf(size_t i, bool spread) {
  return spread ? kValueSize + i % 16 : kValueSize;
}

void Report(benchmark::State& state, size_t before, size_t after, bool spread) {
  double payload = 0;
  for (size_t i = 0; i < kEntries; ++i) {
    payload += static_cast<double>(kKeySize + ValueSizeOf(i, spread));
  }
  state.counters["overhead_bytes_per_entry"] =
      (static_cast<double>(after) - static_cast<double>(before) - payload) /
      kEntries;
  state.counters["entries"] = kEntries;
}

// With `expire_after_write` finite, entries carry their expiry; with
// `spread`, values take 16 sizes in turn (see ValueSizeOf).
void BM_GogocacheMemory(benchmark::State& state, EvictionPolicy policy,
                        absl::Duration expire_after_write, bool spread) {
  for (auto _ : state) {
    const size_t before = HeapInUse();
    CacheGroupOptions options;
    options.eviction = policy;
    options.expire_after_write = expire_after_write;
    options.capacity_bytes = size_t{4} << 30;  // Holds every entry.
    options.num_shards = 16;
    std::unique_ptr<CacheGroup> group = *CacheGroup::Create(options);
    const std::string value(kValueSize + 16, 'v');
    char key[kKeySize];
    for (size_t i = 0; i < kEntries; ++i) {
      KeyOf(i, key);
      if (!group
               ->Set(absl::string_view(key, kKeySize),
                     absl::string_view(value).substr(0, ValueSizeOf(i, spread)))
               .ok()) {
        state.SkipWithError("Set failed");
      }
    }
    if (group->GetStats().items != kEntries)
      state.SkipWithError("lost entries");
    const size_t after = HeapInUse();
    Report(state, before, after, spread);
  }
}

void DeleteValue(const rocksdb::Slice& /*key*/, void* value) {
  delete[] static_cast<char*>(value);
}

void BM_RocksDbLruMemory(benchmark::State& state) {
  for (auto _ : state) {
    const size_t before = HeapInUse();
    std::shared_ptr<rocksdb::Cache> cache =
        rocksdb::NewLRUCache(size_t{4} << 30, /*num_shard_bits=*/4);
    char key[kKeySize];
    for (size_t i = 0; i < kEntries; ++i) {
      KeyOf(i, key);
      char* value = new char[kValueSize];
      std::memset(value, 'v', kValueSize);
      if (!cache
               ->Insert(rocksdb::Slice(key, kKeySize), value,
                        kKeySize + kValueSize, &DeleteValue)
               .ok()) {
        state.SkipWithError("Insert failed");
      }
    }
    if (cache->GetUsage() == 0) state.SkipWithError("empty cache");
    const size_t after = HeapInUse();
    Report(state, before, after, /*spread=*/false);
  }
}

BENCHMARK_CAPTURE(BM_GogocacheMemory, adaptive, EvictionPolicy::kAdaptive,
                  absl::InfiniteDuration(), false)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_GogocacheMemory, lirs, EvictionPolicy::kLirs,
                  absl::InfiniteDuration(), false)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_GogocacheMemory, lru, EvictionPolicy::kLru,
                  absl::InfiniteDuration(), false)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_GogocacheMemory, tinylfu, EvictionPolicy::kTinyLfu,
                  absl::InfiniteDuration(), false)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);
// Expiry on: each entry's deadline, 8 bytes, which the allocator's 16-byte
// rounding turns into 0 or 16 depending on the entry's size (16 for the
// sizes above). Over 16 value sizes in turn, expiry off and on (target: at
// most 8 more with it on).
BENCHMARK_CAPTURE(BM_GogocacheMemory, adaptive_expiry,
                  EvictionPolicy::kAdaptive, absl::Hours(1), false)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_GogocacheMemory, adaptive_sizes, EvictionPolicy::kAdaptive,
                  absl::InfiniteDuration(), true)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_GogocacheMemory, adaptive_sizes_expiry,
                  EvictionPolicy::kAdaptive, absl::Hours(1), true)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RocksDbLruMemory)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace bench
}  // namespace gogocache

int main(int argc, char** argv) {
  namespace bench = gogocache::bench;
  bench::ParseBenchFlags(&argc, argv);
  return bench::RunBenchmarks(argc, argv, {});
}
