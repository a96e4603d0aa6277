// Copyright 2026 The gogocache Authors.

#include "benchmarks/bench_main.h"

#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <iostream>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
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
    } else if (absl::StartsWith(arg, "--bench_dir=")) {
      flags.dir = std::string(arg.substr(strlen("--bench_dir=")));
    } else {
      argv[kept++] = argv[i];
    }
  }
  *argc = kept;
  return flags;
}

void RatioReporter::ReportRuns(const std::vector<Run>& runs) {
  ConsoleReporter::ReportRuns(runs);
  for (const Run& run : runs) {
    if (run.error_occurred || run.run_type != Run::RT_Iteration) continue;
    auto& counters = results_[run.benchmark_name()];
    for (const auto& [name, counter] : run.counters) {
      counters[name] = counter.value;
    }
  }
}

void RatioReporter::Finalize() {
  ConsoleReporter::Finalize();
  // Thread scaling: every multi-threaded run against its one-thread run.
  bool scaling_header = false;
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
      if (!scaling_header) {
        GetOutputStream() << "\nThread scaling in this run (" << counter
                          << " against the same benchmark on 1 thread):\n";
        scaling_header = true;
      }
      GetOutputStream() << absl::StrFormat("  %-60s %6.2fx\n", name,
                                           value->second / base->second);
      break;
    }
  }
  bool header = false;
  for (const RatioSpec& spec : specs_) {
    const std::string prefix = spec.subject + "/";
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
      if (!header) {
        GetOutputStream() << "\nRatios measured in this run (" << spec.counter
                          << "):\n";
        header = true;
      }
      GetOutputStream() << absl::StrFormat("  %-50s %6.2fx  %s\n", name,
                                           value->second / base_value->second,
                                           spec.baseline);
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
