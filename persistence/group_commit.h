// Copyright 2026 The gogocache Authors.
//
// GroupCommit: many writers, one write at a time. Writers queue their
// operations with Commit(); one of them at a time, the leader, takes
// everything queued so far and writes it as one batch through the callback
// it was given, while the next batch gathers behind it. Every writer returns
// the status of the batch that carried its operation.
//
// The role the leader holds while it writes, the writer role, is exclusive:
// a WriterToken holds it too, for work that must not overlap a write (a
// sync, a compaction, a read that must see no write under way).
//
// With `gather` set (each batch waits for a sync to stable storage), a
// leader whose previous batch carried several writers first waits briefly,
// at most half that batch's write time and never more than 2 ms, for as many
// to queue again, so that one sync covers them all rather than each taking
// its turn at its own.
//
// Thread safety: every call may come from any thread. One mutex guards the
// queue and the writer role; no batch is written under it.

#ifndef GOGOCACHE_PERSISTENCE_GROUP_COMMIT_H_
#define GOGOCACHE_PERSISTENCE_GROUP_COMMIT_H_

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"

namespace gogocache {
namespace persistence_internal {

class GroupCommit {
 public:
  // A put of `value` under `key`, expiring at `expires`, or a delete of
  // `key`. The views must stay valid until Commit() returns.
  struct Operation {
    bool is_delete;
    absl::string_view key;
    absl::string_view value;
    absl::Time expires = absl::InfiniteFuture();
  };

  // Writes `batch`, in order, as one write. Called by the leader, holding
  // the writer role, outside the mutex.
  using BatchWriter =
      absl::FunctionRef<absl::Status(absl::Span<const Operation* const> batch)>;

  explicit GroupCommit(bool gather) : gather_(gather) {}

  GroupCommit(const GroupCommit&) = delete;
  GroupCommit& operator=(const GroupCommit&) = delete;

  // Queues `operation` and returns once a leader has written it: this thread,
  // through `write`, or another, through the `write` it was given. Every
  // caller must pass a `write` that does the same.
  absl::Status Commit(const Operation& operation, BatchWriter write);

  // Holds the writer role from construction to destruction, waiting for it
  // first: no batch is written meanwhile.
  class WriterToken {
   public:
    explicit WriterToken(GroupCommit& group);
    ~WriterToken();

    WriterToken(const WriterToken&) = delete;
    WriterToken& operator=(const WriterToken&) = delete;

   private:
    GroupCommit& group_;
  };

 private:
  // An operation in the queue, and what became of it.
  struct Pending {
    explicit Pending(const Operation& queued) : operation(&queued) {}
    const Operation* operation;
    bool done = false;
    absl::Status status;
  };

  // Waits until nobody holds the writer role, then takes it (lock holds
  // mu_).
  void AcquireWriter(std::unique_lock<std::mutex>& lock);
  // Gives the writer role up and unlocks `lock` (on mu_).
  void ReleaseWriter(std::unique_lock<std::mutex>& lock);

  const bool gather_;
  std::mutex mu_;
  // The writer role was given up, or a batch was written.
  std::condition_variable released_;
  bool writer_busy_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<Pending*> queue_ ABSL_GUARDED_BY(mu_);
  // Writers in the last batch and queued behind it, and how long its write
  // took: what a gathering leader waits for, and how long at most.
  int round_writers_ ABSL_GUARDED_BY(mu_) = 1;
  std::chrono::steady_clock::duration last_write_ ABSL_GUARDED_BY(mu_){};
};

}  // namespace persistence_internal
}  // namespace gogocache

#endif  // GOGOCACHE_PERSISTENCE_GROUP_COMMIT_H_
