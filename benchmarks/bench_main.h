// Copyright 2026 The gogocache Authors.
//
// What every gogocache benchmark binary shares:
//
//   --threads=1,2,4   thread counts for the multi-threaded benchmarks
//                     (default 1,2); read before Google Benchmark's flags.
//   --bench_dir=DIR   where benchmarks that write files put them (default
//                     $TMPDIR, else /tmp).
//   --rounds=N        for suites that compare caches: run the whole set N
//                     times over, interleaved (the suite's default if not
//                     given).
//
// RatioReporter prints, after Google Benchmark's own table, each result's
// throughput as a ratio to a named baseline measured in the same run, e.g.
// "gogocache / HyperClockCache = 1.12x", and every multi-threaded result as
// a ratio to the same benchmark on one thread, so targets stated as ratios are
// read off one run on one machine. Runs named ".../round:K/..." are paired
// within their round, and the median of the rounds' ratios is printed with
// their range: on a machine whose speed drifts from second to second, a
// ratio of two runs seconds apart is mostly drift, and pairing runs that
// follow each other, then taking the median, removes most of it.

#ifndef GOGOCACHE_BENCHMARKS_BENCH_MAIN_H_
#define GOGOCACHE_BENCHMARKS_BENCH_MAIN_H_

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "benchmark/benchmark.h"

namespace gogocache {
namespace bench {

struct BenchFlags {
  std::vector<int> threads = {1, 2};
  std::string dir;
  int rounds = 0;  // 0: not given.
};

// The name of round `round` of `rounds` of a benchmark: `name` itself when
// there is one round, else `name` + "/round:" + round.
std::string RoundName(const std::string& name, int round, int rounds);

// The median of `values` (the mean of the middle two for an even count);
// `values` must not be empty.
double Median(std::vector<double> values);

// Removes gogocache's flags from argv (before benchmark::Initialize).
BenchFlags ParseBenchFlags(int* argc, char** argv);

// One ratio line: for each run whose name starts with `subject` + "/", the
// run of `baseline` + the same suffix, compared on `counter`.
struct RatioSpec {
  std::string subject;
  std::string baseline;
  std::string counter = "items_per_second";
};

class RatioReporter : public benchmark::ConsoleReporter {
 public:
  RatioReporter(std::vector<RatioSpec> specs, bool color)
      : ConsoleReporter(color ? OO_ColorTabular : OO_Tabular),
        specs_(std::move(specs)) {}
  void ReportRuns(const std::vector<Run>& runs) override;
  void Finalize() override;

 private:
  std::vector<RatioSpec> specs_;
  // Run name -> counter name -> value.
  std::map<std::string, std::map<std::string, double>> results_;
};

// Initializes Google Benchmark, runs every registered benchmark with a
// RatioReporter for `specs` on the console, and shuts down.
int RunBenchmarks(int argc, char** argv, std::vector<RatioSpec> specs);

}  // namespace bench
}  // namespace gogocache

#endif  // GOGOCACHE_BENCHMARKS_BENCH_MAIN_H_
