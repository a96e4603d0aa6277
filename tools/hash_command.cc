// Copyright 2026 The gogocache Authors.

#include "tools/hash_command.h"

#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "hash/hash_strategy.h"
#include "hash/jump_consistent_hash.h"
#include "hash/shard_selector.h"

namespace gogocache {

absl::Status RunHashCommand(const HashCommandOptions& options,
                            const std::vector<std::string>& keys,
                            std::ostream& out) {
  if (keys.empty()) {
    return absl::InvalidArgumentError(
        "hash: give at least one key, e.g. `gogocache hash alpha beta`");
  }
  if (options.buckets < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "hash: --buckets must be at least 1, got ", options.buckets));
  }
  out << absl::StrFormat("%-24s %-6s %-18s %9s %9s\n", "key", "hash", "value",
                         "shard", "bucket");
  for (const std::string& key : keys) {
    for (const std::string& name : HashStrategy::BuiltinNames()) {
      const HashStrategy strategy = *HashStrategy::FromName(name);
      absl::StatusOr<ShardSelector> selector =
          ShardSelector::Create(options.shards, strategy.bits());
      if (!selector.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat("hash: --shards: ", selector.status().message()));
      }
      const uint64_t hash = strategy.Hash(key);
      const std::string value =
          absl::StrFormat("0x%0*x", strategy.bits() / 4, hash);
      out << absl::StrFormat(
          "%-24s %-6s %-18s %4u/%-4u %4d/%-4d\n", absl::CHexEscape(key),
          strategy.name(), value, selector->Select(hash), options.shards,
          JumpConsistentHash(hash, options.buckets), options.buckets);
    }
  }
  return absl::OkStatus();
}

}  // namespace gogocache
