#!/usr/bin/env bash
# Runs the README's example (quick_start.cc) and checks what it prints:
# memory only, then twice on one store, the second run starting warm.
set -euo pipefail
quick_start="$1"

expect() {  # expect WANT ARGS...: the last line of quick_start ARGS is WANT.
  local want="$1" got
  shift
  got="$("${quick_start}" "$@" | tail -n 1)"
  if [[ "${got}" != "${want}" ]]; then
    echo "quick_start $*: got \"${got}\", want \"${want}\""
    exit 1
  fi
}

expect "3 gets, 1 hits, 2 loads, 0 restored from the store"
store="file:${TEST_TMPDIR}/profiles.log"
expect "3 gets, 1 hits, 2 loads, 0 restored from the store" --cache_store="${store}"
expect "3 gets, 3 hits, 0 loads, 2 restored from the store" --cache_store="${store}"
out="$("${quick_start}")"
[[ "${out}" == *$'\nuser:7: profile of user:7\n'* ]] || {
  echo "quick_start printed: ${out}"
  exit 1
}
echo PASS
