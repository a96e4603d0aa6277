// Copyright 2026 The gogocache Authors.

#include "cache/window_sizer.h"

#include <algorithm>
#include <cmath>

namespace gogocache {
namespace shard_internal {
namespace {

constexpr double kMinWindowShare = 0.01;  // Initial, and smallest.
// Each period moves the window by this share of the capacity.
constexpr double kWindowStep = 0.05;
// The lead, in standard deviations, that moves the window: less evidence
// than the adaptive policy's vote needs, as a step of the window is cheap to
// take back (the next period can) and a switch of policy relinks the shard.
constexpr double kWindowSigmas = 1.5;

}  // namespace

WindowSizer::WindowSizer(double capacity, Drift drift)
    : capacity_(capacity), drift_(drift), window_(kMinWindowShare * capacity) {}

void WindowSizer::FollowEntries(size_t entries) {
  if (!sampling_) return;
  sample_threshold_ = static_cast<uint32_t>(
      65536 * std::min(1.0, kSampledEntries / static_cast<double>(entries)));
}

bool WindowSizer::Record(uint32_t hash, bool hit, size_t entries) {
  const size_t shadow_capacity = SampledShare(entries);
  const bool lru_hit = shadow_.Access(hash, shadow_capacity);
  lru_hits_ += lru_hit;
  hits_ += hit;
  discordant_ += lru_hit != hit;
  if (++accesses_ < std::max<size_t>(shadow_capacity, 64)) return false;
  const uint64_t slack = static_cast<uint64_t>(
      kWindowSigmas * std::sqrt(static_cast<double>(discordant_)));
  if (lru_hits_ > hits_ + slack) {
    window_ += kWindowStep * capacity_;
  } else if (hits_ > lru_hits_ + slack ||
             (drift_ == Drift::kShrink && hits_ >= lru_hits_)) {
    window_ -= kWindowStep * capacity_;
  }
  window_ = std::clamp(window_, kMinWindowShare * capacity_, capacity_);
  accesses_ = lru_hits_ = hits_ = discordant_ = 0;
  return true;
}

}  // namespace shard_internal
}  // namespace gogocache
