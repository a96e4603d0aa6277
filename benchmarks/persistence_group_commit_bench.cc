// Copyright 2026 The gogocache Authors.
//
// persistence_bench's group commit rows (the top of persistence_bench.cc
// lists them with the others): BM_GroupCommit, the store's 2-writer rate
// over its 1-writer rate under "always"; BM_DeviceGroupCommit, the same for
// plain pwrite and fdatasync; BM_SyncHandOff, what handing a finished fsync
// to a sleeping writer costs.

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "benchmark/benchmark.h"
#include "benchmarks/bench_main.h"
#include "benchmarks/persistence_bench_util.h"
#include "persistence/log_format.h"
#include "persistence/open.h"

namespace gogocache {
namespace bench {
namespace {

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

}  // namespace

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

namespace {

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

}  // namespace

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

}  // namespace bench
}  // namespace gogocache
