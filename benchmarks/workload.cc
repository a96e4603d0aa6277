// Copyright 2026 The gogocache Authors.

#include "benchmarks/workload.h"

#include <algorithm>
#include <numeric>
#include <random>

#include "absl/random/distributions.h"
#include "absl/random/random.h"
#include "absl/random/zipf_distribution.h"
#include "absl/strings/str_format.h"

namespace gogocache {
namespace bench {

Workload::Workload(const WorkloadOptions& options) {
  keys_.reserve(options.num_keys);
  for (size_t i = 0; i < options.num_keys; ++i) {
    std::string key = absl::StrFormat("k%0*d", options.key_size - 1, i);
    key.resize(options.key_size, '_');
    keys_.push_back(std::move(key));
  }
  // std::mt19937_64 rather than absl's generators: its sequence is specified,
  // so a seed reproduces the same workload everywhere.
  std::mt19937_64 random(options.seed);
  std::vector<uint32_t> rank_to_key(options.num_keys);
  std::iota(rank_to_key.begin(), rank_to_key.end(), 0);
  std::shuffle(rank_to_key.begin(), rank_to_key.end(), random);

  accesses_.reserve(options.num_accesses);
  const uint32_t last = static_cast<uint32_t>(options.num_keys - 1);
  absl::zipf_distribution<uint32_t> zipf(last, options.zipf_exponent);
  std::uniform_int_distribution<uint32_t> uniform(0, last);
  for (size_t i = 0; i < options.num_accesses; ++i) {
    const uint32_t rank = options.distribution == Distribution::kZipf
                              ? zipf(random)
                              : uniform(random);
    accesses_.push_back(rank_to_key[rank]);
  }
}

}  // namespace bench
}  // namespace gogocache
