// Copyright 2026 The gogocache Authors.
//
// `gogocache hash KEY...`: prints, for each key and each built-in hash
// strategy, the key's hash, the shard a CacheGroup with --shards shards would
// put it in, and the peer bucket jump consistent hash picks among --buckets.

#ifndef GOGOCACHE_TOOLS_HASH_COMMAND_H_
#define GOGOCACHE_TOOLS_HASH_COMMAND_H_

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace gogocache {

struct HashCommandOptions {
  uint32_t shards = 16;
  int32_t buckets = 8;
};

// Writes one line per key and strategy to `out`. InvalidArgument if no key is
// given or an option is out of range.
absl::Status RunHashCommand(const HashCommandOptions& options,
                            const std::vector<std::string>& keys,
                            std::ostream& out);

}  // namespace gogocache

#endif  // GOGOCACHE_TOOLS_HASH_COMMAND_H_
