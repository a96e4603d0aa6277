// Copyright 2026 The gogocache Authors.
//
// ShardEntry: one cached entry, in a single allocation (this header, then
// a policy word, the key bytes and the stored bytes: the value, then, in a
// shard with expiry, its expiry trailer). Internal to //cache: the
// shard owns entries, the eviction order links them, ByteViews of the value
// share the allocation through `buffer`.

#ifndef GOGOCACHE_CACHE_SHARD_ENTRY_H_
#define GOGOCACHE_CACHE_SHARD_ENTRY_H_

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "absl/strings/string_view.h"
#include "cache/byte_view.h"

namespace gogocache {
namespace shard_internal {

struct ShardEntry {
  byte_view_internal::SharedBuffer buffer;
  uint32_t key_size : 24;  // Keys are at most CacheGroup::kMaxKeySize.
  // Which list of the eviction order holds it. Its own byte, not a
  // bit-field beside key_size: drains relink entries (and write this) while
  // readers read key_size.
  uint8_t region;
  uint32_t table_hash;  // The key's hash for the table and the sketch.
  uint32_t value_size;  // Stored bytes: the value and any trailer.
  ShardEntry* prev;     // Links of the eviction order's lists.
  ShardEntry* next;

  // After the header: the policy word, then the key and value bytes.
  const char* key_data() const {
    return reinterpret_cast<const char*>(this + 1) + kPolicyWordSize;
  }
  absl::string_view key() const { return {key_data(), key_size}; }
  const char* value_data() const { return key_data() + key_size; }
  absl::string_view value() const { return {value_data(), value_size}; }

  // A word for the eviction order (LIRS keeps the entry's last use there),
  // right after the header so that it usually shares the links' cache line.
  // Readers never touch it, so the order may change it while they read.
  uint32_t policy_word() const {
    uint32_t word;
    std::memcpy(&word, static_cast<const void*>(this + 1), sizeof(word));
    return word;
  }
  void set_policy_word(uint32_t word) {
    std::memcpy(static_cast<void*>(this + 1), &word, sizeof(word));
  }

  static constexpr size_t kPolicyWordSize = sizeof(uint32_t);
  // Bytes to allocate for an entry with these sizes.
  static constexpr size_t AllocationSize(size_t key_size, size_t value_size) {
    return sizeof(ShardEntry) + kPolicyWordSize + key_size + value_size;
  }
};

static_assert(sizeof(ShardEntry) == 32, "keep the entry header small");
inline constexpr size_t kMaxShardKeySize = (size_t{1} << 24) - 1;

// Bytes charged per entry beyond its key and value (see CacheShard).
inline constexpr size_t kEntryOverhead = 64;

inline size_t ChargeOf(const ShardEntry* entry) {
  return entry->key_size + entry->value_size + kEntryOverhead;
}

}  // namespace shard_internal
}  // namespace gogocache

#endif  // GOGOCACHE_CACHE_SHARD_ENTRY_H_
