// Copyright 2026 The gogocache Authors.

#include "tools/synthetic_trace.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace gogocache {
namespace {

// SplitMix64 (Steele, Lea and Flood): small, fast, and the same sequence
// everywhere.
class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed) {}

  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
    z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
    return z ^ (z >> 31);
  }

  // Uniform in [0, n), n > 0 (Lemire's multiply-shift; the bias, under
  // n / 2^64, is irrelevant here).
  uint64_t Below(uint64_t n) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(Next()) * n) >>
                                 64);
  }

 private:
  uint64_t state_;
};

// Zipf ranks: rank r in [0, n) with probability proportional to
// (r+1)^-exponent. The weights are rounded to integers once; sampling is
// then exact integer arithmetic (inverse CDF by binary search).
class ZipfSampler {
 public:
  ZipfSampler(size_t n, double exponent) : cumulative_(n) {
    uint64_t total = 0;
    for (size_t r = 0; r < n; ++r) {
      const double weight = std::ldexp(
          std::pow(static_cast<double>(r + 1), -exponent), kWeightBits);
      total += std::max<uint64_t>(1, std::llround(weight));
      cumulative_[r] = total;
    }
  }

  size_t Sample(Random& random) const {
    const uint64_t u = random.Below(cumulative_.back());
    return std::upper_bound(cumulative_.begin(), cumulative_.end(), u) -
           cumulative_.begin();
  }

 private:
  // Rank 0 weighs 2^40: 100,000 ranks sum to well under 2^63.
  static constexpr int kWeightBits = 40;
  std::vector<uint64_t> cumulative_;
};

// first, first+1, ..., first+n-1 in a random order.
std::vector<uint64_t> Shuffled(uint64_t first, size_t n, Random& random) {
  std::vector<uint64_t> keys(n);
  for (size_t i = 0; i < n; ++i) keys[i] = first + i;
  for (size_t i = n; i > 1; --i) std::swap(keys[i - 1], keys[random.Below(i)]);
  return keys;
}

// Scales a count of the full trace: rounded, at least 1.
class Scale {
 public:
  explicit Scale(double scale) : scale_(scale) {}
  size_t operator()(size_t full) const {
    return std::max<size_t>(1, std::llround(full * scale_));
  }

 private:
  double scale_;
};

using Keys = std::vector<uint64_t>;

// Appends round trips first..first+width-1 and back again until `keys`
// holds `limit` keys (the last one cut short).
void AppendRoundTrips(uint64_t first, size_t width, size_t limit, Keys& keys) {
  while (keys.size() < limit) {
    for (size_t i = 0; i < width && keys.size() < limit; ++i) {
      keys.push_back(first + i);
    }
    for (size_t i = width; i > 0 && keys.size() < limit; --i) {
      keys.push_back(first + i - 1);
    }
  }
}

// Appends `count` keys of a loop first..first+width-1 from its start.
void AppendLoop(uint64_t first, size_t width, size_t count, Keys& keys) {
  for (size_t i = 0; i < count; ++i) keys.push_back(first + i % width);
}

// Appends `count` Zipf(exponent) keys, rank r being key order[r].
void AppendZipf(const ZipfSampler& zipf, const Keys& order, size_t count,
                Random& random, Keys& keys) {
  for (size_t i = 0; i < count; ++i) keys.push_back(order[zipf.Sample(random)]);
}

void Sweep(const Scale& n, Random&, Keys& keys) {
  const size_t width = n(10000);
  AppendRoundTrips(0, width, 50 * 2 * width, keys);
}

void SweepVarying(const Scale& n, Random& random, Keys& keys) {
  const size_t length = n(1000000), low = n(2000), high = n(12000);
  while (keys.size() < length) {
    const size_t depth = low + random.Below(high - low + 1);
    AppendRoundTrips(0, depth, std::min(length, keys.size() + 2 * depth), keys);
  }
}

void LoopVarying(const Scale& n, Random&, Keys& keys) {
  constexpr size_t kLoops[] = {3000, 6000, 12000, 4500, 9000};
  for (int phase = 0; phase < 10; ++phase) {
    AppendLoop(0, n(kLoops[phase % 5]), n(100000), keys);
  }
}

void WorkingSetShift(const Scale& n, Random& random, Keys& keys) {
  const size_t length = n(1000000), window = n(5000);
  for (size_t i = 0; i < length; ++i) {
    keys.push_back(i / 20 + random.Below(window));
  }
}

template <int kExponentPercent>
void Zipf(const Scale& n, Random& random, Keys& keys) {
  const size_t distinct = n(100000);
  const ZipfSampler zipf(distinct, kExponentPercent / 100.0);
  AppendZipf(zipf, Shuffled(0, distinct, random), n(1000000), random, keys);
}

void ZipfScan(const Scale& n, Random& random, Keys& keys) {
  const size_t length = n(1000000), distinct = n(50000);
  const ZipfSampler zipf(distinct, 0.9);
  const Keys order = Shuffled(0, distinct, random);
  uint64_t fresh = distinct;  // Above every Zipf key.
  while (keys.size() < length) {
    AppendZipf(zipf, order, std::min(n(20000), length - keys.size()), random,
               keys);
    for (size_t i = n(5000); i > 0 && keys.size() < length; --i) {
      keys.push_back(fresh++);
    }
  }
}

void ZipfLoop(const Scale& n, Random& random, Keys& keys) {
  const size_t length = n(1000000), distinct = n(50000), loop = n(8000);
  const ZipfSampler zipf(distinct, 0.9);
  const Keys order = Shuffled(0, distinct, random);
  size_t position = 0;
  for (size_t i = 0; i < length; ++i) {
    if (random.Below(2) == 0) {
      keys.push_back(distinct + position);
      position = (position + 1) % loop;
    } else {
      keys.push_back(order[zipf.Sample(random)]);
    }
  }
}

void ZipfShift(const Scale& n, Random& random, Keys& keys) {
  const size_t distinct = n(50000);
  const ZipfSampler zipf(distinct, 0.9);
  for (int phase = 0; phase < 5; ++phase) {
    AppendZipf(zipf, Shuffled(phase * distinct, distinct, random), n(200000),
               random, keys);
  }
}

void Phases(const Scale& n, Random& random, Keys& keys) {
  const size_t part = n(250000), distinct = n(50000), sweep = n(8000);
  const ZipfSampler zipf(distinct, 0.9);
  const Keys order = Shuffled(0, distinct, random);
  AppendZipf(zipf, order, part, random, keys);
  AppendRoundTrips(distinct, sweep, 2 * part, keys);
  AppendLoop(distinct + sweep, n(12000), part, keys);
  AppendZipf(zipf, order, part, random, keys);
}

// Counts over positions 0..size-1, with updates and "the position of the
// k-th one" in O(log size) (a Fenwick tree).
class Fenwick {
 public:
  explicit Fenwick(size_t size) : tree_(size + 1) {}

  void Add(size_t position, int64_t delta) {
    for (size_t i = position + 1; i < tree_.size(); i += i & (~i + 1)) {
      tree_[i] += delta;
    }
  }

  // The position of the k-th one (k from 1), which must exist.
  size_t Find(int64_t k) const {
    size_t position = 0;  // Ones up to here (1-based) number fewer than k.
    size_t step = 1;
    while (step * 2 < tree_.size()) step *= 2;
    for (; step > 0; step /= 2) {
      if (position + step < tree_.size() && tree_[position + step] < k) {
        position += step;
        k -= tree_[position];
      }
    }
    return position;  // The 1-based position + 1, made 0-based.
  }

 private:
  std::vector<int64_t> tree_;
};

void Recency(const Scale& n, Random& random, Keys& keys) {
  const size_t length = n(1000000);
  const ZipfSampler depths(n(20000), 1.0);
  // The LRU stack as the times of each key's last access: a one in `last`
  // at time t marks keys[t] as last accessed then.
  Fenwick last(length);
  size_t stack = 0;  // Distinct keys so far.
  uint64_t fresh = 0;
  for (size_t t = 0; t < length; ++t) {
    const bool reread = random.Below(10) < 9;
    const size_t depth = depths.Sample(random) + 1;
    if (reread && depth <= stack) {
      const size_t then = last.Find(static_cast<int64_t>(stack - depth + 1));
      last.Add(then, -1);
      keys.push_back(keys[then]);
    } else {
      keys.push_back(fresh++);
      ++stack;
    }
    last.Add(t, 1);
  }
}

struct Family {
  const char* name;
  const char* description;
  size_t sizes[3];
  uint64_t seed;
  void (*generate)(const Scale& n, Random& random, Keys& keys);
};

constexpr Family kFamilies[] = {
    {"sweep",
     "forward and back over 10,000 keys, 50 times (LRU = OPT)",
     {2500, 5000, 7500},
     1,
     Sweep},
    {"sweep_varying",
     "forward to a random depth in 2,000..12,000 and back",
     {2000, 4000, 8000},
     2,
     SweepVarying},
    {"loop_varying",
     "loops over 3,000..12,000 keys, length changing",
     {2000, 5000, 10000},
     3,
     LoopVarying},
    {"working_set_shift",
     "uniform over 5,000 keys, window drifting up",
     {2500, 5000, 7500},
     4,
     WorkingSetShift},
    {"zipf0.7",
     "Zipf(0.7) over 100,000 keys, independent requests",
     {1000, 5000, 20000},
     5,
     Zipf<70>},
    {"zipf0.9",
     "Zipf(0.9) over 100,000 keys, independent requests",
     {1000, 5000, 20000},
     6,
     Zipf<90>},
    {"zipf1.1",
     "Zipf(1.1) over 100,000 keys, independent requests",
     {1000, 5000, 20000},
     7,
     Zipf<110>},
    {"zipf_scan",
     "Zipf(0.9) over 50,000 keys, 20% one-time scans",
     {1000, 5000, 10000},
     8,
     ZipfScan},
    {"zipf_loop",
     "half Zipf(0.9) over 50,000 keys, half a loop over 8,000",
     {1000, 5000, 10000},
     9,
     ZipfLoop},
    {"zipf_shift",
     "Zipf(0.9) over 50,000 keys, new keys every 200,000",
     {1000, 5000, 10000},
     10,
     ZipfShift},
    {"phases",
     "Zipf, then round trips, then a loop, then the Zipf again",
     {2000, 5000, 10000},
     11,
     Phases},
    {"recency",
     "LRU stack model, reuse depth P(d) ~ 1/d, 10% new keys",
     {500, 2000, 8000},
     12,
     Recency},
};

}  // namespace

std::vector<SyntheticTrace> SyntheticTraces() {
  std::vector<SyntheticTrace> traces;
  for (const Family& family : kFamilies) {
    traces.push_back({family.name,
                      family.description,
                      {std::begin(family.sizes), std::end(family.sizes)}});
  }
  return traces;
}

absl::StatusOr<GeneratedTrace> GenerateSyntheticTrace(absl::string_view name,
                                                      double scale) {
  if (!(scale > 0 && scale <= 1)) {
    return absl::InvalidArgumentError(
        absl::StrCat("synthetic trace scale must be in (0, 1], got ", scale));
  }
  for (const Family& family : kFamilies) {
    if (name != family.name) continue;
    const Scale n(scale);
    GeneratedTrace trace;
    Random random(family.seed);
    family.generate(n, random, trace.keys);
    for (size_t size : family.sizes) trace.sizes.push_back(n(size));
    return trace;
  }
  std::vector<absl::string_view> names;
  for (const Family& family : kFamilies) names.push_back(family.name);
  return absl::InvalidArgumentError(
      absl::StrCat("unknown synthetic trace family \"", name,
                   "\" (known: ", absl::StrJoin(names, ", "), ")"));
}

}  // namespace gogocache
