// Copyright 2026 The gogocache Authors.
//
// ServedGroup: a CacheGroup as the peer server serves it, with how long its
// loads for peers have taken lately. A load (GetForPeer of a key the group
// does not hold) may run the group's getter for as long as the getter
// takes, so the server hands it to a worker thread instead of holding up
// its polling thread; but the handoff costs two thread wakeups, more than a
// getter that answers from memory or a computation takes. Loads that have
// lately been quicker than the handoff run on the polling thread.
//
// Lately: a moving average over the last several loads (each weighs 1/8),
// starting as if loads were slow, so a getter is handed off until it has
// shown to be quick, and again as soon as a few loads are slow. A load on
// the polling thread never waits for another's load of the same key (that
// one is handed off). The price: the first slow load after quick ones holds
// up the polling thread it runs on, and the requests behind it, for as long
// as it takes; a getter that can hang must not be quick on average, or the
// server must be told to hand every load off
// (PeerServerOptions::quick_loads_inline).
//
// Thread safety: every method may be called concurrently.

#ifndef GOGOCACHE_PEER_SERVED_GROUP_H_
#define GOGOCACHE_PEER_SERVED_GROUP_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "cache/byte_view.h"
#include "cache/cache_group.h"

namespace gogocache {

class ServedGroup {
 public:
  // Loads quicker than this on average run where the request was taken.
  static constexpr std::chrono::nanoseconds kQuickLoad{20'000};

  // `quick_load` is kQuickLoad but in tests, which cannot rely on this
  // machine's speed.
  explicit ServedGroup(CacheGroup* group,
                       std::chrono::nanoseconds quick_load = kQuickLoad)
      : group_(group),
        quick_load_ns_(quick_load.count()),
        average_load_ns_(100 * quick_load_ns_) {}

  CacheGroup& group() const { return *group_; }

  // Whether loads have lately been quick.
  bool LoadsAreQuick() const {
    return average_load_ns_.load(std::memory_order_relaxed) < quick_load_ns_;
  }

  // group().GetForPeer(key, expires), timed into the average.
  absl::StatusOr<ByteView> Load(absl::string_view key,
                                absl::Time* expires = nullptr) {
    const auto start = std::chrono::steady_clock::now();
    absl::StatusOr<ByteView> value = group_->GetForPeer(key, expires);
    Record(std::chrono::steady_clock::now() - start);
    return value;
  }

  // group().GetForPeerUnlessLoading(key), timed into the average when it
  // loads: std::nullopt, without waiting, when a load of `key` is running.
  std::optional<absl::StatusOr<ByteView>> LoadUnlessLoading(
      absl::string_view key, absl::Time* expires = nullptr) {
    const auto start = std::chrono::steady_clock::now();
    std::optional<absl::StatusOr<ByteView>> value =
        group_->GetForPeerUnlessLoading(key, expires);
    if (value.has_value()) Record(std::chrono::steady_clock::now() - start);
    return value;
  }

 private:
  void Record(std::chrono::steady_clock::duration took) {
    const int64_t ns =
        std::chrono::duration_cast<std::chrono::nanoseconds>(took).count();
    // Racing updates may lose one another's sample; the average stays one.
    const int64_t average = average_load_ns_.load(std::memory_order_relaxed);
    average_load_ns_.store(average + (ns - average) / 8,
                           std::memory_order_relaxed);
  }

  CacheGroup* const group_;
  const int64_t quick_load_ns_;
  std::atomic<int64_t> average_load_ns_;
};

}  // namespace gogocache

#endif  // GOGOCACHE_PEER_SERVED_GROUP_H_
