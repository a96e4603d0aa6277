// Copyright 2026 The gogocache Authors.
//
// Hit throughput of CacheGroup::Get (the default policy, adaptive, as
// BM_Gogocache, and with expiry on as BM_GogocacheExpiry; LIRS, LRU and
// Window TinyLFU as BM_GogocacheLirs, BM_GogocacheLru and
// BM_GogocacheTinyLfu) next to RocksDB's LRU cache,
// RocksDB's HyperClockCache and a plain LRU (a std::mutex over an unordered_map
// and a list, per shard), on the same keys, capacity and shard count: 100,000
// keys of 16 bytes with 100-byte values, all resident, accessed Zipf(0.99) or
// uniformly. Each lookup reads the value's first and last byte, as a caller
// would, and releases it.
//
//   ./bazelw run --config=bench //benchmarks:cache_group_bench [--
//   --threads=1,2,4 --rounds=5]
//
// items_per_second is total lookups per wall-clock second over all threads;
// the ratios to the other caches are printed at the end. The set runs
// --rounds times over (default 5), and each ratio is the median of the
// rounds' (see bench_main.h).

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "benchmark/benchmark.h"
#include "benchmarks/bench_main.h"
#include "cache/cache_group.h"
#include "rocksdb/cache.h"
#include "workload/workload.h"

namespace gogocache {
namespace bench {
namespace {

constexpr size_t kValueSize = 100;
constexpr size_t kCapacity = size_t{64} << 20;  // Holds every key.
constexpr int kShardBits = 4;                   // 16 shards everywhere.

const Workload& GetWorkload(AccessDistribution distribution) {
  static const Workload* zipf = [] {
    WorkloadOptions options;
    options.distribution = AccessDistribution::kZipf;
    return new Workload(options);
  }();
  static const Workload* uniform = [] {
    WorkloadOptions options;
    options.distribution = AccessDistribution::kUniform;
    return new Workload(options);
  }();
  return distribution == AccessDistribution::kZipf ? *zipf : *uniform;
}

std::string ValueFor(size_t i) {
  std::string value(kValueSize, static_cast<char>('a' + i % 26));
  return value;
}

// With `expire_after_write` finite (long enough that nothing expires during
// the run), every hit also reads the entry's deadline and the clock.
CacheGroup& MakeFilledGroup(
    EvictionPolicy policy,
    absl::Duration expire_after_write = absl::InfiniteDuration()) {
  CacheGroupOptions options;
  options.eviction = policy;
  options.expire_after_write = expire_after_write;
  options.name = "bench";
  options.capacity_bytes = kCapacity;
  options.num_shards = 1u << kShardBits;
  CacheGroup* created = CacheGroup::Create(options)->release();
  const Workload& workload = GetWorkload(AccessDistribution::kZipf);
  for (size_t i = 0; i < workload.num_keys(); ++i) {
    if (!created->Set(workload.key(i), ValueFor(i)).ok()) std::abort();
  }
  return *created;
}

CacheGroup& GetGogocache(EvictionPolicy policy) {
  static CacheGroup& adaptive = MakeFilledGroup(EvictionPolicy::kAdaptive);
  static CacheGroup& lirs = MakeFilledGroup(EvictionPolicy::kLirs);
  static CacheGroup& lru = MakeFilledGroup(EvictionPolicy::kLru);
  static CacheGroup& tinylfu = MakeFilledGroup(EvictionPolicy::kTinyLfu);
  switch (policy) {
    case EvictionPolicy::kLru:
      return lru;
    case EvictionPolicy::kTinyLfu:
      return tinylfu;
    case EvictionPolicy::kLirs:
      return lirs;
    case EvictionPolicy::kAdaptive:
      break;
  }
  return adaptive;
}

rocksdb::Slice SliceOf(absl::string_view key) {
  return rocksdb::Slice(key.data(), key.size());
}

void DeleteString(const rocksdb::Slice& /*key*/, void* value) {
  delete static_cast<std::string*>(value);
}

std::shared_ptr<rocksdb::Cache> Fill(std::shared_ptr<rocksdb::Cache> cache) {
  const Workload& workload = GetWorkload(AccessDistribution::kZipf);
  for (size_t i = 0; i < workload.num_keys(); ++i) {
    auto* value = new std::string(ValueFor(i));
    const absl::string_view key = workload.key(i);
    if (!cache
             ->Insert(SliceOf(key), value, key.size() + value->size(),
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

// The plain alternative: per shard, one std::mutex over a hash map and a
// recency list, every hit moving its entry to the front. The map's keys view
// the list nodes' own copies, so a lookup by a caller's string_view builds
// no string.
class MutexLru {
 public:
  MutexLru(size_t capacity, int shard_bits)
      : shards_(size_t{1} << shard_bits), shard_bits_(shard_bits) {
    for (Shard& shard : shards_) shard.capacity = capacity >> shard_bits;
  }

  // Each key is inserted once: the benchmark fills the cache and only reads.
  void Insert(absl::string_view key, std::string value) {
    Shard& shard = ShardOf(key);
    std::lock_guard<std::mutex> lock(shard.mu);
    shard.order.emplace_front(std::string(key),
                              std::make_shared<std::string>(std::move(value)));
    shard.index[shard.order.front().first] = shard.order.begin();
    shard.usage += Charge(shard.order.front());
    while (shard.usage > shard.capacity) {
      shard.usage -= Charge(shard.order.back());
      shard.index.erase(shard.order.back().first);
      shard.order.pop_back();
    }
  }

  // A shared reference to the value, like a cache handle.
  std::shared_ptr<const std::string> Lookup(absl::string_view key) {
    Shard& shard = ShardOf(key);
    std::lock_guard<std::mutex> lock(shard.mu);
    auto it = shard.index.find(StdView(key));
    if (it == shard.index.end()) return nullptr;
    shard.order.splice(shard.order.begin(), shard.order, it->second);
    return it->second->second;
  }

 private:
  using Node = std::pair<std::string, std::shared_ptr<const std::string>>;
  using Order = std::list<Node>;
  struct alignas(64) Shard {
    std::mutex mu;
    Order order;
    std::unordered_map<std::string_view, Order::iterator> index;
    size_t usage = 0;
    size_t capacity = 0;
  };

  static std::string_view StdView(absl::string_view key) {
    return std::string_view(key.data(), key.size());
  }
  static size_t Charge(const Node& node) {
    return node.first.size() + node.second->size();
  }
  Shard& ShardOf(absl::string_view key) {
    return shards_[std::hash<std::string_view>()(StdView(key)) >>
                   (64 - shard_bits_)];
  }

  std::vector<Shard> shards_;
  const int shard_bits_;
};

MutexLru& GetMutexLru() {
  static MutexLru* cache = [] {
    auto* created = new MutexLru(kCapacity, kShardBits);
    const Workload& workload = GetWorkload(AccessDistribution::kZipf);
    for (size_t i = 0; i < workload.num_keys(); ++i)
      created->Insert(workload.key(i), ValueFor(i));
    return created;
  }();
  return *cache;
}

// Each thread walks the shared access sequence from its own offset.
size_t StartOf(const benchmark::State& state) {
  return static_cast<size_t>(state.thread_index()) * 1000003;
}

CacheGroup& GetExpiringGogocache() {
  static CacheGroup& expiring =
      MakeFilledGroup(EvictionPolicy::kAdaptive, absl::Hours(24));
  return expiring;
}

void GroupLoop(benchmark::State& state, AccessDistribution distribution,
               CacheGroup& group) {
  const Workload& workload = GetWorkload(distribution);
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

void GogocacheLoop(benchmark::State& state, AccessDistribution distribution,
                   EvictionPolicy policy) {
  GroupLoop(state, distribution, GetGogocache(policy));
}

void BM_Gogocache(benchmark::State& state, AccessDistribution distribution) {
  GogocacheLoop(state, distribution, CacheGroupOptions().eviction);
}

void BM_GogocacheExpiry(benchmark::State& state,
                        AccessDistribution distribution) {
  GroupLoop(state, distribution, GetExpiringGogocache());
}

void BM_GogocacheLirs(benchmark::State& state,
                      AccessDistribution distribution) {
  GogocacheLoop(state, distribution, EvictionPolicy::kLirs);
}

void BM_GogocacheLru(benchmark::State& state, AccessDistribution distribution) {
  GogocacheLoop(state, distribution, EvictionPolicy::kLru);
}

void BM_GogocacheTinyLfu(benchmark::State& state,
                         AccessDistribution distribution) {
  GogocacheLoop(state, distribution, EvictionPolicy::kTinyLfu);
}

void LookupLoop(benchmark::State& state, rocksdb::Cache& cache,
                AccessDistribution distribution) {
  const Workload& workload = GetWorkload(distribution);
  size_t i = StartOf(state);
  for (auto _ : state) {
    rocksdb::Cache::Handle* handle = cache.Lookup(SliceOf(workload.KeyAt(i++)));
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

void BM_RocksDbLru(benchmark::State& state, AccessDistribution distribution) {
  LookupLoop(state, GetRocksDbLru(), distribution);
}

void BM_RocksDbHyperClock(benchmark::State& state,
                          AccessDistribution distribution) {
  LookupLoop(state, GetRocksDbHyperClock(), distribution);
}

void BM_MutexLru(benchmark::State& state, AccessDistribution distribution) {
  const Workload& workload = GetWorkload(distribution);
  MutexLru& cache = GetMutexLru();
  size_t i = StartOf(state);
  for (auto _ : state) {
    std::shared_ptr<const std::string> value =
        cache.Lookup(workload.KeyAt(i++));
    if (value == nullptr) {
      state.SkipWithError("miss in a hit benchmark");
      break;
    }
    benchmark::DoNotOptimize((*value)[0] + (*value)[kValueSize - 1]);
  }
  state.SetItemsProcessed(state.iterations());
}

// With several rounds, the whole set runs once per round, in the same
// order, so that each round's ratios compare runs seconds apart.
void Register(const std::vector<int>& threads, int rounds) {
  using Function = void (*)(benchmark::State&, AccessDistribution);
  const std::pair<const char*, Function> caches[] = {
      {"BM_Gogocache", &BM_Gogocache},
      {"BM_GogocacheExpiry", &BM_GogocacheExpiry},
      {"BM_GogocacheLirs", &BM_GogocacheLirs},
      {"BM_GogocacheLru", &BM_GogocacheLru},
      {"BM_GogocacheTinyLfu", &BM_GogocacheTinyLfu},
      {"BM_RocksDbHyperClock", &BM_RocksDbHyperClock},
      {"BM_RocksDbLru", &BM_RocksDbLru},
      {"BM_MutexLru", &BM_MutexLru},
  };
  const std::pair<const char*, AccessDistribution> workloads[] = {
      {"zipf", AccessDistribution::kZipf},
      {"uniform", AccessDistribution::kUniform}};
  for (int round = 0; round < rounds; ++round) {
    for (const auto& [workload, distribution] : workloads) {
      for (const auto& [name, function] : caches) {
        auto* benchmark = benchmark::RegisterBenchmark(
            RoundName(std::string(name) + "/" + workload, round, rounds)
                .c_str(),
            function, distribution);
        for (int n : threads) benchmark->Threads(n);
        benchmark->UseRealTime();
      }
    }
  }
}

}  // namespace
}  // namespace bench
}  // namespace gogocache

int main(int argc, char** argv) {
  namespace bench = gogocache::bench;
  const bench::BenchFlags flags = bench::ParseBenchFlags(&argc, argv);
  bench::Register(flags.threads, flags.rounds > 0 ? flags.rounds : 5);
  return bench::RunBenchmarks(argc, argv,
                              {{"BM_Gogocache", "BM_RocksDbHyperClock"},
                               {"BM_Gogocache", "BM_RocksDbLru"},
                               {"BM_Gogocache", "BM_MutexLru"},
                               {"BM_Gogocache", "BM_GogocacheLru"},
                               {"BM_GogocacheLru", "BM_RocksDbHyperClock"},
                               {"BM_GogocacheTinyLfu", "BM_GogocacheLru"},
                               {"BM_GogocacheExpiry", "BM_Gogocache"}});
}
