// Copyright 2026 The gogocache Authors.
//
// FlatFileStore's recovery: the scan of a log at open (and by ScanLog()),
// which indexes its live records, cuts a torn tail, reports damage, and
// rewrites a log of the previous format version.

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "persistence/file_util.h"
#include "persistence/flat_file_internal.h"
#include "persistence/flat_file_store.h"
#include "persistence/key_index.h"
#include "persistence/locked_log.h"
#include "persistence/log_file.h"
#include "persistence/log_format.h"

namespace gogocache {
namespace {

using file_util::ErrnoError;
using file_util::WriteAll;
using flat_file_internal::CheckCompactionCanRun;
using flat_file_internal::LogKeys;
using flat_file_internal::Mapping;
using flat_file_internal::SyncFile;
using flat_file_internal::WithPath;
using log_format::RecordType;
using persistence_internal::KeyIndex;
using persistence_internal::LogFile;

// Puts indexed together at recovery: enough for their cache misses to
// overlap, few enough that the batch stays in cache.
constexpr size_t kIndexBatch = 64;

// What a scan of a whole log file found, with the index of its live records.
absl::StatusOr<LogReport> IndexLog(
    absl::string_view log, uint32_t version, KeyIndex* index,
    const std::function<void(uint64_t, uint64_t)>& progress) {
  LogReport report;
  report.file_bytes = log.size();
  std::function<void(uint64_t)> on_progress;
  if (progress) {
    on_progress = [&](uint64_t done) { progress(done, log.size()); };
  }
  const LogKeys key_of(log, version);
  // Puts are indexed a batch at a time, as appends are (see unindexed_),
  // and every batch before the next delete.
  std::vector<KeyIndex::HashedLocation> puts;
  auto index_puts = [&] {
    index->SetAll(puts, key_of, [&](const KeyIndex::Location& previous) {
      report.live_bytes -= previous.size;
    });
    puts.clear();
  };
  const log_format::ScanResult scan = log_format::ScanLog(
      log, version,
      [&](const log_format::Record& record) {
        if (record.type == RecordType::kPut) {
          puts.push_back(
              {{record.offset, record.size}, index->Hash(record.key)});
          if (puts.size() >= kIndexBatch) index_puts();
          report.live_bytes += record.size;
          ++report.puts;
        } else {
          index_puts();
          if (const std::optional<KeyIndex::Location> previous =
                  index->Erase(record.key, key_of)) {
            report.live_bytes -= previous->size;
          }
          ++report.deletes;
        }
      },
      [&](uint64_t offset, uint64_t size) {
        report.corrupt.emplace_back(offset, size);
      },
      on_progress, /*values=*/false);
  index_puts();
  report.records = scan.records;
  report.valid_end = scan.valid_end;
  report.torn_tail_bytes = scan.torn_tail_bytes;
  report.zero_tail_bytes = scan.zero_tail_bytes;
  report.corrupt_regions = scan.corrupt_regions;
  report.corrupt_bytes = scan.corrupt_bytes;
  report.live_entries = index->size();
  report.garbage_bytes =
      scan.valid_end - log_format::kHeaderSize - report.live_bytes;
  return report;
}

}  // namespace

absl::Status FlatFileStore::Recover(int fd) {
  const bool read_only = options_.read_only;
  struct stat st;
  if (fstat(fd, &st) != 0) {
    const absl::Status status = ErrnoError(errno, "cannot stat", path_);
    close(fd);
    return status;
  }
  uint64_t size = static_cast<uint64_t>(st.st_size);
  auto file = std::make_shared<LogFile>(fd, size, Writing());

  absl::StatusOr<Mapping> mapping = Mapping::Map(fd, size, path_);
  if (!mapping.ok()) return mapping.status();
  absl::string_view log = mapping->bytes();
  uint32_t version = log_format::kVersion;
  absl::Status header = log_format::CheckHeader(
      log.substr(0, std::min<size_t>(log.size(), log_format::kHeaderSize)),
      &version);
  if (!header.ok() && !absl::IsOutOfRange(header)) {
    return WithPath(header, path_);
  }
  // Only once the file is known to be a log (or empty): PATH.compact is
  // then its own.
  if (!read_only) {
    if (absl::Status status =
            CheckCompactionCanRun(file_path_ + ".compact", path_);
        !status.ok()) {
      return status;
    }
  }
  if (absl::IsOutOfRange(header)) {
    // Empty, or created by a process that died before the header was whole:
    // no record was ever acknowledged. Start the log afresh.
    if (!read_only) {
      // Not for an empty file: ext4 marks a file truncated to nothing for
      // writing back in full when it is closed (its guard for programs that
      // truncate and rewrite), which would write out a whole log that a
      // compaction then replaces and deletes (that cost compaction a third).
      if (size > 0 && ftruncate(fd, 0) != 0) {
        return ErrnoError(errno, "cannot cut", path_);
      }
      const std::string bytes = log_format::EncodeHeader();
      absl::Status status = WriteAll(fd, bytes, 0, path_);
      if (status.ok()) status = SyncFile(fd, path_);
      if (status.ok())
        status = file_util::SyncDirectory(file_util::DirName(file_path_));
      if (!status.ok()) {
        // Back to empty, as found; `status` tells what failed, not this.
        const int cut = ftruncate(fd, 0);
        static_cast<void>(cut);
        return status;
      }
      size = bytes.size();
    }
    log = absl::string_view();
  }

  LogReport report;
  report.file_bytes = mapping->bytes().size();
  // A header cut short is a creation torn by a crash: nothing else is there.
  if (log.empty()) report.torn_tail_bytes = mapping->bytes().size();
  if (!log.empty()) {
    std::function<void(uint64_t, uint64_t)> progress = options_.progress;
    absl::StatusOr<LogReport> scanned =
        IndexLog(log, version, &index_, progress);
    if (!scanned.ok()) return scanned.status();
    report = *std::move(scanned);
    if (options_.strict && report.corrupt_regions > 0) {
      return absl::DataLossError(absl::StrCat(
          "store ", path_, ": corrupt record at offset ",
          report.corrupt.front().first, " (", report.corrupt_regions,
          " damaged regions, ", report.corrupt_bytes,
          " bytes); strict mode refuses to skip them"));
    }
    // Cut what follows the last valid record: a record cut short, zeros,
    // or (not strict) damage.
    if (size > report.valid_end && !read_only) {
      size = report.valid_end;
      if (ftruncate(fd, static_cast<off_t>(size)) != 0) {
        return ErrnoError(errno, "cannot cut the torn tail of", path_);
      }
      if (absl::Status status = SyncFile(fd, path_); !status.ok()) {
        return status;
      }
    }
  }
  if (!read_only) {
    if (absl::Status status = file->Trim(size, path_); !status.ok()) {
      return status;
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  file_ = std::move(file);
  end_ = size;
  version_ = version;
  live_bytes_ = report.live_bytes;
  recovered_ = std::move(report);
  return absl::OkStatus();
}

absl::StatusOr<LogReport> FlatFileStore::ScanLog() const {
  std::shared_ptr<LogFile> file;
  uint64_t end = 0;
  uint32_t version = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (closed_) {
      return absl::FailedPreconditionError(
          absl::StrCat("store ", path_, " is closed"));
    }
    // Nothing can have changed since the scan at open: this store does not
    // write, and its shared lock keeps writers out.
    if (options_.read_only) return recovered_;
    // The log's bytes up to end_ never change: appends go past it, and a
    // compaction writes a new file, leaving this one to those who hold it.
    file = file_;
    end = end_;
    version = version_;
  }
  absl::StatusOr<Mapping> mapping = Mapping::Map(file->fd(), end, path_);
  if (!mapping.ok()) return mapping.status();
  KeyIndex index;
  return IndexLog(mapping->bytes(), version, &index, options_.progress);
}

absl::StatusOr<StoreCheck> FlatFileStore::Verify() {
  absl::StatusOr<LogReport> report = ScanLog();
  if (!report.ok()) return report.status();
  const auto percent = [&](uint64_t part) {
    return absl::StrFormat(
        "%d  (%.1f%% of the log)", part,
        report->file_bytes == 0 ? 0.0 : 100.0 * part / report->file_bytes);
  };
  StoreCheck check;
  check.entries = report->live_entries;
  check.details = {
      {"log bytes", absl::StrCat(report->file_bytes)},
      {"records", absl::StrFormat("%d  (%d puts, %d deletes)", report->records,
                                  report->puts, report->deletes)},
      {"live bytes", percent(report->live_bytes)},
      {"garbage bytes", percent(report->garbage_bytes)},
      {"torn tail", absl::StrCat(report->torn_tail_bytes, " bytes")},
      {"corrupt", absl::StrCat(report->corrupt_regions, " regions, ",
                               report->corrupt_bytes, " bytes")},
  };
  for (const auto& [offset, size] : report->corrupt) {
    check.details.emplace_back(
        "damaged", absl::StrCat("offset ", offset, ", ", size, " bytes"));
  }
  if (!report->clean()) {
    check.damage = absl::StrCat(
        report->corrupt_regions, " corrupt regions (", report->corrupt_bytes,
        " bytes)",
        report->corrupt.empty() ? std::string()
                                : absl::StrCat(", the first at offset ",
                                               report->corrupt.front().first),
        "; torn tail of ", report->torn_tail_bytes, " bytes");
  }
  return check;
}

}  // namespace gogocache
