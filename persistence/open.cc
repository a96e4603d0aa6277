// Copyright 2026 The gogocache Authors.

#include "persistence/open.h"

#include <errno.h>
#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
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

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  return absl::ascii_tolower(static_cast<unsigned char>(c)) - 'a' + 10;
}

// Decodes the percent escapes of a spec's path into `path`; on a malformed
// escape, says what is wrong in `why`.
bool DecodePath(absl::string_view encoded, std::string* path,
                std::string* why) {
  path->clear();
  path->reserve(encoded.size());
  for (size_t i = 0; i < encoded.size(); ++i) {
    if (encoded[i] != '%') {
      path->push_back(encoded[i]);
      continue;
    }
    if (encoded.size() - i < 3 ||
        !absl::ascii_isxdigit(static_cast<unsigned char>(encoded[i + 1])) ||
        !absl::ascii_isxdigit(static_cast<unsigned char>(encoded[i + 2]))) {
      *why = absl::StrCat(
          "malformed escape \"", encoded.substr(i, 3), "\" at byte ", i,
          " of the path: '%' must be followed by two hex digits (write a '%' "
          "as %25 and a '?' as %3F)");
      return false;
    }
    const char byte = static_cast<char>(HexValue(encoded[i + 1]) * 16 +
                                        HexValue(encoded[i + 2]));
    if (byte == '\0') {
      *why = absl::StrCat("escape \"", encoded.substr(i, 3), "\" at byte ", i,
                          " of the path: a path cannot hold a NUL byte");
      return false;
    }
    path->push_back(byte);
    i += 2;
  }
  return true;
}

// Decimal digits only, at most `max`.
bool ParseUnsigned(absl::string_view text, uint64_t max, uint64_t* value) {
  if (text.empty()) return false;
  uint64_t n = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return false;
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    if (n > (max - digit) / 10) return false;
    n = n * 10 + digit;
  }
  *value = n;
  return true;
}

// A decimal number (digits, a point, an exponent): no "nan", "inf" or hex.
bool ParseDecimal(absl::string_view text, double* value) {
  if (text.empty() ||
      text.find_first_not_of("0123456789.eE+-") != absl::string_view::npos) {
    return false;
  }
  double parsed = 0;
  if (!absl::SimpleAtod(text, &parsed) || !std::isfinite(parsed)) return false;
  *value = parsed;
  return true;
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
  const size_t question = rest.find('?');
  if (question != absl::string_view::npos) {
    query = rest.substr(question + 1);
    rest = rest.substr(0, question);
  }
  if (rest.empty()) return BadSpec(spec, "the path is empty");
  std::string why;
  if (!DecodePath(rest, &parsed.path, &why)) return BadSpec(spec, why);
  if (question == absl::string_view::npos) return parsed;
  StoreOptions& options = parsed.options;
  std::vector<absl::string_view> seen;
  for (absl::string_view param : absl::StrSplit(query, '&')) {
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(param, absl::MaxSplits('=', 1));
    const absl::string_view name = kv.first;
    const absl::string_view value = kv.second;
    if (name.empty()) {
      return BadSpec(spec,
                     "empty parameter name (parameters are NAME=VALUE "
                     "separated by '&'; a '?' in the path is written %3F)");
    }
    if (std::find(seen.begin(), seen.end(), name) != seen.end()) {
      return BadSpec(spec, absl::StrCat("parameter ", name, " is given twice"));
    }
    seen.push_back(name);
    absl::string_view expected;
    bool ok = true;
    if (name == "durability") {
      expected = "none, periodic or always";
      const absl::StatusOr<Durability> durability = ParseDurability(value);
      ok = durability.ok();
      if (ok) options.durability = *durability;
    } else if (name == "sync_ms") {
      expected = "whole milliseconds from 1 to 3600000 (an hour)";
      uint64_t ms = 0;
      ok = ParseUnsigned(value, absl::ToInt64Milliseconds(kMaxSyncInterval),
                         &ms) &&
           ms >= static_cast<uint64_t>(
                     absl::ToInt64Milliseconds(kMinSyncInterval));
      if (ok) options.sync_interval = absl::Milliseconds(ms);
    } else if (name == "strict" && parsed.scheme == "file") {
      expected = "true or false";
      ok = absl::SimpleAtob(value, &options.strict);
    } else if (name == "compact_ratio" && parsed.scheme == "file") {
      expected = "a decimal number in (0, 1]";
      double ratio = 0;
      ok = ParseDecimal(value, &ratio) && ratio > 0 && ratio <= 1;
      if (ok) options.compaction_garbage_ratio = ratio;
    } else if (name == "compact_min_bytes" && parsed.scheme == "file") {
      expected = "a byte count from 0 to 2^48 (281474976710656)";
      ok = ParseUnsigned(value, kMaxCompactionMinBytes,
                         &options.compaction_min_bytes);
    } else {
      return BadSpec(spec, absl::StrCat("unknown parameter \"", name,
                                        "\" for scheme ", parsed.scheme));
    }
    if (!ok) {
      return BadSpec(
          spec, absl::StrCat("bad value \"", value, "\" for parameter ", name,
                             ": expected ", expected));
    }
  }
  return parsed;
}

absl::Status CheckStoreExists(const StoreSpec& spec) {
  const absl::string_view kind =
      spec.scheme == "file" ? "store " : "rocksdb store ";
  struct stat st;
  if (stat(spec.path.c_str(), &st) != 0) {
    const int error_number = errno;
    if (error_number == ENOENT) {
      return absl::NotFoundError(
          absl::StrCat(kind, spec.path, " does not exist"));
    }
    return absl::Status(absl::ErrnoToStatusCode(error_number),
                        absl::StrCat("cannot stat ", kind, spec.path, ": ",
                                     std::strerror(error_number)));
  }
  if (spec.scheme == "file" || !S_ISDIR(st.st_mode)) return absl::OkStatus();
  const std::string current = spec.path + "/CURRENT";
  if (stat(current.c_str(), &st) != 0) {
    const int error_number = errno;
    if (error_number == ENOENT) {
      return absl::NotFoundError(absl::StrCat(
          kind, spec.path,
          " does not exist: the directory holds no RocksDB database (no "
          "CURRENT file)"));
    }
    return absl::Status(absl::ErrnoToStatusCode(error_number),
                        absl::StrCat("cannot stat ", current, ": ",
                                     std::strerror(error_number)));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<Store>> OpenStore(absl::string_view spec,
                                                 StoreOptions options) {
  absl::StatusOr<StoreSpec> parsed = ParseStoreSpec(spec, std::move(options));
  if (!parsed.ok()) return parsed.status();
  const StoreOptions& o = parsed->options;
  // Options set in code are range-checked by the store itself.
  const bool create_if_missing = o.create_if_missing && !o.read_only;
  if (!create_if_missing) {
    if (absl::Status status = CheckStoreExists(*parsed); !status.ok()) {
      return status;
    }
  }
  if (parsed->scheme == "file") {
    FlatFileStoreOptions file_options;
    file_options.durability = o.durability;
    file_options.sync_interval = o.sync_interval;
    file_options.strict = o.strict;
    file_options.compaction_garbage_ratio = o.compaction_garbage_ratio;
    file_options.compaction_min_bytes = o.compaction_min_bytes;
    file_options.read_only = o.read_only;
    file_options.create_if_missing = create_if_missing;
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
  rocksdb_options.create_if_missing = create_if_missing;
  absl::StatusOr<std::unique_ptr<RocksDbStore>> store =
      RocksDbStore::Open(parsed->path, rocksdb_options);
  if (!store.ok()) return store.status();
  return std::unique_ptr<Store>(*std::move(store));
}

}  // namespace gogocache
