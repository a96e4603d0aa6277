// Copyright 2026 The gogocache Authors.

#include "persistence/open.h"

#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "persistence/flat_file_store.h"
#include "persistence/rocksdb_store.h"

namespace gogocache {
namespace {

absl::Status BadSpec(absl::string_view spec, absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("store spec \"", spec, "\": ", why));
}

}  // namespace

absl::StatusOr<StoreSpec> ParseStoreSpec(absl::string_view spec,
                                         StoreOptions defaults) {
  StoreSpec parsed;
  parsed.options = std::move(defaults);
  const size_t colon = spec.find(':');
  if (colon == absl::string_view::npos) {
    return BadSpec(spec,
                   "expected SCHEME:PATH, e.g. file:/var/cache/app.log or "
                   "rocksdb:/var/cache/app.db");
  }
  parsed.scheme = std::string(spec.substr(0, colon));
  if (parsed.scheme != "file" && parsed.scheme != "rocksdb") {
    return BadSpec(spec, absl::StrCat("unknown scheme \"", parsed.scheme,
                                      "\" (known: file, rocksdb)"));
  }
  absl::string_view rest = spec.substr(colon + 1);
  absl::string_view query;
  if (const size_t question = rest.find('?');
      question != absl::string_view::npos) {
    query = rest.substr(question + 1);
    rest = rest.substr(0, question);
  }
  if (rest.empty()) return BadSpec(spec, "the path is empty");
  parsed.path = std::string(rest);
  if (query.empty()) return parsed;
  StoreOptions& options = parsed.options;
  for (absl::string_view param : absl::StrSplit(query, '&')) {
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(param, absl::MaxSplits('=', 1));
    const absl::string_view name = kv.first;
    const absl::string_view value = kv.second;
    bool ok = true;
    if (name == "durability") {
      ok = ParseDurability(value, &options.durability);
    } else if (name == "sync_ms") {
      int64_t ms = 0;
      ok = absl::SimpleAtoi(value, &ms) && ms > 0;
      options.sync_interval = absl::Milliseconds(ms);
    } else if (name == "strict" && parsed.scheme == "file") {
      ok = absl::SimpleAtob(value, &options.strict);
    } else if (name == "compact_ratio" && parsed.scheme == "file") {
      ok = absl::SimpleAtod(value, &options.compaction_garbage_ratio) &&
           options.compaction_garbage_ratio > 0 &&
           options.compaction_garbage_ratio <= 1;
    } else if (name == "compact_min_bytes" && parsed.scheme == "file") {
      ok = absl::SimpleAtoi(value, &options.compaction_min_bytes);
    } else {
      return BadSpec(spec, absl::StrCat("unknown parameter \"", name,
                                        "\" for scheme ", parsed.scheme));
    }
    if (!ok) {
      return BadSpec(
          spec, absl::StrCat("bad value \"", value, "\" for parameter ", name));
    }
  }
  return parsed;
}

absl::StatusOr<std::unique_ptr<Store>> OpenStore(absl::string_view spec,
                                                 StoreOptions options) {
  absl::StatusOr<StoreSpec> parsed = ParseStoreSpec(spec, std::move(options));
  if (!parsed.ok()) return parsed.status();
  const StoreOptions& o = parsed->options;
  if (parsed->scheme == "file") {
    FlatFileStoreOptions file_options;
    file_options.durability = o.durability;
    file_options.sync_interval = o.sync_interval;
    file_options.strict = o.strict;
    file_options.compaction_garbage_ratio = o.compaction_garbage_ratio;
    file_options.compaction_min_bytes = o.compaction_min_bytes;
    file_options.read_only = o.read_only;
    file_options.progress = o.progress;
    absl::StatusOr<std::unique_ptr<FlatFileStore>> store =
        FlatFileStore::Open(parsed->path, std::move(file_options));
    if (!store.ok()) return store.status();
    return std::unique_ptr<Store>(*std::move(store));
  }
  RocksDbStoreOptions rocksdb_options;
  rocksdb_options.durability = o.durability;
  rocksdb_options.sync_interval = o.sync_interval;
  rocksdb_options.read_only = o.read_only;
  absl::StatusOr<std::unique_ptr<RocksDbStore>> store =
      RocksDbStore::Open(parsed->path, rocksdb_options);
  if (!store.ok()) return store.status();
  return std::unique_ptr<Store>(*std::move(store));
}

}  // namespace gogocache
