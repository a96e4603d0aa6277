// Copyright 2026 The gogocache Authors.

#include "cache/byte_view.h"

#include <cstring>
#include <new>

namespace gogocache {
namespace byte_view_internal {

void SharedBuffer::Free() { ::operator delete(static_cast<void*>(this)); }

}  // namespace byte_view_internal

ByteView ByteView::CopyOf(absl::string_view bytes) {
  if (bytes.empty()) return ByteView();
  using byte_view_internal::SharedBuffer;
  void* memory = ::operator new(sizeof(SharedBuffer) + bytes.size());
  SharedBuffer* buffer = new (memory) SharedBuffer{{1}};
  char* data = reinterpret_cast<char*>(buffer + 1);
  std::memcpy(data, bytes.data(), bytes.size());
  return ByteView(buffer, data, bytes.size());
}

}  // namespace gogocache
