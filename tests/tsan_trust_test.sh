#!/usr/bin/env bash
# Can ThreadSanitizer's verdicts be trusted in this build? Runs tsan_probe
# (see tsan_probe.cc). Under --config=tsan: a real race must be reported and a
# std::mutex-guarded counter must be clean; whether absl::Mutex from Debian's
# uninstrumented Abseil is (falsely) reported is printed for the record.
# In other configurations the probe must simply count right.
set -uo pipefail
probe="$1"
mode="$2"

run() {  # run LOCK -> sets out, rc
  out=$("$probe" "$1" 2>&1)
  rc=$?
}
fail() { echo "FAIL: $*"; echo "$out"; exit 1; }

if [[ "$mode" == "tsan" ]]; then
  run none
  [[ $rc -ne 0 && "$out" == *"ThreadSanitizer: data race"* ]] ||
    fail "TSan did not report an unsynchronized counter (exit $rc)"
  run std_mutex
  [[ $rc -eq 0 && "$out" != *"ThreadSanitizer"* ]] ||
    fail "TSan reported a std::mutex-guarded counter (exit $rc)"
  run absl_mutex
  if [[ "$out" == *"ThreadSanitizer: data race"* ]]; then
    echo "note: absl::Mutex from the system Abseil is reported as a race" \
         "(uninstrumented library); project code must not rely on it under TSan"
  else
    echo "note: absl::Mutex from the system Abseil is not reported"
  fi
else
  run std_mutex
  [[ $rc -eq 0 && "$out" == *"counter = 200000"* ]] ||
    fail "std::mutex-guarded counter is wrong (exit $rc)"
fi
echo "PASS ($mode)"
