// Copyright 2026 The gogocache Authors.

#include "peer/peers_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "peer/peer_list.h"

namespace gogocache {
namespace {

// A peers file is a list of addresses; anything larger is a mistake.
constexpr size_t kMaxPeersFileBytes = 1 << 20;

absl::StatusOr<std::string> ReadSmallFile(const std::string& path) {
  // O_NONBLOCK: a FIFO or a device at the path must not block the watcher
  // (and so its destructor); only a regular file is read.
  const int fd = open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    return absl::NotFoundError(absl::StrCat(
        "peers file \"", path, "\" cannot be opened: ", strerror(errno)));
  }
  struct stat info;
  if (fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    close(fd);
    return absl::InvalidArgumentError(
        absl::StrCat("peers file \"", path, "\" is not a regular file"));
  }
  std::string contents(kMaxPeersFileBytes + 1, '\0');
  size_t size = 0;
  while (size < contents.size()) {
    const ssize_t n = read(fd, contents.data() + size, contents.size() - size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      close(fd);
      return absl::DataLossError(
          absl::StrCat("peers file \"", path, "\" cannot be read"));
    }
    if (n == 0) break;
    size += n;
  }
  close(fd);
  if (size > kMaxPeersFileBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "peers file \"", path, "\" is over ", kMaxPeersFileBytes, " bytes"));
  }
  contents.resize(size);
  return contents;
}

}  // namespace

absl::StatusOr<std::unique_ptr<PeersFileWatcher>> PeersFileWatcher::Start(
    std::string path, std::shared_ptr<PeerPool> pool, absl::Duration interval,
    OnChange on_change) {
  if (interval < absl::Milliseconds(1)) {
    return absl::InvalidArgumentError(
        absl::StrCat("peers file interval is ", absl::FormatDuration(interval),
                     ", must be at least 1ms"));
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
  if (contents.ok() && *contents == last_contents_) {
    unreadable_reported_ = false;  // Readable again, as it was.
    return absl::OkStatus();
  }
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
