// Copyright 2026 The gogocache Authors.
//
// SingleFlight: collapses concurrent calls for the same key into one. The
// first caller for a key runs the function; callers that arrive while it runs
// wait and receive the same result (value or error). Once the call returns,
// the key is forgotten: a later call runs the function again. Nothing is
// cached here.
//
// Promises:
//   - Calls for different keys never wait on each other.
//   - No lock is held while the function runs, so the function may itself
//     call Do() for other keys (on this or another SingleFlight).
//   - A function that calls Do() for the key it is computing would wait on
//     itself forever; that is detected and answered with FailedPrecondition.
//   - shared_calls() counts callers that received another caller's result.
//
// Thread safety: all methods may be called concurrently. Uses std::mutex and
// std::condition_variable (see docs/design.md, section "Sanitizers").

#ifndef GOGOCACHE_LOADER_SINGLEFLIGHT_H_
#define GOGOCACHE_LOADER_SINGLEFLIGHT_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace gogocache {

template <typename T>
class SingleFlight {
 public:
  SingleFlight() = default;
  SingleFlight(const SingleFlight&) = delete;
  SingleFlight& operator=(const SingleFlight&) = delete;

  // Runs `function` for `key`, or waits for the call already running for it.
  // When `shared` is not null it is set to whether the result came from
  // another caller's call.
  absl::StatusOr<T> Do(absl::string_view key,
                       absl::FunctionRef<absl::StatusOr<T>()> function,
                       bool* shared = nullptr) {
    return *Run(key, function, /*wait=*/true, shared);
  }

  // Do(), except that when a call for `key` is already running it returns
  // std::nullopt at once instead of waiting for that call.
  std::optional<absl::StatusOr<T>> TryDo(
      absl::string_view key, absl::FunctionRef<absl::StatusOr<T>()> function) {
    return Run(key, function, /*wait=*/false, nullptr);
  }

  // Callers so far that received another caller's result.
  uint64_t shared_calls() const {
    return shared_calls_.load(std::memory_order_relaxed);
  }

 private:
  // Do() when `wait`; TryDo() otherwise.
  std::optional<absl::StatusOr<T>> Run(
      absl::string_view key, absl::FunctionRef<absl::StatusOr<T>()> function,
      bool wait, bool* shared);

  struct Call {
    std::thread::id runner;
    std::mutex mu;
    std::condition_variable done_cv;
    bool done ABSL_GUARDED_BY(mu) = false;
    std::optional<absl::StatusOr<T>> result ABSL_GUARDED_BY(mu);
  };

  std::mutex mu_;
  absl::flat_hash_map<std::string, std::shared_ptr<Call>> calls_
      ABSL_GUARDED_BY(mu_);
  std::atomic<uint64_t> shared_calls_{0};
};

template <typename T>
std::optional<absl::StatusOr<T>> SingleFlight<T>::Run(
    absl::string_view key, absl::FunctionRef<absl::StatusOr<T>()> function,
    bool wait, bool* shared) {
  std::shared_ptr<Call> call;
  bool leader = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto [it, inserted] = calls_.try_emplace(key);
    if (inserted) {
      it->second = std::make_shared<Call>();
      it->second->runner = std::this_thread::get_id();
      leader = true;
    } else if (!wait) {
      return std::nullopt;
    } else if (it->second->runner == std::this_thread::get_id()) {
      return absl::StatusOr<T>(absl::FailedPreconditionError(absl::StrCat(
          "singleflight: the call for key \"", absl::CEscape(key),
          "\" re-entered itself and would wait on itself forever")));
    }
    call = it->second;
  }
  if (shared != nullptr) *shared = !leader;

  if (!leader) {
    shared_calls_.fetch_add(1, std::memory_order_relaxed);
    std::unique_lock<std::mutex> lock(call->mu);
    call->done_cv.wait(
        lock, [&call]() ABSL_NO_THREAD_SAFETY_ANALYSIS { return call->done; });
    return *call->result;
  }

  absl::StatusOr<T> result = function();
  {
    // Forget the key first, so a caller arriving from now on starts a new
    // call instead of joining one whose result may already be stale.
    std::lock_guard<std::mutex> lock(mu_);
    calls_.erase(key);
  }
  {
    std::lock_guard<std::mutex> lock(call->mu);
    call->result.emplace(result);
    call->done = true;
  }
  call->done_cv.notify_all();
  return result;
}

}  // namespace gogocache

#endif  // GOGOCACHE_LOADER_SINGLEFLIGHT_H_
