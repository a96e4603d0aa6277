// Copyright 2026 The gogocache Authors.
//
// What the files of persistence_bench share: the suite's settings, store
// paths and opening, the warm-up and the device baseline (the top of
// persistence_bench.cc says what these two are for), keys, and the group
// commit rows, which persistence_group_commit_bench.cc defines and
// persistence_bench.cc registers with the others.

#ifndef GOGOCACHE_BENCHMARKS_PERSISTENCE_BENCH_UTIL_H_
#define GOGOCACHE_BENCHMARKS_PERSISTENCE_BENCH_UTIL_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "benchmark/benchmark.h"
#include "persistence/open.h"

namespace gogocache {
namespace bench {

extern std::string g_dir;      // From --bench_dir.
extern uint64_t g_warm_bytes;  // From --warm_mib.

// Whether GOGOCACHE_BENCH_QUICK=1 asks for a smoke run.
bool Quick();

// Key and value bytes of a recovery row's store.
uint64_t RecoveryBytes();
// What the device baseline writes, and so every write row into the page
// cache: key and value bytes as many as the recovery stores hold.
uint64_t BaselineBytes();

// A path under g_dir that nothing is at, unique in the run, ending in `name`.
std::string FreshPath(const std::string& name);

// Opens the store of `spec` compacting only when asked (a flat file's
// compaction_min_bytes out of reach), so that a benchmark times no
// compaction it did not ask for.
absl::StatusOr<std::unique_ptr<Store>> OpenUncompacted(const std::string& spec);

// Touches g_warm_bytes of memory and frees it, for what is measured next to
// find the kernel's free memory freshly used (see the top of
// persistence_bench.cc). Huge pages where the kernel offers them: a fault per
// 2 MiB, not per 4 KiB.
void WarmMemory();

// The device's sequential write bandwidth under --bench_dir, bytes/s. The
// median of three measurements, taken once, before anything is timed: every
// of_device figure of the run divides by this same number.
double DeviceBandwidth();

// Reports `bytes` as bytes_per_second, and of_device, bytes_per_second over
// DeviceBandwidth().
void ReportBytes(benchmark::State& state, uint64_t bytes);

// 16-byte keys, "THREAD:I" right-aligned over '0's, formatted into `buffer`
// (which the view points into): a 16-byte std::string is past the
// small-string limit, and building one per put (two heap allocations with
// the digits) would add a visible share to a small put's measured time.
absl::string_view Key(int thread, uint64_t i, char (&buffer)[16]);

// The group commit rows (persistence_group_commit_bench.cc).
void BM_GroupCommit(benchmark::State& state, std::string scheme,
                    size_t value_size);
void BM_DeviceGroupCommit(benchmark::State& state, size_t value_size);
void BM_SyncHandOff(benchmark::State& state);

}  // namespace bench
}  // namespace gogocache

#endif  // GOGOCACHE_BENCHMARKS_PERSISTENCE_BENCH_UTIL_H_
