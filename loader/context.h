// Copyright 2026 The gogocache Authors.
//
// Context: a caller's deadline and cancellation, handed to
// CacheGroup::Get() and on to the getter that loads for it.
//
//   Context context = Context::WithDeadline(clock.Now() + absl::Seconds(1));
//   absl::StatusOr<ByteView> value = group->Get(key, context);
//
// A default Context has no deadline and cannot be cancelled. Copies share
// one cancellation: Cancel() on any of them cancels them all.
//
// Thread safety: every method may be called from any number of threads.

#ifndef GOGOCACHE_LOADER_CONTEXT_H_
#define GOGOCACHE_LOADER_CONTEXT_H_

#include <atomic>
#include <memory>

#include "absl/time/time.h"
#include "base/cxx17.h"

namespace gogocache {

class Context {
 public:
  // No deadline, never cancelled.
  Context() = default;

  // Ends at `deadline` (read on the group's clock), and can be cancelled.
  static Context WithDeadline(absl::Time deadline) {
    Context context = WithCancel();
    context.deadline_ = deadline;
    return context;
  }

  // No deadline, but can be cancelled.
  static Context WithCancel() {
    Context context;
    context.cancelled_ = std::make_shared<std::atomic<bool>>(false);
    return context;
  }

  absl::Time deadline() const { return deadline_; }

  // Whether Cancel() was called on this context or a copy of it.
  bool cancelled() const {
    return cancelled_ != nullptr && cancelled_->load(std::memory_order_acquire);
  }

  // Cancels this context and its copies; a context that cannot be cancelled
  // (a default one) stays as it is.
  void Cancel() const {
    if (cancelled_ != nullptr) {
      cancelled_->store(true, std::memory_order_release);
    }
  }

  // Whether a wait on behalf of this context may end early: it has a deadline
  // or can be cancelled.
  bool CanEnd() const {
    return cancelled_ != nullptr || deadline_ != absl::InfiniteFuture();
  }

 private:
  absl::Time deadline_ = absl::InfiniteFuture();
  std::shared_ptr<std::atomic<bool>> cancelled_;
};

}  // namespace gogocache

#endif  // GOGOCACHE_LOADER_CONTEXT_H_
