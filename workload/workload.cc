// Copyright 2026 The gogocache Authors.

#include "workload/workload.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "absl/strings/str_format.h"

namespace gogocache {

Workload::Workload(const WorkloadOptions& options)
    : num_keys_(options.num_keys), key_size_(options.key_size) {
  key_bytes_.reserve(num_keys_ * key_size_);
  for (size_t i = 0; i < num_keys_; ++i) {
    std::string key = absl::StrFormat("k%0*d", key_size_ - 1, i);
    key.resize(key_size_, '_');
    key_bytes_ += key;
  }
  // std::mt19937_64 rather than absl's generators: its sequence is specified,
  // so a seed reproduces the same workload everywhere.
  std::mt19937_64 random(options.seed);
  std::vector<uint32_t> rank_to_key(options.num_keys);
  std::iota(rank_to_key.begin(), rank_to_key.end(), 0);
  std::shuffle(rank_to_key.begin(), rank_to_key.end(), random);

  // Zipf by inverting its exact cumulative distribution: rank r (from 1) has
  // weight r^-s. absl::zipf_distribution would be shorter but requires s > 1,
  // and the workloads of interest (YCSB's, RocksDB's) use s = 0.99.
  std::vector<double> cumulative;
  if (options.distribution == AccessDistribution::kZipf) {
    cumulative.resize(options.num_keys);
    double sum = 0;
    for (size_t r = 0; r < options.num_keys; ++r) {
      sum += std::pow(static_cast<double>(r + 1), -options.zipf_exponent);
      cumulative[r] = sum;
    }
    for (double& c : cumulative) c /= sum;
  }
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::uniform_int_distribution<size_t> uniform(0, options.num_keys - 1);
  accesses_.reserve(options.num_accesses);
  for (size_t i = 0; i < options.num_accesses; ++i) {
    size_t rank;
    if (options.distribution == AccessDistribution::kZipf) {
      rank =
          std::lower_bound(cumulative.begin(), cumulative.end(), unit(random)) -
          cumulative.begin();
      if (rank >= options.num_keys) rank = options.num_keys - 1;
    } else {
      rank = uniform(random);
    }
    accesses_.push_back(rank_to_key[rank]);
  }
}

}  // namespace gogocache
