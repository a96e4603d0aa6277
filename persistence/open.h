// Copyright 2026 The gogocache Authors.
//
// OpenStore: opens any backend from a spec string, so that which store a
// program uses is configuration, not code.
//
//   file:/var/cache/app.log                  the flat-file log (FlatFileStore)
//   rocksdb:/var/cache/app.db                RocksDB in that directory
//   file:/var/cache/app.log?durability=always&strict=true
//
// A spec is SCHEME:PATH[?NAME=VALUE[&NAME=VALUE]...]. PATH is everything
// between the first ':' and the first '?', with percent escapes: "%XX" (two
// hex digits, either case) stands for the byte 0xXX, so a '?' in a path is
// written "%3F" and a '%' is written "%25" (FormatStoreSpec() in
// persistence/store.h writes a spec so). Any other byte, ':', '&', '=' and
// spaces included, stands for itself. A '%' not followed by two hex digits,
// and "%00", are InvalidArgument naming the escape.
//
// Parameters after `?`, `&`-separated, each at most once, override the
// options a program gives:
//   durability=none|periodic|always
//   sync_ms=N             the periodic sync interval: 1 to 3600000 (an hour)
//   strict=true|false     (file) refuse a log with damage in the middle
//   compact_ratio=R       (file) garbage fraction that starts a compaction:
//                         a decimal number in (0, 1]
//   compact_min_bytes=N   (file) smallest log compacted: 0 to 2^48
// N is decimal digits only. Names and values are taken as written (no
// escapes).
//
// Errors: InvalidArgument naming the spec for an unknown scheme, an empty
// path, a malformed escape, an empty, unknown or repeated parameter, or a
// value that is malformed or out of range (the message names the parameter
// and its range); NotFound naming the path when the store does not exist and
// `create_if_missing` is false or `read_only` is set; otherwise the backend's
// own errors from opening (see flat_file_store.h and rocksdb_store.h), among
// them FailedPrecondition, at once, when the path is something other than a
// regular file (file) or a directory (rocksdb), such as a FIFO or a device.
//
// Thread safety: every function here may be called from any thread; none
// keeps state between calls.

#ifndef GOGOCACHE_PERSISTENCE_OPEN_H_
#define GOGOCACHE_PERSISTENCE_OPEN_H_

#include <memory>
#include <string>
#include <variant>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "base/cxx17.h"
#include "persistence/flat_file_store.h"
#include "persistence/rocksdb_store.h"
#include "persistence/store.h"

namespace gogocache {

// A parsed spec: the path, and the options of the store it names.
struct StoreSpec {
  std::string path;  // The file system path, escapes decoded.
  // The options of the spec's scheme: FlatFileStoreOptions for "file",
  // RocksDbStoreOptions for "rocksdb".
  std::variant<FlatFileStoreOptions, RocksDbStoreOptions> options;

  // "file" or "rocksdb", from the options held.
  absl::string_view scheme() const;
  // The options every scheme takes, within `options`.
  StoreOptions& common();
  const StoreOptions& common() const;
};

// Parses `spec` into the options of its scheme: `defaults`, and that
// scheme's own defaults, for what the spec does not set. The path is
// returned with its escapes decoded. Checks only the spec's text: touches no
// file.
absl::StatusOr<StoreSpec> ParseStoreSpec(absl::string_view spec,
                                         StoreOptions defaults = {});

// OK when the store `spec` names exists: for "file", anything at the path;
// for "rocksdb", a RocksDB database (its CURRENT file) in the directory at the
// path, or anything at the path that is not a directory. Otherwise NotFound
// naming the path. What is at the path being of the wrong kind is left to the
// store's open to report. Only stat()s: creates and opens nothing.
absl::Status CheckStoreExists(const StoreSpec& spec);

// Opens the store `spec` names (see the top of this file), with `defaults`
// for what the spec does not set.
absl::StatusOr<std::unique_ptr<Store>> OpenStore(absl::string_view spec,
                                                 StoreOptions defaults = {});

// Opens the store of a parsed spec, whose options a program may have set
// beyond what a spec's text can (a progress callback, a scheme's own option).
// InvalidArgument when an option is out of the ranges a spec may give:
// sync_interval from 1 ms to an hour, and for a file store
// compaction_garbage_ratio in (0, 1] and compaction_min_bytes at most 2^48.
absl::StatusOr<std::unique_ptr<Store>> OpenStore(const StoreSpec& spec);

}  // namespace gogocache

#endif  // GOGOCACHE_PERSISTENCE_OPEN_H_
