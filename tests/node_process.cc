// Copyright 2026 The gogocache Authors.

#include "tests/node_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

extern char** environ;

namespace gogocache {
namespace testing {

absl::StatusOr<std::unique_ptr<NodeProcess>> NodeProcess::Start(
    const std::vector<std::string>& argv) {
  // A write to a child that died is an error to report, not a signal that
  // kills the test.
  signal(SIGPIPE, SIG_IGN);
  int to_child[2];
  int from_child[2];
  if (pipe2(to_child, O_CLOEXEC) != 0 || pipe2(from_child, O_CLOEXEC) != 0) {
    return absl::InternalError(absl::StrCat("pipe: ", strerror(errno)));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, to_child[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, from_child[1], STDOUT_FILENO);
  std::vector<char*> args;
  for (const std::string& arg : argv)
    args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const int error =
      posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(to_child[0]);
  close(from_child[1]);
  if (error != 0) {
    close(to_child[1]);
    close(from_child[0]);
    return absl::InternalError(
        absl::StrCat("posix_spawn ", argv[0], ": ", strerror(error)));
  }
  return std::unique_ptr<NodeProcess>(
      new NodeProcess(pid, to_child[1], from_child[0]));
}

NodeProcess::~NodeProcess() { Kill(SIGKILL); }

void NodeProcess::Kill(int signal) {
  if (pid_ > 0) {
    ::kill(pid_, signal);
    int status;
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = 0;
  }
  if (stdin_fd_ >= 0) close(stdin_fd_);
  if (stdout_fd_ >= 0) close(stdout_fd_);
  stdin_fd_ = stdout_fd_ = -1;
}

absl::Status NodeProcess::Send(const std::string& line) {
  if (stdin_fd_ < 0) return absl::UnavailableError("the node was killed");
  const std::string data = line + "\n";
  size_t written = 0;
  while (written < data.size()) {
    const ssize_t n =
        write(stdin_fd_, data.data() + written, data.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      return absl::UnavailableError(absl::StrCat("write: ", strerror(errno)));
    }
    written += n;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> NodeProcess::ReadLine(absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    if (const size_t end = buffered_.find('\n'); end != std::string::npos) {
      std::string line = buffered_.substr(0, end);
      buffered_.erase(0, end + 1);
      return line;
    }
    if (stdout_fd_ < 0) return absl::UnavailableError("the node was killed");
    const absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) {
      return absl::DeadlineExceededError(absl::StrCat(
          "no line from the node in ", absl::FormatDuration(timeout)));
    }
    pollfd fd = {stdout_fd_, POLLIN, 0};
    const int ready = poll(&fd, 1, absl::ToInt64Milliseconds(left) + 1);
    if (ready < 0 && errno != EINTR) {
      return absl::InternalError(absl::StrCat("poll: ", strerror(errno)));
    }
    if (ready <= 0) continue;
    char chunk[4096];
    const ssize_t n = read(stdout_fd_, chunk, sizeof(chunk));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return absl::UnavailableError("the node closed its output");
    buffered_.append(chunk, n);
  }
}

absl::StatusOr<std::string> NodeProcess::Call(const std::string& line,
                                              absl::Duration timeout) {
  if (absl::Status status = Send(line); !status.ok()) return status;
  return ReadLine(timeout);
}

}  // namespace testing
}  // namespace gogocache
