// Copyright 2026 The gogocache Authors.

#include "tools/store_commands.h"

#include <dirent.h>
#include <sys/stat.h>

#include <cstdint>
#include <memory>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "persistence/open.h"
#include "tools/progress_bar.h"

namespace gogocache {
namespace {

// Bytes of a file, or of every file in a directory (a RocksDB store).
uint64_t DiskBytes(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return 0;
  if (!S_ISDIR(st.st_mode)) return static_cast<uint64_t>(st.st_size);
  uint64_t total = 0;
  if (DIR* dir = opendir(path.c_str())) {
    while (dirent* entry = readdir(dir)) {
      const std::string name = entry->d_name;
      if (name == "." || name == "..") continue;
      total += DiskBytes(path + "/" + name);
    }
    closedir(dir);
  }
  return total;
}

// InvalidArgument when `from` and `to` are one store: the same path, or
// paths that reach the same file or directory (through a symbolic or hard
// link, or spelled differently).
absl::Status CheckDistinctStores(const StoreSpec& from, const StoreSpec& to) {
  std::string why;
  struct stat from_st, to_st;
  if (from.path == to.path) {
    why = absl::StrCat("the same path ", from.path);
  } else if (stat(from.path.c_str(), &from_st) == 0 &&
             stat(to.path.c_str(), &to_st) == 0 &&
             from_st.st_dev == to_st.st_dev && from_st.st_ino == to_st.st_ino) {
    why = absl::StrCat("the same store: ", from.path, " and ", to.path,
                       " are one file");
  } else {
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(
      absl::StrCat("convert: source and destination are ", why));
}

// Opens the store of `spec` read-only: NotFound, creating nothing, when it
// does not exist. Draws `bar`, if any, while the store reads its data.
absl::StatusOr<std::unique_ptr<Store>> OpenForReading(StoreSpec spec,
                                                      ProgressBar* bar) {
  StoreOptions& options = spec.common();
  options.read_only = true;
  if (bar != nullptr) {
    options.progress = [bar](uint64_t done, uint64_t total) {
      bar->Update(done, total);
    };
  }
  return OpenStore(spec);
}

// What CheckStore() found: the check, and with `count_expiries` the entries
// with an expiry and those of them expired as of `now`.
struct Checked {
  StoreCheck check;
  uint64_t expiring = 0;
  uint64_t expired = 0;
  absl::Time now;
};

// Opens the store of `spec` read-only and verifies it, drawing a progress
// bar named `name`; with `count_expiries`, then replays it to count them.
absl::StatusOr<Checked> CheckStore(const StoreSpec& spec,
                                   absl::string_view name,
                                   const StoreCommandOptions& options,
                                   std::ostream& progress,
                                   bool count_expiries = false) {
  ProgressBar bar(progress, options.show_progress, std::string(name));
  absl::StatusOr<std::unique_ptr<Store>> store = OpenForReading(spec, &bar);
  if (!store.ok()) return store.status();
  Checked checked;
  absl::StatusOr<StoreCheck> check = (*store)->Verify();
  absl::Status status = check.status();
  if (status.ok() && count_expiries) {
    checked.now =
        options.now == absl::InfinitePast() ? absl::Now() : options.now;
    status = (*store)->Replay(
        [&](absl::string_view, absl::string_view, absl::Time expires) {
          if (expires == absl::InfiniteFuture()) return;
          ++checked.expiring;
          if (expires <= checked.now) ++checked.expired;
        });
  }
  bar.Finish();
  if (!status.ok()) return status;
  checked.check = *std::move(check);
  return checked;
}

void PrintCheck(const std::string& spec, const StoreSpec& parsed,
                const StoreCheck& check, std::ostream& out) {
  out << "store " << spec << "\n";
  out << absl::StrFormat("%-16s %d\n", "disk bytes", DiskBytes(parsed.path));
  out << absl::StrFormat("%-16s %d\n", "entries", check.entries);
  for (const auto& [name, value] : check.details) {
    out << absl::StrFormat("%-16s %s\n", name, value);
  }
}

// An expiry as dump prints it: RFC 3339 in UTC, with as many digits of the
// second's fraction as it has.
std::string FormatExpiry(absl::Time expires) {
  return absl::FormatTime("%Y-%m-%d%ET%H:%M:%E*SZ", expires,
                          absl::UTCTimeZone());
}

}  // namespace

absl::Status RunInspect(const std::string& spec,
                        const StoreCommandOptions& options, std::ostream& out,
                        std::ostream& progress) {
  absl::StatusOr<StoreSpec> parsed = ParseStoreSpec(spec);
  if (!parsed.ok()) return parsed.status();
  absl::StatusOr<Checked> checked = CheckStore(
      *parsed, "inspect", options, progress, /*count_expiries=*/true);
  if (!checked.ok()) return checked.status();
  PrintCheck(spec, *parsed, checked->check, out);
  out << absl::StrFormat("%-16s %d\n", "with expiry", checked->expiring);
  out << absl::StrFormat("%-16s %d  (as of %s)\n", "expired", checked->expired,
                         FormatExpiry(checked->now));
  return absl::OkStatus();
}

absl::Status RunVerify(const std::string& spec,
                       const StoreCommandOptions& options, std::ostream& out,
                       std::ostream& progress) {
  absl::StatusOr<StoreSpec> parsed = ParseStoreSpec(spec);
  if (!parsed.ok()) return parsed.status();
  absl::StatusOr<Checked> checked =
      CheckStore(*parsed, "verify", options, progress);
  if (!checked.ok()) return checked.status();
  const StoreCheck* check = &checked->check;
  if (!check->clean()) {
    PrintCheck(spec, *parsed, *check, out);
    return absl::DataLossError(
        absl::StrCat("store ", spec, " is damaged: ", check->damage));
  }
  out << absl::StrFormat("%s: ok, %d entries, every checksum matches\n", spec,
                         check->entries);
  return absl::OkStatus();
}

absl::Status RunCompact(const std::string& spec,
                        const StoreCommandOptions& options, std::ostream& out,
                        std::ostream& progress) {
  absl::StatusOr<StoreSpec> parsed = ParseStoreSpec(spec);
  if (!parsed.ok()) return parsed.status();
  ProgressBar bar(progress, options.show_progress, "compact");
  StoreOptions& store_options = parsed->common();
  store_options.create_if_missing = false;
  store_options.progress = [&](uint64_t done, uint64_t total) {
    bar.Update(done, total);
  };
  absl::StatusOr<std::unique_ptr<Store>> store = OpenStore(*parsed);
  if (!store.ok()) return store.status();
  const uint64_t before = DiskBytes(parsed->path);
  absl::Status status = (*store)->Compact();
  if (status.ok()) status = (*store)->Close();
  bar.Finish();
  if (!status.ok()) return status;
  const uint64_t after = DiskBytes(parsed->path);
  out << absl::StrFormat("%s: compacted, %d bytes -> %d bytes on disk\n", spec,
                         before, after);
  return absl::OkStatus();
}

absl::Status RunConvert(const std::string& source,
                        const std::string& destination,
                        const StoreCommandOptions& options, std::ostream& out,
                        std::ostream& progress) {
  absl::StatusOr<StoreSpec> from = ParseStoreSpec(source);
  if (!from.ok()) return from.status();
  absl::StatusOr<StoreSpec> to = ParseStoreSpec(destination);
  if (!to.ok()) return to.status();
  if (absl::Status same = CheckDistinctStores(*from, *to); !same.ok()) {
    return same;
  }
  ProgressBar bar(progress, options.show_progress, "convert");
  absl::StatusOr<std::unique_ptr<Store>> input = OpenForReading(*from, nullptr);
  if (!input.ok()) return input.status();
  absl::StatusOr<std::unique_ptr<Store>> output = OpenStore(destination);
  if (!output.ok()) return output.status();
  const uint64_t total = (*input)->GetStats().entries;
  uint64_t copied = 0;
  absl::Status write_status;
  absl::Status status = (*input)->Replay(
      [&](absl::string_view key, absl::string_view value, absl::Time expires) {
        if (!write_status.ok()) return;
        write_status = (*output)->Put(key, value, expires);
        if (write_status.ok()) bar.Update(++copied, total);
      });
  if (status.ok()) status = write_status;
  if (status.ok()) status = (*output)->Sync();
  if (absl::Status closed = (*output)->Close(); status.ok()) status = closed;
  bar.Finish();
  if (!status.ok()) return status;
  out << absl::StrFormat("converted %d entries from %s to %s\n", copied, source,
                         destination);
  return absl::OkStatus();
}

absl::Status RunDump(const std::string& spec,
                     const StoreCommandOptions& options, std::ostream& out,
                     std::ostream& progress) {
  absl::StatusOr<StoreSpec> parsed = ParseStoreSpec(spec);
  if (!parsed.ok()) return parsed.status();
  ProgressBar bar(progress, options.show_progress, "open");
  absl::StatusOr<std::unique_ptr<Store>> store =
      OpenForReading(*std::move(parsed), &bar);
  bar.Finish();
  if (!store.ok()) return store.status();
  return (*store)->Replay(
      [&](absl::string_view key, absl::string_view value, absl::Time expires) {
        out << absl::CHexEscape(key);
        if (options.values) out << '\t' << absl::CHexEscape(value);
        if (expires != absl::InfiniteFuture()) {
          out << "\texpires=" << FormatExpiry(expires);
        }
        out << '\n';
      });
}

}  // namespace gogocache
