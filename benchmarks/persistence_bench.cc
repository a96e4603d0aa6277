// Copyright 2026 The gogocache Authors.
//
// Persistence throughput, each figure also as a fraction of the device's own
// sequential write bandwidth measured in the same run (plain write() of 1 MiB
// blocks, then one fdatasync, of as many bytes as the recovery stores hold,
// 288 MiB; each write row into the page cache, under "none" and "periodic",
// puts that many key and value bytes, split among its threads):
//
//   BM_DeviceWrite                     the baseline itself (the median of
//                                      three measurements)
//   BM_Write/BACKEND/POLICY/value:V    Put of new keys (16 bytes) with V-byte
//                                      values (100, 4096), per backend
//                                      (file, rocksdb) and durability policy;
//                                      1 and 2 writer threads (group commit
//                                      shows in the 2-thread "always" rows)
//   BM_GroupCommit/BACKEND/value:V     under "always", 2 writers' rate over
//                                      1 writer's, in alternating phases
//   BM_DeviceGroupCommit/value:V       the same, for plain pwrite and
//                                      fdatasync with no store: the ratio
//                                      this device allows
//   BM_SyncHandOff                     what handing a finished fsync to a
//                                      sleeping writer costs on the machine
//                                      running it, and the 2-writer ratio
//                                      that leaves
//   BM_Recovery/BACKEND/value:V        open + replay of a store of at least
//                                      256 MiB from the page cache, V-byte
//                                      values
//   BM_Compaction/file                 compaction of a log half garbage
//
// Counters: items_per_second (operations), bytes_per_second (key and value
// bytes), of_device (bytes_per_second / the baseline). Files go under
// --bench_dir (default $TMPDIR or /tmp) and are removed afterwards.
// GOGOCACHE_BENCH_QUICK=1 shrinks the stores to a few MiB (for CI). The
// write rows run --rounds times (default 3), interleaved; the thread
// scaling printed at the end is the median of the rounds' (bench_main.h).
//
// Every figure that fills the page cache (the baseline's three runs, the
// write rows, compaction) starts with --warm_mib MiB (default 1024) of
// memory just touched and freed, so that the baseline and the stores fill
// memory in the same state. Without it they would not: in a VM with free
// page reporting, memory left free for a couple of seconds goes back to the
// host, and its next first touch faults on the host as well, far slower
// than a touch of memory freed a moment before. The baseline's median run
// reuses the memory of the run before it, while a store's row mostly would
// not, and would measure the host. --warm_mib=0 measures without the
// warm-up.
//
// This file has the write, recovery and compaction rows, the registration
// of every row, and main; the group commit rows are in
// persistence_group_commit_bench.cc, and what the files share (the settings,
// store files, the warm-up, the baseline, keys) in persistence_bench_util.h.
//
//   ./bazelw run --config=bench //benchmarks:persistence_bench [--
//   --rounds=5 --warm_mib=0]

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "benchmark/benchmark.h"
#include "benchmarks/bench_main.h"
#include "benchmarks/persistence_bench_util.h"
#include "persistence/open.h"

namespace gogocache {
namespace bench {
namespace {

// Reports the baseline every other figure is divided by.
void BM_DeviceWrite(benchmark::State& state) {
  const double bandwidth = DeviceBandwidth();
  for (auto _ : state) {
    benchmark::DoNotOptimize(bandwidth);
  }
  state.counters["device_bytes_per_second"] = bandwidth;
}

// Key(thread, 0), Key(thread, 1), ... in turn, each made from the one
// before: most differ from it in their last digit only, and formatting
// every key from scratch (a division per digit) would add a visible share
// to a small put's CPU time under "none". The view is valid until the next
// call.
class KeySequence {
 public:
  explicit KeySequence(int thread) : thread_(thread) {}

  absl::string_view Next() {
    if (next_ == 0 || digits_ + 2 >= sizeof(buffer_)) {
      Key(thread_, next_, buffer_);
      digits_ = DigitCount(next_);
    } else {
      size_t at = sizeof(buffer_);
      while (at > sizeof(buffer_) - digits_ && buffer_[at - 1] == '9') {
        buffer_[--at] = '0';
      }
      if (at == sizeof(buffer_) - digits_) {  // One digit more: reformat.
        Key(thread_, next_, buffer_);
        digits_ = DigitCount(next_);
      } else {
        ++buffer_[at - 1];
      }
    }
    ++next_;
    return absl::string_view(buffer_, sizeof(buffer_));
  }

 private:
  static size_t DigitCount(uint64_t n) {
    size_t count = 1;
    for (; n >= 10; n /= 10) ++count;
    return count;
  }

  const int thread_;
  uint64_t next_ = 0;
  size_t digits_ = 0;  // Of next_ - 1, the last key made.
  char buffer_[16];
};

void BM_Write(benchmark::State& state, std::string scheme, std::string policy,
              size_t value_size) {
  static std::unique_ptr<Store> store;
  static std::string path;
  if (state.thread_index() == 0) {
    DeviceBandwidth();  // Measured before any timing, and before warming.
    WarmMemory();
    path = FreshPath(scheme);
    // New keys make no garbage.
    absl::StatusOr<std::unique_ptr<Store>> opened = OpenUncompacted(
        absl::StrCat(scheme, ":", path, "?durability=", policy));
    if (!opened.ok()) {
      state.SkipWithError(opened.status().ToString().c_str());
      return;
    }
    store = *std::move(opened);
  }
  const std::string value(value_size, 'v');
  KeySequence keys(state.thread_index());
  for (auto _ : state) {
    if (store == nullptr || !store->Put(keys.Next(), value).ok()) {
      state.SkipWithError("put failed");
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
  ReportBytes(state, state.iterations() * (16 + value_size));
  if (state.thread_index() == 0 && store != nullptr) {
    state.counters["syncs"] = store->GetStats().syncs;
  }
  // The last thread out cleans up: Google Benchmark joins threads after this.
  static std::atomic<int> done{0};
  if (++done == state.threads()) {
    done = 0;
    store.reset();
    std::filesystem::remove_all(path);
  }
}

// A store of RecoveryBytes() of `value_size`-byte values, for the recovery
// benchmark.
std::string BuildStore(const std::string& scheme, size_t value_size) {
  const std::string path = FreshPath(scheme);
  std::unique_ptr<Store> store = *OpenUncompacted(scheme + ":" + path);
  const std::string value(value_size, 'r');
  char key[16];
  for (uint64_t i = 0; i * (16 + value.size()) < RecoveryBytes(); ++i) {
    if (!store->Put(Key(0, i, key), value).ok()) std::abort();
  }
  if (!store->Close().ok()) std::abort();
  return path;
}

void BM_Recovery(benchmark::State& state, std::string scheme,
                 size_t value_size) {
  const std::string path = BuildStore(scheme, value_size);
  uint64_t bytes = 0;
  for (auto _ : state) {
    absl::StatusOr<std::unique_ptr<Store>> store =
        OpenStore(scheme + ":" + path);
    if (!store.ok()) {
      state.SkipWithError(store.status().ToString().c_str());
      break;
    }
    uint64_t entries = 0;
    if (!(*store)
             ->Replay([&](absl::string_view key, absl::string_view value) {
               bytes += key.size() + value.size();
               ++entries;
             })
             .ok()) {
      state.SkipWithError("replay failed");
      break;
    }
    state.counters["entries"] = entries;
  }
  ReportBytes(state, bytes);
  std::filesystem::remove_all(path);
}

void BM_Compaction(benchmark::State& state) {
  const uint64_t live = RecoveryBytes() / 2;
  const std::string value(4096, 'c');
  uint64_t bytes = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const std::string path = FreshPath("compact");
    std::unique_ptr<Store> store = *OpenUncompacted("file:" + path);
    // Every key written twice: half the log is garbage.
    for (int round = 0; round < 2; ++round) {
      for (uint64_t i = 0; i * (16 + value.size()) < live; ++i) {
        char key[16];
        if (!store->Put(Key(0, i, key), value).ok()) std::abort();
      }
    }
    WarmMemory();
    state.ResumeTiming();
    if (!store->Compact().ok()) state.SkipWithError("compaction failed");
    state.PauseTiming();
    bytes += store->GetStats().live_bytes;
    store.reset();
    std::filesystem::remove_all(path);
    state.ResumeTiming();
  }
  ReportBytes(state, bytes);
}

// The write rows run `rounds` times over, interleaved, so that each 2-writer
// run is compared with the 1-writer run just before it: fsync times drift
// over a run, which one pair of runs far apart would read as a change in
// group commit.
void Register(const std::vector<int>& threads, int rounds) {
  benchmark::RegisterBenchmark("BM_DeviceWrite", BM_DeviceWrite)->Iterations(1);
  for (int round = 0; round < rounds; ++round) {
    for (const char* scheme : {"file", "rocksdb"}) {
      for (const char* policy : {"none", "periodic", "always"}) {
        for (size_t value_size : {size_t{100}, size_t{4096}}) {
          const std::string name =
              RoundName(absl::StrCat("BM_Write/", scheme, "/", policy,
                                     "/value:", value_size),
                        round, rounds);
          // Into the page cache, a row writes the baseline's bytes, split
          // among its threads, so that both fill the same amount of memory
          // from the same state (see the top of the file); under "always"
          // that would take minutes, and a row runs for its minimum time.
          const bool same_bytes = std::string(policy) != "always";
          for (int n : threads) {
            auto* b = benchmark::RegisterBenchmark(name.c_str(), BM_Write,
                                                   scheme, policy, value_size);
            b->Threads(n)->UseRealTime();
            if (same_bytes) {
              b->Iterations(static_cast<int64_t>(
                  std::max<uint64_t>(1, BaselineBytes() / (16 + value_size) /
                                            static_cast<uint64_t>(n))));
            }
          }
        }
      }
    }
  }
  for (size_t value_size : {size_t{100}, size_t{4096}}) {
    benchmark::RegisterBenchmark(
        absl::StrCat("BM_DeviceGroupCommit/value:", value_size).c_str(),
        BM_DeviceGroupCommit, value_size)
        ->Iterations(1)
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond);
  }
  benchmark::RegisterBenchmark("BM_SyncHandOff", BM_SyncHandOff)
      ->Iterations(1)
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);
  for (const char* scheme : {"file", "rocksdb"}) {
    for (size_t value_size : {size_t{100}, size_t{4096}}) {
      benchmark::RegisterBenchmark(
          absl::StrCat("BM_GroupCommit/", scheme, "/value:", value_size)
              .c_str(),
          BM_GroupCommit, scheme, value_size)
          ->Iterations(1)
          ->UseRealTime()
          ->Unit(benchmark::kMillisecond);
    }
  }
  // 4 KiB values, and for the file 100-byte ones too: 2.4 million records,
  // where indexing them is most of the work.
  const std::pair<const char*, size_t> recoveries[] = {
      {"file", 4096}, {"file", 100}, {"rocksdb", 4096}};
  for (const auto& [scheme, value_size] : recoveries) {
    benchmark::RegisterBenchmark(
        absl::StrCat("BM_Recovery/", scheme, "/value:", value_size).c_str(),
        BM_Recovery, scheme, value_size)
        ->Iterations(3)
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond);
  }
  benchmark::RegisterBenchmark("BM_Compaction/file", BM_Compaction)
      ->Iterations(3)
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);
}

}  // namespace
}  // namespace bench
}  // namespace gogocache

int main(int argc, char** argv) {
  namespace bench = gogocache::bench;
  // --warm_mib is this suite's own flag; the rest are bench_main's and
  // Google Benchmark's.
  uint64_t warm_mib = bench::Quick() ? 16 : 1024;
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (absl::ConsumePrefix(&arg, "--warm_mib=")) {
      if (!absl::SimpleAtoi(arg, &warm_mib)) {
        fprintf(stderr, "bad --warm_mib value: %s\n", argv[i]);
        return 1;
      }
    } else {
      argv[kept++] = argv[i];
    }
  }
  argc = kept;
  bench::g_warm_bytes = warm_mib << 20;
  const bench::BenchFlags flags = bench::ParseBenchFlags(&argc, argv);
  bench::g_dir = flags.dir;
  bench::Register(flags.threads, flags.rounds > 0 ? flags.rounds : 3);
  return bench::RunBenchmarks(argc, argv, {});
}
