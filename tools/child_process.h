// Copyright 2026 The gogocache Authors.
//
// ChildProcess: another program run with its stdin and stdout connected to
// this process, for a parent that must never wait on it without a deadline
// and never leave it running.
//
//   absl::StatusOr<std::unique_ptr<ChildProcess>> child =
//       ChildProcess::Start({{"/proc/self/exe", "serve"}});
//   absl::StatusOr<std::string> line = (*child)->ReadLine(absl::Seconds(5));
//   (*child)->WriteLine("go");
//
// The child runs in a process group of its own, so a Ctrl-C at the terminal
// reaches the parent alone, which decides what becomes of its children; and
// it is killed (SIGKILL) when the thread that started it ends
// (PR_SET_PDEATHSIG), so it cannot outlive a parent that is itself killed.
// Destroying a ChildProcess kills the child if it still runs, and reaps it.
//
// Thread safety: none; one thread at a time uses a ChildProcess.

#ifndef GOGOCACHE_TOOLS_CHILD_PROCESS_H_
#define GOGOCACHE_TOOLS_CHILD_PROCESS_H_

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace gogocache {

struct ChildProcessOptions {
  // The program's path and its arguments (argv[0] first).
  std::vector<std::string> argv;
  // Where its stderr goes (created or truncated); empty for this process's
  // stderr.
  std::string stderr_path;
};

class ChildProcess {
 public:
  // Starts the program. Internal when it cannot be started (its exec
  // failing shows later, as exit status 127).
  static absl::StatusOr<std::unique_ptr<ChildProcess>> Start(
      ChildProcessOptions options);

  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }

  // Writes `line` and a line break to its stdin. FailedPrecondition once it
  // no longer reads it (it exited).
  absl::Status WriteLine(absl::string_view line);

  // Its stdout, to poll(2) for POLLIN together with other descriptors; then
  // ReadAvailable() and TakeLine().
  int stdout_fd() const { return stdout_fd_; }

  // Reads what its stdout holds now, without blocking; false once it is
  // closed (the child exited or closed it). Lines read before can still be
  // taken.
  bool ReadAvailable();

  // The next complete line read, without its line break.
  std::optional<std::string> TakeLine();

  // ReadAvailable() and TakeLine() until a line comes: DeadlineExceeded
  // after `timeout`, OutOfRange when its stdout closes first.
  absl::StatusOr<std::string> ReadLine(absl::Duration timeout);

  // Sends `signal` to the child, if it has not been reaped.
  void Signal(int signal);

  // Reaps the child if it has exited, without waiting; true when it has
  // been reaped (now or before).
  bool TryReap();

  // Waits up to `timeout` for the child to exit and reaps it;
  // DeadlineExceeded if it still runs.
  absl::Status Wait(absl::Duration timeout);

  // SIGKILL, then reaps it. Does nothing once it has been reaped.
  void Kill();

  // The wait status once reaped (see waitpid(2)).
  std::optional<int> wait_status() const { return wait_status_; }

  // Its exit code, or -1 when it has not exited normally (yet).
  int exit_code() const;

  // "exited with status 1", "was killed by signal 9 (Killed)", or "is
  // running".
  std::string DescribeExit() const;

 private:
  ChildProcess(pid_t pid, int stdin_fd, int stdout_fd)
      : pid_(pid), stdin_fd_(stdin_fd), stdout_fd_(stdout_fd) {}

  const pid_t pid_;
  int stdin_fd_;
  int stdout_fd_;
  bool stdout_closed_ = false;
  std::string buffer_;  // Read from stdout, not yet taken as lines.
  std::optional<int> wait_status_;
};

}  // namespace gogocache

#endif  // GOGOCACHE_TOOLS_CHILD_PROCESS_H_
