// Copyright 2026 The gogocache Authors.
//
// Memory overhead per entry, measured from the allocator (glibc's mallinfo2:
// bytes in use, heap and mapped chunks), at 1,000,000 entries of 16-byte keys
// and 100-byte values: the bytes a cache uses beyond the keys and values
// themselves, divided by the number of entries. For gogocache that is the entry
// header and policy word, its hash-table slot and the allocator's rounding;
// with LIRS also the ghost table and the sampled LRU it duels with, with
// Window TinyLFU the frequency sketch and that LRU, with the adaptive default
// LIRS's plus its three miniature simulations (and the sketch while TinyLFU
// runs), all of which run once a shard holds half its capacity, as here;
// for RocksDB's
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
//
// BM_RocksDbReplayMemory is of another kind: the heap a RocksDbStore's
// Replay() uses beyond what the visitor keeps (here nothing), replaying a
// store of 1 KiB values several times larger than its target into a visitor
// that samples the heap every few hundred entries. Reported as the counters
// store_mib (keys and values written) and replay_peak_heap_mib (the peak
// during the replay, less the heap before it; target: at most 8 MiB,
// whatever the store's size). The store is written under --bench_dir and
// removed afterwards.

#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "benchmark/benchmark.h"
#include "benchmarks/bench_main.h"
#include "cache/cache_group.h"
#include "persistence/rocksdb_store.h"
#include "rocksdb/cache.h"

namespace gogocache {
namespace bench {
namespace {

constexpr size_t kEntries = 1000000;
constexpr size_t kKeySize = 16;
constexpr size_t kValueSize = 100;

std::string g_dir;  // From --bench_dir.

// Bytes handed out by malloc: from the heap, and in chunks it mapped
// directly (large tables go there, depending on glibc's moving threshold).
// With `trim`, free memory is first returned to the system, which leaves the
// figure as it is but is too slow to run at every sample.
size_t HeapInUse(bool trim = true) {
  if (trim) malloc_trim(0);
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
    // Holds every entry (at most 203 bytes charged each, 194 MiB in all),
    // filled past half, where the policies' samples and the adaptive
    // default's miniature simulations run.
    options.capacity_bytes = size_t{256} << 20;
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

// Writes `entries` values of `value_size` bytes to a fresh RocksDbStore under
// --bench_dir, in an order unlike the keys' (so the replay's order is not
// RocksDB's), reopens it so that nothing written stays in memory, and
// replays it, sampling the heap every kSampleEvery entries.
void BM_RocksDbReplayMemory(benchmark::State& state) {
  const size_t entries = static_cast<size_t>(state.range(0));
  const size_t value_size = static_cast<size_t>(state.range(1));
  constexpr size_t kSampleEvery = 256;
  const std::string path =
      absl::StrCat(g_dir, "/gogocache_bench.", getpid(), ".replay");
  for (auto _ : state) {
    std::filesystem::remove_all(path);
    {
      absl::StatusOr<std::unique_ptr<RocksDbStore>> store =
          RocksDbStore::Open(path);
      if (!store.ok()) {
        state.SkipWithError(store.status().ToString().c_str());
        break;
      }
      std::string value(value_size, 'v');
      char key[kKeySize];
      for (size_t i = 0; i < entries; ++i) {
        KeyOf(i * 7919 % entries, key);
        std::memcpy(value.data(), &i, sizeof(i));
        if (absl::Status status =
                (*store)->Put(absl::string_view(key, kKeySize), value);
            !status.ok()) {
          state.SkipWithError(status.ToString().c_str());
          break;
        }
      }
      if (absl::Status status = (*store)->Close(); !status.ok()) {
        state.SkipWithError(status.ToString().c_str());
      }
    }
    absl::StatusOr<std::unique_ptr<RocksDbStore>> store =
        RocksDbStore::Open(path);
    if (!store.ok()) {
      state.SkipWithError(store.status().ToString().c_str());
      break;
    }
    const size_t before = HeapInUse();
    size_t peak = before;
    size_t replayed = 0;
    const absl::Status status = (*store)->Replay(
        [&](absl::string_view /*key*/, absl::string_view /*value*/) {
          if (++replayed % kSampleEvery == 0) {
            peak = std::max(peak, HeapInUse(/*trim=*/false));
          }
        });
    peak = std::max(peak, HeapInUse(/*trim=*/false));
    if (!status.ok()) state.SkipWithError(status.ToString().c_str());
    if (replayed != entries) state.SkipWithError("lost entries");
    store->reset();
    std::filesystem::remove_all(path);
    state.counters["store_mib"] =
        static_cast<double>(entries * (kKeySize + value_size)) / (1 << 20);
    state.counters["replay_peak_heap_mib"] =
        static_cast<double>(peak - before) / (1 << 20);
    state.counters["entries"] = static_cast<double>(entries);
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
// 256 MiB of 1 KiB values: 32 times the target.
BENCHMARK(BM_RocksDbReplayMemory)
    ->Args({256 << 10, 1024})
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace bench
}  // namespace gogocache

int main(int argc, char** argv) {
  namespace bench = gogocache::bench;
  bench::g_dir = bench::ParseBenchFlags(&argc, argv).dir;
  return bench::RunBenchmarks(argc, argv, {});
}
