// Copyright 2026 The gogocache Authors.
//
// A hit must not allocate. This binary replaces the global operator new to
// count allocations made by the calling thread, and checks that thousands of
// hits (enough to trigger the shard's access replays) allocate nothing.
// Sanitizers bring their own allocator, so the check is skipped under them.

#include <cstdlib>
#include <memory>
#include <new>
#include <string>

#include "absl/strings/str_cat.h"
#include "cache/cache_group.h"
#include "gtest/gtest.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define GOGOCACHE_COUNTS_ALLOCATIONS 0
#else
#define GOGOCACHE_COUNTS_ALLOCATIONS 1
namespace {
thread_local long allocations = 0;
}  // namespace

void* operator new(size_t size) {
  ++allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
#endif

namespace gogocache {
namespace {

TEST(CacheGroupAllocationTest, HitsDoNotAllocate) {
#if !GOGOCACHE_COUNTS_ALLOCATIONS
  GTEST_SKIP() << "sanitizers replace the allocator";
#else
  CacheGroupOptions options;
  options.num_shards = 4;
  std::unique_ptr<CacheGroup> group = *CacheGroup::Create(options);
  std::vector<std::string> keys;
  for (int i = 0; i < 100; ++i) {
    keys.push_back(absl::StrCat("key-", i));
    ASSERT_TRUE(group->Set(keys.back(), std::string(100, 'v')).ok());
  }
  ASSERT_TRUE(group->Get(keys[0]).ok());

  const long before = allocations;
  size_t bytes = 0;
  for (int round = 0; round < 100; ++round) {
    for (const std::string& key : keys) {
      absl::StatusOr<ByteView> value = group->Get(key);
      bytes += value->size();
    }
  }
  EXPECT_EQ(allocations - before, 0) << "allocations during 10,000 hits";
  EXPECT_EQ(bytes, 100u * 100 * 100);
  // The counter does see allocations: a miss path allocates its entry.
  ASSERT_TRUE(group->Set("new key", "v").ok());
  EXPECT_GT(allocations - before, 0);
#endif
}

}  // namespace
}  // namespace gogocache
