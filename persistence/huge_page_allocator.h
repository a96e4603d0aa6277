// Copyright 2026 The gogocache Authors.
//
// HugePageAllocator: a standard allocator that places allocations of 2 MiB
// and more in their own mappings, aligned to 2 MiB and advised for
// transparent huge pages (MADV_HUGEPAGE); smaller ones go to
// std::allocator. Internal to //persistence, for the flat file store's key
// index: a table of millions of keys is probed at random, and with 4 KiB
// pages nearly every probe also misses the TLB and walks the page tables.
// 2 MiB pages cover the same table with 512 times fewer TLB entries, so
// recovery and puts, which probe the table once per key, walk the page
// tables far less often. Where the kernel does not honour the
// advice (THP "never") this is the plain allocator with 2 MiB rounding.
//
// Thread safety: stateless; allocate and deallocate may be called from any
// thread. Failure throws std::bad_alloc, as operator new does.

#ifndef GOGOCACHE_PERSISTENCE_HUGE_PAGE_ALLOCATOR_H_
#define GOGOCACHE_PERSISTENCE_HUGE_PAGE_ALLOCATOR_H_

#include <cstddef>
#include <memory>

namespace gogocache {
namespace persistence_internal {

inline constexpr size_t kHugePageSize = size_t{2} << 20;

// `bytes` (a multiple of kHugePageSize) of fresh zeroed memory aligned to
// kHugePageSize, advised for huge pages; throws std::bad_alloc.
void* MapHugePages(size_t bytes);
void UnmapHugePages(void* memory, size_t bytes);

template <typename T>
class HugePageAllocator {
 public:
  using value_type = T;

  HugePageAllocator() = default;
  template <typename U>
  HugePageAllocator(const HugePageAllocator<U>&) {}  // NOLINT: rebinding.

  T* allocate(size_t n) {
    const size_t bytes = n * sizeof(T);
    if (bytes < kHugePageSize) return std::allocator<T>().allocate(n);
    return static_cast<T*>(MapHugePages(Rounded(bytes)));
  }

  void deallocate(T* memory, size_t n) {
    const size_t bytes = n * sizeof(T);
    if (bytes < kHugePageSize) {
      std::allocator<T>().deallocate(memory, n);
    } else {
      UnmapHugePages(memory, Rounded(bytes));
    }
  }

  friend bool operator==(const HugePageAllocator&, const HugePageAllocator&) {
    return true;
  }
  friend bool operator!=(const HugePageAllocator&, const HugePageAllocator&) {
    return false;
  }

 private:
  static size_t Rounded(size_t bytes) {
    return (bytes + kHugePageSize - 1) / kHugePageSize * kHugePageSize;
  }
};

}  // namespace persistence_internal
}  // namespace gogocache

#endif  // GOGOCACHE_PERSISTENCE_HUGE_PAGE_ALLOCATOR_H_
