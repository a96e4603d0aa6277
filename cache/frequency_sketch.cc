// Copyright 2026 The gogocache Authors.

#include "cache/frequency_sketch.h"

#include <algorithm>

#include "absl/numeric/bits.h"

namespace gogocache {
namespace {

// Odd multipliers giving each row its own hash of the key.
constexpr uint64_t kSeeds[4] = {0x9E3779B97F4A7C15ULL, 0xC2B2AE3D27D4EB4FULL,
                                0x165667B19E3779F9ULL, 0xD6E8FEB86659FD93ULL};

uint64_t Mix(uint64_t hash, int row) {
  uint64_t h = (hash + kSeeds[row]) * kSeeds[(row + 1) & 3];
  return h ^ (h >> 32);
}

}  // namespace

void FrequencySketch::EnsureCapacity(size_t entries) {
  sample_size_ = std::max<uint64_t>(sample_size_, 10 * uint64_t{entries});
  size_t words = 16;
  while (words < entries) words <<= 1;
  if (words <= table_.size()) return;
  table_.assign(words, 0);
  mask_ = words - 1;
  additions_ = 0;
}

size_t FrequencySketch::IndexOf(uint64_t hash, int row) const {
  return static_cast<size_t>(Mix(hash, row) & mask_);
}

int FrequencySketch::NibbleShift(uint64_t hash, int row) {
  // One 4-bit slot of the word's 16 per row, picked by the hash's low bits.
  return static_cast<int>(((hash >> (8 * row)) & 15) << 2);
}

void FrequencySketch::IncrementBy(uint64_t hash, int uses) {
  if (table_.empty()) EnsureCapacity(16);
  bool added = false;
  for (int row = 0; row < 4; ++row) {
    uint64_t& word = table_[IndexOf(hash, row)];
    const int shift = NibbleShift(hash, row);
    const int count = static_cast<int>((word >> shift) & 15);
    const int raised = std::min(count + uses, kMaxFrequency);
    if (raised != count) {
      word += static_cast<uint64_t>(raised - count) << shift;
      added = true;
    }
  }
  if (!added) return;
  additions_ += static_cast<uint64_t>(uses);
  if (additions_ >= sample_size_) Age();
}

int FrequencySketch::Frequency(uint64_t hash) const {
  if (table_.empty()) return 0;
  int frequency = 15;
  for (int row = 0; row < 4; ++row) {
    const uint64_t word = table_[IndexOf(hash, row)];
    frequency = std::min(
        frequency, static_cast<int>((word >> NibbleShift(hash, row)) & 15));
  }
  return frequency;
}

void FrequencySketch::Age() {
  // Halve every 4-bit counter at once: shift the word right by one and clear
  // the bit each counter received from its neighbour. An odd counter also
  // loses the half count that rounds away: with four counters per increment,
  // odd/8 increments' worth, so the increments counted become
  // (additions - odd/4) / 2, as in Caffeine, and the next halving waits for
  // that many more.
  uint64_t odd_counters = 0;
  for (uint64_t& word : table_) {
    odd_counters +=
        static_cast<uint64_t>(absl::popcount(word & 0x1111111111111111ULL));
    word = (word >> 1) & 0x7777777777777777ULL;
  }
  additions_ = (additions_ - std::min(additions_, odd_counters / 4)) / 2;
}

}  // namespace gogocache
