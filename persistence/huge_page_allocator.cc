// Copyright 2026 The gogocache Authors.

#include "persistence/huge_page_allocator.h"

#include <sys/mman.h>

#include <cstdint>
#include <new>

namespace gogocache {
namespace persistence_internal {

void* MapHugePages(size_t bytes) {
  // Map one huge page more than asked, then give back the unaligned ends.
  const size_t mapped = bytes + kHugePageSize;
  void* memory = mmap(nullptr, mapped, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (memory == MAP_FAILED) throw std::bad_alloc();
  const uintptr_t start = reinterpret_cast<uintptr_t>(memory);
  const uintptr_t aligned =
      (start + kHugePageSize - 1) / kHugePageSize * kHugePageSize;
  if (aligned > start) munmap(memory, aligned - start);
  const uintptr_t end = start + mapped;
  if (end > aligned + bytes) {
    munmap(reinterpret_cast<void*>(aligned + bytes), end - aligned - bytes);
  }
  // Advice only: without huge pages the memory is as good.
  madvise(reinterpret_cast<void*>(aligned), bytes, MADV_HUGEPAGE);
  return reinterpret_cast<void*>(aligned);
}

void UnmapHugePages(void* memory, size_t bytes) { munmap(memory, bytes); }

}  // namespace persistence_internal
}  // namespace gogocache
