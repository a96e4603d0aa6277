// Copyright 2026 The gogocache Authors.
//
// How the flat-file store opens its log: one writer per file, whatever name
// reaches it.

#ifndef GOGOCACHE_PERSISTENCE_LOCKED_LOG_H_
#define GOGOCACHE_PERSISTENCE_LOCKED_LOG_H_

#include <string>

#include "absl/status/statusor.h"

namespace gogocache {

// An open log file, locked, and the path of the file itself.
struct LockedLog {
  int fd;
  std::string file_path;  // `path` with symbolic links resolved.
};

// Opens the log at `path` and locks the file itself with flock(): exclusive
// for a writer, shared for a reader, so that one writer at a time holds it
// under whatever name it is reached by (a symbolic or hard link). Creates
// the file when `create` and it is absent; refuses anything but a regular
// file before it could block on it (a FIFO) or write to it (a device).
// Should the name lead to another file once the lock is held (a compaction
// renamed a new log over it), it tries again, so the lock is always on the
// file the name leads to.
//
// Errors: NotFound when the file is absent and not created;
// FailedPrecondition when it is not a regular file, is locked by another
// open, or (for writing) has several hard links; the errno's code otherwise.
// The caller owns `fd`, and closing it releases the lock.
absl::StatusOr<LockedLog> OpenLockedLog(const std::string& path, bool read_only,
                                        bool create);

}  // namespace gogocache

#endif  // GOGOCACHE_PERSISTENCE_LOCKED_LOG_H_
