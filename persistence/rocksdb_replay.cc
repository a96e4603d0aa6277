// Copyright 2026 The gogocache Authors.
//
// RocksDbStore's reads of everything it holds: Replay() and Verify().

#include <memory>
#include <shared_mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "persistence/rocksdb_internal.h"
#include "persistence/rocksdb_store.h"
#include "persistence/sequence_sort.h"
#include "rocksdb/db.h"

namespace gogocache {

using rocksdb_internal::DecodeStored;
using rocksdb_internal::FromRocksDb;
using rocksdb_internal::replay_run_bytes;
using rocksdb_internal::StoredValue;

absl::Status RocksDbStore::DoReplay(ExpiringVisitor visitor) {
  std::shared_lock<std::shared_mutex> alive(lifetime_mu_);
  if (absl::Status status = Usable(); !status.ok()) return status;
  // Two passes over one snapshot, so that memory holds neither every key nor
  // every value: every key with its sequence number, in key order, into an
  // external sort (sequence_sort.h: runs in a temporary file in the store's
  // directory), then the keys out of it in sequence order, with their values
  // read a chunk at a time. RocksDB is read as the writer, so no write runs
  // inside RocksDB meanwhile (see the header on why); the visitor runs
  // between chunks, outside.
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
  // A replay reads everything once: it does not push what the store's other
  // reads use out of RocksDB's block cache, nor grow it.
  read.fill_cache = false;
  persistence_internal::SequenceSort::Options sort_options;
  sort_options.dir = path_;
  sort_options.run_bytes = replay_run_bytes.load(std::memory_order_relaxed);
  persistence_internal::SequenceSort sort(std::move(sort_options));
  {
    WriterToken writer(writes_);
    snapshot.reset(db_->GetSnapshot());
    read.snapshot = snapshot.get();
    if (absl::Status status = ReadEveryKey(
            read,
            [&](const rocksdb::Slice& key, const StoredValue& stored) {
              return sort.Add(stored.sequence,
                              absl::string_view(key.data(), key.size()));
            });
        !status.ok()) {
      return status;
    }
  }
  // A chunk ends at this many keys or once its keys pass this many bytes;
  // its values are read, as the writer, until they pass this many bytes,
  // then handed to the visitor, and so on to the chunk's end.
  constexpr size_t kChunkKeys = 1024;
  constexpr size_t kChunkBytes = size_t{4} << 20;
  std::vector<std::string> keys(kChunkKeys);
  std::vector<std::string> values(kChunkKeys);
  size_t count = 0;
  size_t key_bytes = 0;
  auto visit_chunk = [&]() -> absl::Status {
    for (size_t first = 0; first < count;) {
      size_t read_count = 0;
      {
        WriterToken writer(writes_);
        for (size_t bytes = 0;
             first + read_count < count && bytes < kChunkBytes; ++read_count) {
          const std::string& key = keys[first + read_count];
          std::string& value = values[read_count];
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
      for (size_t i = 0; i < read_count; ++i) {
        StoredValue stored;
        DecodeStored(values[i], &stored);  // Checked above.
        visitor(keys[first + i], stored.value, stored.expires);
        // A large value or key does not keep its buffer for the next chunk.
        if (values[i].capacity() > kChunkBytes / kChunkKeys) {
          std::string().swap(values[i]);
        }
        if (keys[first + i].capacity() > kChunkBytes / kChunkKeys) {
          std::string().swap(keys[first + i]);
        }
      }
      first += read_count;
    }
    count = 0;
    key_bytes = 0;
    return absl::OkStatus();
  };
  if (absl::Status status =
          sort.Merge([&](uint64_t /*sequence*/, absl::string_view key) {
            keys[count++].assign(key.data(), key.size());
            key_bytes += key.size();
            return count == kChunkKeys || key_bytes >= kChunkBytes
                       ? visit_chunk()
                       : absl::OkStatus();
          });
      !status.ok()) {
    return status;
  }
  return visit_chunk();
}

absl::Status RocksDbStore::ReadEveryKey(
    const rocksdb::ReadOptions& read,
    absl::FunctionRef<absl::Status(const rocksdb::Slice& key,
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
    if (absl::Status status = visit(it->key(), stored); !status.ok()) {
      return status;
    }
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
              return absl::OkStatus();
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
