// Copyright 2026 The gogocache Authors.
//
// Fuzz target for flat-file recovery: any bytes, as a log, must be scanned
// and opened without a crash, a leak or a sanitizer report, and what is
// recovered must obey the format's promises:
//   - the scanner's records lie inside the input, in order, without overlap,
//     and with the valid end and the torn tail accounting for every byte;
//   - a record has an expiry only if it is a put in a log of the current
//     version;
//   - opening the bytes as a store either fails with a clear status or
//     yields a store whose file is no longer than the input, that replays,
//     takes a new write with an expiry, shows exactly that write, with its
//     expiry, last after a reopen, and replays the same after a compaction
//     and after a strict reopen of the compacted log.
//
// Built with clang and libFuzzer under `--config=fuzz` (see .bazelrc and
// .ci/run); //persistence:log_scan_fuzzer_corpus_test runs the committed
// seed corpus through the same function in every build.

#include <stdlib.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "persistence/flat_file_store.h"
#include "persistence/fuzz_util.h"
#include "persistence/log_format.h"

namespace {

void Check(bool condition, const char* what) {
  gogocache::fuzz_util::CheckPromise(condition, "log_scan_fuzzer", what);
}

void ScanPromises(absl::string_view log) {
  namespace lf = gogocache::log_format;
  uint32_t version = 0;
  if (!lf::CheckHeader(log.substr(0, std::min(log.size(), lf::kHeaderSize)),
                       &version)
           .ok()) {
    return;
  }
  uint64_t last_end = lf::kHeaderSize;
  uint64_t corrupt_bytes = 0;
  std::pair<uint64_t, uint64_t> last_corrupt = {0, 0};
  const lf::ScanResult result = lf::ScanLog(
      log, version,
      [&](const lf::Record& record) {
        Check(record.offset >= last_end, "records in order, no overlap");
        Check(record.offset + record.size <= log.size(), "record inside");
        if (version != lf::kLegacyVersion) {
          Check(record.offset + record.size ==
                    lf::RecordEnd(
                        record.offset, record.key.size(),
                        lf::BodySize(record.value.size(), record.expires)),
                "record size");
        }
        Check(record.expires == absl::InfiniteFuture() ||
                  (version == lf::kVersion &&
                   record.type == lf::RecordType::kPut),
              "only puts in a current log have an expiry");
        Check(!record.key.empty(), "keys are not empty");
        last_end = record.offset + record.size;
      },
      [&](uint64_t offset, uint64_t size) {
        Check(offset >= last_end && offset + size <= log.size(),
              "damaged region inside, in order");
        corrupt_bytes += size;
        last_end = offset + size;
        last_corrupt = {offset, size};
      });
  const uint64_t tail_corrupt_bytes =
      last_corrupt.first >= result.valid_end && last_corrupt.second > 0
          ? last_corrupt.second
          : 0;
  Check(result.valid_end + result.torn_tail_bytes + result.zero_tail_bytes +
                tail_corrupt_bytes ==
            log.size(),
        "valid end, torn tail or damage, and zero tail cover the file");
  Check(result.torn_tail_bytes == 0 || tail_corrupt_bytes == 0,
        "a tail is cut short or damaged, not both");
  Check(result.corrupt_bytes == corrupt_bytes, "corrupt bytes counted");
}

struct Entry {
  std::string key, value;
  absl::Time expires;
  bool operator==(const Entry& other) const {
    return key == other.key && value == other.value && expires == other.expires;
  }
};

std::vector<Entry> ReplayAll(gogocache::Store& store) {
  std::vector<Entry> entries;
  Check(
      store
          .Replay([&](absl::string_view key, absl::string_view value,
                      absl::Time expires) {
            entries.push_back({std::string(key), std::string(value), expires});
          })
          .ok(),
      "replay");
  return entries;
}

void OpenPromises(const uint8_t* data, size_t size) {
  const std::string path =
      gogocache::fuzz_util::ScratchDir("log_scan_fuzzer") + "/fuzz.log";
  unlink(path.c_str());
  FILE* file = fopen(path.c_str(), "wb");
  Check(file != nullptr, "create scratch file");
  Check(size == 0 || fwrite(data, 1, size, file) == size, "write input");
  fclose(file);

  gogocache::FlatFileStoreOptions options;
  options.compaction_min_bytes = 1 << 20;  // No background compaction.
  auto store = gogocache::FlatFileStore::Open(path, options);
  if (!store.ok()) return;  // Refused with a status: allowed.
  const gogocache::StoreStats stats = (*store)->GetStats();
  uint64_t entries = 0;
  Check((*store)
            ->Replay([&](absl::string_view key, absl::string_view) {
              Check(!key.empty(), "replayed keys are not empty");
              ++entries;
            })
            .ok(),
        "replay of an opened store");
  Check(entries == stats.entries, "replay matches the index");
  const absl::Time expires = absl::FromUnixSeconds(1800000000);
  Check((*store)->Put("fuzz-key", "fuzz-value", expires).ok(),
        "write after recovery");
  Check((*store)->Close().ok(), "close");
  store->reset();

  auto reopened = gogocache::FlatFileStore::Open(path, options);
  Check(reopened.ok(), "reopen after a write");
  const std::vector<Entry> replayed = ReplayAll(**reopened);
  Check(!replayed.empty() &&
            replayed.back() == Entry{"fuzz-key", "fuzz-value", expires},
        "the new write is the newest entry, with its expiry");
  Check((*reopened)->recovered().torn_tail_bytes == 0, "no torn tail left");
  Check((*reopened)->Compact().ok(), "compaction");
  Check(ReplayAll(**reopened) == replayed, "compaction keeps every entry");
  Check((*reopened)->Close().ok(), "close after compaction");
  reopened->reset();
  options.strict = true;  // A compacted log holds no damage.
  auto compacted = gogocache::FlatFileStore::Open(path, options);
  Check(compacted.ok(), "strict reopen of a compacted log");
  Check(ReplayAll(**compacted) == replayed, "a compacted log replays the same");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ScanPromises(absl::string_view(reinterpret_cast<const char*>(data), size));
  OpenPromises(data, size);
  return 0;
}
