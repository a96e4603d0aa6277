// Copyright 2026 The gogocache Authors.
//
// KeyIndex: the flat file store's index from each live key to the location
// of its latest record in the log. Internal to //persistence.
//
// Kept by a hash of the key (48 bits of XXH3's 64), not by the key: the keys
// are in the log already, so the index holds none, allocates nothing per key
// and costs a 16-byte slot (18 to 37 bytes per key at the table's load) where
// a map keyed by std::string cost 48 plus a heap copy of every key longer
// than 15 bytes, and rehashing as it grows moves plain words. Two keys may
// share a hash: a hash match is confirmed by reading the key of the record it
// points to (through the caller's KeyReader), and a key whose hash another
// live key holds already is kept by name in a side map, so collisions cost
// space and time, never correctness.
//
// Thread safety: none; the store calls it under its mutex.

#ifndef GOGOCACHE_PERSISTENCE_KEY_INDEX_H_
#define GOGOCACHE_PERSISTENCE_KEY_INDEX_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/attributes.h"
#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "persistence/huge_page_allocator.h"

namespace gogocache {
namespace persistence_internal {

struct RecordLocation {
  uint64_t offset;  // Of the record's first byte in the log.
  uint64_t size;    // The whole record's.
};

// KeyIndex's table from a key's hash to a location: one entry per hash, as
// far as the table keeps it (its low 48 bits; KeyIndex confirms every match
// by the key anyway). Hand-written rather than absl::flat_hash_map: a batch
// of inserts fetches each key's slot a dozen keys ahead, and in optimized
// GCC 12 builds absl's prefetch() compiles to a bare return (see Prefetch()
// below for why); and a slot packs 48 bits of hash, a 48-bit offset and a
// 32-bit size into 16 bytes, where a hash and a RecordLocation take 24: with
// 100-byte records a fifth of a put was the table's growth (zeroing and
// filling a table twice the size) and another quarter the probe's cache
// miss, both in proportion to the slot. Linear probing from the slot the
// hash's top bits name (see Home()), power-of-two capacity doubled at 7/8
// full, deletion by backward shift (no tombstones), slots on huge pages.
// Hash 0 marks an empty slot, so a kept hash of 0 is kept as 1: one more
// collision, handled as any.
class LocationTable {
  struct Slot;

 public:
  // Offsets and sizes a slot holds; the store keeps its log within them.
  static constexpr uint64_t kMaxOffset = (uint64_t{1} << 48) - 1;
  static constexpr uint64_t kMaxSize = UINT32_MAX;

  // A present entry's location, read and written through its slot; valid
  // until the next change to the table.
  class Entry {
   public:
    RecordLocation get() const;
    void set(RecordLocation location);

   private:
    friend class LocationTable;
    explicit Entry(Slot* slot) : slot_(slot) {}
    Slot* slot_;
  };

  LocationTable() = default;
  LocationTable(const LocationTable&) = delete;
  LocationTable& operator=(const LocationTable&) = delete;

  // The location under `hash`, if any.
  std::optional<RecordLocation> Find(uint64_t hash) const;
  // The entry under `hash`, holding `location` if there was none (then
  // `second` is true).
  std::pair<Entry, bool> TryEmplace(uint64_t hash, RecordLocation location);
  // Removes the entry under `hash`, which must be present.
  void Erase(uint64_t hash);
  // Starts fetching the slot where `hash` would be, for an insert soon.
  // Always inlined: GCC counts __builtin_prefetch as free of side effects,
  // so it finds a function that does nothing else pure and deletes calls to
  // it as dead code (this one, once not inlined early, and absl's
  // raw_hash_set::prefetch(), as their object code shows), while the
  // builtin inlined into its caller stays.
  ABSL_ATTRIBUTE_ALWAYS_INLINE void Prefetch(uint64_t hash) const {
    if (!slots_.empty()) __builtin_prefetch(&slots_[Home(Kept(hash))], 1);
  }

  size_t size() const { return size_; }
  size_t capacity() const { return slots_.size(); }

  // Calls `visit(RecordLocation&)` for every entry; what it leaves in the
  // location is stored.
  template <typename Visit>
  void ForEach(Visit visit) {
    for (Slot& slot : slots_) {
      if (slot.empty()) continue;
      RecordLocation location = slot.location();
      visit(location);
      slot.set_location(location);
    }
  }

 private:
  // Laid out so that every field is naturally aligned and nothing is
  // padded: 16 bytes.
  struct Slot {
    uint32_t hash_low = 0;     // The kept hash: bits 0-31...
    uint16_t hash_high = 0;    // ...and 32-47.
    uint16_t offset_high = 0;  // The offset: bits 32-47...
    uint32_t offset_low = 0;   // ...and 0-31.
    uint32_t size = 0;

    bool empty() const { return hash_low == 0 && hash_high == 0; }
    uint64_t hash() const { return hash_low | uint64_t{hash_high} << 32; }
    void set_hash(uint64_t kept) {
      hash_low = static_cast<uint32_t>(kept);
      hash_high = static_cast<uint16_t>(kept >> 32);
    }
    RecordLocation location() const {
      return {offset_low | uint64_t{offset_high} << 32, size};
    }
    void set_location(RecordLocation location);
  };
  static_assert(sizeof(Slot) == 16, "a slot is two words");

  static constexpr uint64_t kHashMask = (uint64_t{1} << 48) - 1;
  static uint64_t Kept(uint64_t hash) {
    const uint64_t kept = hash & kHashMask;
    return kept == 0 ? 1 : kept;
  }
  // Where the probe for `kept` starts: its top bits, so that the table is
  // ordered by hash apart from runs that wrap around its end, and Grow()
  // reading it in order writes the new table in order too (by the low
  // bits, it scattered every entry: half of all cache misses of a 100-byte
  // put were there).
  size_t Home(uint64_t kept) const { return kept >> shift_; }
  // The slot holding `kept`, or capacity() if none.
  size_t IndexOf(uint64_t kept) const;
  void Grow();

  std::vector<Slot, HugePageAllocator<Slot>> slots_;
  size_t mask_ = 0;
  int shift_ = 48;  // 48 - log2(capacity()): Home() is below capacity().
  size_t size_ = 0;
};

class KeyIndex {
 public:
  using Location = RecordLocation;
  // The key of the record at `offset`, which is a location this index holds
  // (or an empty view if that record cannot be read).
  using KeyReader = absl::FunctionRef<absl::string_view(uint64_t offset)>;
  using Hasher = uint64_t (*)(absl::string_view key);

  // XXH3's 64-bit hash.
  static uint64_t DefaultHash(absl::string_view key);

  // `hasher` is for tests, which need colliding hashes.
  explicit KeyIndex(Hasher hasher = &DefaultHash) : hasher_(hasher) {}

  // Where `key`'s record is, if it is present.
  std::optional<Location> Find(absl::string_view key, KeyReader key_of) const;

  // Points `key` at `location` and returns where it pointed before, if it
  // was present.
  std::optional<Location> Set(absl::string_view key, Location location,
                              KeyReader key_of);

  // The hash the index keeps `key` by.
  uint64_t Hash(absl::string_view key) const { return hasher_(key); }

  // A location, with the Hash() of the key in the record there.
  struct HashedLocation {
    Location location;
    uint64_t hash;
  };

  // Set() for each location in order, the key being the one in the record
  // there; calls `replaced(previous)` for each key that was present. Faster
  // than Set() one by one between other work: back to back, the cache misses
  // of consecutive inserts overlap; and with the hashes given, a key is read
  // from its record only when it replaces a key or shares another's hash.
  void SetAll(absl::Span<const HashedLocation> locations, KeyReader key_of,
              absl::FunctionRef<void(const Location& previous)> replaced);

  // Removes `key` and returns where it pointed, if it was present.
  std::optional<Location> Erase(absl::string_view key, KeyReader key_of);

  size_t size() const { return by_hash_.size() + by_key_.size(); }

  // Calls `visit(Location&)` for every key, in no particular order; `visit`
  // may change the location's offset (a compaction moving records).
  template <typename Visit>
  void ForEach(Visit visit) {
    by_hash_.ForEach(visit);
    for (auto& [key, location] : by_key_) visit(location);
  }

 private:
  // Set() of the key that `key()` returns, by its `hash`; `key` is called
  // only when needed.
  std::optional<Location> SetHashed(absl::FunctionRef<absl::string_view()> key,
                                    uint64_t hash, Location location,
                                    KeyReader key_of);

  const Hasher hasher_;
  LocationTable by_hash_;
  // Keys whose hash was held by another live key when they were set.
  absl::flat_hash_map<std::string, Location> by_key_;
};

}  // namespace persistence_internal
}  // namespace gogocache

#endif  // GOGOCACHE_PERSISTENCE_KEY_INDEX_H_
