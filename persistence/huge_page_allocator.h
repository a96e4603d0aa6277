// Copyright 2026 The gogocache Authors.
//
// HugePageAllocator: a standard allocator that places allocations of 2 MiB
// and more in their own mappings, aligned to 2 MiB and advised for
// transparent huge pages (MADV_HUGEPAGE); smaller ones go to
// std::allocator. Internal to //persistence, for the flat file store's key
// index: a table of millions of keys is probed at random, one TLB miss per
// probe with 4 KiB pages. Measured here (with the index then an
// absl::flat_hash_map): recovering 2.6 million 100-byte records took 1.05
// to 1.22 s instead of 1.48 to 1.85 s, and a 100-byte put 0.72 to 0.75 us
// instead of 0.77 to 0.91. Where the kernel does not honour the
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
