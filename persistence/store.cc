// Copyright 2026 The gogocache Authors.

#include "persistence/store.h"

#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace gogocache {

absl::StatusOr<Durability> ParseDurability(absl::string_view text) {
  if (text == "none") return Durability::kNone;
  if (text == "periodic") return Durability::kPeriodic;
  if (text == "always") return Durability::kAlways;
  return absl::InvalidArgumentError(
      absl::StrCat("durability \"", absl::CHexEscape(text),
                   "\" is not none, periodic or always"));
}

absl::Status CheckSyncInterval(absl::Duration interval) {
  if (interval >= kMinSyncInterval && interval <= kMaxSyncInterval) {
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(
      absl::StrCat("sync_interval is ", absl::FormatDuration(interval),
                   ", must be from ", absl::FormatDuration(kMinSyncInterval),
                   " to ", absl::FormatDuration(kMaxSyncInterval)));
}

absl::string_view DurabilityName(Durability durability) {
  switch (durability) {
    case Durability::kNone:
      return "none";
    case Durability::kPeriodic:
      return "periodic";
    case Durability::kAlways:
      return "always";
  }
  return "unknown";
}

std::string FormatStoreSpec(absl::string_view scheme, absl::string_view path) {
  std::string spec = absl::StrCat(scheme, ":");
  spec.reserve(spec.size() + path.size());
  for (const char c : path) {
    if (c == '%') {
      spec += "%25";
    } else if (c == '?') {
      spec += "%3F";
    } else {
      spec += c;
    }
  }
  return spec;
}

}  // namespace gogocache
