// Copyright 2026 The gogocache Authors.
//
// Child process of rocksdb_store_test: writes to a RocksDbStore until the disk
// or a file-size limit (RLIMIT_FSIZE) refuses a write, and checks that the
// refusal is a status (ResourceExhausted), not the death of the process, and
// that every acknowledged write is there after a reopen.
//
// Usage: rocksdb_fill_writer DIR MODE DURABILITY LIMIT BALLAST SIGXFSZ
//   DIR         the store's directory (created by the store)
//   MODE        put: Put() until one fails;
//               compact: Put() 2 MiB with no limit, then Compact() under it
//   DURABILITY  none, periodic or always
//   LIMIT       RLIMIT_FSIZE in bytes while writing; 0 sets none (a disk
//               that fills up does the refusing)
//   BALLAST     bytes of a file DIR.ballast written before the store is
//               opened and removed before the last reopen, so that a full
//               disk has room again; 0 for none
//   SIGXFSZ     default: SIGXFSZ at its default disposition (terminate the
//               process), unblocked in this program's own threads, so that
//               keeping a file-size limit from killing the process is the
//               store's job; ignored: SIGXFSZ ignored, so that a write past
//               the limit fails with EFBIG as one on a full disk fails with
//               ENOSPC
//
// Another RocksDB database is open in the process throughout, opened first
// with RocksDB's own options: RocksDB's shared background threads start for
// it, with SIGXFSZ unblocked.
//
// After the failed write the store is reopened under the same limit (it must
// open, or fail with ResourceExhausted), then with the limit lifted and the
// ballast removed, when it must hold exactly the acknowledged writes.
//
// Exit status 0 when every check passed; 1, with the reason on stderr, when
// one failed; 2 on bad usage. Give it a pipe or a terminal for its output,
// not a file: the limit applies to writes to files, its own included.

#include <signal.h>
#include <stdio.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "persistence/rocksdb_store.h"
#include "persistence/store.h"
#include "rocksdb/db.h"
#include "rocksdb/options.h"

namespace gogocache {
namespace {

constexpr size_t kValueSize = 3000;
// The most a run writes before it gives up waiting for a refusal.
constexpr uint64_t kMaxBytes = uint64_t{512} << 20;
// What MODE compact writes before it compacts under the limit.
constexpr uint64_t kCompactBytes = uint64_t{2} << 20;

// Prints "rocksdb_fill_writer: `message`" and returns false.
bool Fail(const std::string& message) {
  fprintf(stderr, "rocksdb_fill_writer: %s\n", message.c_str());
  return false;
}

std::string KeyOf(uint64_t i) { return absl::StrFormat("key%08d", i); }

// Bytes that do not compress, so that what is written takes room on disk.
std::string ValueOf(uint64_t i) {
  std::string value(kValueSize, '\0');
  uint64_t state = i * 0x9E3779B97F4A7C15u + 1;
  for (char& byte : value) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    byte = static_cast<char>(state);
  }
  return value;
}

bool SetFileSizeLimit(rlim_t bytes) {
  struct rlimit limit;
  if (getrlimit(RLIMIT_FSIZE, &limit) != 0) return Fail("getrlimit failed");
  limit.rlim_cur = bytes;
  if (setrlimit(RLIMIT_FSIZE, &limit) != 0) return Fail("setrlimit failed");
  return true;
}

bool LiftFileSizeLimit() {
  struct rlimit limit;
  if (getrlimit(RLIMIT_FSIZE, &limit) != 0) return Fail("getrlimit failed");
  return SetFileSizeLimit(limit.rlim_max);
}

bool WriteBallast(const std::string& path, uint64_t bytes) {
  FILE* file = fopen(path.c_str(), "wb");
  if (file == nullptr) return Fail(absl::StrCat("cannot create ", path));
  const std::string chunk(1 << 16, 'x');
  for (uint64_t done = 0; done < bytes; done += chunk.size()) {
    const size_t n =
        static_cast<size_t>(std::min<uint64_t>(chunk.size(), bytes - done));
    if (fwrite(chunk.data(), 1, n, file) != n) {
      fclose(file);
      return Fail(absl::StrCat("cannot write ", path));
    }
  }
  if (fclose(file) != 0) return Fail(absl::StrCat("cannot close ", path));
  return true;
}

// Puts keys from `*next` on until one fails (put mode) or `stop_at` bytes are
// acknowledged; adds the acknowledged writes to `acked` and returns the
// failure (OK when none).
absl::Status PutUntilRefused(Store& store, uint64_t stop_at, uint64_t* next,
                             std::map<std::string, std::string>* acked) {
  for (uint64_t written = 0; written < stop_at; written += kValueSize) {
    const std::string key = KeyOf(*next);
    const std::string value = ValueOf(*next);
    ++*next;
    absl::Status status = store.Put(key, value);
    if (!status.ok()) return status;
    (*acked)[key] = value;
  }
  return absl::OkStatus();
}

// Checks that `status` is ResourceExhausted naming `dir`.
bool IsRefusal(const absl::Status& status, const std::string& dir,
               const std::string& what) {
  if (!absl::IsResourceExhausted(status)) {
    return Fail(absl::StrCat(what, ": want ResourceExhausted, got ",
                             status.ToString()));
  }
  if (status.message().find(dir) == absl::string_view::npos) {
    return Fail(absl::StrCat(what, ": message does not name ", dir, ": ",
                             status.ToString()));
  }
  return true;
}

// Checks that `store` holds exactly `acked`, with every checksum matching.
bool HoldsExactly(RocksDbStore& store,
                  const std::map<std::string, std::string>& acked) {
  std::map<std::string, std::string> held;
  const absl::Status status =
      store.Replay([&](absl::string_view key, absl::string_view value) {
        held[std::string(key)] = std::string(value);
      });
  if (!status.ok()) return Fail(absl::StrCat("replay: ", status.ToString()));
  for (const auto& [key, value] : acked) {
    auto it = held.find(key);
    if (it == held.end()) return Fail(absl::StrCat("lost ", key));
    if (it->second != value) return Fail(absl::StrCat("damaged ", key));
  }
  if (held.size() != acked.size()) {
    return Fail(absl::StrCat("holds ", held.size(), " keys, acknowledged ",
                             acked.size()));
  }
  // Every checksum, and a count of the keys.
  const absl::StatusOr<StoreCheck> check = store.Verify();
  if (!check.ok())
    return Fail(absl::StrCat("verify: ", check.status().ToString()));
  if (check->entries != acked.size()) {
    return Fail(absl::StrCat("verify counts ", check->entries, " entries, not ",
                             acked.size()));
  }
  return true;
}

bool Run(const std::string& dir, const std::string& mode,
         RocksDbStoreOptions options, uint64_t limit, uint64_t ballast,
         bool ignore_signal) {
  // Unblocked, whatever this process inherited.
  signal(SIGXFSZ, ignore_signal ? SIG_IGN : SIG_DFL);
  sigset_t xfsz;
  sigemptyset(&xfsz);
  sigaddset(&xfsz, SIGXFSZ);
  pthread_sigmask(SIG_UNBLOCK, &xfsz, nullptr);

  const std::string ballast_path = dir + ".ballast";
  if (ballast > 0 && !WriteBallast(ballast_path, ballast)) return false;

  // Another user of RocksDB in this process, open throughout: RocksDB's
  // background threads, which every database in the process shares, start
  // here, in a thread where SIGXFSZ is not blocked.
  std::unique_ptr<rocksdb::DB> other;
  {
    rocksdb::Options other_options;
    other_options.create_if_missing = true;
    rocksdb::DB* raw = nullptr;
    const rocksdb::Status status =
        rocksdb::DB::Open(other_options, dir + ".other", &raw);
    if (!status.ok()) {
      return Fail(
          absl::StrCat("open of another database: ", status.ToString()));
    }
    other.reset(raw);
  }

  std::map<std::string, std::string> acked;
  uint64_t next = 0;
  {
    if (mode == "put" && limit > 0 && !SetFileSizeLimit(limit)) return false;
    absl::StatusOr<std::unique_ptr<RocksDbStore>> store =
        RocksDbStore::Open(dir, options);
    if (!store.ok()) {
      return Fail(absl::StrCat("open: ", store.status().ToString()));
    }
    if (mode == "put") {
      const absl::Status status =
          PutUntilRefused(**store, kMaxBytes, &next, &acked);
      if (status.ok()) return Fail("no write was refused");
      if (!IsRefusal(status, dir, "the refused put")) return false;
    } else if (mode == "compact") {
      const absl::Status status =
          PutUntilRefused(**store, kCompactBytes, &next, &acked);
      if (!status.ok()) {
        return Fail(absl::StrCat("put before compacting: ", status.ToString()));
      }
      if (limit > 0 && !SetFileSizeLimit(limit)) return false;
      if (!IsRefusal((*store)->Compact(), dir, "compact")) return false;
    } else {
      return Fail(absl::StrCat("unknown mode ", mode));
    }
    fprintf(stderr, "rocksdb_fill_writer: %zu writes acknowledged\n",
            acked.size());
    // The store refuses writes until reopened; none may land.
    if ((*store)->Put(KeyOf(next), "after").ok()) {
      return Fail("a put after the refusal succeeded");
    }
    ++next;
    const absl::Status synced = (*store)->Sync();
    const absl::Status closed = (*store)->Close();
    fprintf(stderr, "rocksdb_fill_writer: sync: %s; close: %s\n",
            synced.ToString().c_str(), closed.ToString().c_str());
  }
  {
    // Under the same limit, on the same full disk: open, or refuse to.
    absl::StatusOr<std::unique_ptr<RocksDbStore>> store =
        RocksDbStore::Open(dir, options);
    fprintf(stderr, "rocksdb_fill_writer: reopen under the limit: %s\n",
            store.status().ToString().c_str());
    if (store.ok()) {
      if (!HoldsExactly(**store, acked)) return false;
    } else if (!IsRefusal(store.status(), dir, "reopen under the limit")) {
      return false;
    }
  }
  if (!LiftFileSizeLimit()) return false;
  if (ballast > 0 && unlink(ballast_path.c_str()) != 0) {
    return Fail(absl::StrCat("cannot remove ", ballast_path));
  }
  absl::StatusOr<std::unique_ptr<RocksDbStore>> store =
      RocksDbStore::Open(dir, options);
  if (!store.ok()) {
    return Fail(absl::StrCat("reopen: ", store.status().ToString()));
  }
  if (!HoldsExactly(**store, acked)) return false;
  if (absl::Status status = (*store)->Put("again", "v"); !status.ok()) {
    return Fail(absl::StrCat("put after reopen: ", status.ToString()));
  }
  return true;
}

}  // namespace
}  // namespace gogocache

int main(int argc, char** argv) {
  gogocache::RocksDbStoreOptions options;
  uint64_t limit = 0;
  uint64_t ballast = 0;
  const absl::StatusOr<gogocache::Durability> durability =
      argc == 7 ? gogocache::ParseDurability(argv[3])
                : absl::InvalidArgumentError("usage");
  if (durability.ok()) options.durability = *durability;
  if (argc != 7 || !durability.ok() || !absl::SimpleAtoi(argv[4], &limit) ||
      !absl::SimpleAtoi(argv[5], &ballast) ||
      (std::string(argv[6]) != "default" &&
       std::string(argv[6]) != "ignored")) {
    fprintf(stderr,
            "usage: rocksdb_fill_writer DIR put|compact none|periodic|always "
            "LIMIT BALLAST default|ignored\n");
    return 2;
  }
  options.sync_interval = absl::Milliseconds(5);
  return gogocache::Run(argv[1], argv[2], options, limit, ballast,
                        std::string(argv[6]) == "ignored")
             ? 0
             : 1;
}
