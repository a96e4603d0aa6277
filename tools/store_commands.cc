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
#include "persistence/flat_file_store.h"
#include "persistence/open.h"
#include "persistence/rocksdb_store.h"
#include "tools/progress_bar.h"

namespace gogocache {
namespace {

std::string Percent(uint64_t part, uint64_t whole) {
  return absl::StrFormat("%.1f%%", whole == 0 ? 0.0 : 100.0 * part / whole);
}

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

// Parses `spec` and checks that its store exists (NotFound otherwise), so
// that a command that only reads creates nothing.
absl::StatusOr<StoreSpec> ParseExisting(const std::string& spec) {
  absl::StatusOr<StoreSpec> parsed = ParseStoreSpec(spec);
  if (!parsed.ok()) return parsed.status();
  if (absl::Status status = CheckStoreExists(*parsed); !status.ok()) {
    return status;
  }
  return parsed;
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

absl::StatusOr<std::unique_ptr<Store>> OpenForReading(const std::string& spec,
                                                      ProgressBar* bar) {
  StoreOptions options;
  options.read_only = true;
  if (bar != nullptr) {
    options.progress = [bar](uint64_t done, uint64_t total) {
      bar->Update(done, total);
    };
  }
  return OpenStore(spec, std::move(options));
}

struct Counted {
  uint64_t entries = 0;
  uint64_t key_bytes = 0;
  uint64_t value_bytes = 0;
};

absl::StatusOr<Counted> CountEntries(Store& store) {
  Counted counted;
  absl::Status status =
      store.Replay([&](absl::string_view key, absl::string_view value) {
        ++counted.entries;
        counted.key_bytes += key.size();
        counted.value_bytes += value.size();
      });
  if (!status.ok()) return status;
  return counted;
}

void PrintLogReport(const LogReport& report, std::ostream& out) {
  out << absl::StrFormat("%-16s %d\n", "file bytes", report.file_bytes);
  out << absl::StrFormat("%-16s %d  (%d puts, %d deletes)\n", "records",
                         report.records, report.puts, report.deletes);
  out << absl::StrFormat("%-16s %d\n", "entries", report.live_entries);
  out << absl::StrFormat("%-16s %d  (%s of the file)\n", "live bytes",
                         report.live_bytes,
                         Percent(report.live_bytes, report.file_bytes));
  out << absl::StrFormat("%-16s %d  (%s of the file)\n", "garbage bytes",
                         report.garbage_bytes,
                         Percent(report.garbage_bytes, report.file_bytes));
  out << absl::StrFormat("%-16s %d bytes\n", "torn tail",
                         report.torn_tail_bytes);
  out << absl::StrFormat("%-16s %d regions, %d bytes\n", "corrupt",
                         report.corrupt_regions, report.corrupt_bytes);
  for (const auto& [offset, size] : report.corrupt) {
    out << absl::StrFormat("  damaged: offset %d, %d bytes\n", offset, size);
  }
}

// Scans a flat-file log without changing it, drawing `bar`.
absl::StatusOr<LogReport> ScanFile(const std::string& path, ProgressBar& bar) {
  absl::StatusOr<LogReport> report = FlatFileStore::Verify(
      path, [&](uint64_t done, uint64_t total) { bar.Update(done, total); });
  bar.Finish();
  return report;
}

}  // namespace

absl::Status RunInspect(const std::string& spec,
                        const StoreCommandOptions& options, std::ostream& out,
                        std::ostream& progress) {
  absl::StatusOr<StoreSpec> parsed = ParseExisting(spec);
  if (!parsed.ok()) return parsed.status();
  ProgressBar bar(progress, options.show_progress, "inspect");
  out << "store " << spec << "\n";
  if (parsed->scheme == "file") {
    absl::StatusOr<LogReport> report = ScanFile(parsed->path, bar);
    if (!report.ok()) return report.status();
    PrintLogReport(*report, out);
    return absl::OkStatus();
  }
  absl::StatusOr<std::unique_ptr<Store>> store = OpenForReading(spec, &bar);
  if (!store.ok()) return store.status();
  absl::StatusOr<Counted> counted = CountEntries(**store);
  bar.Finish();
  if (!counted.ok()) return counted.status();
  const StoreStats stats = (*store)->GetStats();
  const uint64_t disk = DiskBytes(parsed->path);
  out << absl::StrFormat("%-16s %d\n", "disk bytes", disk);
  out << absl::StrFormat("%-16s %d\n", "entries", counted->entries);
  out << absl::StrFormat("%-16s %d  (keys and values)\n", "live bytes",
                         counted->key_bytes + counted->value_bytes);
  out << absl::StrFormat("%-16s %d  (RocksDB's estimate)\n", "garbage bytes",
                         stats.garbage_bytes);
  return absl::OkStatus();
}

absl::Status RunVerify(const std::string& spec,
                       const StoreCommandOptions& options, std::ostream& out,
                       std::ostream& progress) {
  absl::StatusOr<StoreSpec> parsed = ParseExisting(spec);
  if (!parsed.ok()) return parsed.status();
  ProgressBar bar(progress, options.show_progress, "verify");
  if (parsed->scheme == "file") {
    absl::StatusOr<LogReport> report = ScanFile(parsed->path, bar);
    if (!report.ok()) return report.status();
    if (!report->clean()) {
      PrintLogReport(*report, out);
      return absl::DataLossError(absl::StrCat(
          "store ", spec, " is damaged: ", report->corrupt_regions,
          " corrupt regions (", report->corrupt_bytes, " bytes)",
          report->corrupt.empty() ? std::string()
                                  : absl::StrCat(", the first at offset ",
                                                 report->corrupt.front().first),
          "; torn tail of ", report->torn_tail_bytes, " bytes"));
    }
    out << absl::StrFormat("%s: ok, %d records, every checksum matches\n", spec,
                           report->records);
    return absl::OkStatus();
  }
  RocksDbStoreOptions rocksdb_options;
  rocksdb_options.read_only = true;
  rocksdb_options.create_if_missing = false;
  absl::StatusOr<std::unique_ptr<RocksDbStore>> store =
      RocksDbStore::Open(parsed->path, rocksdb_options);
  if (!store.ok()) return store.status();
  if (absl::Status status = (*store)->VerifyChecksums(); !status.ok()) {
    return status;
  }
  absl::StatusOr<Counted> counted = CountEntries(**store);
  bar.Finish();
  if (!counted.ok()) return counted.status();
  out << absl::StrFormat("%s: ok, %d entries, every checksum matches\n", spec,
                         counted->entries);
  return absl::OkStatus();
}

absl::Status RunCompact(const std::string& spec,
                        const StoreCommandOptions& options, std::ostream& out,
                        std::ostream& progress) {
  absl::StatusOr<StoreSpec> parsed = ParseStoreSpec(spec);
  if (!parsed.ok()) return parsed.status();
  ProgressBar bar(progress, options.show_progress, "compact");
  StoreOptions store_options;
  store_options.create_if_missing = false;
  store_options.progress = [&](uint64_t done, uint64_t total) {
    bar.Update(done, total);
  };
  absl::StatusOr<std::unique_ptr<Store>> store =
      OpenStore(spec, std::move(store_options));
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
  absl::StatusOr<std::unique_ptr<Store>> input =
      OpenForReading(source, nullptr);
  if (!input.ok()) return input.status();
  absl::StatusOr<std::unique_ptr<Store>> output = OpenStore(destination);
  if (!output.ok()) return output.status();
  const uint64_t total = (*input)->GetStats().entries;
  uint64_t copied = 0;
  absl::Status write_status;
  absl::Status status =
      (*input)->Replay([&](absl::string_view key, absl::string_view value) {
        if (!write_status.ok()) return;
        write_status = (*output)->Put(key, value);
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
  ProgressBar bar(progress, options.show_progress, "open");
  absl::StatusOr<std::unique_ptr<Store>> store = OpenForReading(spec, &bar);
  bar.Finish();
  if (!store.ok()) return store.status();
  return (*store)->Replay([&](absl::string_view key, absl::string_view value) {
    out << absl::CHexEscape(key);
    if (options.values) out << '\t' << absl::CHexEscape(value);
    out << '\n';
  });
}

}  // namespace gogocache
