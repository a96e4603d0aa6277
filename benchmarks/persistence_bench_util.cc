// Copyright 2026 The gogocache Authors.
//
// The fixtures persistence_bench's files share (persistence_bench_util.h).

#include "benchmarks/persistence_bench_util.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <variant>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "benchmark/benchmark.h"
#include "persistence/open.h"

namespace gogocache {
namespace bench {

std::string g_dir;
uint64_t g_warm_bytes;

bool Quick() {
  const char* quick = getenv("GOGOCACHE_BENCH_QUICK");
  return quick != nullptr && std::string(quick) == "1";
}

uint64_t RecoveryBytes() { return Quick() ? (8 << 20) : (uint64_t{288} << 20); }
uint64_t BaselineBytes() { return RecoveryBytes(); }

std::string FreshPath(const std::string& name) {
  static std::atomic<int> counter{0};
  const std::string path = absl::StrCat(g_dir, "/gogocache_bench.", getpid(),
                                        ".", counter++, ".", name);
  std::filesystem::remove_all(path);
  return path;
}

absl::StatusOr<std::unique_ptr<Store>> OpenUncompacted(
    const std::string& spec) {
  absl::StatusOr<StoreSpec> parsed = ParseStoreSpec(spec);
  if (!parsed.ok()) return parsed.status();
  if (auto* file = std::get_if<FlatFileStoreOptions>(&parsed->options)) {
    file->compaction_min_bytes = uint64_t{1} << 40;
  }
  return OpenStore(*parsed);
}

namespace {

// MADV_POPULATE_WRITE (Linux 5.14); where it is missing the pages are
// touched one by one.
#ifdef MADV_POPULATE_WRITE
constexpr int kPopulateWrite = MADV_POPULATE_WRITE;
#else
constexpr int kPopulateWrite = 23;
#endif

// Sequential write bandwidth of the device under --bench_dir, bytes/s.
double MeasureDevice(uint64_t bytes) {
  WarmMemory();
  const std::string path = FreshPath("device");
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) std::abort();
  const std::string block(1 << 20, 'd');
  const auto start = std::chrono::steady_clock::now();
  for (uint64_t done = 0; done < bytes; done += block.size()) {
    if (write(fd, block.data(), block.size()) !=
        static_cast<ssize_t>(block.size())) {
      std::abort();
    }
  }
  if (fdatasync(fd) != 0) std::abort();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  close(fd);
  unlink(path.c_str());
  return static_cast<double>(bytes) / seconds;
}

}  // namespace

void WarmMemory() {
  if (g_warm_bytes == 0) return;
  void* memory = mmap(nullptr, g_warm_bytes, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (memory == MAP_FAILED) return;  // Then measured without.
  madvise(memory, g_warm_bytes, MADV_HUGEPAGE);
  if (madvise(memory, g_warm_bytes, kPopulateWrite) != 0) {
    std::memset(memory, 1, g_warm_bytes);
  }
  munmap(memory, g_warm_bytes);
}

double DeviceBandwidth() {
  static const double bandwidth = [] {
    double runs[3];
    for (double& run : runs) run = MeasureDevice(BaselineBytes());
    std::sort(runs, runs + 3);
    return runs[1];
  }();
  return bandwidth;
}

void ReportBytes(benchmark::State& state, uint64_t bytes) {
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.counters["of_device"] =
      benchmark::Counter(static_cast<double>(bytes) / DeviceBandwidth(),
                         benchmark::Counter::kIsRate);
}

absl::string_view Key(int thread, uint64_t i, char (&buffer)[16]) {
  std::memset(buffer, '0', sizeof(buffer));
  size_t at = sizeof(buffer);
  // Writes `n`'s digits leftwards from `at`, as many as fit.
  auto put_digits = [&](uint64_t n) {
    do {
      buffer[--at] = static_cast<char>('0' + n % 10);
      n /= 10;
    } while (n != 0 && at > 0);
  };
  put_digits(i);
  if (at > 0) buffer[--at] = ':';
  if (at > 0) put_digits(static_cast<uint64_t>(thread));
  return absl::string_view(buffer, sizeof(buffer));
}

}  // namespace bench
}  // namespace gogocache
