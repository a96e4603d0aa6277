// Copyright 2026 The gogocache Authors.
//
// FrequencySketch: an approximate count of how often each key was accessed
// recently, for admission decisions (TinyLFU: Einziger, Friedman and Manes,
// "TinyLFU: A Highly Efficient Cache Admission Policy", ACM ToS 2017).
//
// A count-min sketch of 4-bit counters, depth 4: a key's estimate is the
// smallest of its four counters, so it never under-counts (except through
// aging) and over-counts only by collisions. An access raises all four
// counters, not only the smallest: conservative update (Estan and
// Varghese), which this sketch does not use, makes the estimates exact
// enough for TinyLFU to give up a loop larger than the cache, where each
// newly accessed candidate then leads the victim, next in the loop, by one.
// Counters saturate at 15. After `10 * capacity` increments every counter
// is halved, so the sketch forgets: frequency means frequency in the
// recent past.
//
// Size: one 64-bit word (16 counters) per expected entry, rounded up to a
// power of two: 8 to 16 bytes per entry. Grown by EnsureCapacity, which
// starts the counts over: a sketch does not know its keys, and cannot carry
// a count into a larger table without also handing it to every key that
// shared its word.
//
// Thread safety: none; the owning shard calls it under its writer lock.

#ifndef GOGOCACHE_CACHE_FREQUENCY_SKETCH_H_
#define GOGOCACHE_CACHE_FREQUENCY_SKETCH_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace gogocache {

class FrequencySketch {
 public:
  // Counters saturate here.
  static constexpr int kMaxFrequency = 15;

  FrequencySketch() = default;

  // Sizes the sketch for about `entries` distinct keys (at least 16). A
  // larger table starts with every count at zero.
  void EnsureCapacity(size_t entries);

  // Records one access of the key with this hash.
  void Increment(uint64_t hash) { IncrementBy(hash, 1); }

  // Records `uses` accesses (1 to 15) of the key with this hash at once,
  // halving at most once, after them: for counts carried into a sketch.
  void IncrementBy(uint64_t hash, int uses);

  // The key's estimated recent accesses, 0 to 15.
  int Frequency(uint64_t hash) const;

  // Increments between halvings.
  uint64_t sample_size() const { return sample_size_; }
  size_t table_words() const { return table_.size(); }

 private:
  // Halves every counter (the "reset" of TinyLFU).
  void Age();
  // The word index of the key's counter in row `row`, and the counter's bit
  // offset within that word.
  size_t IndexOf(uint64_t hash, int row) const;
  static int NibbleShift(uint64_t hash, int row);

  std::vector<uint64_t> table_;
  uint64_t mask_ = 0;
  uint64_t sample_size_ = 0;
  uint64_t additions_ = 0;
};

}  // namespace gogocache

#endif  // GOGOCACHE_CACHE_FREQUENCY_SKETCH_H_
