// Copyright 2026 The gogocache Authors.
//
// Small POSIX helpers shared by the stores: errno to absl::Status with the
// path in the message, checks of a store path before anything is created,
// and the directory sync that makes a create or rename durable.

#ifndef GOGOCACHE_PERSISTENCE_FILE_UTIL_H_
#define GOGOCACHE_PERSISTENCE_FILE_UTIL_H_

#include <signal.h>

#include <cstdint>
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

// Writes all of `bytes` at `offset` of `fd` (pwrite, retried after EINTR
// and short writes). Past a file-size limit it fails (EFBIG:
// ResourceExhausted) instead of the process being killed.
absl::Status WriteAll(int fd, absl::string_view bytes, uint64_t offset,
                      const std::string& path);

// fsync of a directory, so that entries created or renamed in it persist.
absl::Status SyncDirectory(absl::string_view dir);

// Keeps a file-size limit (RLIMIT_FSIZE) from killing the process during a
// scope: a write past the limit then only fails, with EFBIG, which the stores
// report as ResourceExhausted. Changes no signal disposition.
//
// A write(2) that would take a file past RLIMIT_FSIZE fails with EFBIG and
// the kernel also sends SIGXFSZ to the writing thread; the default action of
// SIGXFSZ ends the process. A blocked signal is not acted on, whatever its
// disposition, so while an instance lives SIGXFSZ is blocked in the thread
// that created it (pthread_sigmask). The destructor consumes a SIGXFSZ that
// became pending while blocked (sigtimedwait, without waiting), unless one
// was already pending at construction, then unblocks SIGXFSZ if it was not
// blocked before; errno is kept. Other signals and other threads' masks are
// left as they are.
//
// Threads started while an instance lives inherit the blocked mask and keep
// it for their whole life (a library's background writers started during an
// open, for example): a SIGXFSZ raised in one of them stays pending there,
// harmless. Threads started otherwise are not covered.
//
// A SIGXFSZ sent to the process from elsewhere (kill) while an instance lives
// may be consumed with the one the scope caused. Instances nest. Destroy an
// instance on the thread that created it.
class ScopedFileSizeSignalBlock {
 public:
  ScopedFileSizeSignalBlock();
  ~ScopedFileSizeSignalBlock();

  ScopedFileSizeSignalBlock(const ScopedFileSizeSignalBlock&) = delete;
  ScopedFileSizeSignalBlock& operator=(const ScopedFileSizeSignalBlock&) =
      delete;

 private:
  bool was_blocked_;  // SIGXFSZ was blocked in this thread at construction.
  bool was_pending_;  // A SIGXFSZ was pending at construction.
};

}  // namespace file_util
}  // namespace gogocache

#endif  // GOGOCACHE_PERSISTENCE_FILE_UTIL_H_
