// Copyright 2026 The gogocache Authors.

#include "persistence/locked_log.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "persistence/file_util.h"

namespace gogocache {

using file_util::ErrnoError;

absl::StatusOr<LockedLog> OpenLockedLog(const std::string& path, bool read_only,
                                        bool create) {
  for (int attempt = 0;; ++attempt) {
    int flags = (read_only ? O_RDONLY : O_RDWR) | O_NONBLOCK | O_CLOEXEC;
    if (create && !read_only) flags |= O_CREAT;
    const int fd = open(path.c_str(), flags, 0644);
    if (fd < 0 && errno == ENOENT) {
      return absl::NotFoundError(
          absl::StrCat("store ", path, " does not exist"));
    }
    if (fd < 0) return ErrnoError(errno, "cannot open store", path);
    auto fail = [fd](absl::Status status) {
      close(fd);
      return status;
    };
    struct stat opened;
    if (fstat(fd, &opened) != 0) {
      return fail(ErrnoError(errno, "cannot stat", path));
    }
    if (!S_ISREG(opened.st_mode)) {
      return fail(absl::FailedPreconditionError(
          absl::StrCat("store path ", path,
                       " is not a regular file (a file store needs one)")));
    }
    if (fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0) {
      return fail(ErrnoError(errno, "cannot set flags of", path));
    }
    if (flock(fd, (read_only ? LOCK_SH : LOCK_EX) | LOCK_NB) != 0) {
      if (errno == EWOULDBLOCK) {
        return fail(absl::FailedPreconditionError(absl::StrCat(
            "store ", path, " is already open", read_only ? " for writing" : "",
            " (by this or another process, under this or another name)")));
      }
      return fail(ErrnoError(errno, "cannot lock", path));
    }
    // A compaction may have renamed a new log over the name between the
    // open and the lock: the lock must be on the file the name leads to.
    struct stat named;
    if (stat(path.c_str(), &named) != 0 || named.st_dev != opened.st_dev ||
        named.st_ino != opened.st_ino) {
      close(fd);
      if (attempt < 100) continue;
      return absl::UnavailableError(
          absl::StrCat("store ", path, " kept being replaced while opened"));
    }
    if (!read_only && opened.st_nlink > 1) {
      return fail(absl::FailedPreconditionError(absl::StrCat(
          "store ", path, " has ", opened.st_nlink,
          " hard links; a compaction renames a new log over one name, which "
          "would part it from the others: keep one name (a symbolic link "
          "is fine)")));
    }
    char* resolved = realpath(path.c_str(), nullptr);
    if (resolved == nullptr) {
      return fail(ErrnoError(errno, "cannot resolve", path));
    }
    LockedLog log{fd, resolved};
    free(resolved);
    // And the resolved name too, should a link have changed meanwhile.
    if (stat(log.file_path.c_str(), &named) != 0 ||
        named.st_dev != opened.st_dev || named.st_ino != opened.st_ino) {
      close(fd);
      if (attempt < 100) continue;
      return absl::UnavailableError(
          absl::StrCat("store ", path, " kept being replaced while opened"));
    }
    return log;
  }
}

}  // namespace gogocache
