// Copyright 2026 The gogocache Authors.
//
// RocksDbStore's reads of everything it holds: Replay() and Verify().

#include <algorithm>
#include <memory>
#include <shared_mutex>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "persistence/rocksdb_internal.h"
#include "persistence/rocksdb_store.h"
#include "rocksdb/db.h"

namespace gogocache {

using rocksdb_internal::DecodeStored;
using rocksdb_internal::FromRocksDb;
using rocksdb_internal::StoredValue;

absl::Status RocksDbStore::DoReplay(ExpiringVisitor visitor) {
  std::shared_lock<std::shared_mutex> alive(lifetime_mu_);
  if (absl::Status status = Usable(); !status.ok()) return status;
  // Two passes over one snapshot, so that memory holds every key but only a
  // chunk of values: the keys with their sequence numbers in key order, then
  // the values in sequence order. RocksDB is read as the writer, so no write
  // runs inside RocksDB meanwhile (see the header on why); the visitor runs
  // between chunks, outside.
  struct Position {
    uint64_t sequence;
    std::string key;
  };
  std::vector<Position> positions;
  // Released as the writer too, on every return.
  struct ReleaseSnapshot {
    RocksDbStore* store;
    void operator()(const rocksdb::Snapshot* taken) const {
      WriterToken writer(store->writes_);
      store->db_->ReleaseSnapshot(taken);
    }
  };
  std::unique_ptr<const rocksdb::Snapshot, ReleaseSnapshot> snapshot(
      nullptr, ReleaseSnapshot{this});
  rocksdb::ReadOptions read;
  {
    WriterToken writer(writes_);
    snapshot.reset(db_->GetSnapshot());
    read.snapshot = snapshot.get();
    if (absl::Status status = ReadEveryKey(
            read,
            [&](const rocksdb::Slice& key, const StoredValue& stored) {
              positions.push_back({stored.sequence, key.ToString()});
            });
        !status.ok()) {
      return status;
    }
  }
  std::sort(positions.begin(), positions.end(),
            [](const Position& a, const Position& b) {
              return a.sequence < b.sequence;
            });
  // A chunk ends at this many values or once its values pass this many
  // bytes, whichever comes first.
  constexpr size_t kChunkValues = 1024;
  constexpr size_t kChunkBytes = size_t{16} << 20;
  std::vector<std::string> values(kChunkValues);
  for (size_t first = 0; first < positions.size();) {
    size_t count = 0;
    {
      WriterToken writer(writes_);
      for (size_t bytes = 0;
           count < kChunkValues && first + count < positions.size() &&
           bytes < kChunkBytes;
           ++count) {
        const std::string& key = positions[first + count].key;
        std::string& value = values[count];
        if (absl::Status status =
                FromRocksDb(db_->Get(read, key, &value), "replay", path_);
            !status.ok()) {
          return status;
        }
        StoredValue stored;
        if (!DecodeStored(value, &stored)) return NotStoredHere(key);
        bytes += value.size();
      }
    }
    for (size_t i = 0; i < count; ++i) {
      StoredValue stored;
      DecodeStored(values[i], &stored);  // Checked above.
      visitor(positions[first + i].key, stored.value, stored.expires);
      // A large value does not keep its buffer for the next chunk.
      if (values[i].capacity() > kChunkBytes / kChunkValues) {
        std::string().swap(values[i]);
      }
    }
    first += count;
  }
  return absl::OkStatus();
}

absl::Status RocksDbStore::ReadEveryKey(
    const rocksdb::ReadOptions& read,
    absl::FunctionRef<void(const rocksdb::Slice& key,
                           const StoredValue& stored)>
        visit) {
  uint64_t keys = 0;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    StoredValue stored;
    if (!DecodeStored(absl::string_view(it->value().data(), it->value().size()),
                      &stored)) {
      return NotStoredHere(
          absl::string_view(it->key().data(), it->key().size()));
    }
    visit(it->key(), stored);
    ++keys;
  }
  if (absl::Status status = FromRocksDb(it->status(), "read", path_);
      !status.ok()) {
    return status;
  }
  // Every key was read, as the writer: the count is exact until the next
  // write.
  entries_.store(keys, std::memory_order_relaxed);
  entries_counted_.store(true, std::memory_order_release);
  return absl::OkStatus();
}

absl::Status RocksDbStore::NotStoredHere(absl::string_view key) const {
  return absl::DataLossError(absl::StrCat(
      "rocksdb store ", path_, ": value of key \"", absl::CEscape(key),
      "\" is not stored as gogocache stores values (too short, or an unknown "
      "encoding); is this another program's database, or a newer "
      "gogocache's?"));
}

absl::StatusOr<StoreCheck> RocksDbStore::Verify() {
  std::shared_lock<std::shared_mutex> alive(lifetime_mu_);
  if (absl::Status status = Usable(); !status.ok()) return status;
  if (absl::Status status = FromRocksDb(db_->VerifyChecksum(), "verify", path_);
      !status.ok()) {
    return status;
  }
  StoreCheck check;
  uint64_t live_bytes = 0;
  {
    WriterToken writer(writes_);
    if (absl::Status status = ReadEveryKey(
            rocksdb::ReadOptions(),
            [&](const rocksdb::Slice& key, const StoredValue& stored) {
              ++check.entries;
              live_bytes += key.size() + stored.value.size();
            });
        !status.ok()) {
      return status;
    }
  }
  check.details = {
      {"live bytes", absl::StrCat(live_bytes, "  (keys and values)")},
      {"garbage bytes",
       absl::StrCat(EstimateFileBytes().garbage, "  (RocksDB's estimate)")},
  };
  return check;
}

}  // namespace gogocache
