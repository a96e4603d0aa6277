// Copyright 2026 The gogocache Authors.

#include "hash/hash_strategy.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "xxhash.h"
#include "zlib.h"

namespace gogocache {
namespace {

uint64_t Crc32IeeeOf(absl::string_view key) {
  // zlib's crc32() takes a uInt length; feed longer keys in pieces so the
  // result stays the CRC of the whole key.
  uLong crc = crc32(0L, Z_NULL, 0);
  const char* data = key.data();
  size_t remaining = key.size();
  constexpr size_t kMaxChunk = 1u << 30;
  while (remaining > 0) {
    const size_t chunk = remaining < kMaxChunk ? remaining : kMaxChunk;
    crc = crc32(crc, reinterpret_cast<const Bytef*>(data),
                static_cast<uInt>(chunk));
    data += chunk;
    remaining -= chunk;
  }
  return static_cast<uint32_t>(crc);
}

uint64_t Xxh3Of(absl::string_view key) {
  return XXH3_64bits(key.data(), key.size());
}

}  // namespace

HashStrategy HashStrategy::Crc32Ieee() {
  return HashStrategy("crc32", &Crc32IeeeOf, 32);
}

HashStrategy HashStrategy::Xxh3() { return HashStrategy("xxh3", &Xxh3Of, 64); }

std::vector<std::string> HashStrategy::BuiltinNames() {
  return {Crc32Ieee().name(), Xxh3().name()};
}

absl::StatusOr<HashStrategy> HashStrategy::FromName(absl::string_view name) {
  for (HashStrategy strategy : {Crc32Ieee(), Xxh3()}) {
    if (strategy.name() == name) return strategy;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown hash strategy \"", name,
      "\"; known strategies: ", absl::StrJoin(BuiltinNames(), ", ")));
}

absl::StatusOr<HashStrategy> HashStrategy::Custom(absl::string_view name,
                                                  Function function, int bits) {
  if (function == nullptr) {
    return absl::InvalidArgumentError("custom hash strategy: function is null");
  }
  if (name.empty()) {
    return absl::InvalidArgumentError("custom hash strategy: name is empty");
  }
  if (bits < 1 || bits > 64) {
    return absl::InvalidArgumentError(absl::StrCat("custom hash strategy \"",
                                                   name, "\": bits is ", bits,
                                                   ", must be in [1, 64]"));
  }
  return HashStrategy(std::string(name), function, bits);
}

}  // namespace gogocache
