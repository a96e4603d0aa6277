// Copyright 2026 The gogocache Authors.
//
// HashStrategy: how a CacheGroup turns a key into a number. The number picks
// the key's shard in this process (ShardSelector) and is reused by the shard's
// table and for the key's lock (StoreMirror). It does not pick the peer that
// owns the key: OwnerPicker (peer/owner_picker.h) hashes keys with XXH3
// whatever the group's strategy. Every strategy is a pure function of the
// key's bytes: the same on every machine, in every process and in every
// release.
//
// Built in:
//   crc32  CRC-32 with the IEEE 802.3 polynomial, computed by zlib. 32 bits.
//          Bit-for-bit Go's crc32.ChecksumIEEE, which Go groupcache's
//          consistent-hash ring (package consistenthash) uses by default to
//          pick a key's peer; groupcache's local cache has no shards. Here the
//          value picks a shard, never a peer, so choosing crc32 does not place
//          keys where groupcache would.
//   xxh3   XXH3 64-bit with seed 0, computed by libxxhash. Faster on keys of
//          any length and 64 bits wide; the default for new deployments.
//
// A strategy fills the low `bits()` bits of its result uniformly.
// ShardSelector takes the width into account; JumpConsistentHash takes any
// 64-bit value.
//
// Thread safety: HashStrategy is an immutable value; copies may be used from
// any number of threads at once.

#ifndef GOGOCACHE_HASH_HASH_STRATEGY_H_
#define GOGOCACHE_HASH_HASH_STRATEGY_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace gogocache {

class HashStrategy {
 public:
  // A stateless hash function. It must not throw and must be deterministic.
  using Function = uint64_t (*)(absl::string_view key);

  // zlib's crc32() over the key, 32 bits: Go's crc32.ChecksumIEEE.
  static HashStrategy Crc32Ieee();

  // XXH3_64bits() over the key, 64 bits.
  static HashStrategy Xxh3();

  // The built-in strategy named `name` ("crc32" or "xxh3"); InvalidArgument
  // naming the unknown name and the known ones otherwise.
  static absl::StatusOr<HashStrategy> FromName(absl::string_view name);

  // Names accepted by FromName(), in a stable order.
  static std::vector<std::string> BuiltinNames();

  // A user-supplied function that fills the low `bits` bits of its result.
  // InvalidArgument if `function` is null, `name` is empty, or `bits` is not in
  // [1, 64].
  static absl::StatusOr<HashStrategy> Custom(absl::string_view name,
                                             Function function, int bits);

  // Hashes `key`. The result is below 2^bits().
  uint64_t Hash(absl::string_view key) const { return function_(key); }

  // Number of low-order bits of Hash() that carry information (1 to 64).
  int bits() const { return bits_; }

  // The strategy's name, e.g. "xxh3".
  const std::string& name() const { return name_; }

 private:
  HashStrategy(std::string name, Function function, int bits)
      : name_(std::move(name)), function_(function), bits_(bits) {}

  std::string name_;
  Function function_;
  int bits_;
};

}  // namespace gogocache

#endif  // GOGOCACHE_HASH_HASH_STRATEGY_H_
