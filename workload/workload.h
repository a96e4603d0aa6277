// Copyright 2026 The gogocache Authors.
//
// Workloads shared by the benchmarks and the demo: a fixed population of keys
// and a pre-drawn sequence of accesses to them, so drawing random numbers is
// not part of what is timed, and every cache under test sees the same keys in
// the same order.

#ifndef GOGOCACHE_WORKLOAD_WORKLOAD_H_
#define GOGOCACHE_WORKLOAD_WORKLOAD_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace gogocache {

enum class AccessDistribution { kZipf, kUniform };

struct WorkloadOptions {
  size_t num_keys = 100000;
  size_t key_size = 16;  // RocksDB 7.8's HyperClockCache takes only 16.
  AccessDistribution distribution = AccessDistribution::kZipf;
  double zipf_exponent = 0.99;
  size_t num_accesses = size_t{1} << 22;
  uint64_t seed = 20261125;
};

class Workload {
 public:
  explicit Workload(const WorkloadOptions& options);

  // The key population: key(0) to key(num_keys() - 1), each exactly
  // key_size bytes.
  size_t num_keys() const { return num_keys_; }
  absl::string_view key(size_t k) const {
    return absl::string_view(key_bytes_.data() + k * key_size_, key_size_);
  }

  // Indexes of key(): the access sequence. Under Zipf the most popular keys
  // are scattered over the population, not its first indexes.
  const std::vector<uint32_t>& accesses() const { return accesses_; }

  // The key of the i-th access, wrapping around.
  absl::string_view KeyAt(size_t i) const {
    return key(accesses_[i % accesses_.size()]);
  }

 private:
  // The keys side by side in one buffer, so that reaching a key costs the
  // harness one memory access (its bytes, which every cache must read to hash
  // it) instead of two: a std::string per key would put a pointer in between,
  // as a 16-byte key is past the small-string limit.
  const size_t num_keys_;
  const size_t key_size_;
  std::string key_bytes_;
  std::vector<uint32_t> accesses_;
};

}  // namespace gogocache

#endif  // GOGOCACHE_WORKLOAD_WORKLOAD_H_
