#!/usr/bin/env bash
# Runs every gogocache benchmark, optimized, and writes Google Benchmark JSON.
#
#   benchmarks/run_all.sh [OUT_DIR] [-- extra benchmark flags]
#
# OUT_DIR (default bench-results/) receives NAME.json and NAME.txt (the
# console table with the ratios) for each suite. GOGOCACHE_BENCH_QUICK=1 and
# e.g. `-- --benchmark_min_time=0.01` make a smoke run (CI does this).
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-bench-results}"
shift || true
[[ "${1:-}" == "--" ]] && shift
mkdir -p "${out}"
out="$(cd "${out}" && pwd)"

suites=(cache_group_bench miss_path_bench memory_bench persistence_bench)
targets=()
for suite in "${suites[@]}"; do targets+=("//benchmarks:${suite}"); done
./bazelw build --config=bench "${targets[@]}"

status=0
for suite in "${suites[@]}"; do
  echo "=== ${suite}"
  if ! "bazel-bin/benchmarks/${suite}" --benchmark_color=false \
      --benchmark_out="${out}/${suite}.json" --benchmark_out_format=json \
      "$@" 2>&1 | tee "${out}/${suite}.txt"; then
    echo "${suite} failed" >&2
    status=1
  fi
done
echo "results: ${out}"
exit "${status}"
