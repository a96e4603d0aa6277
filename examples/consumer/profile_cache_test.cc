// Copyright 2026 The gogocache Authors.
//
// A downstream user's test: a CacheGroup in front of a "database" that counts
// how often it is read, written the way the README shows.

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "cache/cache_group.h"
#include "gtest/gtest.h"

namespace {

std::atomic<int> database_reads{0};

absl::StatusOr<std::string> LoadProfile(absl::string_view user_id) {
  ++database_reads;
  if (user_id == "user:banned") return absl::PermissionDeniedError("banned");
  return "profile of " + std::string(user_id);
}

TEST(ProfileCacheTest, ServesFromMemoryAfterTheFirstLoad) {
  gogocache::CacheGroupOptions options;
  options.name = "profiles";
  options.capacity_bytes = size_t{1} << 20;
  options.getter = gogocache::MakeGetter(&LoadProfile);
  absl::StatusOr<std::unique_ptr<gogocache::CacheGroup>> profiles =
      gogocache::CacheGroup::Create(std::move(options));
  ASSERT_TRUE(profiles.ok()) << profiles.status();

  std::vector<std::thread> readers;
  for (int t = 0; t < 4; ++t) {
    readers.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) {
        absl::StatusOr<gogocache::ByteView> profile =
            (*profiles)->Get("user:" + std::to_string(i % 50));
        ASSERT_TRUE(profile.ok()) << profile.status();
        ASSERT_EQ(profile->view(), "profile of user:" + std::to_string(i % 50));
      }
    });
  }
  for (auto& reader : readers) reader.join();
  EXPECT_EQ(database_reads.load(), 50);

  EXPECT_EQ((*profiles)->Get("user:banned").status().code(),
            absl::StatusCode::kPermissionDenied);
  const gogocache::CacheGroupStats stats = (*profiles)->GetStats();
  EXPECT_EQ(stats.items, 50u);
  EXPECT_EQ(stats.gets, 4001u);
}

}  // namespace
