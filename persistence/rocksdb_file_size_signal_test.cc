// Copyright 2026 The gogocache Authors.
//
// file_util::ScopedFileSizeSignalBlock, which RocksDbStore wraps around every
// call into RocksDB that may write. Each case runs in a child process (fork):
// it lowers the file-size limit and leaves SIGXFSZ at its default action,
// which ends the process, so a case that goes wrong kills only the child.

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <functional>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "persistence/file_util.h"
#include "persistence/test_util.h"

namespace gogocache {
namespace {

using ::gogocache::file_util::ScopedFileSizeSignalBlock;
using ::gogocache::testing::FreshTestDir;

constexpr rlim_t kLimit = 4096;

// Exit codes of a child that found something wrong.
enum ChildFailure {
  kSetupFailed = 10,
  kWriteNotRefused,
  kWrongErrno,
  kLeftPending,
  kWrongMask,
  kErrnoChanged,
  kPendingLost,
  kThreadWriteNotRefused,
};

bool Pending() {
  sigset_t pending;
  sigemptyset(&pending);
  return sigpending(&pending) == 0 && sigismember(&pending, SIGXFSZ) == 1;
}

bool Blocked(int signal_number) {
  sigset_t mask;
  sigemptyset(&mask);
  pthread_sigmask(SIG_BLOCK, nullptr, &mask);
  return sigismember(&mask, signal_number) == 1;
}

void SetBlocked(int signal_number, bool blocked) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, signal_number);
  pthread_sigmask(blocked ? SIG_BLOCK : SIG_UNBLOCK, &set, nullptr);
}

// Writes kLimit + 1 bytes at the limit of `fd`'s file: -1 with EFBIG when
// the process survives the attempt.
ssize_t WritePastLimit(int fd) {
  const std::string bytes(kLimit + 1, 'x');
  return pwrite(fd, bytes.data(), bytes.size(), kLimit);
}

// Runs `child` in a child process whose file-size limit is kLimit, with
// SIGXFSZ at its default action and unblocked, and a file `fd` open for it
// to write; returns the child's wait status.
int RunInChild(const std::function<int(int fd)>& child) {
  const std::string path = FreshTestDir() + "/file";
  const pid_t pid = fork();
  if (pid == 0) {
    signal(SIGXFSZ, SIG_DFL);
    SetBlocked(SIGXFSZ, false);
    const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    struct rlimit limit;
    if (fd < 0 || getrlimit(RLIMIT_FSIZE, &limit) != 0) _exit(kSetupFailed);
    limit.rlim_cur = kLimit;
    if (setrlimit(RLIMIT_FSIZE, &limit) != 0) _exit(kSetupFailed);
    _exit(child(fd));
  }
  int status = 0;
  EXPECT_EQ(waitpid(pid, &status, 0), pid);
  return status;
}

std::string Describe(int status) {
  if (WIFSIGNALED(status)) {
    return absl::StrCat("killed by signal ", WTERMSIG(status), " (",
                        strsignal(WTERMSIG(status)), ")");
  }
  return absl::StrCat("exit status ", WEXITSTATUS(status));
}

void ExpectExitsZero(int status) {
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
      << Describe(status);
}

TEST(ScopedFileSizeSignalBlockTest, WithoutItAWritePastTheLimitKills) {
  const int status = RunInChild([](int fd) -> int {
    WritePastLimit(fd);
    return 0;
  });
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGXFSZ)
      << Describe(status);
}

TEST(ScopedFileSizeSignalBlockTest, AWritePastTheLimitFailsWithEfbig) {
  ExpectExitsZero(RunInChild([](int fd) -> int {
    {
      ScopedFileSizeSignalBlock block;
      if (WritePastLimit(fd) != -1) return kWriteNotRefused;
      if (errno != EFBIG) return kWrongErrno;
      // Kept through the destructor.
      errno = EFBIG;
    }
    if (errno != EFBIG) return kErrnoChanged;
    if (Pending()) return kLeftPending;
    if (Blocked(SIGXFSZ)) return kWrongMask;
    // Unblocked again: the default action is back.
    return 0;
  }));
}

TEST(ScopedFileSizeSignalBlockTest, ChangesNoOtherSignalAndNoDisposition) {
  ExpectExitsZero(RunInChild([](int fd) -> int {
    {
      ScopedFileSizeSignalBlock block;
      SetBlocked(SIGUSR1, true);
      WritePastLimit(fd);
    }
    if (!Blocked(SIGUSR1) || Blocked(SIGXFSZ)) return kWrongMask;
    struct sigaction action;
    if (sigaction(SIGXFSZ, nullptr, &action) != 0 ||
        action.sa_handler != SIG_DFL) {
      return kWrongMask;
    }
    return 0;
  }));
}

TEST(ScopedFileSizeSignalBlockTest, ASignalPendingBeforeIsLeftPending) {
  ExpectExitsZero(RunInChild([](int fd) -> int {
    SetBlocked(SIGXFSZ, true);
    pthread_kill(pthread_self(), SIGXFSZ);
    {
      ScopedFileSizeSignalBlock block;
      WritePastLimit(fd);
    }
    // Not the scope's to take, and still blocked: the caller blocked it.
    if (!Pending()) return kPendingLost;
    if (!Blocked(SIGXFSZ)) return kWrongMask;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGXFSZ);
    int taken = 0;
    if (sigwait(&set, &taken) != 0 || taken != SIGXFSZ) return kPendingLost;
    return 0;
  }));
}

TEST(ScopedFileSizeSignalBlockTest, NestedInACallersBlockConsumesItsOwn) {
  ExpectExitsZero(RunInChild([](int fd) -> int {
    SetBlocked(SIGXFSZ, true);
    {
      ScopedFileSizeSignalBlock outer;
      {
        ScopedFileSizeSignalBlock inner;
        if (WritePastLimit(fd) != -1 || errno != EFBIG) {
          return kWriteNotRefused;
        }
      }
      if (Pending()) return kLeftPending;
      if (!Blocked(SIGXFSZ)) return kWrongMask;
    }
    if (Pending()) return kLeftPending;
    if (!Blocked(SIGXFSZ)) return kWrongMask;
    return 0;
  }));
}

TEST(ScopedFileSizeSignalBlockTest, ThreadsStartedInTheScopeInheritTheBlock) {
  ExpectExitsZero(RunInChild([](int fd) -> int {
    int go[2];
    if (pipe(go) != 0) return kSetupFailed;
    std::thread writer;
    {
      ScopedFileSizeSignalBlock block;
      writer = std::thread([fd, &go] {
        char byte;
        if (read(go[0], &byte, 1) != 1) _exit(kSetupFailed);
        if (WritePastLimit(fd) != -1 || errno != EFBIG) {
          _exit(kThreadWriteNotRefused);
        }
      });
    }
    // The thread writes once the scope has ended, and the process lives.
    if (write(go[1], "x", 1) != 1) return kSetupFailed;
    writer.join();
    return Blocked(SIGXFSZ) ? kWrongMask : 0;
  }));
}

}  // namespace
}  // namespace gogocache
