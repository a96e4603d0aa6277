// Copyright 2026 The gogocache Authors.
//
// ByteView: an immutable, reference-counted view of bytes. It is what a
// CacheGroup hands out on a hit: copying a ByteView copies no bytes and
// allocates nothing (it adds one to an atomic count), and the bytes stay valid
// for as long as any ByteView refers to them, even after the cache has evicted
// or replaced the entry they came from.
//
// Thread safety: a ByteView is immutable. Distinct ByteView objects sharing
// the same bytes may be copied, read and destroyed from any threads at once;
// one ByteView object may be read concurrently but not assigned while read.

#ifndef GOGOCACHE_CACHE_BYTE_VIEW_H_
#define GOGOCACHE_CACHE_BYTE_VIEW_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>

#include "absl/strings/string_view.h"
#include "base/cxx17.h"

namespace gogocache {
namespace byte_view_internal {

// The head of every allocation a ByteView can point into: a reference count,
// then whatever the allocation's creator keeps (a cache entry's bookkeeping),
// then bytes. The allocation comes from ::operator new and its creator
// placement-constructs, at its start, a trivially destructible object whose
// first member is the SharedBuffer; the last Unref() frees the allocation
// without running destructors.
struct SharedBuffer {
  std::atomic<uint32_t> refs;

  void Ref() { refs.fetch_add(1, std::memory_order_relaxed); }

  void Unref() {
    if (refs.fetch_sub(1, std::memory_order_acq_rel) == 1) Free();
  }

 private:
  void Free();
};

}  // namespace byte_view_internal

class ByteView {
 public:
  // An empty view.
  ByteView() = default;

  // A view of a fresh copy of `bytes` (one allocation).
  static ByteView CopyOf(absl::string_view bytes);

  // A view of `size` bytes at `data`, which lie inside `buffer`'s allocation.
  // Takes over one reference to `buffer` (the caller has already counted it).
  // For owners of SharedBuffer allocations, such as cache shards.
  static ByteView Adopt(byte_view_internal::SharedBuffer* buffer,
                        const char* data, size_t size) {
    return ByteView(buffer, data, size);
  }

  ByteView(const ByteView& other)
      : buffer_(other.buffer_), data_(other.data_), size_(other.size_) {
    if (buffer_ != nullptr) buffer_->Ref();
  }

  ByteView(ByteView&& other) noexcept
      : buffer_(std::exchange(other.buffer_, nullptr)),
        data_(std::exchange(other.data_, "")),
        size_(std::exchange(other.size_, 0)) {}

  ByteView& operator=(ByteView other) noexcept {
    swap(other);
    return *this;
  }

  ~ByteView() {
    if (buffer_ != nullptr) buffer_->Unref();
  }

  void swap(ByteView& other) noexcept {
    std::swap(buffer_, other.buffer_);
    std::swap(data_, other.data_);
    std::swap(size_, other.size_);
  }

  const char* data() const { return data_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  char operator[](size_t i) const { return data_[i]; }

  // The bytes, valid while this ByteView (or a copy) lives.
  absl::string_view view() const { return absl::string_view(data_, size_); }

  // A copy of the bytes.
  std::string ToString() const { return std::string(data_, size_); }

  friend bool operator==(const ByteView& a, const ByteView& b) {
    return a.view() == b.view();
  }
  friend bool operator!=(const ByteView& a, const ByteView& b) {
    return !(a == b);
  }
  friend bool operator==(const ByteView& a, absl::string_view b) {
    return a.view() == b;
  }
  friend bool operator!=(const ByteView& a, absl::string_view b) {
    return !(a == b);
  }

 private:
  ByteView(byte_view_internal::SharedBuffer* buffer, const char* data,
           size_t size)
      : buffer_(buffer), data_(data), size_(size) {}

  byte_view_internal::SharedBuffer* buffer_ = nullptr;
  const char* data_ = "";
  size_t size_ = 0;
};

inline void swap(ByteView& a, ByteView& b) noexcept { a.swap(b); }

}  // namespace gogocache

#endif  // GOGOCACHE_CACHE_BYTE_VIEW_H_
