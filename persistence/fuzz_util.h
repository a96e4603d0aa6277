// Copyright 2026 The gogocache Authors.
//
// What the flat file's fuzz targets share: how they report a broken promise
// and where they put the files they open as stores.

#ifndef GOGOCACHE_PERSISTENCE_FUZZ_UTIL_H_
#define GOGOCACHE_PERSISTENCE_FUZZ_UTIL_H_

#include <stdlib.h>

#include <cstdio>
#include <string>

namespace gogocache {
namespace fuzz_util {

// Aborts, naming the fuzz target and the promise, unless `condition` holds:
// libFuzzer then keeps the input that broke it.
inline void CheckPromise(bool condition, const char* target, const char* what) {
  if (!condition) {
    fprintf(stderr, "%s: broken promise: %s\n", target, what);
    abort();
  }
}

// A directory made once per process under $TEST_TMPDIR, $TMPDIR or /tmp;
// libFuzzer calls its target with no context to keep one in.
inline const std::string& ScratchDir(const char* target) {
  static const std::string* dir = [target] {
    const char* base = getenv("TEST_TMPDIR");
    if (base == nullptr) base = getenv("TMPDIR");
    std::string* path =
        new std::string(std::string(base != nullptr ? base : "/tmp") + "/" +
                        target + ".XXXXXX");
    CheckPromise(mkdtemp(path->data()) != nullptr, target, "mkdtemp");
    return path;
  }();
  return *dir;
}

}  // namespace fuzz_util
}  // namespace gogocache

#endif  // GOGOCACHE_PERSISTENCE_FUZZ_UTIL_H_
