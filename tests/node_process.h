// Copyright 2026 The gogocache Authors.
//
// Test helper: a child process driven line by line through its stdin and
// stdout, for tests that run a cluster of real processes. Every read has a
// deadline, so a child that hangs or dies fails the test instead of
// stalling it; the destructor kills and reaps the child.

#ifndef GOGOCACHE_TESTS_NODE_PROCESS_H_
#define GOGOCACHE_TESTS_NODE_PROCESS_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace gogocache {
namespace testing {

class NodeProcess {
 public:
  // Starts `argv[0]` with `argv`.
  static absl::StatusOr<std::unique_ptr<NodeProcess>> Start(
      const std::vector<std::string>& argv);

  ~NodeProcess();
  NodeProcess(const NodeProcess&) = delete;
  NodeProcess& operator=(const NodeProcess&) = delete;

  // Writes `line` and a newline to the child's stdin.
  absl::Status Send(const std::string& line);

  // The next line of the child's stdout, without its newline; DeadlineExceeded
  // after `timeout`, Unavailable once the child closed its stdout.
  absl::StatusOr<std::string> ReadLine(
      absl::Duration timeout = absl::Seconds(60));

  // Send, then ReadLine.
  absl::StatusOr<std::string> Call(const std::string& line,
                                   absl::Duration timeout = absl::Seconds(60));

  // Sends `signal` and reaps the child.
  void Kill(int signal);

 private:
  NodeProcess(pid_t pid, int stdin_fd, int stdout_fd)
      : pid_(pid), stdin_fd_(stdin_fd), stdout_fd_(stdout_fd) {}

  pid_t pid_;
  int stdin_fd_;
  int stdout_fd_;
  std::string buffered_;
};

}  // namespace testing
}  // namespace gogocache

#endif  // GOGOCACHE_TESTS_NODE_PROCESS_H_
