// Copyright 2026 The gogocache Authors.
//
// Workloads shared by the benchmarks and the demo: a fixed population of keys
// and a pre-drawn sequence of accesses to them, so drawing random numbers is
// not part of what is timed, and every cache under test sees the same keys in
// the same order.

#ifndef GOGOCACHE_BENCHMARKS_WORKLOAD_H_
#define GOGOCACHE_BENCHMARKS_WORKLOAD_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace gogocache {
namespace bench {

enum class Distribution { kZipf, kUniform };

struct WorkloadOptions {
  size_t num_keys = 100000;
  size_t key_size = 16;  // RocksDB 7.8's HyperClockCache takes only 16.
  Distribution distribution = Distribution::kZipf;
  double zipf_exponent = 0.99;
  size_t num_accesses = size_t{1} << 22;
  uint64_t seed = 20261125;
};

class Workload {
 public:
  explicit Workload(const WorkloadOptions& options);

  // The key population; keys[i] is exactly key_size bytes.
  const std::vector<std::string>& keys() const { return keys_; }

  // Indexes into keys(): the access sequence. Under Zipf the most popular keys
  // are scattered over the population, not its first indexes.
  const std::vector<uint32_t>& accesses() const { return accesses_; }

  // The key of the i-th access, wrapping around.
  const std::string& KeyAt(size_t i) const {
    return keys_[accesses_[i % accesses_.size()]];
  }

 private:
  std::vector<std::string> keys_;
  std::vector<uint32_t> accesses_;
};

}  // namespace bench
}  // namespace gogocache

#endif  // GOGOCACHE_BENCHMARKS_WORKLOAD_H_
