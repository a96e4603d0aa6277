// Copyright 2026 The gogocache Authors.

#include "benchmarks/bench_main.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <iostream>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"

namespace gogocache {
namespace bench {

BenchFlags ParseBenchFlags(int* argc, char** argv) {
  BenchFlags flags;
  const char* tmp = getenv("TMPDIR");
  flags.dir = tmp != nullptr && *tmp != '\0' ? tmp : "/tmp";
  int kept = 1;
  for (int i = 1; i < *argc; ++i) {
    const absl::string_view arg = argv[i];
    if (absl::StartsWith(arg, "--threads=")) {
      flags.threads.clear();
      for (absl::string_view n :
           absl::StrSplit(arg.substr(strlen("--threads=")), ',')) {
        int threads = 0;
        if (!absl::SimpleAtoi(n, &threads) || threads < 1) {
          std::cerr << "bad --threads value: " << n << "\n";
          std::exit(2);
        }
        flags.threads.push_back(threads);
      }
    } else if (absl::StartsWith(arg, "--rounds=")) {
      if (!absl::SimpleAtoi(arg.substr(strlen("--rounds=")), &flags.rounds) ||
          flags.rounds < 1) {
        std::cerr << "bad --rounds value: " << arg << "\n";
        std::exit(2);
      }
    } else if (absl::StartsWith(arg, "--bench_dir=")) {
      flags.dir = std::string(arg.substr(strlen("--bench_dir=")));
    } else {
      argv[kept++] = argv[i];
    }
  }
  *argc = kept;
  return flags;
}

std::string RoundName(const std::string& name, int round, int rounds) {
  return rounds == 1 ? name : absl::StrCat(name, "/round:", round);
}

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

namespace {

// `name` without its `part` ("/round:K", "/iterations:N").
std::string Without(const std::string& name, absl::string_view part) {
  const size_t at = name.find(std::string(part));
  if (at == std::string::npos) return name;
  const size_t end = name.find('/', at + 1);
  return name.substr(0, at) +
         (end == std::string::npos ? "" : name.substr(end));
}

// "1.12x", or over several rounds "1.12x median (0.95x to 1.30x, 5 rounds)".
std::string Summary(std::vector<double> ratios) {
  std::sort(ratios.begin(), ratios.end());
  if (ratios.size() == 1) return absl::StrFormat("%6.2fx", ratios[0]);
  return absl::StrFormat("%6.2fx median (%.2fx to %.2fx, %d rounds)",
                         Median(ratios), ratios.front(), ratios.back(),
                         ratios.size());
}

}  // namespace

void RatioReporter::ReportRuns(const std::vector<Run>& runs) {
  ConsoleReporter::ReportRuns(runs);
  for (const Run& run : runs) {
    if (run.error_occurred || run.run_type != Run::RT_Iteration) continue;
    // A fixed iteration count may differ between a benchmark's thread
    // counts (a fixed total split among the threads); it is not part of
    // what the runs are paired by.
    auto& counters = results_[Without(run.benchmark_name(), "/iterations:")];
    for (const auto& [name, counter] : run.counters) {
      counters[name] = counter.value;
    }
  }
}

void RatioReporter::Finalize() {
  ConsoleReporter::Finalize();
  // Thread scaling: every multi-threaded run against its one-thread run (of
  // the same round).
  std::map<std::string, std::vector<double>> scaling;
  const char* scaling_counter = nullptr;
  for (const auto& [name, counters] : results_) {
    const size_t at = name.rfind("threads:");
    if (at == std::string::npos || name.substr(at) == "threads:1") continue;
    auto one = results_.find(name.substr(0, at) + "threads:1");
    if (one == results_.end()) continue;
    for (const char* counter : {"items_per_second", "bytes_per_second"}) {
      auto value = counters.find(counter);
      auto base = one->second.find(counter);
      if (value == counters.end() || base == one->second.end() ||
          base->second == 0) {
        continue;
      }
      if (scaling_counter == nullptr) scaling_counter = counter;
      scaling[Without(name, "/round:")].push_back(value->second / base->second);
      break;
    }
  }
  if (!scaling.empty()) {
    GetOutputStream() << "\nThread scaling in this run (" << scaling_counter
                      << " against the same benchmark on 1 thread):\n";
    for (const auto& [name, ratios] : scaling) {
      GetOutputStream() << absl::StrFormat("  %-60s %s\n", name,
                                           Summary(ratios));
    }
  }
  bool header = false;
  for (const RatioSpec& spec : specs_) {
    const std::string prefix = spec.subject + "/";
    // Kept in the order of the runs' names, rounds merged.
    std::map<std::string, std::vector<double>> ratios;
    for (const auto& [name, counters] : results_) {
      if (!absl::StartsWith(name, prefix)) continue;
      const std::string suffix = name.substr(prefix.size());
      auto base = results_.find(spec.baseline + "/" + suffix);
      if (base == results_.end()) continue;
      auto value = counters.find(spec.counter);
      auto base_value = base->second.find(spec.counter);
      if (value == counters.end() || base_value == base->second.end() ||
          base_value->second == 0) {
        continue;
      }
      ratios[Without(name, "/round:")].push_back(value->second /
                                                 base_value->second);
    }
    for (const auto& [name, values] : ratios) {
      if (!header) {
        GetOutputStream() << "\nRatios measured in this run (" << spec.counter
                          << "):\n";
        header = true;
      }
      GetOutputStream() << absl::StrFormat("  %-50s %s  %s\n", name,
                                           Summary(values), spec.baseline);
    }
  }
}

int RunBenchmarks(int argc, char** argv, std::vector<RatioSpec> specs) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  RatioReporter reporter(std::move(specs), isatty(STDOUT_FILENO) == 1);
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}

}  // namespace bench
}  // namespace gogocache
