// Copyright 2026 The gogocache Authors.

#include "persistence/open.h"

#include <errno.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstring>
#include <utility>
#include <variant>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

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

// Decodes the percent escapes of a spec's path; InvalidArgument saying what
// is wrong with a malformed escape.
absl::StatusOr<std::string> DecodePath(absl::string_view encoded) {
  std::string path;
  path.reserve(encoded.size());
  for (size_t i = 0; i < encoded.size(); ++i) {
    if (encoded[i] != '%') {
      path.push_back(encoded[i]);
      continue;
    }
    if (encoded.size() - i < 3 ||
        !absl::ascii_isxdigit(static_cast<unsigned char>(encoded[i + 1])) ||
        !absl::ascii_isxdigit(static_cast<unsigned char>(encoded[i + 2]))) {
      return absl::InvalidArgumentError(absl::StrCat(
          "malformed escape \"", encoded.substr(i, 3), "\" at byte ", i,
          " of the path: '%' must be followed by two hex digits (write a '%' "
          "as %25 and a '?' as %3F)"));
    }
    const char byte = static_cast<char>(HexValue(encoded[i + 1]) * 16 +
                                        HexValue(encoded[i + 2]));
    if (byte == '\0') {
      return absl::InvalidArgumentError(
          absl::StrCat("escape \"", encoded.substr(i, 3), "\" at byte ", i,
                       " of the path: a path cannot hold a NUL byte"));
    }
    path.push_back(byte);
    i += 2;
  }
  return path;
}

// The parsers of parameter values. Each error says what the value should
// be, as "expected ...", for the spec's message to quote.

// Decimal digits only, from `min` to `max`.
absl::StatusOr<uint64_t> ParseWholeNumber(absl::string_view text, uint64_t min,
                                          uint64_t max,
                                          absl::string_view expected) {
  const absl::Status bad =
      absl::InvalidArgumentError(absl::StrCat("expected ", expected));
  if (text.empty()) return bad;
  uint64_t n = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return bad;
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    if (n > (max - digit) / 10) return bad;
    n = n * 10 + digit;
  }
  if (n < min) return bad;
  return n;
}

absl::StatusOr<absl::Duration> ParseSyncMilliseconds(absl::string_view text) {
  absl::StatusOr<uint64_t> ms =
      ParseWholeNumber(text, absl::ToInt64Milliseconds(kMinSyncInterval),
                       absl::ToInt64Milliseconds(kMaxSyncInterval),
                       "whole milliseconds from 1 to 3600000 (an hour)");
  if (!ms.ok()) return ms.status();
  return absl::Milliseconds(*ms);
}

absl::StatusOr<bool> ParseTrueOrFalse(absl::string_view text) {
  bool value = false;
  if (!absl::SimpleAtob(text, &value)) {
    return absl::InvalidArgumentError("expected true or false");
  }
  return value;
}

// A decimal number (digits, a point, an exponent) in (0, 1]: no "nan", "inf"
// or hex.
absl::StatusOr<double> ParseRatio(absl::string_view text) {
  double ratio = 0;
  if (text.empty() ||
      text.find_first_not_of("0123456789.eE+-") != absl::string_view::npos ||
      !absl::SimpleAtod(text, &ratio) || !(ratio > 0 && ratio <= 1)) {
    return absl::InvalidArgumentError("expected a decimal number in (0, 1]");
  }
  return ratio;
}

absl::StatusOr<Durability> ParseDurabilityValue(absl::string_view text) {
  absl::StatusOr<Durability> durability = ParseDurability(text);
  if (!durability.ok()) {
    return absl::InvalidArgumentError("expected none, periodic or always");
  }
  return durability;
}

// Stores a parsed value in `field`, or returns the parser's error.
template <typename T>
absl::Status Assign(absl::StatusOr<T> parsed, T& field) {
  if (!parsed.ok()) return parsed.status();
  field = *std::move(parsed);
  return absl::OkStatus();
}

// Sets the option that parameter `name` sets, from `value`: InvalidArgument
// "expected ..." for a bad value, NotFound when `options` has no parameter
// `name`.
absl::Status SetParameter(absl::string_view name, absl::string_view value,
                          StoreOptions& options) {
  if (name == "durability") {
    return Assign(ParseDurabilityValue(value), options.durability);
  }
  if (name == "sync_ms") {
    return Assign(ParseSyncMilliseconds(value), options.sync_interval);
  }
  return absl::NotFoundError(name);
}

absl::Status SetParameter(absl::string_view name, absl::string_view value,
                          FlatFileStoreOptions& options) {
  if (name == "strict") return Assign(ParseTrueOrFalse(value), options.strict);
  if (name == "compact_ratio") {
    return Assign(ParseRatio(value), options.compaction_garbage_ratio);
  }
  if (name == "compact_min_bytes") {
    return Assign(ParseWholeNumber(value, 0, kMaxCompactionMinBytes,
                                   "a byte count from 0 to 2^48 "
                                   "(281474976710656)"),
                  options.compaction_min_bytes);
  }
  return SetParameter(name, value, static_cast<StoreOptions&>(options));
}

}  // namespace

absl::string_view StoreSpec::scheme() const {
  return std::holds_alternative<FlatFileStoreOptions>(options) ? "file"
                                                               : "rocksdb";
}

StoreOptions& StoreSpec::common() {
  return std::visit([](StoreOptions& o) -> StoreOptions& { return o; },
                    options);
}

const StoreOptions& StoreSpec::common() const {
  return std::visit(
      [](const StoreOptions& o) -> const StoreOptions& { return o; }, options);
}

absl::StatusOr<StoreSpec> ParseStoreSpec(absl::string_view spec,
                                         StoreOptions defaults) {
  const size_t colon = spec.find(':');
  if (colon == absl::string_view::npos) {
    return BadSpec(spec,
                   "expected SCHEME:PATH, e.g. file:/var/cache/app.log or "
                   "rocksdb:/var/cache/app.db");
  }
  StoreSpec parsed;
  const absl::string_view scheme = spec.substr(0, colon);
  if (scheme == "file") {
    static_cast<StoreOptions&>(parsed.options.emplace<FlatFileStoreOptions>()) =
        std::move(defaults);
  } else if (scheme == "rocksdb") {
    parsed.options.emplace<RocksDbStoreOptions>(std::move(defaults));
  } else {
    return BadSpec(spec, absl::StrCat("unknown scheme \"", scheme,
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
  absl::StatusOr<std::string> path = DecodePath(rest);
  if (!path.ok()) return BadSpec(spec, path.status().message());
  parsed.path = *std::move(path);
  if (question == absl::string_view::npos) return parsed;
  std::vector<absl::string_view> seen;
  for (absl::string_view param : absl::StrSplit(query, '&')) {
    const std::pair<absl::string_view, absl::string_view> kv =
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
    const absl::Status set = std::visit(
        [&](auto& options) { return SetParameter(name, value, options); },
        parsed.options);
    if (absl::IsNotFound(set)) {
      return BadSpec(spec, absl::StrCat("unknown parameter \"", name,
                                        "\" for scheme ", scheme));
    }
    if (!set.ok()) {
      return BadSpec(
          spec, absl::StrCat("bad value \"", value, "\" for parameter ", name,
                             ": ", set.message()));
    }
  }
  return parsed;
}

absl::Status CheckStoreExists(const StoreSpec& spec) {
  const bool file = std::holds_alternative<FlatFileStoreOptions>(spec.options);
  const absl::string_view kind = file ? "store " : "rocksdb store ";
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
  if (file || !S_ISDIR(st.st_mode)) return absl::OkStatus();
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
                                                 StoreOptions defaults) {
  absl::StatusOr<StoreSpec> parsed = ParseStoreSpec(spec, std::move(defaults));
  if (!parsed.ok()) return parsed.status();
  return OpenStore(*parsed);
}

absl::StatusOr<std::unique_ptr<Store>> OpenStore(const StoreSpec& spec) {
  const StoreOptions& common = spec.common();
  // A store that is not to be created is looked for first, so that no
  // backend's open can create anything.
  if (!common.create_if_missing || common.read_only) {
    if (absl::Status status = CheckStoreExists(spec); !status.ok()) {
      return status;
    }
  }
  if (const auto* file = std::get_if<FlatFileStoreOptions>(&spec.options)) {
    absl::StatusOr<std::unique_ptr<FlatFileStore>> store =
        FlatFileStore::Open(spec.path, *file);
    if (!store.ok()) return store.status();
    return std::unique_ptr<Store>(*std::move(store));
  }
  absl::StatusOr<std::unique_ptr<RocksDbStore>> store = RocksDbStore::Open(
      spec.path, std::get<RocksDbStoreOptions>(spec.options));
  if (!store.ok()) return store.status();
  return std::unique_ptr<Store>(*std::move(store));
}

}  // namespace gogocache
