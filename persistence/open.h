// Copyright 2026 The gogocache Authors.
//
// OpenStore: opens any backend from a spec string, so that which store a
// program uses is configuration, not code.
//
//   file:/var/cache/app.log                  the flat-file log (FlatFileStore)
//   rocksdb:/var/cache/app.db                RocksDB in that directory
//   file:/var/cache/app.log?durability=always&strict=true
//
// Parameters after `?`, `&`-separated, override `options`:
//   durability=none|periodic|always   sync_ms=N (periodic interval)
//   strict=true|false (file)          compact_ratio=R, compact_min_bytes=N
//   (file)
//
// Errors: InvalidArgument naming the spec for an unknown scheme, an empty
// path, or an unknown or malformed parameter; otherwise the backend's own
// errors from opening (see flat_file_store.h and rocksdb_store.h).

#ifndef GOGOCACHE_PERSISTENCE_OPEN_H_
#define GOGOCACHE_PERSISTENCE_OPEN_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "persistence/store.h"

namespace gogocache {

struct StoreOptions {
  Durability durability = Durability::kNone;
  absl::Duration sync_interval = absl::Milliseconds(100);
  bool read_only = false;
  // Flat file only (see FlatFileStoreOptions).
  bool strict = false;
  double compaction_garbage_ratio = 0.5;
  uint64_t compaction_min_bytes = uint64_t{4} << 20;
  std::function<void(uint64_t done, uint64_t total)> progress;
};

struct StoreSpec {
  std::string scheme;  // "file" or "rocksdb"
  std::string path;
  StoreOptions options;
};

// Parses `spec`, with `defaults` for what it does not set.
absl::StatusOr<StoreSpec> ParseStoreSpec(absl::string_view spec,
                                         StoreOptions defaults = {});

absl::StatusOr<std::unique_ptr<Store>> OpenStore(absl::string_view spec,
                                                 StoreOptions options = {});

}  // namespace gogocache

#endif  // GOGOCACHE_PERSISTENCE_OPEN_H_
