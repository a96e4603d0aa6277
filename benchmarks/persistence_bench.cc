// Copyright 2026 The gogocache Authors.
//
// Persistence throughput, each figure also as a fraction of the device's own
// sequential write bandwidth measured in the same run (plain write() of 1 MiB
// blocks, then one fdatasync, of as many bytes as the recovery stores hold,
// 288 MiB; each write row into the page cache, under "none" and "periodic",
// puts that many key and value bytes, split among its threads):
//
//   BM_DeviceWrite                     the baseline itself (the median of
//                                      three measurements)
//   BM_Write/BACKEND/POLICY/value:V    Put of new keys (16 bytes) with V-byte
//                                      values (100, 4096), per backend
//                                      (file, rocksdb) and durability policy;
//                                      1 and 2 writer threads (group commit
//                                      shows in the 2-thread "always" rows)
//   BM_GroupCommit/BACKEND/value:V     under "always", 2 writers' rate over
//                                      1 writer's, in alternating phases
//   BM_DeviceGroupCommit/value:V       the same, for plain pwrite and
//                                      fdatasync with no store: the ratio
//                                      this device allows
//   BM_SyncHandOff                     what handing a finished fsync to a
//                                      sleeping writer costs on the machine
//                                      running it, and the 2-writer ratio
//                                      that leaves
//   BM_Recovery/BACKEND/value:V        open + replay of a store of at least
//                                      256 MiB from the page cache, V-byte
//                                      values
//   BM_Compaction/file                 compaction of a log half garbage
//
// Counters: items_per_second (operations), bytes_per_second (key and value
// bytes), of_device (bytes_per_second / the baseline). Files go under
// --bench_dir (default $TMPDIR or /tmp) and are removed afterwards.
// GOGOCACHE_BENCH_QUICK=1 shrinks the stores to a few MiB (for CI). The
// write rows run --rounds times (default 3), interleaved; the thread
// scaling printed at the end is the median of the rounds' (bench_main.h).
//
// Every figure that fills the page cache (the baseline's three runs, the
// write rows, compaction) starts with --warm_mib MiB (default 1024) of
// memory just touched and freed, so that the baseline and the stores fill
// memory in the same state. Without it they would not: in a VM with free
// page reporting, memory left free for a couple of seconds goes back to the
// host, and its next first touch faults on the host as well, far slower
// than a touch of memory freed a moment before. The baseline's median run
// reuses the memory of the run before it, while a store's row mostly would
// not, and would measure the host. --warm_mib=0 measures without the
// warm-up.
//
//   ./bazelw run --config=bench //benchmarks:persistence_bench [--
//   --rounds=5 --warm_mib=0]

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <variant>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "benchmark/benchmark.h"
#include "benchmarks/bench_main.h"
#include "persistence/log_format.h"
#include "persistence/open.h"

namespace gogocache {
namespace bench {
namespace {

std::string g_dir;      // From --bench_dir.
uint64_t g_warm_bytes;  // From --warm_mib.

bool Quick() {
  const char* quick = getenv("GOGOCACHE_BENCH_QUICK");
  return quick != nullptr && std::string(quick) == "1";
}

uint64_t RecoveryBytes() { return Quick() ? (8 << 20) : (uint64_t{288} << 20); }
// What the device baseline writes, and so every write row into the page
// cache: key and value bytes as many as the recovery stores hold.
uint64_t BaselineBytes() { return RecoveryBytes(); }

std::string FreshPath(const std::string& name) {
  static std::atomic<int> counter{0};
  const std::string path = absl::StrCat(g_dir, "/gogocache_bench.", getpid(),
                                        ".", counter++, ".", name);
  std::filesystem::remove_all(path);
  return path;
}

// Opens the store of `spec` compacting only when asked (a flat file's
// compaction_min_bytes out of reach), so that a benchmark times no
// compaction it did not ask for.
absl::StatusOr<std::unique_ptr<Store>> OpenUncompacted(
    const std::string& spec) {
  absl::StatusOr<StoreSpec> parsed = ParseStoreSpec(spec);
  if (!parsed.ok()) return parsed.status();
  if (auto* file = std::get_if<FlatFileStoreOptions>(&parsed->options)) {
    file->compaction_min_bytes = uint64_t{1} << 40;
  }
  return OpenStore(*parsed);
}

// MADV_POPULATE_WRITE (Linux 5.14); where it is missing the pages are
// touched one by one.
#ifdef MADV_POPULATE_WRITE
constexpr int kPopulateWrite = MADV_POPULATE_WRITE;
#else
constexpr int kPopulateWrite = 23;
#endif

// Touches g_warm_bytes of memory and frees it, for what is measured next to
// find the kernel's free memory freshly used (see the top of the file).
// Huge pages where the kernel offers them: a fault per 2 MiB, not per 4 KiB.
void WarmMemory() {
  if (g_warm_bytes == 0) return;
  void* memory = mmap(nullptr, g_warm_bytes, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (memory == MAP_FAILED) return;  // Then measured without.
  madvise(memory, g_warm_bytes, MADV_HUGEPAGE);
  if (madvise(memory, g_warm_bytes, kPopulateWrite) != 0) {
    std::memset(memory, 1, g_warm_bytes);
  }
  munmap(memory, g_warm_bytes);
}

// Sequential write bandwidth of the device under --bench_dir, bytes/s.
double MeasureDevice(uint64_t bytes) {
  WarmMemory();
  const std::string path = FreshPath("device");
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) std::abort();
  const std::string block(1 << 20, 'd');
  const auto start = std::chrono::steady_clock::now();
  for (uint64_t done = 0; done < bytes; done += block.size()) {
    if (write(fd, block.data(), block.size()) !=
        static_cast<ssize_t>(block.size())) {
      std::abort();
    }
  }
  if (fdatasync(fd) != 0) std::abort();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  close(fd);
  unlink(path.c_str());
  return static_cast<double>(bytes) / seconds;
}

// The median of three measurements, taken once, before anything is timed:
// every of_device figure of the run divides by this same number.
double DeviceBandwidth() {
  static const double bandwidth = [] {
    double runs[3];
    for (double& run : runs) run = MeasureDevice(BaselineBytes());
    std::sort(runs, runs + 3);
    return runs[1];
  }();
  return bandwidth;
}

void ReportBytes(benchmark::State& state, uint64_t bytes) {
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.counters["of_device"] =
      benchmark::Counter(static_cast<double>(bytes) / DeviceBandwidth(),
                         benchmark::Counter::kIsRate);
}

// Reports the baseline every other figure is divided by.
void BM_DeviceWrite(benchmark::State& state) {
  const double bandwidth = DeviceBandwidth();
  for (auto _ : state) {
    benchmark::DoNotOptimize(bandwidth);
  }
  state.counters["device_bytes_per_second"] = bandwidth;
}

// 16-byte keys, "THREAD:I" right-aligned over '0's, formatted into `buffer`
// (which the view points into): a 16-byte std::string is past the
// small-string limit, and building one per put (two heap allocations with
// the digits) would add a visible share to a small put's measured time.
absl::string_view Key(int thread, uint64_t i, char (&buffer)[16]) {
  std::memset(buffer, '0', sizeof(buffer));
  size_t at = sizeof(buffer);
  // Writes `n`'s digits leftwards from `at`, as many as fit.
  auto put_digits = [&](uint64_t n) {
    do {
      buffer[--at] = static_cast<char>('0' + n % 10);
      n /= 10;
    } while (n != 0 && at > 0);
  };
  put_digits(i);
  if (at > 0) buffer[--at] = ':';
  if (at > 0) put_digits(static_cast<uint64_t>(thread));
  return absl::string_view(buffer, sizeof(buffer));
}

// Key(thread, 0), Key(thread, 1), ... in turn, each made from the one
// before: most differ from it in their last digit only, and formatting
// every key from scratch (a division per digit) would add a visible share
// to a small put's CPU time under "none". The view is valid until the next
// call.
class KeySequence {
 public:
  explicit KeySequence(int thread) : thread_(thread) {}

  absl::string_view Next() {
    if (next_ == 0 || digits_ + 2 >= sizeof(buffer_)) {
      Key(thread_, next_, buffer_);
      digits_ = DigitCount(next_);
    } else {
      size_t at = sizeof(buffer_);
      while (at > sizeof(buffer_) - digits_ && buffer_[at - 1] == '9') {
        buffer_[--at] = '0';
      }
      if (at == sizeof(buffer_) - digits_) {  // One digit more: reformat.
        Key(thread_, next_, buffer_);
        digits_ = DigitCount(next_);
      } else {
        ++buffer_[at - 1];
      }
    }
    ++next_;
    return absl::string_view(buffer_, sizeof(buffer_));
  }

 private:
  static size_t DigitCount(uint64_t n) {
    size_t count = 1;
    for (; n >= 10; n /= 10) ++count;
    return count;
  }

  const int thread_;
  uint64_t next_ = 0;
  size_t digits_ = 0;  // Of next_ - 1, the last key made.
  char buffer_[16];
};

void BM_Write(benchmark::State& state, std::string scheme, std::string policy,
              size_t value_size) {
  static std::unique_ptr<Store> store;
  static std::string path;
  if (state.thread_index() == 0) {
    DeviceBandwidth();  // Measured before any timing, and before warming.
    WarmMemory();
    path = FreshPath(scheme);
    // New keys make no garbage.
    absl::StatusOr<std::unique_ptr<Store>> opened = OpenUncompacted(
        absl::StrCat(scheme, ":", path, "?durability=", policy));
    if (!opened.ok()) {
      state.SkipWithError(opened.status().ToString().c_str());
      return;
    }
    store = *std::move(opened);
  }
  const std::string value(value_size, 'v');
  KeySequence keys(state.thread_index());
  for (auto _ : state) {
    if (store == nullptr || !store->Put(keys.Next(), value).ok()) {
      state.SkipWithError("put failed");
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
  ReportBytes(state, state.iterations() * (16 + value_size));
  if (state.thread_index() == 0 && store != nullptr) {
    state.counters["syncs"] = store->GetStats().syncs;
  }
  // The last thread out cleans up: Google Benchmark joins threads after this.
  static std::atomic<int> done{0};
  if (++done == state.threads()) {
    done = 0;
    store.reset();
    std::filesystem::remove_all(path);
  }
}

// A store of RecoveryBytes() of `value_size`-byte values, for the recovery
// benchmark.
std::string BuildStore(const std::string& scheme, size_t value_size) {
  const std::string path = FreshPath(scheme);
  std::unique_ptr<Store> store = *OpenUncompacted(scheme + ":" + path);
  const std::string value(value_size, 'r');
  char key[16];
  for (uint64_t i = 0; i * (16 + value.size()) < RecoveryBytes(); ++i) {
    if (!store->Put(Key(0, i, key), value).ok()) std::abort();
  }
  if (!store->Close().ok()) std::abort();
  return path;
}

void BM_Recovery(benchmark::State& state, std::string scheme,
                 size_t value_size) {
  const std::string path = BuildStore(scheme, value_size);
  uint64_t bytes = 0;
  for (auto _ : state) {
    absl::StatusOr<std::unique_ptr<Store>> store =
        OpenStore(scheme + ":" + path);
    if (!store.ok()) {
      state.SkipWithError(store.status().ToString().c_str());
      break;
    }
    uint64_t entries = 0;
    if (!(*store)
             ->Replay([&](absl::string_view key, absl::string_view value) {
               bytes += key.size() + value.size();
               ++entries;
             })
             .ok()) {
      state.SkipWithError("replay failed");
      break;
    }
    state.counters["entries"] = entries;
  }
  ReportBytes(state, bytes);
  std::filesystem::remove_all(path);
}

void BM_Compaction(benchmark::State& state) {
  const uint64_t live = RecoveryBytes() / 2;
  const std::string value(4096, 'c');
  uint64_t bytes = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const std::string path = FreshPath("compact");
    std::unique_ptr<Store> store = *OpenUncompacted("file:" + path);
    // Every key written twice: half the log is garbage.
    for (int round = 0; round < 2; ++round) {
      for (uint64_t i = 0; i * (16 + value.size()) < live; ++i) {
        char key[16];
        if (!store->Put(Key(0, i, key), value).ok()) std::abort();
      }
    }
    WarmMemory();
    state.ResumeTiming();
    if (!store->Compact().ok()) state.SkipWithError("compaction failed");
    state.PauseTiming();
    bytes += store->GetStats().live_bytes;
    store.reset();
    std::filesystem::remove_all(path);
    state.ResumeTiming();
  }
  ReportBytes(state, bytes);
}

// Group commit under "always", measured so that device drift cancels out:
// short phases of 1 writer and of 2 writers alternate (`pairs` of each,
// `phase_puts` puts per writer per phase), and the figure is the median over
// the pairs of (2-writer rate / 1-writer rate), each pair spanning at most
// 3 * phase_puts fsyncs. BM_Write's thread rows measure the same thing a
// whole row apart, long enough for fsync times to drift by as much as group
// commit gains.
// `put` is a durable put, `syncs` the count of fsyncs so far.
struct GroupCommitShape {
  int pairs = Quick() ? 2 : 15;
  uint64_t phase_puts = Quick() ? 4 : 40;
};
void MeasureGroupCommit(
    benchmark::State& state, size_t value_size,
    absl::FunctionRef<absl::Status(absl::string_view, absl::string_view)> put,
    absl::FunctionRef<uint64_t()> syncs) {
  const GroupCommitShape shape;
  const std::string value(value_size, 'g');
  uint64_t next_key[2] = {0, 0};
  std::atomic<bool> failed{false};
  auto write = [&](int writer) {
    char key[16];
    for (uint64_t i = 0; i < shape.phase_puts; ++i) {
      if (!put(Key(writer, next_key[writer]++, key), value).ok()) {
        failed = true;
        return;
      }
    }
  };
  // Seconds for `writers` writers to put phase_puts each.
  auto phase = [&](int writers) {
    std::atomic<bool> go{false};
    std::thread second;
    if (writers == 2) {
      second = std::thread([&] {
        while (!go.load(std::memory_order_acquire)) std::this_thread::yield();
        write(1);
      });
    }
    const auto start = std::chrono::steady_clock::now();
    go.store(true, std::memory_order_release);
    write(0);
    if (second.joinable()) second.join();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                         start)
        .count();
  };
  std::vector<double> ratios;
  double seconds[2] = {0, 0};
  uint64_t two_writer_syncs = 0;
  for (auto _ : state) {
    for (int pair = 0; pair < shape.pairs && !failed; ++pair) {
      const double one = phase(1);
      const uint64_t syncs_before = syncs();
      const double two = phase(2);
      two_writer_syncs += syncs() - syncs_before;
      seconds[0] += one;
      seconds[1] += two;
      ratios.push_back((2 * shape.phase_puts / two) / (shape.phase_puts / one));
    }
  }
  if (failed) {
    state.SkipWithError("put failed");
    return;
  }
  state.counters["ratio"] = Median(ratios);
  state.counters["ratio_min"] = *std::min_element(ratios.begin(), ratios.end());
  state.counters["ratio_max"] = *std::max_element(ratios.begin(), ratios.end());
  state.counters["ops_1_writer"] = shape.pairs * shape.phase_puts / seconds[0];
  state.counters["ops_2_writers"] =
      2 * shape.pairs * shape.phase_puts / seconds[1];
  state.counters["records_per_sync"] =
      two_writer_syncs == 0 ? 0.0
                            : 2.0 * shape.pairs * shape.phase_puts /
                                  static_cast<double>(two_writer_syncs);
}

void BM_GroupCommit(benchmark::State& state, std::string scheme,
                    size_t value_size) {
  const std::string path = FreshPath(scheme);
  absl::StatusOr<std::unique_ptr<Store>> opened =
      OpenStore(absl::StrCat(scheme, ":", path, "?durability=always"));
  if (!opened.ok()) {
    state.SkipWithError(opened.status().ToString().c_str());
    return;
  }
  Store& store = **opened;
  MeasureGroupCommit(
      state, value_size,
      [&](absl::string_view key, absl::string_view value) {
        return store.Put(key, value);
      },
      [&] { return store.GetStats().syncs; });
  opened->reset();
  std::filesystem::remove_all(path);
}

// The device's own group commit, which BM_GroupCommit's ratios are to be read
// against: what the device allows two synchronous writers, with no store in
// the way. Records of the flat file's format are appended with pwrite to a
// file of zeros written and synced beforehand (the state the store's
// reservations leave a log in, so that an fdatasync writes records and
// flushes, and commits no metadata), and each fdatasync covers every writer
// that appended before it; its leader first waits, yielding, for as many
// writers as the last round had (at most half the last fsync), as the
// store's does. Not a store: no index, no growth, and an I/O error aborts.
class DeviceGroupCommit {
 public:
  DeviceGroupCommit(const std::string& path, uint64_t bytes) : path_(path) {
    fd_ = open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd_ < 0) std::abort();
    const std::string zeros(1 << 20, '\0');
    for (uint64_t at = 0; at < bytes; at += zeros.size()) {
      if (pwrite(fd_, zeros.data(), zeros.size(), static_cast<off_t>(at)) !=
          static_cast<ssize_t>(zeros.size())) {
        std::abort();
      }
    }
    if (fdatasync(fd_) != 0) std::abort();
    size_ = bytes;
  }
  ~DeviceGroupCommit() {
    close(fd_);
    unlink(path_.c_str());
  }

  absl::Status Put(absl::string_view key, absl::string_view value) {
    const size_t size = log_format::RecordSize(key.size(), value.size());
    std::string record(size, '\0');
    log_format::EncodeRecord(log_format::RecordType::kPut, key, value,
                             record.data());
    std::unique_lock<std::mutex> lock(mu_);
    if (end_ + size > size_) std::abort();  // The benchmark sizes the file.
    if (pwrite(fd_, record.data(), size, static_cast<off_t>(end_)) !=
        static_cast<ssize_t>(size)) {
      std::abort();
    }
    end_ += size;
    appended_.store(appended_.load(std::memory_order_relaxed) + 1,
                    std::memory_order_release);
    const uint64_t target = end_;
    ++waiting_;
    while (synced_ < target) {
      if (sync_running_) {
        sync_done_.wait(lock);
        continue;
      }
      sync_running_ = true;
      if (last_round_writers_ > 1) {
        const auto deadline = std::chrono::steady_clock::now() + last_sync_ / 2;
        const uint64_t wanted = synced_records_ + last_round_writers_;
        lock.unlock();
        while (appended_.load(std::memory_order_acquire) < wanted &&
               std::chrono::steady_clock::now() < deadline) {
          std::this_thread::yield();
        }
        lock.lock();
      }
      const uint64_t covered = end_;
      const uint64_t covered_records = appended_.load();
      const int round_writers = waiting_;
      lock.unlock();
      const auto start = std::chrono::steady_clock::now();
      if (fdatasync(fd_) != 0) std::abort();
      const auto took = std::chrono::steady_clock::now() - start;
      lock.lock();
      sync_running_ = false;
      last_sync_ = took;
      last_round_writers_ = round_writers;
      synced_ = covered;
      synced_records_ = covered_records;
      ++syncs_;
      sync_done_.notify_all();
    }
    --waiting_;
    return absl::OkStatus();
  }

  uint64_t syncs() {
    std::lock_guard<std::mutex> lock(mu_);
    return syncs_;
  }

 private:
  const std::string path_;
  int fd_;
  uint64_t size_;
  std::mutex mu_;
  std::condition_variable sync_done_;
  uint64_t end_ = 0;
  std::atomic<uint64_t> appended_{0};  // Records; written under mu_.
  uint64_t synced_ = 0;
  uint64_t synced_records_ = 0;
  bool sync_running_ = false;
  int waiting_ = 0;
  int last_round_writers_ = 1;
  std::chrono::steady_clock::duration last_sync_{};
  uint64_t syncs_ = 0;
};

void BM_DeviceGroupCommit(benchmark::State& state, size_t value_size) {
  const GroupCommitShape shape;
  // Every put of every phase, with room to spare.
  const uint64_t bytes = 2 * 3 * shape.pairs * shape.phase_puts *
                         log_format::RecordSize(16, value_size);
  DeviceGroupCommit device(FreshPath("device_group_commit"), bytes);
  MeasureGroupCommit(
      state, value_size,
      [&](absl::string_view key, absl::string_view value) {
        return device.Put(key, value);
      },
      [&] { return device.syncs(); });
}

// What it costs, on the machine running it, to hand a finished fsync to a
// writer that slept through it, which bounds what group commit can gain: the
// next fsync cannot cover that writer's next record before it is awake to write
// it. Each round a follower thread waits on a condition variable while the
// leader does pwrite + fdatasync of a 100-byte record in a file of zeros
// written and synced beforehand, then notifies it as the store's leader
// does (under the mutex). Counters, medians over the rounds, in
// microseconds: fsync_us; notify_us, from the fsync's return until the
// leader has the lock released (what it pays before its own next append);
// wake_us, from the fsync's return until the follower runs; and
// ratio_bound = 2 * fsync / (fsync + wake), the 2-writer ratio if nothing
// else stood between one fsync and the next.
void BM_SyncHandOff(benchmark::State& state) {
  const int rounds = Quick() ? 20 : 1000;
  const std::string path = FreshPath("sync_hand_off");
  const int fd = open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) std::abort();
  const std::string zeros(1 << 20, '\0');
  if (pwrite(fd, zeros.data(), zeros.size(), 0) !=
          static_cast<ssize_t>(zeros.size()) ||
      fdatasync(fd) != 0) {
    std::abort();
  }
  using Clock = std::chrono::steady_clock;
  std::mutex mu;
  std::condition_variable done;
  int round = 0;                // Rounds finished; guarded by mu.
  std::atomic<int> waiting{0};  // Rounds the follower has started to wait.
  std::vector<Clock::time_point> synced(rounds), woke(rounds);
  std::vector<double> fsync_us, notify_us;
  for (auto _ : state) {
    std::thread follower([&] {
      std::unique_lock<std::mutex> lock(mu);
      for (int r = 0; r < rounds; ++r) {
        waiting.store(r + 1, std::memory_order_release);
        done.wait(lock, [&] { return round > r; });
        woke[r] = Clock::now();
      }
    });
    const std::string record(100, 'h');
    for (int r = 0; r < rounds; ++r) {
      // As the store's leader waits for the other writer: yielding.
      while (waiting.load(std::memory_order_acquire) <= r) {
        std::this_thread::yield();
      }
      {
        // The follower is inside wait() once it has let go of the lock.
        std::lock_guard<std::mutex> lock(mu);
      }
      const auto start = Clock::now();
      if (pwrite(fd, record.data(), record.size(),
                 static_cast<off_t>(r % 8192) * 128) !=
              static_cast<ssize_t>(record.size()) ||
          fdatasync(fd) != 0) {
        std::abort();
      }
      synced[r] = Clock::now();
      {
        std::lock_guard<std::mutex> lock(mu);
        ++round;
        done.notify_all();
      }
      const auto released = Clock::now();
      fsync_us.push_back(
          std::chrono::duration<double, std::micro>(synced[r] - start).count());
      notify_us.push_back(
          std::chrono::duration<double, std::micro>(released - synced[r])
              .count());
    }
    follower.join();
  }
  close(fd);
  unlink(path.c_str());
  std::vector<double> wake_us;
  for (int r = 0; r < rounds; ++r) {
    wake_us.push_back(
        std::chrono::duration<double, std::micro>(woke[r] - synced[r]).count());
  }
  const double fsync = Median(fsync_us);
  const double wake = Median(wake_us);
  state.counters["fsync_us"] = fsync;
  state.counters["notify_us"] = Median(notify_us);
  state.counters["wake_us"] = wake;
  state.counters["ratio_bound"] = 2 * fsync / (fsync + wake);
}

// The write rows run `rounds` times over, interleaved, so that each 2-writer
// run is compared with the 1-writer run just before it: fsync times drift
// over a run, which one pair of runs far apart would read as a change in
// group commit.
void Register(const std::vector<int>& threads, int rounds) {
  benchmark::RegisterBenchmark("BM_DeviceWrite", BM_DeviceWrite)->Iterations(1);
  for (int round = 0; round < rounds; ++round) {
    for (const char* scheme : {"file", "rocksdb"}) {
      for (const char* policy : {"none", "periodic", "always"}) {
        for (size_t value_size : {size_t{100}, size_t{4096}}) {
          const std::string name =
              RoundName(absl::StrCat("BM_Write/", scheme, "/", policy,
                                     "/value:", value_size),
                        round, rounds);
          // Into the page cache, a row writes the baseline's bytes, split
          // among its threads, so that both fill the same amount of memory
          // from the same state (see the top of the file); under "always"
          // that would take minutes, and a row runs for its minimum time.
          const bool same_bytes = std::string(policy) != "always";
          for (int n : threads) {
            auto* b = benchmark::RegisterBenchmark(name.c_str(), BM_Write,
                                                   scheme, policy, value_size);
            b->Threads(n)->UseRealTime();
            if (same_bytes) {
              b->Iterations(static_cast<int64_t>(
                  std::max<uint64_t>(1, BaselineBytes() / (16 + value_size) /
                                            static_cast<uint64_t>(n))));
            }
          }
        }
      }
    }
  }
  for (size_t value_size : {size_t{100}, size_t{4096}}) {
    benchmark::RegisterBenchmark(
        absl::StrCat("BM_DeviceGroupCommit/value:", value_size).c_str(),
        BM_DeviceGroupCommit, value_size)
        ->Iterations(1)
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond);
  }
  benchmark::RegisterBenchmark("BM_SyncHandOff", BM_SyncHandOff)
      ->Iterations(1)
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);
  for (const char* scheme : {"file", "rocksdb"}) {
    for (size_t value_size : {size_t{100}, size_t{4096}}) {
      benchmark::RegisterBenchmark(
          absl::StrCat("BM_GroupCommit/", scheme, "/value:", value_size)
              .c_str(),
          BM_GroupCommit, scheme, value_size)
          ->Iterations(1)
          ->UseRealTime()
          ->Unit(benchmark::kMillisecond);
    }
  }
  // 4 KiB values, and for the file 100-byte ones too: 2.4 million records,
  // where indexing them is most of the work.
  const std::pair<const char*, size_t> recoveries[] = {
      {"file", 4096}, {"file", 100}, {"rocksdb", 4096}};
  for (const auto& [scheme, value_size] : recoveries) {
    benchmark::RegisterBenchmark(
        absl::StrCat("BM_Recovery/", scheme, "/value:", value_size).c_str(),
        BM_Recovery, scheme, value_size)
        ->Iterations(3)
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond);
  }
  benchmark::RegisterBenchmark("BM_Compaction/file", BM_Compaction)
      ->Iterations(3)
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);
}

}  // namespace
}  // namespace bench
}  // namespace gogocache

int main(int argc, char** argv) {
  namespace bench = gogocache::bench;
  // --warm_mib is this suite's own flag; the rest are bench_main's and
  // Google Benchmark's.
  uint64_t warm_mib = bench::Quick() ? 16 : 1024;
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (absl::ConsumePrefix(&arg, "--warm_mib=")) {
      if (!absl::SimpleAtoi(arg, &warm_mib)) {
        fprintf(stderr, "bad --warm_mib value: %s\n", argv[i]);
        return 1;
      }
    } else {
      argv[kept++] = argv[i];
    }
  }
  argc = kept;
  bench::g_warm_bytes = warm_mib << 20;
  const bench::BenchFlags flags = bench::ParseBenchFlags(&argc, argv);
  bench::g_dir = flags.dir;
  bench::Register(flags.threads, flags.rounds > 0 ? flags.rounds : 3);
  return bench::RunBenchmarks(argc, argv, {});
}
