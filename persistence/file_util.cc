// Copyright 2026 The gogocache Authors.

#include "persistence/file_util.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

#include "absl/strings/str_cat.h"

namespace gogocache {
namespace file_util {

absl::Status ErrnoError(int error_number, absl::string_view what,
                        absl::string_view path) {
  const std::string message =
      absl::StrCat(what, " ", path, ": ", std::strerror(error_number));
  if (error_number == ENOSPC || error_number == EDQUOT ||
      error_number == EFBIG) {
    return absl::ResourceExhaustedError(message);
  }
  return absl::Status(absl::ErrnoToStatusCode(error_number), message);
}

namespace {

// What a file of mode `mode` is, for messages.
const char* FileKind(mode_t mode) {
  if (S_ISREG(mode)) return "a regular file";
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISLNK(mode)) return "a symbolic link";
  return "a file of unknown type";
}

}  // namespace

std::string DirName(absl::string_view path) {
  const size_t slash = path.rfind('/');
  if (slash == absl::string_view::npos) return ".";
  if (slash == 0) return "/";
  return std::string(path.substr(0, slash));
}

absl::Status CheckStorePath(absl::string_view path, bool must_be_directory) {
  if (path.empty()) return absl::InvalidArgumentError("store path is empty");
  const std::string dir = DirName(path);
  struct stat st;
  if (stat(dir.c_str(), &st) != 0) {
    if (errno == ENOENT) {
      return absl::NotFoundError(absl::StrCat("directory ", dir, " of store ",
                                              path, " does not exist"));
    }
    return ErrnoError(errno, "cannot stat directory", dir);
  }
  if (!S_ISDIR(st.st_mode)) {
    return absl::FailedPreconditionError(
        absl::StrCat(dir, " (in store path ", path, ") is not a directory"));
  }
  const std::string file(path);
  if (stat(file.c_str(), &st) != 0) {
    if (errno == ENOENT) return absl::OkStatus();  // To be created.
    return ErrnoError(errno, "cannot stat store path", path);
  }
  if (must_be_directory && !S_ISDIR(st.st_mode)) {
    return absl::FailedPreconditionError(
        absl::StrCat("store path ", path, " is ", FileKind(st.st_mode),
                     ", not a directory (a RocksDB store is a directory)"));
  }
  if (!must_be_directory && !S_ISREG(st.st_mode)) {
    return absl::FailedPreconditionError(
        absl::StrCat("store path ", path, " is ", FileKind(st.st_mode),
                     "; a file store needs a regular file"));
  }
  return absl::OkStatus();
}

absl::Status SyncDirectory(absl::string_view dir) {
  const std::string name(dir);
  const int fd = open(name.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoError(errno, "cannot open directory", dir);
  const int rc = fsync(fd);
  const int error_number = errno;
  close(fd);
  if (rc != 0) return ErrnoError(error_number, "cannot fsync directory", dir);
  return absl::OkStatus();
}

namespace {

sigset_t FileSizeSignalSet() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGXFSZ);
  return set;
}

// Whether a SIGXFSZ is pending for this thread or the process.
bool FileSizeSignalPending() {
  sigset_t pending;
  sigemptyset(&pending);
  return sigpending(&pending) == 0 && sigismember(&pending, SIGXFSZ) == 1;
}

}  // namespace

ScopedFileSizeSignalBlock::ScopedFileSizeSignalBlock() {
  const sigset_t block = FileSizeSignalSet();
  sigset_t old_mask;
  sigemptyset(&old_mask);
  pthread_sigmask(SIG_BLOCK, &block, &old_mask);
  was_blocked_ = sigismember(&old_mask, SIGXFSZ) == 1;
  was_pending_ = FileSizeSignalPending();
}

ScopedFileSizeSignalBlock::~ScopedFileSizeSignalBlock() {
  const int saved_errno = errno;
  const sigset_t set = FileSizeSignalSet();
  if (!was_pending_ && FileSizeSignalPending()) {
    const struct timespec no_wait = {0, 0};
    while (sigtimedwait(&set, nullptr, &no_wait) < 0 && errno == EINTR) {
    }
  }
  if (!was_blocked_) pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
  errno = saved_errno;
}

absl::Status WriteAll(int fd, absl::string_view bytes, uint64_t offset,
                      const std::string& path) {
  // Past a file-size limit the write fails (EFBIG: ResourceExhausted)
  // instead of the process being killed.
  file_util::ScopedFileSizeSignalBlock file_size_limit_fails_writes;
  while (!bytes.empty()) {
    const ssize_t n = pwrite(fd, bytes.data(), bytes.size(), offset);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoError(errno, "cannot write to", path);
    }
    bytes.remove_prefix(static_cast<size_t>(n));
    offset += static_cast<uint64_t>(n);
  }
  return absl::OkStatus();
}

}  // namespace file_util
}  // namespace gogocache
