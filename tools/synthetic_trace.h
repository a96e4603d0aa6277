// Copyright 2026 The gogocache Authors.
//
// Synthetic key traces, to compare eviction policies on patterns chosen to
// tell them apart: `gogocache trace` writes them for `gogocache simulate`,
// and tests generate them in memory. Each trace stands alone (keys of
// different families are unrelated); cache sizes are counted in entries.
//
// Deterministic: a family's keys depend only on its name and the scale, the
// same on every machine. Each family has a fixed seed for its own SplitMix64
// generator, and no std:: distribution is used. Zipf ranks are drawn by
// integer arithmetic over cumulative weights, the weights (rank+1)^-s
// rounded once to units of 2^-40: a last-bit difference in a libm's pow()
// could change a weight only if it straddled a rounding boundary.
//
// The families at scale 1 (accesses; cache sizes evaluated at):
//   sweep              50 round trips over 10,000 keys, 0..9,999 then
//                      9,999..0 (1,000,000); LRU equals OPT. 2,500 5,000 7,500
//   sweep_varying      round trips from key 0 to a depth drawn uniformly in
//                      [2,000, 12,000] and back (1,000,000); LRU equals OPT
//                      here too. 2,000 4,000 8,000
//   loop_varying       10 phases of 100,000: a loop 0..L-1 over the same low
//                      keys, L cycling 3,000 6,000 12,000 4,500 9,000
//                      (1,000,000). 2,000 5,000 10,000
//   working_set_shift  uniform within a window of 5,000 consecutive keys
//                      that moves up one key every 20 accesses (1,000,000).
//                      2,500 5,000 7,500
//   zipf0.7, zipf0.9, zipf1.1
//                      independent requests, Zipf(s) over 100,000 keys in a
//                      random order (1,000,000). 1,000 5,000 20,000
//   zipf_scan          Zipf(0.9) over 50,000 keys; after every 20,000 of
//                      them a scan of 5,000 sequential keys never seen again
//                      (1,000,000, 20% scans). 1,000 5,000 10,000
//   zipf_loop          per access, a coin flip between Zipf(0.9) over 50,000
//                      keys and the next key of a loop over 8,000
//                      (1,000,000). 1,000 5,000 10,000
//   zipf_shift         Zipf(0.9) over 50,000 keys, a new set of keys every
//                      200,000 accesses (1,000,000). 1,000 5,000 10,000
//   phases             250,000 each of: Zipf(0.9) over 50,000 keys; round
//                      trips over 8,000 others; a loop over 12,000 others;
//                      the first Zipf again (1,000,000). 2,000 5,000 10,000
//   recency            LRU stack model: 90% re-read the key at an LRU stack
//                      depth d drawn with P(d) ~ 1/d over 1..20,000, 10% (and
//                      any d deeper than the stack) a new key (1,000,000).
//                      Recency is the whole signal. 500 2,000 8,000
//
// Scale s in (0, 1] multiplies every count above (keys, loop and window
// lengths, phase and trace lengths, cache sizes), rounded, at least 1; the
// rates (probabilities, exponents, 50 round trips, 20 accesses per window
// step) stay. Small scales are for fast unit tests.

#ifndef GOGOCACHE_TOOLS_SYNTHETIC_TRACE_H_
#define GOGOCACHE_TOOLS_SYNTHETIC_TRACE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace gogocache {

// A family as listed: its name, a one-line description for tables, and the
// cache sizes (entries, ascending, at least three) to evaluate it at, at
// scale 1.
struct SyntheticTrace {
  std::string name;
  std::string description;
  std::vector<size_t> sizes;
};

// Every family, always in the order of the table above.
std::vector<SyntheticTrace> SyntheticTraces();

// A generated trace: its keys, and its family's cache sizes at that scale.
struct GeneratedTrace {
  std::vector<uint64_t> keys;
  std::vector<size_t> sizes;
};

// The keys of family `name` at `scale`. InvalidArgument naming an unknown
// family, or for a scale outside (0, 1].
absl::StatusOr<GeneratedTrace> GenerateSyntheticTrace(absl::string_view name,
                                                      double scale = 1.0);

}  // namespace gogocache

#endif  // GOGOCACHE_TOOLS_SYNTHETIC_TRACE_H_
