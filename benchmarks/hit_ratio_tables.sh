#!/usr/bin/env bash
# Hit-ratio tables of gogocache's eviction policies against exact LRU, OPT
# (Belady) and Caffeine 2.6.2, as markdown, for docs/eviction.md. Run on
# demand from the repository's root, not by tests (several minutes with
# Caffeine).
#
#   [SCALE=S] benchmarks/hit_ratio_tables.sh [TRACE=SIZES ...]
#
# e.g. benchmarks/hit_ratio_tables.sh traces/lirs-sprite.trace.gz=500,1000
#      SCALE=0.1 benchmarks/hit_ratio_tables.sh
#
# Builds //tools:gogocache with --config=bench, writes every synthetic family
# (`gogocache trace --list`) at its listed sizes, and runs each of those
# traces and each TRACE=SIZES argument (a key trace in the LIRS text format,
# gzip or xz allowed) through `gogocache simulate --sizes=SIZES` and, unless
# NO_CAFFEINE=1, `tools/caffeine_hit_ratio.sh --runs=5` (Caffeine 2.6.2 draws
# unseeded random numbers; its figure is the mean of 5 fresh caches). Prints
# one table per trace, then per group (reference traces, synthetic families)
# the means of the adaptive default and of Caffeine, and the rows where the
# adaptive default is more than 0.01 below the better of LRU and Caffeine
# (where LRU equals OPT within 0.0005, more than 0.01 below LRU).
#
# SCALE (default 1, a fraction in (0, 1]) writes the synthetic families at
# that scale (`gogocache trace --scale`: keys, sizes and length) and scales
# their listed sizes the same way (rounded, at least 1). TRACE=SIZES
# arguments are not scaled.
set -euo pipefail

cd "$(dirname "$0")/.."
readonly RUNS=5
readonly SCALE="${SCALE:-1}"

work="$(mktemp -d)"
trap 'rm -rf "${work}"' EXIT

if ! awk -v s="${SCALE}" 'BEGIN { exit !(s + 0 > 0 && s + 0 <= 1) }'; then
  echo "hit_ratio_tables: SCALE must be in (0, 1], got '${SCALE}'" >&2
  exit 2
fi

./bazelw build --config=bench //tools:gogocache >&2
# A copy, so that a build started while this runs cannot change the binary
# between traces.
readonly GOGOCACHE="${work}/gogocache"
cp bazel-out/k8-opt/bin/tools/gogocache "${GOGOCACHE}"

# One line per trace in ${work}/traces: GROUP NAME FILE SIZES.
: > "${work}/traces"
for arg in "$@"; do
  if [[ "${arg}" != *=* ]]; then
    echo "hit_ratio_tables: expected TRACE=SIZES, got '${arg}'" >&2
    exit 2
  fi
  file="${arg%=*}"
  sizes="${arg##*=}"
  if [[ ! -f "${file}" ]]; then
    echo "hit_ratio_tables: no trace ${file}" >&2
    exit 2
  fi
  name="$(basename "${file}")"
  name="${name%%.*}"
  name="${name#lirs-}"
  echo "reference ${name} ${file} ${sizes}" >> "${work}/traces"
done
"${GOGOCACHE}" trace --list | while read -r family sizes _; do
  # `trace` reports what it wrote on stdout: not part of the tables.
  "${GOGOCACHE}" trace --family="${family}" --scale="${SCALE}" \
    "${work}/${family}.trace.gz" < /dev/null > /dev/null
  # `trace --list` gives the full-scale sizes; scaled as `trace` scales its
  # counts (rounded, at least 1).
  sizes="$(awk -v s="${SCALE}" -v list="${sizes}" 'BEGIN {
    n = split(list, size, ",")
    for (i = 1; i <= n; i++) {
      scaled = int(size[i] * s + 0.5)
      if (scaled < 1) scaled = 1
      printf "%s%d", (i > 1 ? "," : ""), scaled
    }
  }')"
  echo "synthetic ${family} ${work}/${family}.trace.gz ${sizes}" \
    >> "${work}/traces"
done

# Results in ${work}/results/NAME.sim and NAME.caffeine.
mkdir "${work}/results"
while read -r group name file sizes; do
  echo "hit_ratio_tables: ${name} at ${sizes}" >&2
  "${GOGOCACHE}" simulate --sizes="${sizes}" "${file}" \
    < /dev/null > "${work}/results/${name}.sim"
  if [[ "${NO_CAFFEINE:-0}" != 1 ]]; then
    # shellcheck disable=SC2086  # the sizes are separate arguments
    tools/caffeine_hit_ratio.sh --runs="${RUNS}" "${file}" ${sizes//,/ } \
      < /dev/null > "${work}/results/${name}.caffeine"
  fi
done < "${work}/traces"

python3 - "${work}" "${SCALE}" <<'PYTHON'
import os
import re
import sys

work = sys.argv[1]
scale = sys.argv[2]
groups = {"reference": [], "synthetic": []}
for line in open(os.path.join(work, "traces")):
    group, name, _, _ = line.split()
    groups[group].append(name)


def sim_rows(name):
    """size -> (adaptive, lirs, tinylfu, lru, opt) from `simulate`."""
    rows = {}
    for line in open(os.path.join(work, "results", name + ".sim")):
        fields = line.split()
        if len(fields) == 7 and fields[0].isdigit():
            size = int(fields[0])
            adaptive, lirs, tinylfu, _, lru, opt = map(float, fields[1:])
            rows[size] = (adaptive, lirs, tinylfu, lru, opt)
    return rows


def caffeine_rows(name):
    """size -> mean hit ratio from caffeine_hit_ratio.sh, if it ran."""
    path = os.path.join(work, "results", name + ".caffeine")
    rows = {}
    if not os.path.exists(path):
        return rows
    for line in open(path):
        m = re.search(r"size=(\d+) hit_ratio=([0-9.]+)", line)
        if m:
            rows[int(m.group(1))] = float(m.group(2))
    return rows


def fmt(x):
    return "–" if x is None else "%.4f" % x


summary = []
synthetic_title = "Synthetic families"
if float(scale) != 1:
    synthetic_title += " at scale " + scale
for group, title in (("reference", "Reference traces"),
                     ("synthetic", synthetic_title)):
    names = groups[group]
    if not names:
        continue
    adaptive_all, caffeine_all, failing = [], [], []
    for name in names:
        sim = sim_rows(name)
        caf = caffeine_rows(name)
        print("### %s\n" % name)
        print("| size | adaptive (default) | LIRS | TinyLFU | LRU "
              "| Caffeine 2.6.2 | OPT |")
        print("|---:|---:|---:|---:|---:|---:|---:|")
        for size in sorted(sim):
            adaptive, lirs, tinylfu, lru, opt = sim[size]
            c = caf.get(size)
            print("| %d | %s | %s | %s | %s | %s | %s |" % (
                size, fmt(adaptive), fmt(lirs), fmt(tinylfu), fmt(lru),
                fmt(c), fmt(opt)))
            adaptive_all.append(adaptive)
            if c is not None:
                caffeine_all.append(c)
            if abs(lru - opt) <= 0.0005:
                bar, against = lru - 0.01, "LRU = OPT"
            else:
                best = max(lru, c if c is not None else 0.0)
                bar, against = best - 0.01, "max(LRU, Caffeine)"
            if adaptive < bar:
                failing.append("%s/%d: adaptive %.4f < %.4f (%s - 0.01)" % (
                    name, size, adaptive, bar, against))
        print()
    mean_a = sum(adaptive_all) / len(adaptive_all)
    line = "%s (%d rows): adaptive mean %.4f" % (
        title, len(adaptive_all), mean_a)
    if caffeine_all and len(caffeine_all) == len(adaptive_all):
        mean_c = sum(caffeine_all) / len(caffeine_all)
        line += ", Caffeine mean %.4f, difference %+.4f" % (
            mean_c, mean_a - mean_c)
    summary.append(line)
    if failing:
        summary.extend("  below the bar: " + f for f in failing)
    else:
        summary.append("  below the bar: none")

print("## Summary\n")
print("```")
print("\n".join(summary))
print("```")
PYTHON
