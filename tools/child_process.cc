// Copyright 2026 The gogocache Authors.

#include "tools/child_process.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"

namespace gogocache {
namespace {

void CloseFd(int* fd) {
  if (*fd >= 0) close(*fd);
  *fd = -1;
}

absl::Status ErrnoError(absl::string_view what) {
  return absl::InternalError(absl::StrCat(what, ": ", strerror(errno)));
}

}  // namespace

absl::StatusOr<std::unique_ptr<ChildProcess>> ChildProcess::Start(
    ChildProcessOptions options) {
  if (options.argv.empty()) {
    return absl::InvalidArgumentError("ChildProcess: argv is empty");
  }
  // Built before fork: between fork and exec the child may only make
  // async-signal-safe calls, which rules out allocating.
  std::vector<char*> argv;
  for (std::string& arg : options.argv) argv.push_back(arg.data());
  argv.push_back(nullptr);
  const char* stderr_path =
      options.stderr_path.empty() ? nullptr : options.stderr_path.c_str();

  // Its stdin is a socket, so that writing to a child that has exited is an
  // error (send with MSG_NOSIGNAL) rather than this process's SIGPIPE.
  int stdin_pair[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, stdin_pair) != 0) {
    return ErrnoError("socketpair");
  }
  int stdout_pipe[2];
  if (pipe2(stdout_pipe, O_CLOEXEC) != 0) {
    const absl::Status error = ErrnoError("pipe2");
    close(stdin_pair[0]);
    close(stdin_pair[1]);
    return error;
  }
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) {
    const absl::Status error = ErrnoError("fork");
    for (int fd :
         {stdin_pair[0], stdin_pair[1], stdout_pipe[0], stdout_pipe[1]}) {
      close(fd);
    }
    return error;
  }
  if (pid == 0) {
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(126);  // The parent ended before prctl.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    if (dup2(stdin_pair[1], STDIN_FILENO) < 0 ||
        dup2(stdout_pipe[1], STDOUT_FILENO) < 0) {
      _exit(126);
    }
    if (stderr_path != nullptr) {
      const int err =
          open(stderr_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
      if (err < 0 || dup2(err, STDERR_FILENO) < 0) _exit(126);
    }
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(stdin_pair[1]);
  close(stdout_pipe[1]);
  fcntl(stdout_pipe[0], F_SETFL, fcntl(stdout_pipe[0], F_GETFL) | O_NONBLOCK);
  return std::unique_ptr<ChildProcess>(
      new ChildProcess(pid, stdin_pair[0], stdout_pipe[0]));
}

ChildProcess::~ChildProcess() {
  Kill();
  CloseFd(&stdin_fd_);
  CloseFd(&stdout_fd_);
}

absl::Status ChildProcess::WriteLine(absl::string_view line) {
  const std::string data = absl::StrCat(line, "\n");
  size_t sent = 0;
  while (sent < data.size()) {
    const ssize_t n =
        send(stdin_fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      return absl::FailedPreconditionError(absl::StrCat(
          "process ", pid_, " does not read its input: ", strerror(errno)));
    }
    sent += static_cast<size_t>(n);
  }
  return absl::OkStatus();
}

bool ChildProcess::ReadAvailable() {
  char chunk[4096];
  while (!stdout_closed_) {
    const ssize_t n = read(stdout_fd_, chunk, sizeof(chunk));
    if (n > 0) {
      buffer_.append(chunk, static_cast<size_t>(n));
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      break;
    } else {
      stdout_closed_ = true;  // End of file, or an error that ends it too.
    }
  }
  return !stdout_closed_;
}

std::optional<std::string> ChildProcess::TakeLine() {
  const size_t end = buffer_.find('\n');
  if (end == std::string::npos) {
    // A last line without a line break is whole once nothing can follow it.
    if (!stdout_closed_ || buffer_.empty()) return std::nullopt;
    return std::exchange(buffer_, std::string());
  }
  std::string line = buffer_.substr(0, end);
  buffer_.erase(0, end + 1);
  return line;
}

absl::StatusOr<std::string> ChildProcess::ReadLine(absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    ReadAvailable();
    if (std::optional<std::string> line = TakeLine()) return *std::move(line);
    if (stdout_closed_) {
      return absl::OutOfRangeError(
          absl::StrCat("process ", pid_, " closed its output"));
    }
    const absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) {
      return absl::DeadlineExceededError(
          absl::StrCat("process ", pid_, " wrote no line within ",
                       absl::FormatDuration(timeout)));
    }
    pollfd fd = {stdout_fd_, POLLIN, 0};
    poll(&fd, 1,
         static_cast<int>(
             std::min<int64_t>(absl::ToInt64Milliseconds(left) + 1, 1000)));
  }
}

void ChildProcess::Signal(int signal) {
  if (!wait_status_.has_value()) kill(pid_, signal);
}

bool ChildProcess::TryReap() {
  if (wait_status_.has_value()) return true;
  int status = 0;
  pid_t reaped;
  do {
    reaped = waitpid(pid_, &status, WNOHANG);
  } while (reaped < 0 && errno == EINTR);
  if (reaped == pid_) wait_status_ = status;
  return wait_status_.has_value();
}

absl::Status ChildProcess::Wait(absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (!TryReap()) {
    if (absl::Now() >= deadline) {
      return absl::DeadlineExceededError(
          absl::StrCat("process ", pid_, " still runs after ",
                       absl::FormatDuration(timeout)));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return absl::OkStatus();
}

void ChildProcess::Kill() {
  if (wait_status_.has_value()) return;
  kill(pid_, SIGKILL);
  int status = 0;
  pid_t reaped;
  do {
    reaped = waitpid(pid_, &status, 0);
  } while (reaped < 0 && errno == EINTR);
  // ECHILD (someone else reaped it) leaves a status that says killed.
  wait_status_ = reaped == pid_ ? status : SIGKILL;
}

int ChildProcess::exit_code() const {
  if (!wait_status_.has_value() || !WIFEXITED(*wait_status_)) return -1;
  return WEXITSTATUS(*wait_status_);
}

std::string ChildProcess::DescribeExit() const {
  if (!wait_status_.has_value()) return "is running";
  if (WIFEXITED(*wait_status_)) {
    return absl::StrCat("exited with status ", WEXITSTATUS(*wait_status_));
  }
  if (WIFSIGNALED(*wait_status_)) {
    const int signal = WTERMSIG(*wait_status_);
    return absl::StrCat("was killed by signal ", signal, " (",
                        strsignal(signal), ")");
  }
  return absl::StrCat("ended with wait status ", *wait_status_);
}

}  // namespace gogocache
