// Copyright 2026 The gogocache Authors.

#include "peer/peers_file.h"

#include <fstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "peer/peer_list.h"

namespace gogocache {
namespace {

// A peers file is a list of addresses; anything larger is a mistake.
constexpr size_t kMaxPeersFileBytes = 1 << 20;

absl::StatusOr<std::string> ReadSmallFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    return absl::NotFoundError(
        absl::StrCat("peers file \"", path, "\" cannot be opened"));
  }
  std::string contents(kMaxPeersFileBytes + 1, '\0');
  file.read(contents.data(), contents.size());
  if (file.bad()) {
    return absl::DataLossError(
        absl::StrCat("peers file \"", path, "\" cannot be read"));
  }
  contents.resize(file.gcount());
  if (contents.size() > kMaxPeersFileBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "peers file \"", path, "\" is over ", kMaxPeersFileBytes, " bytes"));
  }
  return contents;
}

}  // namespace

absl::StatusOr<std::unique_ptr<PeersFileWatcher>> PeersFileWatcher::Start(
    std::string path, std::shared_ptr<PeerPool> pool, absl::Duration interval,
    OnChange on_change) {
  if (interval <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        absl::StrCat("peers file interval is ", absl::FormatDuration(interval),
                     ", must be positive"));
  }
  std::unique_ptr<PeersFileWatcher> watcher(new PeersFileWatcher(
      std::move(path), std::move(pool), interval, std::move(on_change)));
  if (absl::Status status = watcher->Poll(); !status.ok()) return status;
  watcher->thread_ = std::thread([w = watcher.get()] { w->Run(); });
  return watcher;
}

PeersFileWatcher::PeersFileWatcher(std::string path,
                                   std::shared_ptr<PeerPool> pool,
                                   absl::Duration interval, OnChange on_change)
    : path_(std::move(path)),
      pool_(std::move(pool)),
      interval_(interval),
      on_change_(std::move(on_change)) {}

PeersFileWatcher::~PeersFileWatcher() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  stop_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

absl::Status PeersFileWatcher::Poll() {
  absl::StatusOr<std::string> contents = ReadSmallFile(path_);
  if (contents.ok() && *contents == last_contents_) return absl::OkStatus();
  absl::Status status = contents.status();
  if (status.ok()) {
    absl::StatusOr<std::vector<std::string>> addresses =
        ParsePeerList(*contents);
    status = addresses.ok() ? pool_->SetPeers(*std::move(addresses))
                            : addresses.status();
    if (!status.ok()) {
      status = absl::Status(
          status.code(),
          absl::StrCat("peers file \"", path_, "\": ", status.message()));
    }
    // Reported once per contents, applied or not.
    last_contents_ = *std::move(contents);
    unreadable_reported_ = false;
  } else {
    // Reported again only after the file has been readable.
    if (unreadable_reported_) return absl::OkStatus();
    unreadable_reported_ = true;
  }
  if (on_change_ != nullptr) on_change_(status);
  return status;
}

void PeersFileWatcher::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_cv_.wait_for(lock, absl::ToChronoMilliseconds(interval_),
                            [this] { return stop_; })) {
    lock.unlock();
    Poll().IgnoreError();
    lock.lock();
  }
}

}  // namespace gogocache
