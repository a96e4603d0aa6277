#!/usr/bin/env bash
# A user's two most common first mistakes must be answered by the library's
# own message, as the compiler's first error: building without C++17, and a
# getter taking `const std::string&` instead of absl::string_view.
set -uo pipefail
cd "${TEST_SRCDIR}/gogocache"
work="${TEST_TMPDIR}"

first_error() {  # first_error STD FILE -> the compiler's first error line
  g++ "-std=$1" -fsyntax-only -I. "$2" 2>&1 | grep -m1 -E 'error'
}

cat >"${work}/old_standard.cc" <<'CC'
#include "cache/cache_group.h"
int main() { return 0; }
CC
error="$(first_error c++14 "${work}/old_standard.cc")"
if [[ "${error}" != *"gogocache needs C++17"* ]]; then
  echo "FAIL: with -std=c++14 the first error is not the library's:"
  echo "  ${error}"
  exit 1
fi

cat >"${work}/wrong_getter.cc" <<'CC'
#include <string>
#include "loader/getter.h"
int main() {
  auto getter = gogocache::MakeGetter(
      [](const std::string& key) { return key + "!"; });
  return getter == nullptr;
}
CC
error="$(first_error c++17 "${work}/wrong_getter.cc")"
if [[ "${error}" != *"MakeGetter: the function must take"* ]]; then
  echo "FAIL: a getter taking const std::string& is not answered first by"
  echo "MakeGetter's own message:"
  echo "  ${error}"
  exit 1
fi

cat >"${work}/good_getter.cc" <<'CC'
#include <string>
#include "loader/getter.h"
int main() {
  auto getter = gogocache::MakeGetter(
      [](absl::string_view key) { return std::string(key) + "!"; });
  return getter == nullptr;
}
CC
if ! g++ -std=c++17 -fsyntax-only -I. "${work}/good_getter.cc"; then
  echo "FAIL: a correct getter does not compile"
  exit 1
fi
echo "PASS"
