// Copyright 2026 The gogocache Authors.

#include "persistence/group_commit.h"

#include <algorithm>
#include <thread>

namespace gogocache {
namespace persistence_internal {

absl::Status GroupCommit::Commit(const Operation& operation,
                                 BatchWriter write) {
  Pending pending(operation);
  std::unique_lock<std::mutex> lock(mu_);
  queue_.push_back(&pending);
  released_.wait(lock, [&] { return pending.done || !writer_busy_; });
  if (pending.done) return pending.status;
  // Lead: write everything queued so far as one batch.
  writer_busy_ = true;
  if (gather_ && round_writers_ > 1) {
    // Others wrote with us last round and are about to queue again: one
    // synced batch for all beats one each, taken in turns. Spun (yielding),
    // not slept, for at most half the last write's time.
    const auto deadline =
        std::chrono::steady_clock::now() +
        std::min(last_write_ / 2, std::chrono::nanoseconds(2'000'000));
    while (queue_.size() < static_cast<size_t>(round_writers_) &&
           std::chrono::steady_clock::now() < deadline) {
      lock.unlock();
      std::this_thread::yield();
      lock.lock();
    }
  }
  std::vector<Pending*> batch;
  batch.swap(queue_);
  lock.unlock();

  const auto start = std::chrono::steady_clock::now();
  std::vector<const Operation*> operations;
  operations.reserve(batch.size());
  for (const Pending* queued : batch) operations.push_back(queued->operation);
  const absl::Status status = write(operations);

  lock.lock();
  last_write_ = std::chrono::steady_clock::now() - start;
  // Writers of this round: the batch, and those already queued behind it.
  round_writers_ = static_cast<int>(batch.size() + queue_.size());
  for (Pending* queued : batch) {
    queued->status = status;
    queued->done = true;
  }
  ReleaseWriter(lock);
  return status;
}

void GroupCommit::AcquireWriter(std::unique_lock<std::mutex>& lock) {
  released_.wait(lock, [this] { return !writer_busy_; });
  writer_busy_ = true;
}

void GroupCommit::ReleaseWriter(std::unique_lock<std::mutex>& lock) {
  writer_busy_ = false;
  lock.unlock();
  released_.notify_all();
}

GroupCommit::WriterToken::WriterToken(GroupCommit& group) : group_(group) {
  std::unique_lock<std::mutex> lock(group_.mu_);
  group_.AcquireWriter(lock);
}

GroupCommit::WriterToken::~WriterToken() {
  std::unique_lock<std::mutex> lock(group_.mu_);
  group_.ReleaseWriter(lock);
}

}  // namespace persistence_internal
}  // namespace gogocache
