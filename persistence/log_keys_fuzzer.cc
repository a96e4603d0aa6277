// Copyright 2026 The gogocache Authors.
//
// Fuzz target for the log format's central promise: no byte of a key or a
// value is ever read as a record. The input drives a generator that writes a
// log of puts (some with an expiry) and deletes of a few keys, with values of
// any bytes, among them values made of encoded records (with and without an
// expiry) of keys the generator never writes; then damages it as a crash or
// a disk would: a cut at any offset, one byte flipped, one aligned 4 KiB page
// lost to zeros. Whatever the input, every key recovered, by the scanner and
// by opening the bytes as a store, is one the generator wrote, with an
// expiry the generator wrote for it.
//
// Built with clang and libFuzzer under `--config=fuzz`;
// //persistence:log_keys_fuzzer_corpus_test runs its seed corpus in every
// build.

#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <set>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "persistence/flat_file_store.h"
#include "persistence/fuzz_util.h"
#include "persistence/log_format.h"

namespace {

namespace lf = gogocache::log_format;

void Check(bool condition, const char* what) {
  gogocache::fuzz_util::CheckPromise(condition, "log_keys_fuzzer", what);
}

// Hands out the input's bytes; zeros once they run out.
class Input {
 public:
  Input(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  uint8_t Byte() { return at_ < size_ ? data_[at_++] : 0; }
  uint32_t Fixed32() {
    uint32_t value = 0;
    for (int i = 0; i < 4; ++i) value = value << 8 | Byte();
    return value;
  }
  std::string Bytes(size_t n) {
    std::string bytes;
    for (size_t i = 0; i < n; ++i) bytes.push_back(static_cast<char>(Byte()));
    return bytes;
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t at_ = 0;
};

// Every (key, expiry) of a put the generator wrote; InfiniteFuture() for
// one without an expiry.
using Written = std::set<std::pair<std::string, absl::Time>>;

// An expiry the input chooses.
absl::Time ExpiryOf(uint32_t seconds) {
  return absl::FromUnixSeconds(1800000000) + absl::Seconds(seconds);
}

// Records of keys the generator never writes ("evil..."), encoded back to
// back from `shift` bytes in, in the current format (with and without an
// expiry) and in version 1's.
std::string ValueOfRecords(size_t size, size_t shift, Input& input) {
  std::string value(shift, 'x');
  std::string record;
  while (value.size() < size) {
    const std::string key = absl::StrCat("evil", input.Byte() % 4);
    record.assign(lf::RecordSize(key.size(), 8), '\0');
    lf::EncodeRecord(lf::RecordType::kPut, key, "injected", record.data());
    value += record;
    value += record.substr(0, 4);  // A version 1 header with the same crc.
    value += std::string("\x01", 1) +
             record.substr(lf::kFragmentHeaderSize + 1, 8 + key.size() + 8);
    const absl::Time expires = ExpiryOf(input.Byte());
    record.assign(lf::RecordSize(key.size(), lf::BodySize(8, expires)), '\0');
    lf::EncodeRecord(lf::RecordType::kPut, key, "injected", record.data(),
                     expires);
    value += record;
  }
  value.resize(size);
  return value;
}

void CheckStoreKeys(const std::string& log, const std::set<std::string>& keys,
                    const Written& puts, bool strict) {
  const std::string path =
      gogocache::fuzz_util::ScratchDir("log_keys_fuzzer") + "/fuzz.log";
  FILE* file = fopen(path.c_str(), "wb");
  Check(file != nullptr, "create scratch file");
  Check(fwrite(log.data(), 1, log.size(), file) == log.size(), "write input");
  fclose(file);
  gogocache::FlatFileStoreOptions options;
  options.strict = strict;
  options.compaction_min_bytes = uint64_t{1} << 30;
  auto store = gogocache::FlatFileStore::Open(path, options);
  if (!store.ok()) return;  // Strict mode may refuse damage.
  Check((*store)
            ->Replay([&](absl::string_view key, absl::string_view,
                         absl::Time expires) {
              Check(keys.count(std::string(key)) == 1,
                    "the store replays only keys that were written");
              Check(puts.count({std::string(key), expires}) == 1,
                    "the store replays a key with an expiry written for it");
            })
            .ok(),
        "replay");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Input input(data, size);
  std::string log = lf::EncodeHeader();
  std::set<std::string> written;
  Written puts;
  const int records = 1 + input.Byte() % 12;
  for (int i = 0; i < records; ++i) {
    const uint8_t op = input.Byte();
    const std::string key = absl::StrCat("k", op % 8);
    std::string value;
    switch ((op >> 3) % 4) {
      case 0:
        lf::AppendRecord(lf::RecordType::kDelete, key, "", &log);
        written.insert(key);  // A tombstone names its key too.
        continue;
      case 1:
        value = input.Bytes(input.Byte());
        break;
      case 2: {
        const size_t length = 16 + (input.Fixed32() % (3 * lf::kBlockSize));
        value = ValueOfRecords(length, input.Byte() % 32, input);
        break;
      }
      case 3: {
        const std::string chunk = input.Bytes(1 + input.Byte() % 64);
        const size_t length = input.Fixed32() % (2 * lf::kBlockSize);
        while (value.size() < length) value += chunk;
        break;
      }
    }
    // The op's top bit: a put with an expiry.
    const absl::Time expires =
        op & 0x80 ? ExpiryOf(input.Byte()) : absl::InfiniteFuture();
    lf::AppendRecord(lf::RecordType::kPut, key, value, &log, expires);
    written.insert(key);
    puts.insert({key, expires});
  }
  // Damage: a cut, a flipped byte, a page of zeros; each or none.
  const uint8_t damage = input.Byte();
  if (damage & 1) log.resize(lf::kHeaderSize + input.Fixed32() % log.size());
  if (damage & 2) {
    const uint8_t mask = input.Byte() | 1;
    log[input.Fixed32() % log.size()] ^= static_cast<char>(mask);
  }
  if (damage & 4) {
    const size_t page = (input.Fixed32() % log.size()) / 4096 * 4096;
    std::fill(log.begin() + page,
              log.begin() + std::min(log.size(), page + 4096), '\0');
  }
  if (damage & 8) log.resize(log.size() + 4096 * (damage >> 4), '\0');

  uint32_t version = 0;
  if (!lf::CheckHeader(log.substr(0, lf::kHeaderSize), &version).ok()) {
    return 0;  // The header was damaged: nothing is read.
  }
  lf::ScanLog(
      log, version,
      [&](const lf::Record& record) {
        Check(written.count(std::string(record.key)) == 1,
              "the scanner finds only keys that were written");
        Check(record.type == lf::RecordType::kDelete
                  ? record.expires == absl::InfiniteFuture()
                  : puts.count({std::string(record.key), record.expires}) == 1,
              "the scanner finds a key with an expiry written for it");
      },
      [](uint64_t, uint64_t) {});
  CheckStoreKeys(log, written, puts, /*strict=*/false);
  CheckStoreKeys(log, written, puts, /*strict=*/true);
  return 0;
}
