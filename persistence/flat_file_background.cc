// Copyright 2026 The gogocache Authors.
//
// FlatFileStore's background thread's jobs (see BackgroundWork): indexing
// the puts appended, claiming disk space ahead of the appends, periodic
// syncs, statistics for GetStats(), and compaction when garbage is due.

#include <memory>
#include <mutex>

#include "persistence/flat_file_internal.h"
#include "persistence/flat_file_store.h"
#include "persistence/log_file.h"

namespace gogocache {
namespace {

using flat_file_internal::LogKeys;
using persistence_internal::LogFile;

}  // namespace

void FlatFileStore::RunJobs(uint32_t jobs) {
  if (jobs & kReserveAheadJob) ReserveAhead();
  if (jobs & kIndexJob) IndexInBackground();
  if (options_.durability == Durability::kPeriodic) {
    std::unique_lock<std::mutex> lock(mu_);
    if (synced_ < appended_ && failed_.ok()) {
      SyncTo(lock, appended_).IgnoreError();  // Sticky in failed_.
    }
  }
  if (jobs & kStatsJob) PublishStats();
  if (jobs & kCompactJob) CompactInBackground();
}

void FlatFileStore::ReserveAhead() {
  std::unique_lock<std::mutex> lock(mu_);
  if (file_ == nullptr || !Writable().ok()) return;
  // Held across the unlocked claim: a compaction may replace file_.
  const std::shared_ptr<LogFile> file = file_;
  const LogFile::Ahead ahead = file->PlanAhead(end_);
  if (ahead.to <= ahead.from) return;
  reserving_ahead_ = true;
  lock.unlock();
  const bool claimed = file->ClaimAhead(ahead);
  lock.lock();
  file->FinishAhead(ahead, claimed);
  reserving_ahead_ = false;
  changed_.notify_all();
}

void FlatFileStore::IndexInBackground() {
  std::unique_lock<std::mutex> lock(mu_);
  if (unindexed_.empty()) return;
  index_batch_.swap(unindexed_);
  unindexed_bytes_ = 0;
  // Until indexing_ is false again this thread has the index to itself:
  // everything else that touches it holds mu_ and waits for that first,
  // and so does anything that would move the mapping read here.
  indexing_ = true;
  const LogKeys key_of(absl::string_view(file_->data(), end_), version_);
  lock.unlock();
  uint64_t replaced_bytes = 0;
  index_.SetAll(index_batch_, key_of, [&](const Location& previous) {
    replaced_bytes += previous.size;
  });
  index_batch_.clear();
  lock.lock();
  live_bytes_ -= replaced_bytes;
  indexing_ = false;
  changed_.notify_all();
}

void FlatFileStore::PublishStats() {
  std::lock_guard<std::mutex> lock(mu_);
  IndexAppended();  // Not indexing: that is this thread's.
  published_stats_ = CurrentStats();
  ++stats_published_;
  changed_.notify_all();
}

void FlatFileStore::CompactInBackground() {
  uint64_t answered;  // Those made during the copy wait for the next one.
  {
    std::lock_guard<std::mutex> lock(mu_);
    answered = compaction_requests_;
  }
  const absl::Status status = CompactOnce();
  std::lock_guard<std::mutex> lock(mu_);
  compaction_requests_done_ = answered;
  compaction_error_ = status;
  if (!status.ok()) {
    ++counters_.compaction_errors;
    compaction_retry_end_ = end_ + options_.compaction_min_bytes;
  }
  changed_.notify_all();
}

}  // namespace gogocache
