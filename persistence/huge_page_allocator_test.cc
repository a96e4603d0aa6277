// Copyright 2026 The gogocache Authors.

#include "persistence/huge_page_allocator.h"

#include <cstdint>
#include <cstring>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "gtest/gtest.h"

namespace gogocache {
namespace persistence_internal {
namespace {

TEST(HugePageAllocatorTest, LargeAllocationsAreAlignedZeroedAndWritable) {
  HugePageAllocator<uint64_t> allocator;
  const size_t n = 3 * kHugePageSize / sizeof(uint64_t) + 5;  // Not a multiple.
  uint64_t* memory = allocator.allocate(n);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(memory) % kHugePageSize, 0u);
  for (size_t i = 0; i < n; ++i) ASSERT_EQ(memory[i], 0u) << i;
  for (size_t i = 0; i < n; ++i) memory[i] = i;
  for (size_t i = 0; i < n; ++i) ASSERT_EQ(memory[i], i);
  allocator.deallocate(memory, n);
}

TEST(HugePageAllocatorTest, SmallAllocationsComeFromTheHeap) {
  HugePageAllocator<char> allocator;
  char* memory = allocator.allocate(100);
  std::memset(memory, 'x', 100);
  EXPECT_EQ(memory[99], 'x');
  allocator.deallocate(memory, 100);
}

// A hash map on it grows through both kinds of allocation.
TEST(HugePageAllocatorTest, HoldsAGrowingHashMap) {
  absl::flat_hash_map<uint64_t, uint64_t, absl::Hash<uint64_t>,
                      std::equal_to<uint64_t>,
                      HugePageAllocator<std::pair<const uint64_t, uint64_t>>>
      map;
  constexpr uint64_t kKeys = 400000;  // Tables past 2 MiB.
  for (uint64_t i = 0; i < kKeys; ++i) map[i * 7919] = i;
  for (uint64_t i = 0; i < kKeys; i += 2) map.erase(i * 7919);
  EXPECT_EQ(map.size(), kKeys / 2);
  for (uint64_t i = 0; i < kKeys; ++i) {
    auto it = map.find(i * 7919);
    if (i % 2 == 0) {
      ASSERT_EQ(it, map.end()) << i;
    } else {
      ASSERT_NE(it, map.end()) << i;
      ASSERT_EQ(it->second, i);
    }
  }
}

}  // namespace
}  // namespace persistence_internal
}  // namespace gogocache
