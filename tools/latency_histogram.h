// Copyright 2026 The gogocache Authors.
//
// LatencyHistogram: records durations in logarithmic buckets (16 per power of
// two, so a reported percentile is within about 6% of the true value) in
// constant memory, and merges across threads. Not thread-safe: keep one per
// thread and Merge() them afterwards.

#ifndef GOGOCACHE_TOOLS_LATENCY_HISTOGRAM_H_
#define GOGOCACHE_TOOLS_LATENCY_HISTOGRAM_H_

#include <array>
#include <cstddef>
#include <cstdint>

namespace gogocache {

class LatencyHistogram {
 public:
  void Record(uint64_t nanos) {
    ++buckets_[BucketOf(nanos)];
    ++count_;
    if (nanos > max_) max_ = nanos;
  }

  void Merge(const LatencyHistogram& other) {
    for (size_t i = 0; i < buckets_.size(); ++i)
      buckets_[i] += other.buckets_[i];
    count_ += other.count_;
    if (other.max_ > max_) max_ = other.max_;
  }

  uint64_t count() const { return count_; }
  uint64_t max() const { return max_; }

  // The smallest recorded bucket's upper bound below which at least
  // `fraction` (in [0, 1]) of the samples lie; 0 when empty.
  uint64_t Percentile(double fraction) const {
    if (count_ == 0) return 0;
    const double wanted = fraction * static_cast<double>(count_);
    uint64_t seen = 0;
    for (size_t i = 0; i < buckets_.size(); ++i) {
      seen += buckets_[i];
      if (static_cast<double>(seen) >= wanted && seen > 0) {
        const uint64_t upper = UpperBoundOf(i);
        return upper < max_ ? upper : max_;
      }
    }
    return max_;
  }

 private:
  static constexpr int kSubBits = 4;  // 16 buckets per power of two.
  static constexpr int kBuckets = (64 - kSubBits + 1) << kSubBits;

  // Values below 2^kSubBits get a bucket each; above, the bucket is the
  // exponent and the next kSubBits bits of the mantissa.
  static size_t BucketOf(uint64_t v) {
    if (v < (uint64_t{1} << kSubBits)) return static_cast<size_t>(v);
    const int exponent = 63 - __builtin_clzll(v);
    const int shift = exponent - kSubBits;
    const uint64_t mantissa = (v >> shift) & ((uint64_t{1} << kSubBits) - 1);
    return static_cast<size_t>(((shift + 1) << kSubBits) + mantissa);
  }

  static uint64_t UpperBoundOf(size_t bucket) {
    if (bucket < (size_t{1} << kSubBits)) return bucket;
    const int shift = static_cast<int>(bucket >> kSubBits) - 1;
    const uint64_t mantissa = bucket & ((size_t{1} << kSubBits) - 1);
    const uint64_t low = ((uint64_t{1} << kSubBits) | mantissa) << shift;
    return low + ((uint64_t{1} << shift) - 1);
  }

  std::array<uint64_t, kBuckets> buckets_{};
  uint64_t count_ = 0;
  uint64_t max_ = 0;
};

}  // namespace gogocache

#endif  // GOGOCACHE_TOOLS_LATENCY_HISTOGRAM_H_
