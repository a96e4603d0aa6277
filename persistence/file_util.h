// Copyright 2026 The gogocache Authors.
//
// Small POSIX helpers shared by the stores: errno to absl::Status with the
// path in the message, checks of a store path before anything is created,
// and the directory sync that makes a create or rename durable.

#ifndef GOGOCACHE_PERSISTENCE_FILE_UTIL_H_
#define GOGOCACHE_PERSISTENCE_FILE_UTIL_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace gogocache {
namespace file_util {

// `what` failed on `path` with `error_number`. A full disk or a file-size
// limit (ENOSPC, EDQUOT, EFBIG) is ResourceExhausted.
absl::Status ErrnoError(int error_number, absl::string_view what,
                        absl::string_view path);

// The directory part of `path` ("." when it has none).
std::string DirName(absl::string_view path);

// OK when `path` can be a store: its directory exists and is a directory,
// and `path` either does not exist or is, after following symbolic links, a
// directory (`must_be_directory`) or a regular file (otherwise). Only stat()s:
// opens and creates nothing, so it returns at once whatever `path` is.
// Errors: InvalidArgument for an empty path; NotFound when the directory does
// not exist; FailedPrecondition naming what is in the way when the directory
// is not one or `path` is of another kind (a directory where a file is
// needed, a regular file where a directory is, or a FIFO, socket or device).
absl::Status CheckStorePath(absl::string_view path, bool must_be_directory);

// fsync of a directory, so that entries created or renamed in it persist.
absl::Status SyncDirectory(absl::string_view dir);

}  // namespace file_util
}  // namespace gogocache

#endif  // GOGOCACHE_PERSISTENCE_FILE_UTIL_H_
