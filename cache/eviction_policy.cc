// Copyright 2026 The gogocache Authors.

#include "cache/eviction_policy.h"

#include "absl/strings/str_cat.h"

namespace gogocache {

absl::StatusOr<EvictionPolicy> ParseEvictionPolicy(absl::string_view name) {
  if (name == "lru") return EvictionPolicy::kLru;
  if (name == "tinylfu") return EvictionPolicy::kTinyLfu;
  if (name == "lirs") return EvictionPolicy::kLirs;
  if (name == "adaptive") return EvictionPolicy::kAdaptive;
  return absl::InvalidArgumentError(
      absl::StrCat("unknown eviction policy \"", name,
                   "\" (known: lru, tinylfu, lirs, adaptive)"));
}

absl::string_view EvictionPolicyName(EvictionPolicy policy) {
  switch (policy) {
    case EvictionPolicy::kLru:
      return "lru";
    case EvictionPolicy::kTinyLfu:
      return "tinylfu";
    case EvictionPolicy::kLirs:
      return "lirs";
    case EvictionPolicy::kAdaptive:
      return "adaptive";
  }
  return "unknown";
}

}  // namespace gogocache
