// Copyright 2026 The gogocache Authors.
//
// The value the demos' source gives for a key: the key repeated to the value
// size, so that every answer can be checked against the key alone, in any
// process.

#ifndef GOGOCACHE_TOOLS_DEMO_VALUE_H_
#define GOGOCACHE_TOOLS_DEMO_VALUE_H_

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <string>

#include "absl/strings/string_view.h"

namespace gogocache {

// `key` repeated and cut to `size` bytes; empty for an empty key.
inline std::string DemoValue(absl::string_view key, size_t size) {
  std::string value;
  if (key.empty()) return value;
  value.reserve(size);
  while (value.size() < size) value.append(key.data(), key.size());
  value.resize(size);
  return value;
}

// Whether `value` is DemoValue(key, size), compared in place.
inline bool IsDemoValue(absl::string_view key, size_t size,
                        absl::string_view value) {
  if (value.size() != size) return false;
  if (key.empty()) return value.empty();
  for (size_t at = 0; at < size; at += key.size()) {
    const size_t n = std::min(key.size(), size - at);
    if (std::memcmp(value.data() + at, key.data(), n) != 0) return false;
  }
  return true;
}

}  // namespace gogocache

#endif  // GOGOCACHE_TOOLS_DEMO_VALUE_H_
