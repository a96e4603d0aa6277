#!/usr/bin/env bash
# Side by side: a gogocache cluster and a Go groupcache cluster, on this
# machine, in the same run, under the same workload: 3 local nodes, 2 client
# threads per node, Zipf 1.01 over 100,000 keys of 16 bytes, 100-byte values,
# a getter that returns at once, 5 s each. Plaintext first, then mutual TLS.
#
#   benchmarks/cluster_bench.sh [OUT_DIR]
#
# Prints each system's report (name=value lines, written alike by
# `gogocache demo --nodes=N --report=kv` and benchmarks/groupcache_cluster)
# and the ratios gogocache / groupcache, and keeps the reports in OUT_DIR
# (default bench-results/). Go groupcache is built from Debian's packages
# (golang-go, golang-github-golang-groupcache-dev), installed here when
# missing, with no module download. CLUSTER_BENCH_SECONDS shortens a smoke run.
set -euo pipefail
cd "$(dirname "$0")/.."
readonly ROOT="$PWD"
out="${1:-bench-results}"
mkdir -p "${out}"
out="$(cd "${out}" && pwd)"
readonly SECONDS_PER_RUN="${CLUSTER_BENCH_SECONDS:-5}"

# Go and groupcache: the benchmark's own dependencies, not the library's.
need=()
[[ -x /usr/bin/go ]] || need+=(golang-go)
[[ -d /usr/share/gocode/src/github.com/golang/groupcache ]] ||
  need+=(golang-github-golang-groupcache-dev)
if ((${#need[@]} > 0)); then
  as_root=()
  [[ "$(id -u)" == 0 ]] || as_root=(sudo -n)
  echo "cluster_bench: installing ${need[*]}" >&2
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get -q install -y --no-install-recommends "${need[@]}" >&2
fi

work="$(mktemp -d)"
trap 'rm -rf "${work}"' EXIT

echo "=== building" >&2
./bazelw build --config=bench //tools:gogocache >&2
GOPATH=/usr/share/gocode GO111MODULE=off GOCACHE="${work}/gocache" \
  go build -o "${work}/groupcache_cluster" ./benchmarks/groupcache_cluster

# One CA and one node certificate for 127.0.0.1, used by every node of both
# systems as server and client certificate.
tls="${work}/tls"
mkdir -p "${tls}"
(
  cd "${tls}"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout ca.key -out ca.pem -days 2 -subj /CN=bench-ca 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout node.key -out node.csr -subj /CN=bench-node 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n' >ext
  openssl x509 -req -in node.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
    -days 2 -extfile ext -out node.pem 2>/dev/null
)

readonly WORKLOAD=(--nodes=3 --threads=2 --keys=100000 --zipf=1.01
  --value_size=100 --duration="${SECONDS_PER_RUN}s")

# The value of NAME in report FILE.
field() { sed -n "s/^$2=//p" "$1"; }

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }

for mode in plain tls; do
  tls_flag=()
  [[ "${mode}" == tls ]] && tls_flag=(--tls_dir="${tls}")
  go_report="${out}/cluster_groupcache_${mode}.txt"
  gogo_report="${out}/cluster_gogocache_${mode}.txt"
  echo "=== ${mode}: Go groupcache" >&2
  "${work}/groupcache_cluster" "${WORKLOAD[@]}" --key_size=16 \
    --cache_bytes=67108864 "${tls_flag[@]}" | tee "${go_report}"
  echo "=== ${mode}: gogocache" >&2
  bazel-bin/tools/gogocache demo "${WORKLOAD[@]}" --key_size=16 \
    --capacity=67108864 --source_latency=0 --report=kv "${tls_flag[@]}" |
    grep -E '^[a-z_0-9]+=' | tee "${gogo_report}"
  echo "=== ${mode}: gogocache / groupcache"
  echo "gets_per_second_ratio=$(ratio "$(field "${gogo_report}" gets_per_second)" \
    "$(field "${go_report}" gets_per_second)")"
  echo "peer_fetch_p50_ratio=$(ratio "$(field "${gogo_report}" peer_fetch_p50_us)" \
    "$(field "${go_report}" peer_fetch_p50_us)")"
  echo "peer_fetch_p99_ratio=$(ratio "$(field "${gogo_report}" peer_fetch_p99_us)" \
    "$(field "${go_report}" peer_fetch_p99_us)")"
  for system in gogocache groupcache; do
    report="${out}/cluster_${system}_${mode}.txt"
    echo "${system}_loads_per_distinct_key=$(ratio "$(field "${report}" loads)" \
      "$(field "${report}" distinct_keys)")"
  done
done
echo "reports: ${out}" >&2
