// Copyright 2026 The gogocache Authors.

#include "persistence/store.h"

namespace gogocache {

bool ParseDurability(absl::string_view text, Durability* durability) {
  if (text == "none") {
    *durability = Durability::kNone;
  } else if (text == "periodic") {
    *durability = Durability::kPeriodic;
  } else if (text == "always") {
    *durability = Durability::kAlways;
  } else {
    return false;
  }
  return true;
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

}  // namespace gogocache
