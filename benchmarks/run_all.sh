#!/usr/bin/env bash
# Runs every gogocache benchmark, optimized, and writes Google Benchmark JSON.
#
#   benchmarks/run_all.sh [--update-doc] [OUT_DIR] [-- extra benchmark flags]
#
# OUT_DIR (default bench-results/) receives NAME.json and NAME.txt (the
# console table with the ratios) for each suite, run.env (the commit, the
# extra flags, GOGOCACHE_BENCH_QUICK) and tables.md, the suites' markdown
# tables made by benchmarks/bench_tables.py. With --update-doc, once every
# suite has run, the same tables replace the generated blocks of
# docs/benchmarks.md (refused for a quick or filtered run).
# GOGOCACHE_BENCH_QUICK=1 and e.g. `-- --benchmark_min_time=0.01` make a
# smoke run (CI does this).
set -euo pipefail
cd "$(dirname "$0")/.."
update_doc=0
if [[ "${1:-}" == "--update-doc" ]]; then
  update_doc=1
  shift
fi
out="${1:-bench-results}"
shift || true
[[ "${1:-}" == "--" ]] && shift
mkdir -p "${out}"
out="$(cd "${out}" && pwd)"

suites=(cache_group_bench miss_path_bench memory_bench persistence_bench)
targets=()
for suite in "${suites[@]}"; do targets+=("//benchmarks:${suite}"); done
./bazelw build --config=bench "${targets[@]}"

commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [[ "${commit}" != unknown ]] && ! git diff --quiet HEAD 2>/dev/null; then
  commit="${commit} with uncommitted changes"
fi
{
  echo "commit=${commit}"
  echo "quick=${GOGOCACHE_BENCH_QUICK:-0}"
  echo "flags=$*"
} >"${out}/run.env"

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

# The tables, from whatever ran; a failure here (a result the script cannot
# read, a ratio it computes differently from the suite) fails the run.
if ! /usr/bin/python3 benchmarks/bench_tables.py "${out}" >"${out}/tables.md"; then
  echo "benchmarks/bench_tables.py failed" >&2
  status=1
fi
if ((update_doc)); then
  if ((status == 0)); then
    /usr/bin/python3 benchmarks/bench_tables.py "${out}" \
      --doc docs/benchmarks.md || status=1
  else
    echo "docs/benchmarks.md not updated: the run failed" >&2
  fi
fi
echo "results: ${out}"
exit "${status}"
