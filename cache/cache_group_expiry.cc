// Copyright 2026 The gogocache Authors.
//
// CacheGroup's expiry (see "Expiry" in cache_group.h): serving a hit that
// remembers a NotFound or is due for a refresh, refreshing in the
// background, and callers whose Context may end before their load does.
// The rest of the group is in cache_group.cc.

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "cache/background_tasks.h"
#include "cache/cache_group.h"
#include "cache/cache_shard.h"

namespace gogocache {
namespace {

// Context::Cancel() wakes no one: a waiting caller looks at its context at
// least this often.
constexpr absl::Duration kCancelCheck = absl::Milliseconds(10);

}  // namespace

struct CacheGroup::PendingLoad {
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;  // Guarded by mu, as is result.
  std::optional<absl::StatusOr<ByteView>> result;
};

absl::StatusOr<ByteView> CacheGroup::ServeHit(absl::string_view key,
                                              uint64_t hash, ByteView value,
                                              const ShardHit& hit) {
  if (hit.not_found) {
    negative_hits_.fetch_add(1, std::memory_order_relaxed);
    return absl::NotFoundError(value.ToString());
  }
  if (hit.refresh_due) Refresh(key, hash);
  return value;
}

void CacheGroup::Refresh(absl::string_view key, uint64_t hash) {
  std::string owned(key);
  {
    std::lock_guard<std::mutex> lock(refreshing_mu_);
    if (!refreshing_.insert(owned).second) return;  // One runs already.
  }
  const bool started = background_->TryRun([this, owned, hash] {
    CacheShard& shard = ShardFor(hash);
    // Through the single flight, so that a miss meanwhile shares it. An
    // error leaves the current value to serve until it expires.
    flight_
        .Do(owned, [&] { return CallGetter(owned, hash, &shard, Context()); })
        .IgnoreError();
    std::lock_guard<std::mutex> lock(refreshing_mu_);
    refreshing_.erase(owned);
  });
  if (started) {
    refreshes_.fetch_add(1, std::memory_order_relaxed);
  } else {
    // As many refreshes run as may: this hit starts none, a later one will.
    std::lock_guard<std::mutex> lock(refreshing_mu_);
    refreshing_.erase(owned);
  }
}

absl::Status CacheGroup::GaveUp(absl::string_view key, const Context& context) {
  abandoned_waits_.fetch_add(1, std::memory_order_relaxed);
  const std::string why =
      absl::StrCat("cache group \"", options_.name,
                   "\": gave up waiting for key \"", Printable(key), "\": ");
  if (context.cancelled()) {
    return absl::CancelledError(
        absl::StrCat(why, "the context was cancelled; the load goes on"));
  }
  return absl::DeadlineExceededError(
      absl::StrCat(why, "the context's deadline passed; the load goes on"));
}

absl::StatusOr<ByteView> CacheGroup::LoadUntil(absl::string_view key,
                                               uint64_t hash, CacheShard& shard,
                                               const Context& context) {
  // A context that ended already starts nothing.
  if (context.cancelled() || clock_->Now() >= context.deadline()) {
    return GaveUp(key, context);
  }
  std::shared_ptr<PendingLoad> pending;
  bool leader = false;
  {
    std::lock_guard<std::mutex> lock(pending_mu_);
    auto [it, inserted] = pending_.try_emplace(key);
    if (inserted) {
      it->second = std::make_shared<PendingLoad>();
      leader = true;
    }
    pending = it->second;
  }
  if (leader) {
    // The load is the leader's (the getter gets its context) but runs apart
    // from it, so that any caller may stop waiting without ending it.
    background_->Run(
        [this, owned = std::string(key), hash, &shard, context, pending] {
          absl::StatusOr<ByteView> result = Load(owned, hash, shard, context);
          {
            std::lock_guard<std::mutex> lock(pending_mu_);
            pending_.erase(owned);
          }
          std::lock_guard<std::mutex> lock(pending->mu);
          pending->result.emplace(std::move(result));
          pending->done = true;
          pending->cv.notify_all();
        });
  } else {
    loads_.fetch_add(1, std::memory_order_relaxed);
    waits_shared_.fetch_add(1, std::memory_order_relaxed);
  }
  std::unique_lock<std::mutex> lock(pending->mu);
  const auto ready = [&]() ABSL_NO_THREAD_SAFETY_ANALYSIS {
    return pending->done || context.cancelled();
  };
  while (!ready()) {
    const absl::Time now = clock_->Now();
    if (now >= context.deadline()) break;
    clock_->WaitUntil(pending->cv, lock,
                      std::min(context.deadline(), now + kCancelCheck), ready);
  }
  if (pending->done) return *pending->result;
  return GaveUp(key, context);
}

}  // namespace gogocache
