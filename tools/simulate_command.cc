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

// Per policy: the table's column (with its width) and the plot's line.
struct SimulatedPolicy {
  EvictionPolicy policy;
  const char* column;
  int width;
  const char* title;
};

constexpr SimulatedPolicy kPolicies[kSimulatedPolicies] = {
    {EvictionPolicy::kAdaptive, "gogocache-adaptive", 18,
     "gogocache, adaptive (default)"},
    {EvictionPolicy::kLirs, "gogocache-lirs", 15, "gogocache, LIRS"},
    {EvictionPolicy::kTinyLfu, "gogocache-tinylfu", 18,
     "gogocache, Window TinyLFU"},
    {EvictionPolicy::kLru, "gogocache-lru", 14, "gogocache, LRU policy"},
};

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
    out << "# size lru opt";
    for (const SimulatedPolicy& p : kPolicies) out << " " << p.column;
    out << "\n";
    for (const SimulateRow& row : rows) {
      out << absl::StrFormat("%d %.6f %.6f", row.size, row.lru, row.opt);
      for (double ratio : row.shard) out << absl::StrFormat(" %.6f", ratio);
      out << "\n";
    }
    if (!out) return absl::InternalError(absl::StrCat("cannot write ", data));
  }
  const std::string quoted_data = absl::StrReplaceAll(data, {{"'", ""}});
  std::string plot = absl::StrFormat(
      "plot '%s' using 1:3 with linespoints title 'OPT (Belady)' dt 2, "
      "'' using 1:2 with linespoints title 'LRU (exact)'",
      quoted_data);
  // Back to front, so the default is drawn last, on top.
  for (int i = kSimulatedPolicies - 1; i >= 0; --i) {
    absl::StrAppendFormat(&plot,
                          ", '' using 1:%d with linespoints%s title '%s'",
                          4 + i, i == 0 ? " lw 2" : "", kPolicies[i].title);
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
      "%s\n",
      absl::StrReplaceAll(png, {{"'", ""}}),
      absl::StrReplaceAll(title, {{"'", ""}}), plot);
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
  out << absl::StrFormat("%8s", "size");
  for (const SimulatedPolicy& p : kPolicies) {
    out << absl::StrFormat(" %*s", p.width, p.column);
  }
  out << absl::StrFormat(" %10s %10s\n", "LRU", "OPT");
  std::vector<SimulateRow> rows;
  const double accesses = static_cast<double>(keys->size());
  for (size_t size : sizes) {
    SimulateRow row;
    row.size = size;
    out << absl::StrFormat("%8d", size);
    for (int i = 0; i < kSimulatedPolicies; ++i) {
      row.shard[i] = ShardHits(*keys, size, kPolicies[i].policy) / accesses;
      out << absl::StrFormat(" %*.4f", kPolicies[i].width, row.shard[i]);
    }
    row.lru = ExactLruHits(*keys, size) / accesses;
    row.opt = OptimalHits(*keys, size) / accesses;
    out << absl::StrFormat(" %10.4f %10.4f\n", row.lru, row.opt);
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
