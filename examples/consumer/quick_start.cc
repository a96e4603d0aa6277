// Copyright 2026 The gogocache Authors.
//
// The README's example: a CacheGroup in front of a slow source, with an
// optional store named by a flag.

#include <iostream>
#include <memory>
#include <string>
#include <utility>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "cache/cache_group.h"
#include "persistence/open.h"

ABSL_FLAG(std::string, cache_store, "", "a store spec; empty: memory only");

absl::Status Run() {
  gogocache::CacheGroupOptions options;
  options.name = "profiles";
  options.capacity_bytes = size_t{64} << 20;  // All shards together.
  // Called on a miss, once per key however many threads miss it at once.
  options.getter = gogocache::MakeGetter(
      [](absl::string_view user_id) -> absl::StatusOr<std::string> {
        if (user_id == "user:0") return absl::NotFoundError("no such user");
        return "profile of " + std::string(user_id);  // Your slow source.
      });
  if (const std::string spec = absl::GetFlag(FLAGS_cache_store);
      !spec.empty()) {
    absl::StatusOr<std::unique_ptr<gogocache::Store>> store =
        gogocache::OpenStore(spec);
    if (!store.ok()) return store.status();
    options.store = *std::move(store);
  }
  absl::StatusOr<std::unique_ptr<gogocache::CacheGroup>> profiles =
      gogocache::CacheGroup::Create(std::move(options));
  if (!profiles.ok()) return profiles.status();

  for (const char* user_id : {"user:42", "user:42", "user:7"}) {
    absl::StatusOr<gogocache::ByteView> profile = (*profiles)->Get(user_id);
    if (!profile.ok()) return profile.status();  // The getter's error.
    std::cout << user_id << ": " << profile->view() << "\n";
  }
  const gogocache::CacheGroupStats stats = (*profiles)->GetStats();
  std::cout << stats.gets << " gets, " << stats.hits << " hits, "
            << stats.local_loads << " loads, " << stats.store_replayed
            << " restored from the store\n";
  return absl::OkStatus();
}

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const absl::Status status = Run();
  if (!status.ok()) std::cerr << status << "\n";
  return status.ok() ? 0 : 1;
}
