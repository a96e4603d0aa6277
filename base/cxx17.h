// Copyright 2026 The gogocache Authors.
//
// Stops a build that is not C++17 or later with one clear error, before the
// errors a pre-C++17 compiler would give about the library's own code
// (std::invoke_result_t, inline variables, ...). Every public header includes
// it. Its path sorts before every other gogocache header, and the standard
// and Abseil headers included ahead of it compile as C++14, so its error is
// the first (//base:misuse_test checks that).

#ifndef GOGOCACHE_BASE_CXX17_H_
#define GOGOCACHE_BASE_CXX17_H_

#if __cplusplus < 201703L
#error \
    "gogocache needs C++17 or later: build with -std=c++17 (in .bazelrc: build --cxxopt=-std=c++17 --host_cxxopt=-std=c++17)"
#endif

#endif  // GOGOCACHE_BASE_CXX17_H_
