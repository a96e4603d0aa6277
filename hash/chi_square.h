// Copyright 2026 The gogocache Authors.
//
// Test helper: Pearson's chi-square statistic for bucket counts that should be
// uniform, and the critical value it must stay under.

#ifndef GOGOCACHE_HASH_CHI_SQUARE_H_
#define GOGOCACHE_HASH_CHI_SQUARE_H_

#include <cmath>
#include <cstdint>
#include <vector>

namespace gogocache {
namespace testing {

// Sum over buckets of (observed - expected)^2 / expected, expected uniform.
inline double ChiSquareUniform(const std::vector<uint64_t>& counts) {
  uint64_t total = 0;
  for (uint64_t c : counts) total += c;
  const double expected = static_cast<double>(total) / counts.size();
  double statistic = 0;
  for (uint64_t c : counts) {
    const double diff = static_cast<double>(c) - expected;
    statistic += diff * diff / expected;
  }
  return statistic;
}

// The value a chi-square variable with `degrees_of_freedom` exceeds with
// probability 1e-4 (Wilson-Hilferty approximation, accurate to a few percent
// for any df >= 1). A uniform hash stays below it in all but 1 of 10,000
// samples; the inputs of these tests are fixed, so a pass is not luck twice.
inline double ChiSquareCritical(int degrees_of_freedom) {
  constexpr double kZ = 3.719;  // Standard normal quantile of 1 - 1e-4.
  const double k = degrees_of_freedom;
  const double term = 1.0 - 2.0 / (9.0 * k) + kZ * std::sqrt(2.0 / (9.0 * k));
  return k * term * term * term;
}

}  // namespace testing
}  // namespace gogocache

#endif  // GOGOCACHE_HASH_CHI_SQUARE_H_
