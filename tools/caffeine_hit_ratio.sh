#!/usr/bin/env bash
# The hit ratio of Caffeine 2.6.2 (Window TinyLFU, Java) on a key trace, the
# reference our eviction policies are compared against. Run on demand, not by
# tests.
#
#   tools/caffeine_hit_ratio.sh [--format=lirs|cache2k] [--runs=N] TRACE SIZE...
#
# e.g. tools/caffeine_hit_ratio.sh tools/testdata/lirs-loop.trace.gz 256 512
#
# Prints one line per size: size=N hit_ratio=MEAN min=MIN max=MAX runs=R
# accesses=A. Caffeine 2.6.2 draws random numbers it takes no seed for, so each
# size is replayed N times (default 10) and the mean is its figure (method: see
# tools/caffeine/CaffeineHitRatio.java). Caffeine comes from Debian's
# libcaffeine-java, installed here when missing (as root or through sudo -n);
# needs a JDK (javac, java).
set -euo pipefail
SRC="$(cd "$(dirname "$0")" && pwd)/caffeine/CaffeineHitRatio.java"
readonly SRC
readonly CAFFEINE_JAR=/usr/share/java/caffeine.jar

if [[ ! -f "${CAFFEINE_JAR}" ]]; then
  as_root=()
  [[ "$(id -u)" == 0 ]] || as_root=(sudo -n)
  echo "caffeine_hit_ratio: installing libcaffeine-java" >&2
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get -q install -y --no-install-recommends libcaffeine-java >&2
fi

work="$(mktemp -d)"
trap 'rm -rf "${work}"' EXIT

javac -nowarn -d "${work}" -cp "${CAFFEINE_JAR}" "${SRC}"
# Debian's Caffeine 2.6.2 logs through java.util.logging: no slf4j at runtime.
java -cp "${work}:${CAFFEINE_JAR}" CaffeineHitRatio "$@"
