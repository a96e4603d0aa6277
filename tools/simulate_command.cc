// Copyright 2026 The gogocache Authors.

#include "tools/simulate_command.h"

#include <cstdio>
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "tools/hit_ratio.h"

namespace gogocache {
namespace {

std::string BaseName(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// Writes the rows as a data file and has gnuplot draw them.
absl::Status Plot(const std::string& title,
                  const std::vector<SimulateRow>& rows,
                  const std::string& png) {
  const std::string data = png + ".dat";
  {
    std::ofstream out(data);
    out << "# size gogocache-lru lru opt gogocache-tinylfu gogocache-lirs "
           "gogocache-adaptive\n";
    for (const SimulateRow& row : rows) {
      out << absl::StrFormat("%d %.6f %.6f %.6f %.6f %.6f %.6f\n", row.size,
                             row.shard, row.lru, row.opt, row.tinylfu, row.lirs,
                             row.adaptive);
    }
    if (!out) return absl::InternalError(absl::StrCat("cannot write ", data));
  }
  const std::string script = absl::StrFormat(
      "set terminal pngcairo size 900,600\n"
      "set output '%s'\n"
      "set title '%s: hit ratio by cache size'\n"
      "set xlabel 'cache size (entries)'\n"
      "set ylabel 'hit ratio'\n"
      "set yrange [0:1]\n"
      "set key bottom right\n"
      "set grid\n"
      "plot '%s' using 1:4 with linespoints title 'OPT (Belady)' dt 2, "
      "'' using 1:3 with linespoints title 'LRU (exact)', "
      "'' using 1:2 with linespoints title 'gogocache, LRU policy', "
      "'' using 1:5 with linespoints title 'gogocache, Window TinyLFU', "
      "'' using 1:6 with linespoints title 'gogocache, LIRS', "
      "'' using 1:7 with linespoints lw 2 title 'gogocache, adaptive "
      "(default)'\n",
      absl::StrReplaceAll(png, {{"'", ""}}),
      absl::StrReplaceAll(title, {{"'", ""}}),
      absl::StrReplaceAll(data, {{"'", ""}}));
  FILE* gnuplot = popen("gnuplot", "w");
  if (gnuplot == nullptr) {
    return absl::FailedPreconditionError(
        "cannot run gnuplot (Debian package gnuplot-nox; ./bazelw installs "
        "it)");
  }
  fputs(script.c_str(), gnuplot);
  const int rc = pclose(gnuplot);
  if (rc != 0) {
    return absl::InternalError(
        absl::StrCat("gnuplot failed (status ", rc, ") drawing ", png));
  }
  std::remove(data.c_str());
  return absl::OkStatus();
}

}  // namespace

absl::Status RunSimulate(const std::string& trace_path,
                         const SimulateOptions& options, std::ostream& out,
                         std::vector<SimulateRow>* rows_out) {
  absl::StatusOr<std::vector<uint64_t>> keys =
      ReadTrace(trace_path, options.format);
  if (!keys.ok()) return keys.status();
  if (keys->empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("trace ", trace_path, " holds no keys"));
  }
  const size_t distinct = DistinctKeys(*keys);
  std::vector<size_t> sizes = options.sizes;
  if (sizes.empty() && options.sweep) {
    const int points = options.sweep_points < 2 ? 2 : options.sweep_points;
    for (int i = 1; i <= points; ++i) {
      const size_t size = distinct * i / points;
      if (size > 0 && (sizes.empty() || sizes.back() != size)) {
        sizes.push_back(size);
      }
    }
  } else if (sizes.empty()) {
    sizes = {500, 1000};
  }
  for (size_t size : sizes) {
    if (size == 0) return absl::InvalidArgumentError("cache size 0");
  }

  out << absl::StrFormat("trace %s: %d accesses, %d distinct keys\n",
                         BaseName(trace_path), keys->size(), distinct);
  out << absl::StrFormat("%8s %18s %15s %18s %14s %10s %10s\n", "size",
                         "gogocache-adaptive", "gogocache-lirs",
                         "gogocache-tinylfu", "gogocache-lru", "LRU", "OPT");
  std::vector<SimulateRow> rows;
  const double accesses = static_cast<double>(keys->size());
  for (size_t size : sizes) {
    SimulateRow row;
    row.size = size;
    row.adaptive = ShardHits(*keys, size, EvictionPolicy::kAdaptive) / accesses;
    row.lirs = ShardHits(*keys, size, EvictionPolicy::kLirs) / accesses;
    row.tinylfu = ShardHits(*keys, size, EvictionPolicy::kTinyLfu) / accesses;
    row.shard = ShardHits(*keys, size, EvictionPolicy::kLru) / accesses;
    row.lru = ExactLruHits(*keys, size) / accesses;
    row.opt = OptimalHits(*keys, size) / accesses;
    out << absl::StrFormat("%8d %18.4f %15.4f %18.4f %14.4f %10.4f %10.4f\n",
                           size, row.adaptive, row.lirs, row.tinylfu, row.shard,
                           row.lru, row.opt);
    rows.push_back(row);
  }
  if (options.sweep) {
    const std::string png =
        options.plot.empty() ? BaseName(trace_path) + ".png" : options.plot;
    if (absl::Status status = Plot(BaseName(trace_path), rows, png);
        !status.ok()) {
      return status;
    }
    out << "plot: " << png << "\n";
  }
  if (rows_out != nullptr) *rows_out = std::move(rows);
  return absl::OkStatus();
}

}  // namespace gogocache
